"""The ledger against the reference model (tests/ledger_model.py) over random histories:
a committee with two branches lives through months of joins (also with past dates, and
through the import service), "213" relations, removals, transfers, standing changes,
meetings created, moved, cancelled and held (or never confirmed), roll calls, closed roll
calls reopened and corrected (bot/meetings/corrections.py), answers recorded by
officers, dues paid late or never, record starts moved back, and the clock crossing a
year, all driven through the domain services with the injected clock. Every figure the
bot computes must equal the model's (also who is invited, and the counts of /report
meeting and of the minutes), and the views must agree with each other (the year's and
branches' figures read counted and seat by seat).

CI runs a fixed seed with ``CHIBO_LEDGER_EXAMPLES`` histories (default 300).
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from bot.core.access import Actor
from bot.core.clock import FakeClock
from bot.core.config import Config
from bot.core.hooks import MeetingCounts
from bot.core.services import Services
from bot.meetings import corrections, minutes, rollcall
from bot.meetings.service import answer_for, cancel_meeting, create_meeting, move_meeting
from bot.members import dues
from bot.members.member_import import apply_member_import, parse_members, plan_member_import
from bot.members.service import move_member, remove_member, toggle_flag
from bot.reports import jobs, render, service
from bot.reports.record import set_record_start
from bot.reports.scope import Scope
from bot.texts import Texts, t
from storage import marks, people, units
from storage import meetings as meeting_store
from storage.db import Database, open_database
from tests.ledger_model import MMembership, Model
from tests.unit.test_import_corpus import xlsx

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
EXAMPLES = int(os.environ.get("CHIBO_LEDGER_EXAMPLES", "300"))
BEGIN = datetime(2026, 9, 1, 8, 0, tzinfo=TZ)
KINDS = ("regular", "regular", "regular", "thematic", "extraordinary")
MARKS = ("present", "excused", "unexcused")

Op = tuple[Any, ...]

ops = st.lists(st.one_of(
    st.tuples(st.just("advance"), st.integers(1, 25), st.integers(0, 13)),
    st.tuples(st.just("join"), st.integers(0, 1), st.integers(0, 150),
              st.sampled_from((None, None, None, "213", "away"))),
    st.tuples(st.just("join213"), st.integers(0, 9), st.integers(0, 1)),
    # An officer records a member's answer to an upcoming meeting (phoned in).
    st.tuples(st.just("answer"), st.integers(0, 9), st.integers(0, 9), st.booleans()),
    # Through the import service, "Ngày chuyển đến" up to 150 days back.
    st.tuples(st.just("import"), st.integers(0, 1), st.integers(0, 150)),
    st.tuples(st.just("remove"), st.integers(0, 9)),
    st.tuples(st.just("transfer"), st.integers(0, 9)),
    st.tuples(st.just("away"), st.integers(0, 9)),
    st.tuples(st.just("meeting"), st.integers(0, 1), st.integers(1, 30), st.integers(0, 4)),
    st.tuples(st.just("cancel"), st.integers(0, 9)),
    st.tuples(st.just("move"), st.integers(0, 9), st.integers(1, 9)),
    st.tuples(st.just("rollcall"), st.integers(0, 9),
              st.lists(st.sampled_from(MARKS), min_size=1, max_size=6)),
    st.tuples(st.just("pay"), st.integers(0, 9), st.integers(0, 5)),
    # A closed roll call reopened, marks changed, closed again (or left open: still held).
    st.tuples(st.just("correct"), st.integers(0, 9),
              st.lists(st.sampled_from(MARKS), min_size=1, max_size=6), st.booleans()),
    st.tuples(st.just("recordstart"), st.integers(0, 1), st.integers(1, 8)),
    # A meeting created, held a day later and its roll call closed: the common case.
    st.tuples(st.just("held"), st.integers(0, 1), st.integers(0, 4),
              st.lists(st.sampled_from(MARKS), min_size=1, max_size=6)),
    st.tuples(st.just("held"), st.integers(0, 1), st.just(0),
              st.lists(st.sampled_from(MARKS), min_size=1, max_size=6)),
), min_size=12, max_size=45)


@dataclass
class World:
    services: Services
    clock: FakeClock
    branches: list[int]
    secretaries: dict[int, Actor]
    committee: int
    model: Model
    people: list[int] = field(default_factory=list)  # joined members, not secretaries
    meetings: list[int] = field(default_factory=list)
    years: set[int] = field(default_factory=set)
    correcting: set[int] = field(default_factory=set)  # roll calls reopened, not closed

    def sync(self) -> None:
        self.model.now = self.clock.now()
        self.years.add(self.clock.now().astimezone(TZ).year)


async def setup(db: Database) -> World:
    clock = FakeClock(BEGIN)
    services = Services(config=Config(), db=db, clock=clock)
    model = Model(now=clock.now())
    now = clock.now()
    async with db.transaction() as conn:
        committee = await units.create_unit(conn, kind="committee", name="Đảng ủy", parent_id=None,
                                            now=now, record_start=date(2026, 9, 1))
        branches, secretaries = [], {}
        for n in range(2):
            branch = await units.create_unit(conn, kind="branch", name=f"Chi bộ {n + 1}",
                                             parent_id=committee, now=now,
                                             record_start=date(2026, 9, 1))
            pid = await people.add_person(conn, full_name=f"Bí thư {n + 1}",
                                          name_key=f"bí thư {n + 1}", now=now)
            await people.add_membership(conn, person_id=pid, unit_id=branch, now=now,
                                        role="secretary", admitted_on=date(2000, 1, 1),
                                        official_on=date(2001, 1, 1))
            await people.bind_telegram(conn, pid, 7000 + n)
            branches.append(branch)
            secretaries[branch] = Actor(telegram_user_id=7000 + n, person_id=pid,
                                        branch_roles={branch: "secretary"})
            model.created[branch] = now
            model.record_start[branch] = date(2026, 9, 1)
            model.join(pid, branch, now)
    world = World(services, clock, branches, secretaries, committee, model)
    world.sync()
    return world


async def membership_id(world: World, person: int, branch: int) -> int:
    row = await people.member(world.services.db, branch, person)
    assert row is not None
    return row.membership_id


def pick(items: list[int], index: int) -> int | None:
    return items[index % len(items)] if items else None


async def step(world: World, op: Op) -> None:
    services, model = world.services, world.model
    now = world.clock.now()
    today = now.astimezone(TZ).date()
    kind = op[0]
    if kind == "advance":
        world.clock.set(now + timedelta(days=int(op[1]), hours=int(op[2])))
    elif kind == "join":
        branch = world.branches[int(op[1])]
        day = today - timedelta(days=int(op[2]))
        start = datetime.combine(day, time(), tzinfo=TZ)
        flag = op[3]
        async with services.db.transaction() as conn:
            name = f"Đảng viên {len(world.people) + 1}"
            pid = await people.add_person(conn, full_name=name, name_key=name.casefold(),
                                          now=now)
            mid = await people.add_membership(conn, person_id=pid, unit_id=branch, now=now,
                                              joined_at=start, is_213=flag == "213",
                                              admitted_on=date(2010, 1, 1),
                                              official_on=date(2011, 1, 1))
            if flag == "away":
                await people.set_flag(conn, mid, "away", True)
        world.people.append(pid)
        model.join(pid, branch, start.astimezone(UTC), is_213=flag == "213",
                   away=flag == "away")
    elif kind == "answer":
        upcoming = pick([m for m in world.meetings if model.meetings[m].state == "scheduled"
                         and model.meetings[m].starts > now], int(op[1]))
        if upcoming is None:
            return
        invited = sorted(model.meetings[upcoming].invited)
        person = pick(invited, int(op[2]))
        if person is None:
            return
        await answer_for(services, world.secretaries[model.meetings[upcoming].branch],
                         upcoming, person, "attend" if op[3] else "absent",
                         None if op[3] else "Đi công tác")
    elif kind == "import":
        branch = world.branches[int(op[1])]
        day = today - timedelta(days=int(op[2]))
        name = f"Đảng viên {len(world.people) + 1}"
        data = xlsx([["Họ và tên", "Ngày vào Đảng", "Ngày chuyển đến"],
                     [name, "01/01/2010", day.strftime("%d/%m/%Y")]])
        officer = world.secretaries[branch]
        plan = await plan_member_import(services, officer, branch,
                                        parse_members("dv.xlsx", data, today), "vi")
        if not plan.valid:
            return
        await apply_member_import(services, officer, plan)
        [pid] = [m.person_id for m in await people.members_of(services.db, branch)
                 if m.full_name == name]
        world.people.append(pid)
        model.join(pid, branch, datetime.combine(day, time(), tzinfo=TZ).astimezone(UTC),
                   invited_at_once=True)
    elif kind == "join213":
        person = pick(world.people, int(op[1]))
        branch = world.branches[int(op[2])]
        if person is None or model.active(person) is None or any(
                m.person == person and m.branch == branch for m in model.memberships):
            return
        async with services.db.transaction() as conn:
            await people.add_membership(conn, person_id=person, unit_id=branch, now=now,
                                        is_213=True)
        model.join(person, branch, now, is_213=True)
    elif kind in ("remove", "transfer", "away", "pay"):
        person = pick(world.people, int(op[1]))
        if person is None:
            return
        held = model.active(person)
        if held is None:
            return
        actor = world.secretaries[held.branch]
        mid = await membership_id(world, person, held.branch)
        if kind == "remove":
            await remove_member(services, actor, mid)
            model.end(person, held.branch, "left")
        elif kind == "transfer":
            target = next(b for b in world.branches if b != held.branch)
            await move_member(services, actor, mid, target)
            model.transfer(person, held.branch, target)
        elif kind == "away":
            await toggle_flag(services, actor, mid, "away")
            held.away = not held.away
        else:
            back = int(op[2])
            month = date(today.year, today.month, 1)
            for _ in range(back):
                month = (month - timedelta(days=1)).replace(day=1)
            period = month.strftime("%Y-%m")
            await dues.toggle(services, actor, mid, period)
            key = (person, held.branch, period)
            model.paid.symmetric_difference_update({key})
    elif kind == "held":
        await step(world, ("meeting", op[1], 1, op[2]))
        world.clock.set(world.clock.now() + timedelta(days=1, hours=14))
        await step(world, ("rollcall", 0, op[3]))
    elif kind == "meeting":
        branch = world.branches[int(op[1])]
        day = today + timedelta(days=int(op[2]))
        starts = datetime.combine(day, time(19, len(world.meetings) % 60), tzinfo=TZ)
        meeting_kind = KINDS[int(op[3]) % len(KINDS)]
        meeting = await create_meeting(services, world.secretaries[branch], unit_id=branch,
                                       kind=meeting_kind, starts_at=starts, place=None,
                                       agenda="Nội dung")
        assert meeting is not None
        world.meetings.append(meeting.id)
        model.create_meeting(meeting.id, branch, meeting_kind, starts.astimezone(UTC))
    elif kind in ("cancel", "move", "rollcall"):
        # Among the meetings this can apply to: upcoming ones, or started ones to close.
        started = kind == "rollcall"
        candidates = [m for m in world.meetings if model.meetings[m].state == "scheduled"
                      and (model.meetings[m].starts <= now) == started]
        mid = pick(candidates, int(op[1]))
        if mid is None:
            return
        meeting = model.meetings[mid]
        actor = world.secretaries[meeting.branch]
        if kind in ("cancel", "move"):
            if kind == "cancel":
                await cancel_meeting(services, actor, mid)
                meeting.state = "cancelled"
            else:
                new = meeting.starts + timedelta(days=int(op[2]))
                await move_meeting(services, actor, mid, new)
                meeting.starts = new
            return
        await mark_all(world, mid, list(op[2]))
        await rollcall.close_rollcall(services, actor, mid)
        meeting.state = "closed"
    elif kind == "correct":
        # Through the same domain functions the correction buttons use.
        closed = pick([m for m in world.meetings if model.meetings[m].state == "closed"],
                      int(op[1]))
        if closed is None:
            return
        officer = world.secretaries[model.meetings[closed].branch]
        if closed not in world.correcting:
            await corrections.reopen(services, officer, closed, "Đồng chí đã gọi điện báo ốm")
            world.correcting.add(closed)
        await mark_all(world, closed, list(op[2]))
        if op[3]:
            await corrections.close(services, officer, closed)
            world.correcting.discard(closed)
    elif kind == "recordstart":
        branch = world.branches[int(op[1])]
        day = date(today.year, today.month, 1)
        for _ in range(int(op[2])):
            day = (day - timedelta(days=1)).replace(day=1)
        await set_record_start(services, world.secretaries[branch], day)
        model.move_record_start(branch, day)
    world.sync()


async def mark_all(world: World, mid: int, marks: list[str]) -> None:
    """Tap each row of the roll call until it shows its mark (``marks`` in turn)."""
    meeting = world.model.meetings[mid]
    actor = world.secretaries[meeting.branch]
    roll = await rollcall.open_rollcall(world.services, actor, mid)
    for n, row in enumerate(roll.rows):
        wanted = marks[n % len(marks)]
        status = row.status
        while status != wanted:
            status = (await rollcall.toggle(world.services, actor, mid, row.person_id)).status
        meeting.marks[row.person_id] = wanted


async def check(world: World) -> None:
    """Every figure equals the model's; every view agrees with every other."""
    services, model = world.services, world.model
    branch_rows = await units.branches_of_committee(services.db, world.committee)
    committee = await units.get_unit(services.db, world.committee)
    for year in sorted(world.years):
        scope = Scope(branch_rows, committee, "all")
        branches = {b.unit_id: b for b in await service.compute_branches(services, scope, year)}
        # The counted reading (groups of seats) says what the seat-by-seat reading says.
        detailed = await service.book_of(services, scope, year)
        assert await service.compute_branches(services, scope, year, detailed) == list(
            branches.values())
        assert (await service.compute_year(services, scope, year, detailed)).members == (
            await service.compute_year(services, scope, year)).members
        for unit in branch_rows:
            expected = model.branch_year(unit.id, year)
            got = branches[unit.id]
            assert sorted(m for m, n in got.regular_by_month.items() if n) == expected["held"]
            assert got.missing_months == expected["missing"]
            assert got.pending_month == expected["pending"]
            assert len(got.unconfirmed) == expected["unconfirmed"]
            assert (got.counted_present, got.counted_invited) == expected["counted"]
            report = await service.compute_year(services, Scope([unit], None, unit.name), year)
            # The year report and the branches report: the same rate.
            assert (sum(r.counted_present for r in report.members),
                    sum(r.counted_invited for r in report.members)) == expected["counted"]
            rows = {r.person_id: r for r in report.members}
            periods: dict[int, list[MMembership]] = {}
            for m in model.in_year_memberships(unit.id, year):
                periods.setdefault(m.person, []).append(m)
            assert sorted(rows) == sorted(periods)  # one row per person, every period
            for person, mine in periods.items():
                row, counts = rows[person], model.counts(mine, year)
                latest = max(mine, key=lambda x: x.start)
                assert (row.present, row.excused, row.unexcused) == (
                    counts["present"], counts["excused"], counts["unexcused"]), mine
                assert (row.counted_present, row.counted_invited) == (counts["cp"],
                                                                      counts["ci"])
                official = any(not m.is_213 for m in mine)
                months = model.violation_months(person, year) if official else []
                assert row.violation_months == months, (mine, year)
                assert row.left == (None if latest.state == "active" else latest.state)
        persons = {m.person for m in model.memberships}
        for person in persons:
            states = await dues.dues_states(services, person, year)
            expected_states = {mo: model.dues_state(person, mo) for mo in model.months(year)}
            assert states == {mo: s for mo, s in expected_states.items() if s != "none"}, person
            # One person's ledger (the member report, /me) says what the scope's says.
            book = await service.book_of(services, Scope([], None, ""), year, person)
            assert [c.month for c in book.causes(person)] == model.violation_months(person,
                                                                                    year)


async def check_meetings(world: World) -> None:
    """/report meeting and the minutes count, for every held meeting in the record, the
    members the model counts (every figure reads the ledger)."""
    services, model = world.services, world.model
    for mid, meeting in model.meetings.items():
        if meeting.state != "cancelled":  # who was invited (late joiners, transfers)
            invited = {i.person_id for i in await meeting_store.invitations(services.db, mid)
                       if i.capacity == "member"}
            assert invited == set(meeting.invited), (mid, meeting)
        if meeting.state != "closed" or model.local(meeting.starts) < model.record_start[
                meeting.branch] or mid in world.correcting:
            continue  # (the minutes wait for a corrected roll call to close again)
        expected = model.meeting_attendance(meeting)
        actor = world.secretaries[meeting.branch]
        facts = await minutes.gather(services, actor, mid, "vi")
        assert _marks(facts.counts) == expected, (mid, meeting)
        report = await service.meeting_report(services, actor, None, mid)
        assert _marks(report.counts) == expected, (mid, meeting)
        # The text the officers read shows the same figures.
        present, excused, unexcused = expected
        assert t("vi", "minutes_present", present=present, total=sum(expected),
                 absent=excused + unexcused) in render.meeting_text(
            report, Texts("vi"), TZ), (mid, meeting)


def _marks(counts: MeetingCounts) -> tuple[int, int, int]:
    return counts.present, counts.excused, counts.unexcused


async def check_warnings(world: World) -> None:
    """The warnings the officers hold equal the model's level of each current member."""
    services, model = world.services, world.model
    today = world.clock.now().astimezone(TZ).date()
    for branch in world.branches:
        unit = await units.get_unit(services.db, branch)
        assert unit is not None
        await jobs.review_branch(services, unit)
        for year in jobs.years_under_review(today, services.config.dues.due_day):
            for m in model.memberships:
                if m.branch != branch or m.state != "active" or m.is_213:
                    continue
                held = await marks.with_prefix(services.db, f"rule24:{branch}:{m.person}:"
                                                            f"{year}:")
                levels = {key.rsplit(":", 1)[1] for key in held}
                expected = model.level(m.person, year)
                top = "flag" if "flag" in levels else "warn" if "warn" in levels else "ok"
                assert top == expected, (m, year, levels)


async def run_history(history: list[Op]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = await open_database(Path(folder) / "ledger.sqlite3")
        try:
            world = await setup(db)
            for op in history:
                await step(world, op)
                # Life goes on between two events: two days and a few hours.
                world.clock.set(world.clock.now() + timedelta(days=2, hours=5))
                world.sync()
            await check(world)
            await check_meetings(world)
            await check_warnings(world)
            # The clock crosses into the next year: the previous year's figures still hold.
            world.clock.set(world.clock.now() + timedelta(days=120))
            world.sync()
            await check(world)
            await check_warnings(world)
        finally:
            await db.close()


@seed(20)
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(ops)
def test_the_ledger_equals_the_reference_model(history: list[Op]) -> None:
    asyncio.run(run_history(history))


# --- shrunk counterexamples found while building, kept as named regressions -------------------


def test_a_member_transferred_in_counts_at_a_meeting_created_before_the_transfer() -> None:
    """Found after merging the lifecycle flows: a member transferred in is now invited at
    once to the branch's upcoming meetings (docs/rules.md, "Late joiners, transfers, guests"); the
    model invited only those present when a meeting was created, and disagreed with the
    ledger on the receiving branch's rate and the member's row."""
    asyncio.run(run_history([
        ("remove", 0), ("remove", 0), ("advance", 1, 0), ("join", 1, 0, None),
        ("away", 0), ("advance", 1, 0), ("advance", 1, 0), ("advance", 1, 0),
        ("meeting", 0, 6, 0), ("transfer", 0), ("advance", 1, 0),
        ("held", 0, 0, ["present"]),
    ]))


def test_a_member_removed_after_the_invitations_is_no_longer_invited() -> None:
    """Found when the property test began to compare who is invited and to
    join people through the import service: a member imported, moved there and back,
    then removed before a meeting keeps no invitation to it (the bot withdraws the
    branch's upcoming invitations); the model had kept it."""
    asyncio.run(run_history([
        ("advance", 1, 0), ("advance", 1, 0), ("advance", 1, 0), ("advance", 1, 0),
        ("advance", 1, 0), ("advance", 1, 0), ("import", 0, 0), ("transfer", 0),
        ("transfer", 0), ("away", 0), ("meeting", 0, 2, 0), ("remove", 0),
    ]))
