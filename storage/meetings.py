"""Meetings, invitations (answers) and attendance."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from storage.db import Connection, Database, Row
from storage.periods import in_period
from storage.timefmt import from_db, to_db


@dataclass(frozen=True, slots=True)
class MeetingRow:
    id: int
    unit_id: int
    kind: str  # regular | thematic | combined | extraordinary
    starts_at: datetime
    duration_min: int
    place: str | None
    agenda: str | None
    state: str  # scheduled | cancelled | closed
    auto_month: str | None
    updated_at: datetime
    held_from: datetime | None = None  # actual start and end, taken at the roll call
    held_until: datetime | None = None
    chair_id: int | None = None
    secretary_id: int | None = None
    correction_reason: str | None = None  # set while a closed roll call is reopened
    entered_later: bool = False  # a past meeting entered after the fact

    @property
    def planned_end(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_min)

    @property
    def length_min(self) -> int:
        """The actual length once the roll call took it, else the planned one."""
        return held_length(self.held_from, self.held_until, self.duration_min)


def held_length(held_from: datetime | None, held_until: datetime | None, planned: int) -> int:
    """Minutes the meeting lasted: actual when recorded, else the plan (older records)."""
    if held_from is None or held_until is None:
        return planned
    return max(0, int((held_until - held_from).total_seconds()) // 60)


@dataclass(frozen=True, slots=True)
class InvitationRow:
    meeting_id: int
    person_id: int
    full_name: str
    telegram_user_id: int | None
    capacity: str  # member | follower
    standing: str | None  # away | exempt | 213
    answer: str | None  # attend | absent
    reason: str | None
    recorded_by_name: str | None = None  # the officer who recorded it for the member
    on_zalo: bool = False  # reached on Zalo, their preferred channel

    @property
    def has_telegram(self) -> bool:
        """The bot can write to them (Telegram, or Zalo): no 📵 mark, no phoning."""
        return self.telegram_user_id is not None or self.on_zalo


@dataclass(frozen=True, slots=True)
class AttendanceRow:
    person_id: int
    full_name: str
    capacity: str
    standing: str | None
    status: str  # present | excused | unexcused
    reason: str | None
    has_telegram: bool = True  # reachable by the bot: Telegram, or Zalo
    late: bool = False
    on_zalo: bool = False  # reached on Zalo, their preferred channel


_M_COLS = ("id, unit_id, kind, starts_at, duration_min, place, agenda, state, auto_month, "
           "updated_at, held_from, ended_at, chair_id, secretary_id, correction_reason, "
           "entered_later")


def _maybe(value: str | None) -> datetime | None:
    return from_db(value) if value else None


def _meeting(r: Row) -> MeetingRow:
    return MeetingRow(r["id"], r["unit_id"], r["kind"], from_db(r["starts_at"]),
                      r["duration_min"], r["place"], r["agenda"], r["state"], r["auto_month"],
                      from_db(r["updated_at"]), _maybe(r["held_from"]), _maybe(r["ended_at"]),
                      r["chair_id"], r["secretary_id"], r["correction_reason"],
                      bool(r["entered_later"]))


async def create(
    conn: Connection, *, unit_id: int, kind: str, starts_at: datetime,
    duration_min: int, place: str | None, agenda: str | None, created_by: int | None,
    now: datetime, auto_month: str | None = None,
) -> int | None:
    """The new meeting's id; None when the month's scheduled meeting already exists."""
    cur = await conn.execute(
        "INSERT INTO meetings (unit_id, kind, starts_at, duration_min, place, agenda, "
        "auto_month, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (unit_id, auto_month) DO NOTHING",
        (unit_id, kind, to_db(starts_at), duration_min, place, agenda, auto_month, created_by,
         to_db(now), to_db(now)),
    )
    return int(cur.lastrowid) if cur.rowcount == 1 and cur.lastrowid else None


async def get(db: Database, meeting_id: int) -> MeetingRow | None:
    row = await db.fetch_one(f"SELECT {_M_COLS} FROM meetings WHERE id = ?", (meeting_id,))
    return None if row is None else _meeting(row)


async def of_unit(db: Database, unit_id: int, *, since: datetime | None = None,
                  until: datetime | None = None, states: Sequence[str] = ("scheduled",),
                  newest_first: bool = False, limit: int = 50) -> list[MeetingRow]:
    marks = ",".join("?" * len(states))
    sql = f"SELECT {_M_COLS} FROM meetings WHERE unit_id = ? AND state IN ({marks})"
    params: list[object] = [unit_id, *states]
    if since is not None:
        sql += " AND starts_at >= ?"
        params.append(to_db(since))
    if until is not None:
        sql += " AND starts_at < ?"
        params.append(to_db(until))
    sql += f" ORDER BY starts_at {'DESC' if newest_first else 'ASC'}, id LIMIT ?"
    params.append(limit)
    return [_meeting(r) for r in await db.fetch_all(sql, params)]


async def scheduled_between(db: Database, since: datetime, until: datetime) -> list[MeetingRow]:
    rows = await db.fetch_all(
        f"SELECT {_M_COLS} FROM meetings WHERE state = 'scheduled' AND starts_at >= ? "
        "AND starts_at < ? ORDER BY starts_at", (to_db(since), to_db(until)))
    return [_meeting(r) for r in rows]


async def has_meeting_in(db: Database, unit_id: int, kinds: tuple[str, ...], since: datetime,
                         until: datetime) -> bool:
    """Whether a (not cancelled) meeting of these kinds starts in [since, until)."""
    marks = ",".join("?" * len(kinds))
    value = await db.fetch_value(
        f"SELECT 1 FROM meetings WHERE unit_id = ? AND kind IN ({marks}) AND state != "
        "'cancelled' AND starts_at >= ? AND starts_at < ? LIMIT 1",
        (unit_id, *kinds, to_db(since), to_db(until)))
    return value is not None


async def auto_exists(db: Database, unit_id: int, month: str) -> bool:
    value = await db.fetch_value(
        "SELECT 1 FROM meetings WHERE unit_id = ? AND auto_month = ?", (unit_id, month))
    return value is not None


async def set_time(conn: Connection, meeting_id: int, starts_at: datetime,
                   now: datetime) -> None:
    await conn.execute("UPDATE meetings SET starts_at = ?, updated_at = ? WHERE id = ?",
                       (to_db(starts_at), to_db(now), meeting_id))


async def set_details(conn: Connection, meeting_id: int, *, starts_at: datetime,
                      place: str | None, agenda: str | None, now: datetime) -> None:
    """A move: time, place and agenda together."""
    await conn.execute("UPDATE meetings SET starts_at = ?, place = ?, agenda = ?, updated_at = ? "
                       "WHERE id = ?", (to_db(starts_at), place, agenda, to_db(now), meeting_id))


async def set_held(conn: Connection, meeting_id: int, held_from: datetime,
                   held_until: datetime) -> None:
    """The actual start and end, as taken at the roll call."""
    await conn.execute("UPDATE meetings SET held_from = ?, ended_at = ? WHERE id = ?",
                       (to_db(held_from), to_db(held_until), meeting_id))


async def set_officers(conn: Connection, meeting_id: int, *, chair_id: int | None,
                       secretary_id: int | None) -> None:
    """Who chaired the meeting and who kept the minutes."""
    await conn.execute("UPDATE meetings SET chair_id = ?, secretary_id = ? WHERE id = ?",
                       (chair_id, secretary_id, meeting_id))


async def set_correction(conn: Connection, meeting_id: int, reason: str | None,
                         now: datetime) -> None:
    """Reopen a closed roll call for a correction (``reason``), or close it again (None)."""
    state = "scheduled" if reason is not None else "closed"
    await conn.execute(
        "UPDATE meetings SET state = ?, correction_reason = ?, updated_at = ? WHERE id = ?",
        (state, reason, to_db(now), meeting_id))


async def set_entered_later(conn: Connection, meeting_id: int) -> None:
    await conn.execute("UPDATE meetings SET entered_later = 1 WHERE id = ?", (meeting_id,))


async def set_state(conn: Connection, meeting_id: int, state: str,
                    now: datetime) -> None:
    closed = to_db(now) if state == "closed" else None
    await conn.execute(
        "UPDATE meetings SET state = ?, updated_at = ?, closed_at = coalesce(?, closed_at) "
        "WHERE id = ?", (state, to_db(now), closed, meeting_id))


async def combine(conn: Connection, meeting_id: int, topic: str, duration_min: int,
                  now: datetime) -> None:
    """A thematic topic joined to a regular meeting held in the same session."""
    await conn.execute(
        "UPDATE meetings SET kind = 'combined', "
        "duration_min = CASE WHEN duration_min > ? THEN duration_min ELSE ? END, "
        "agenda = coalesce(agenda || ' — ', '') || ?, updated_at = ? WHERE id = ?",
        (duration_min, duration_min, topic, to_db(now), meeting_id))


# --- invitations ------------------------------------------------------------------------------


async def invite(conn: Connection, meeting_id: int,
                 invitees: Sequence[tuple[int, str, str | None]]) -> None:
    """(person id, capacity, standing) each; inviting twice keeps the first row."""
    await conn.executemany(
        "INSERT INTO invitations (meeting_id, person_id, capacity, standing) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (meeting_id, person_id) DO NOTHING",
        [(meeting_id, p, c, s) for p, c, s in invitees],
    )


_I_SELECT = (
    "SELECT i.meeting_id, i.person_id, p.full_name, p.telegram_user_id, i.capacity, "
    "i.standing, i.answer, i.reason, rb.full_name AS recorded_by_name, "
    "(p.zalo_user_id IS NOT NULL AND p.channel = 'zalo') AS on_zalo FROM invitations i "
    "JOIN people p ON p.id = i.person_id LEFT JOIN people rb ON rb.id = i.recorded_by "
)


def _invitation(r: Row) -> InvitationRow:
    return InvitationRow(r["meeting_id"], r["person_id"], r["full_name"], r["telegram_user_id"],
                         r["capacity"], r["standing"], r["answer"], r["reason"],
                         r["recorded_by_name"], bool(r["on_zalo"]))


async def invitations(db: Database, meeting_id: int) -> list[InvitationRow]:
    """Who is invited, each only if the meeting is inside their period in the branch (a
    member removed or moved before it, or a follower no longer assigned, is not)."""
    rows = await db.fetch_all(_I_SELECT + "JOIN meetings m ON m.id = i.meeting_id "
                              f"WHERE i.meeting_id = ? AND {in_period()} "
                              "ORDER BY i.capacity DESC, p.name_key, p.id", (meeting_id,))
    return [_invitation(r) for r in rows]


async def invitation(db: Database, meeting_id: int, person_id: int) -> InvitationRow | None:
    row = await db.fetch_one(_I_SELECT + "WHERE i.meeting_id = ? AND i.person_id = ?",
                             (meeting_id, person_id))
    return None if row is None else _invitation(row)


async def answer_context(db: Database, meeting_id: int, person_id: int
                         ) -> tuple[MeetingRow, InvitationRow, str] | None:
    """The meeting, one person's invitation and the branch name, in one query (the hot
    path of every answer tap)."""
    r = await db.fetch_one(
        "SELECT m.id, m.unit_id, m.kind, m.starts_at, m.duration_min, m.place, m.agenda, "
        "m.state, m.auto_month, m.updated_at, m.held_from, m.ended_at, m.chair_id, "
        "m.secretary_id, m.correction_reason, m.entered_later, u.name AS unit_name, "
        "i.person_id, p.full_name, "
        "p.telegram_user_id, i.capacity, i.standing, i.answer, i.reason "
        "FROM invitations i JOIN meetings m ON m.id = i.meeting_id "
        "JOIN units u ON u.id = m.unit_id JOIN people p ON p.id = i.person_id "
        f"WHERE i.meeting_id = ? AND i.person_id = ? AND {in_period()}",
        (meeting_id, person_id))
    if r is None:
        return None
    return _meeting(r), InvitationRow(meeting_id, r["person_id"], r["full_name"],
                                      r["telegram_user_id"], r["capacity"], r["standing"],
                                      r["answer"], r["reason"]), str(r["unit_name"])


async def record_answer(db: Database, meeting_id: int, person_id: int, answer: str | None,
                        reason: str | None, now: datetime) -> bool:
    """The member's own answer, as one autocommit statement; True when it changed."""
    return await db.execute_count(
        "UPDATE invitations SET answer = ?, reason = ?, answered_at = ?, recorded_by = NULL "
        "WHERE meeting_id = ? AND person_id = ? AND (answer IS NOT ? OR reason IS NOT ? "
        "OR recorded_by IS NOT NULL)",
        (answer, reason, to_db(now), meeting_id, person_id, answer, reason)) == 1


async def record_answer_for(conn: Connection, meeting_id: int, person_id: int,
                            answer: str, reason: str | None, officer_id: int | None,
                            now: datetime) -> None:
    """An answer an officer took for the member (phoned in, or no Telegram)."""
    await conn.execute(
        "UPDATE invitations SET answer = ?, reason = ?, answered_at = ?, recorded_by = ? "
        "WHERE meeting_id = ? AND person_id = ?",
        (answer, reason, to_db(now), officer_id, meeting_id, person_id))


async def set_answer(conn: Connection, meeting_id: int, person_id: int,
                     answer: str | None, reason: str | None, now: datetime) -> bool:
    """True when the stored answer changed."""
    cur = await conn.execute(
        "UPDATE invitations SET answer = ?, reason = ?, answered_at = ? WHERE meeting_id = ? "
        "AND person_id = ? AND (answer IS NOT ? OR reason IS NOT ?)",
        (answer, reason, to_db(now), meeting_id, person_id, answer, reason))
    return cur.rowcount == 1


async def clear_answers(conn: Connection, meeting_id: int) -> None:
    await conn.execute("UPDATE invitations SET answer = NULL, reason = NULL, answered_at = NULL "
                       "WHERE meeting_id = ?", (meeting_id,))


async def upcoming_for_person(db: Database, person_id: int, now: datetime,
                              limit: int = 10) -> list[tuple[MeetingRow, InvitationRow]]:
    """The person's upcoming invitations, each only while the meeting is inside their
    period in the branch (a member moved away is no longer invited to its meetings)."""
    rows = await db.fetch_all(
        "SELECT m.id AS mid FROM invitations i JOIN meetings m ON m.id = i.meeting_id "
        f"WHERE i.person_id = ? AND m.state = 'scheduled' AND m.starts_at > ? AND {in_period()} "
        "ORDER BY m.starts_at LIMIT ?", (person_id, to_db(now), limit))
    result: list[tuple[MeetingRow, InvitationRow]] = []
    for r in rows:
        meeting = await get(db, int(r["mid"]))
        inv = await invitation(db, int(r["mid"]), person_id)
        if meeting is not None and inv is not None:
            result.append((meeting, inv))
    return result


# --- attendance -------------------------------------------------------------------------------


async def attendance(db: Database, meeting_id: int) -> list[AttendanceRow]:
    rows = await db.fetch_all(
        "SELECT a.person_id, p.full_name, i.capacity, i.standing, a.status, a.reason, "
        "(p.telegram_user_id IS NOT NULL OR p.zalo_user_id IS NOT NULL), a.late, "
        "(p.zalo_user_id IS NOT NULL AND p.channel = 'zalo') "
        "FROM attendance a JOIN people p ON p.id = a.person_id "
        "JOIN invitations i ON i.meeting_id = a.meeting_id AND i.person_id = a.person_id "
        f"JOIN meetings m ON m.id = a.meeting_id WHERE a.meeting_id = ? AND {in_period()} "
        "ORDER BY i.capacity DESC, p.name_key, p.id", (meeting_id,))
    return [AttendanceRow(r[0], r[1], r[2], r[3], r[4], r[5], bool(r[6]), bool(r[7]),
                          bool(r[8])) for r in rows]


async def set_late(conn: Connection, meeting_id: int, person_id: int,
                   late: bool) -> None:
    await conn.execute("UPDATE attendance SET late = ? WHERE meeting_id = ? AND person_id = ?",
                       (int(late), meeting_id, person_id))


async def put_attendance(conn: Connection, meeting_id: int,
                         rows: Sequence[tuple[int, str, str | None]], recorded_by: int | None,
                         now: datetime, *, overwrite: bool) -> None:
    conflict = ("DO UPDATE SET status = excluded.status, reason = excluded.reason, "
                "recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at"
                if overwrite else "DO NOTHING")
    await conn.executemany(
        "INSERT INTO attendance (meeting_id, person_id, status, reason, recorded_by, "
        f"recorded_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (meeting_id, person_id) {conflict}",
        [(meeting_id, p, s, r, recorded_by, to_db(now)) for p, s, r in rows],
    )


# --- outbox housekeeping -----------------------------------------------------------------


async def skip_pending(conn: Connection, key_prefix: str) -> int:
    """Skip unsent outbox rows whose key starts with ``key_prefix`` (a cancelled meeting)."""
    upper = key_prefix[:-1] + chr(ord(key_prefix[-1]) + 1)
    cur = await conn.execute(
        "UPDATE outbox SET state = 'skipped', last_error = 'cancelled' WHERE state = 'pending' "
        "AND business_key >= ? AND business_key < ?", (key_prefix, upper))
    return cur.rowcount


async def skip_pending_for(conn: Connection, meeting_id: int, person_id: int) -> int:
    """Skip one person's unsent rows about a meeting (invited no more: moved away)."""
    total = 0
    for prefix in ("invite", "combined", "remind", "moved", "nudge", "doc"):
        cur = await conn.execute(
            "UPDATE outbox SET state = 'skipped', last_error = 'withdrawn' "
            "WHERE state = 'pending' AND person_id = ? AND business_key LIKE ?",
            (person_id, f"{prefix}:{meeting_id}:%"))
        total += cur.rowcount
    return total


# --- documents ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DocumentRow:
    id: int
    meeting_id: int
    file_id: str
    file_name: str
    media: str  # document | photo
    size_bytes: int | None
    added_at: datetime


async def add_document(conn: Connection, meeting_id: int, *, file_id: str,
                       file_name: str, media: str, size_bytes: int | None,
                       added_by: int | None, now: datetime) -> int:
    cur = await conn.execute(
        "INSERT INTO meeting_documents (meeting_id, file_id, file_name, media, size_bytes, "
        "added_by, added_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (meeting_id, file_id, file_name, media, size_bytes, added_by, to_db(now)))
    assert cur.lastrowid is not None
    return int(cur.lastrowid)


async def documents(db: Database, meeting_id: int) -> list[DocumentRow]:
    rows = await db.fetch_all(
        "SELECT id, meeting_id, file_id, file_name, media, size_bytes, added_at "
        "FROM meeting_documents WHERE meeting_id = ? ORDER BY id", (meeting_id,))
    return [DocumentRow(int(r[0]), int(r[1]), str(r[2]), str(r[3]), str(r[4]), r[5],
                        from_db(r[6])) for r in rows]


async def officer_names(db: Database, unit_id: int) -> dict[str, list[tuple[int, str]]]:
    """(person id, name) of the branch's secretary and deputies, by role."""
    rows = await db.fetch_all(
        "SELECT m.role, p.id, p.full_name FROM memberships m JOIN people p ON p.id = m.person_id "
        "WHERE m.unit_id = ? AND m.state = 'active' AND m.role IN ('secretary', 'deputy') "
        "ORDER BY p.name_key, p.id", (unit_id,))
    result: dict[str, list[tuple[int, str]]] = {}
    for r in rows:
        result.setdefault(str(r[0]), []).append((int(r[1]), str(r[2])))
    return result


async def person_name(db: Database, person_id: int | None) -> str | None:
    if person_id is None:
        return None
    value = await db.fetch_value("SELECT full_name FROM people WHERE id = ?", (person_id,))
    return None if value is None else str(value)
