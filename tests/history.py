"""A seeded history of a committee: branches, members, months of meetings with answers
and roll calls, households with monthly reports, and dues. Written with batched SQL so
the benchmark's 5,000 members and 24 months load in seconds. Deterministic per seed."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from storage.db import Connection, Database
from storage.timefmt import to_db

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass
class History:
    committee_id: int
    branch_ids: list[int]
    secretary_tg: dict[int, int]  # branch -> secretary's Telegram id
    committee_officer_tg: int
    members: dict[int, list[int]] = field(default_factory=dict)  # branch -> person ids


def _months(first: date, count: int) -> list[tuple[int, int]]:
    year, month, result = first.year, first.month, []
    for _ in range(count):
        result.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return result


async def seed_history(db: Database, *, branches: int, members_per_branch: int,
                       first_month: date, months: int, households_per_member: int = 1,
                       seed: int = 7, first_tg: int = 10_000) -> History:
    rng = random.Random(seed)
    now = to_db(datetime(first_month.year, first_month.month, 1, tzinfo=UTC))
    async with db.transaction() as conn:
        start = first_month.replace(day=1).isoformat()  # the record starts with the history
        cur = await conn.execute(
            "INSERT INTO units (kind, name, created_at, record_start) "
            "VALUES ('committee', ?, ?, ?) RETURNING id", ("Đảng ủy xã Tân Lập", now, start))
        committee = int(cur.lastrowid or 0)
        tg = first_tg
        # The committee officer who follows every branch.
        cur = await conn.execute(
            "INSERT INTO people (full_name, name_key, telegram_user_id, created_at) "
            "VALUES (?, ?, ?, ?) RETURNING id",
            ("Lê Văn Thường Trực", "lê văn thường trực", tg, now))
        officer = int(cur.lastrowid or 0)
        officer_tg = tg
        tg += 1
        await conn.execute("INSERT INTO committee_officers (person_id, unit_id, role, since) "
                           "VALUES (?, ?, 'standing', ?)", (officer, committee, now))
        history = History(committee, [], {}, officer_tg)
        people_rows, member_rows = [], []
        next_person = int(await db.fetch_value("SELECT coalesce(max(id), 0) FROM people")) + 1
        for b in range(branches):
            cur = await conn.execute(
                "INSERT INTO units (kind, name, parent_id, created_at, record_start) "
                "VALUES ('branch', ?, ?, ?, ?) RETURNING id",
                (f"Chi bộ Thôn {b + 1:02d}", committee, now, start))
            branch = int(cur.lastrowid or 0)
            history.branch_ids.append(branch)
            history.members[branch] = []
            await conn.execute("INSERT INTO followers (person_id, unit_id, since) VALUES (?, ?, ?)",
                               (officer, branch, now))
            for i in range(members_per_branch):
                pid = next_person
                next_person += 1
                name = f"Đảng viên {b + 1:02d}-{i + 1:03d}"
                people_rows.append((pid, name, name.casefold(), tg, now))
                role = "secretary" if i == 0 else "member"
                if i == 0:
                    history.secretary_tg[branch] = tg
                admitted = date(2000 + rng.randrange(25), rng.randrange(1, 13), 15)
                probation = i % 25 == 1
                if probation:
                    admitted = first_month + timedelta(days=30 * months - rng.randrange(30, 400))
                official = None if probation else (admitted + timedelta(days=366)).isoformat()
                away = int(rng.random() < 0.05 and i > 0)
                is_213 = int(not away and rng.random() < 0.02 and i > 0)
                member_rows.append((pid, branch, role, admitted.isoformat(), official, away,
                                    is_213, now))
                history.members[branch].append(pid)
                tg += 1
        await conn.executemany(
            "INSERT INTO people (id, full_name, name_key, telegram_user_id, created_at) "
            "VALUES (?, ?, ?, ?, ?)", people_rows)
        await conn.executemany(
            "INSERT INTO memberships (person_id, unit_id, role, admitted_on, official_on, "
            "is_away, is_213, joined_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", member_rows)
        standing = {r[0]: ("away" if r[5] else "213" if r[6] else None) for r in member_rows}
        await _meetings(conn, rng, history, officer, standing, first_month, months, now, db)
        await _households(conn, rng, history, households_per_member, first_month, months, now)
        await _dues(conn, rng, history, standing, first_month, months)
    return history


async def _meetings(conn: Connection, rng: random.Random, history: History, officer: int,
                    standing: dict[int, str | None], first: date, months: int, now: str,
                    db: Database) -> None:
    meeting_id = int(await db.fetch_value("SELECT coalesce(max(id), 0) FROM meetings")) + 1
    meetings, invitations, attendance = [], [], []
    for year, month in _months(first, months):
        for branch in history.branch_ids:
            plans = [("regular", datetime(year, month, 10, 19, 30, tzinfo=TZ), 90)]
            if month % 3 == 2:
                plans.append(("thematic", datetime(year, month, 20, 19, 30, tzinfo=TZ), 90))
            for kind, starts, minutes in plans:
                if rng.random() < 0.03:
                    continue  # a month or quarter the branch did not meet
                mid = meeting_id
                meeting_id += 1
                meetings.append((mid, branch, kind, to_db(starts), minutes, "Hội trường",
                                 "Nội dung" if kind == "regular" else "Chuyên đề", "closed",
                                 now, now))
                for pid in history.members[branch]:
                    st = standing[pid]
                    roll = rng.random()
                    if st is not None:
                        answer, status, reason = None, "excused", None
                    elif roll < 0.85:
                        answer, status, reason = "attend", "present", None
                    elif roll < 0.93:
                        answer, status, reason = "absent", "excused", "Ốm"
                    else:
                        answer, status, reason = None, "unexcused", None
                    invitations.append((mid, pid, "member", st, answer,
                                        reason if answer == "absent" else None))
                    attendance.append((mid, pid, status, reason, now))
                present = rng.random() < 0.57
                invitations.append((mid, officer, "follower", None,
                                    "attend" if present else None, None))
                attendance.append((mid, officer, "present" if present else "excused", None, now))
    await conn.executemany(
        "INSERT INTO meetings (id, unit_id, kind, starts_at, duration_min, place, agenda, state, "
        "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", meetings)
    await conn.executemany(
        "INSERT INTO invitations (meeting_id, person_id, capacity, standing, answer, reason) "
        "VALUES (?, ?, ?, ?, ?, ?)", invitations)
    await conn.executemany(
        "INSERT INTO attendance (meeting_id, person_id, status, reason, recorded_at) "
        "VALUES (?, ?, ?, ?, ?)", attendance)


async def _households(conn: Connection, rng: random.Random, history: History, per_member: int,
                      first: date, months: int, now: str) -> None:
    households, assignments, reports = [], [], []
    hid = 1
    for branch in history.branch_ids:
        for pid in history.members[branch]:
            for k in range(per_member):
                head = f"Hộ {pid}-{k + 1}"
                households.append((hid, branch, head, head.casefold(), now))
                assignments.append((hid, pid, first.isoformat()))
                for year, month in _months(first, months):
                    if rng.random() < 0.9:
                        problem = rng.random() < 0.05
                        reports.append((hid, f"{year}-{month:02d}", pid,
                                        "problem" if problem else "normal",
                                        "Cần hỗ trợ" if problem else None, now))
                hid += 1
    await conn.executemany(
        "INSERT INTO households (id, unit_id, head_name, name_key, created_at) "
        "VALUES (?, ?, ?, ?, ?)", households)
    await conn.executemany(
        "INSERT INTO assignments (household_id, person_id, from_date) VALUES (?, ?, ?)",
        assignments)
    await conn.executemany(
        "INSERT INTO duty_reports (household_id, period, person_id, status, note, reported_at) "
        "VALUES (?, ?, ?, ?, ?, ?)", reports)


async def _dues(conn: Connection, rng: random.Random, history: History,
                standing: dict[int, str | None], first: date, months: int) -> None:
    rows = []
    for year, month in _months(first, months):
        paid_at = to_db(datetime(year, month, 5, 3, 0, tzinfo=UTC))
        for branch in history.branch_ids:
            for pid in history.members[branch]:
                if standing[pid] is None and rng.random() < 0.95:
                    rows.append((pid, branch, f"{year}-{month:02d}", 20_000, paid_at))
    await conn.executemany(
        "INSERT INTO dues (person_id, unit_id, period, amount, paid_at) VALUES (?, ?, ?, ?, ?)",
        rows)
