"""SQL aggregates behind the reports. Every query takes a list of branch ids (the scope)
and a UTC window, and groups in SQLite rather than looping in Python. Every meeting a
figure counts passes ``storage.periods.counted``: inside the person's period and the
branch's record."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from storage.db import Database
from storage.meetings import held_length
from storage.periods import counted, in_record
from storage.timefmt import from_db, to_db


def in_list(ids: Sequence[int]) -> str:
    """A literal ``IN (...)`` list of integer ids (never user text)."""
    return ",".join(str(int(i)) for i in ids) or "NULL"


@dataclass(frozen=True, slots=True)
class AttendanceCount:
    person_id: int
    unit_id: int
    present: int
    excused: int
    unexcused: int
    counted_present: int  # present, not excused by standing
    counted_invited: int  # invited, not excused by standing


async def attendance_counts(db: Database, units: Sequence[int], since: datetime,
                            until: datetime) -> list[AttendanceCount]:
    """Per member and branch: roll-call figures of the closed meetings in the window."""
    rows = await db.fetch_all(
        "SELECT a.person_id, m.unit_id, "
        "sum(CASE WHEN a.status = 'present' THEN 1 ELSE 0 END), "
        "sum(CASE WHEN a.status = 'excused' THEN 1 ELSE 0 END), "
        "sum(CASE WHEN a.status = 'unexcused' THEN 1 ELSE 0 END), "
        "sum(CASE WHEN a.status = 'present' AND i.standing IS NULL THEN 1 ELSE 0 END), "
        "sum(CASE WHEN i.standing IS NULL THEN 1 ELSE 0 END) "
        "FROM attendance a JOIN meetings m ON m.id = a.meeting_id "
        "JOIN invitations i ON i.meeting_id = a.meeting_id AND i.person_id = a.person_id "
        f"WHERE m.unit_id IN ({in_list(units)}) AND m.state = 'closed' AND i.capacity = 'member' "
        f"AND m.starts_at >= ? AND m.starts_at < ? AND {counted()} "
        "GROUP BY a.person_id, m.unit_id",
        (to_db(since), to_db(until)))
    return [AttendanceCount(*(int(v) for v in r)) for r in rows]


async def unexcused_instants(db: Database, units: Sequence[int], since: datetime,
                             until: datetime) -> list[tuple[int, int, datetime]]:
    """(person, branch, meeting start) of each unexcused absence in the window."""
    rows = await db.fetch_all(
        "SELECT a.person_id, m.unit_id, m.starts_at FROM attendance a "
        "JOIN meetings m ON m.id = a.meeting_id JOIN invitations i ON i.meeting_id = "
        "a.meeting_id AND i.person_id = a.person_id "
        f"WHERE m.unit_id IN ({in_list(units)}) AND m.state = 'closed' AND i.capacity = 'member' "
        f"AND a.status = 'unexcused' AND m.starts_at >= ? AND m.starts_at < ? AND {counted()}",
        (to_db(since), to_db(until)))
    return [(int(r[0]), int(r[1]), from_db(r[2])) for r in rows]


async def dues_paid(db: Database, units: Sequence[int], year: int
                    ) -> list[tuple[int, int, str, int | None]]:
    """(person, branch, "YYYY-MM", amount) of every recorded payment in the year."""
    rows = await db.fetch_all(
        f"SELECT person_id, unit_id, period, amount FROM dues WHERE unit_id IN ({in_list(units)}) "
        "AND period >= ? AND period <= ?", (f"{year}-01", f"{year}-12"))
    return [(int(r[0]), int(r[1]), str(r[2]), r[3]) for r in rows]


@dataclass(frozen=True, slots=True)
class MeetingFact:
    id: int
    unit_id: int
    kind: str
    starts_at: datetime
    duration_min: int
    state: str
    length_min: int = 0  # actual length once the roll call took it, else the plan


async def meetings_in(db: Database, units: Sequence[int], since: datetime,
                      until: datetime) -> list[MeetingFact]:
    """Meetings not cancelled that started in the window (held, or due to be)."""
    rows = await db.fetch_all(
        "SELECT id, unit_id, kind, starts_at, duration_min, state, held_from, ended_at "
        f"FROM meetings WHERE unit_id IN ({in_list(units)}) AND state != 'cancelled' "
        f"AND starts_at >= ? AND starts_at < ? AND {in_record('meetings')} ORDER BY starts_at",
        (to_db(since), to_db(until)))
    return [MeetingFact(int(r[0]), int(r[1]), str(r[2]), from_db(r[3]), int(r[4]), str(r[5]),
                        held_length(from_db(r[6]) if r[6] else None,
                                    from_db(r[7]) if r[7] else None, int(r[4])))
            for r in rows]


@dataclass(frozen=True, slots=True)
class BranchAttendance:
    unit_id: int
    counted_present: int
    counted_invited: int
    followers_present: int
    followers_invited: int


async def branch_attendance(db: Database, units: Sequence[int], since: datetime,
                            until: datetime) -> dict[int, BranchAttendance]:
    rows = await db.fetch_all(
        "SELECT m.unit_id, "
        "sum(CASE WHEN i.capacity = 'member' AND i.standing IS NULL AND a.status = 'present' THEN "
        "1 ELSE 0 END), "
        "sum(CASE WHEN i.capacity = 'member' AND i.standing IS NULL THEN 1 ELSE 0 END), "
        "sum(CASE WHEN i.capacity = 'follower' AND a.status = 'present' THEN 1 ELSE 0 END), "
        "sum(CASE WHEN i.capacity = 'follower' THEN 1 ELSE 0 END) "
        "FROM attendance a JOIN meetings m ON m.id = a.meeting_id "
        "JOIN invitations i ON i.meeting_id = a.meeting_id AND i.person_id = a.person_id "
        f"WHERE m.unit_id IN ({in_list(units)}) AND m.state = 'closed' "
        f"AND m.starts_at >= ? AND m.starts_at < ? AND {counted()} GROUP BY m.unit_id",
        (to_db(since), to_db(until)))
    return {int(r[0]): BranchAttendance(*(int(v or 0) for v in r)) for r in rows}


@dataclass(frozen=True, slots=True)
class FollowerPresence:
    person_id: int
    full_name: str
    present: int
    invited: int


async def follower_presence(db: Database, units: Sequence[int] | None, since: datetime,
                            until: datetime, person_id: int | None = None
                            ) -> list[FollowerPresence]:
    """Per follower: closed meetings attended / invited to, across the branches given
    (every branch when ``units`` is None), each inside the follower's period."""
    where = "" if units is None else f"AND m.unit_id IN ({in_list(units)}) "
    params: list[object] = [to_db(since), to_db(until)]
    if person_id is not None:
        where += "AND i.person_id = ? "
        params.append(person_id)
    rows = await db.fetch_all(
        "SELECT i.person_id, p.full_name, "
        "sum(CASE WHEN a.status = 'present' THEN 1 ELSE 0 END), count(*) "
        "FROM invitations i JOIN meetings m ON m.id = i.meeting_id "
        "JOIN people p ON p.id = i.person_id "
        "LEFT JOIN attendance a ON a.meeting_id = i.meeting_id AND a.person_id = i.person_id "
        "WHERE i.capacity = 'follower' AND m.state = 'closed' AND m.starts_at >= ? "
        f"AND m.starts_at < ? {where}AND {counted()} "
        "GROUP BY i.person_id, p.id ORDER BY p.name_key, p.id", params)
    return [FollowerPresence(int(r[0]), str(r[1]), int(r[2] or 0), int(r[3])) for r in rows]


@dataclass(frozen=True, slots=True)
class ProbationRow:
    membership_id: int
    person_id: int
    unit_id: int
    full_name: str
    admitted_on: str


async def probationary(db: Database, units: Sequence[int]) -> list[ProbationRow]:
    rows = await db.fetch_all(
        "SELECT m.id, m.person_id, m.unit_id, p.full_name, m.admitted_on FROM memberships m "
        "JOIN people p ON p.id = m.person_id "
        f"WHERE m.unit_id IN ({in_list(units)}) AND m.state = 'active' AND m.official_on IS NULL "
        "AND m.admitted_on IS NOT NULL ORDER BY m.admitted_on, p.name_key")
    return [ProbationRow(int(r[0]), int(r[1]), int(r[2]), str(r[3]), str(r[4])) for r in rows]


@dataclass(frozen=True, slots=True)
class MemberMeeting:
    meeting_id: int
    unit_id: int
    kind: str
    starts_at: datetime
    state: str
    answer: str | None
    answer_reason: str | None
    status: str | None  # roll call: present | excused | unexcused
    reason: str | None


async def member_meetings(db: Database, person_id: int, since: datetime,
                          until: datetime) -> list[MemberMeeting]:
    rows = await db.fetch_all(
        "SELECT m.id, m.unit_id, m.kind, m.starts_at, m.state, i.answer, i.reason, a.status, "
        "a.reason FROM invitations i JOIN meetings m ON m.id = i.meeting_id "
        "LEFT JOIN attendance a ON a.meeting_id = i.meeting_id AND a.person_id = i.person_id "
        "WHERE i.person_id = ? AND m.state != 'cancelled' AND m.starts_at >= ? "
        f"AND m.starts_at < ? AND {counted()} ORDER BY m.starts_at",
        (person_id, to_db(since), to_db(until)))
    return [MemberMeeting(int(r[0]), int(r[1]), str(r[2]), from_db(r[3]), str(r[4]), r[5], r[6],
                          r[7], r[8]) for r in rows]


async def member_duty_reports(db: Database, person_id: int, year: int
                              ) -> list[tuple[str, str, str, str | None]]:
    """(period, head of household, status, note) of a member's reports in the year."""
    rows = await db.fetch_all(
        "SELECT d.period, h.head_name, d.status, d.note FROM duty_reports d "
        "JOIN households h ON h.id = d.household_id WHERE d.person_id = ? "
        "AND d.period >= ? AND d.period <= ? ORDER BY d.period, h.head_name",
        (person_id, f"{year}-01", f"{year}-12"))
    return [(str(r[0]), str(r[1]), str(r[2]), r[3]) for r in rows]


@dataclass(frozen=True, slots=True)
class DutyCount:
    person_id: int
    unit_id: int
    full_name: str
    households: int
    reported: int
    problems: int


async def duty_counts(db: Database, units: Sequence[int], period: str) -> list[DutyCount]:
    """Per member with households: followed now, reported in ``period``, problems raised."""
    rows = await db.fetch_all(
        "SELECT a.person_id, h.unit_id, p.full_name, count(*), count(d.household_id), "
        "sum(CASE WHEN d.status = 'problem' THEN 1 ELSE 0 END) FROM assignments a "
        "JOIN households h ON h.id = a.household_id AND h.removed_at IS NULL "
        "JOIN people p ON p.id = a.person_id "
        "LEFT JOIN duty_reports d ON d.household_id = a.household_id AND d.period = ? "
        f"WHERE a.to_date IS NULL AND h.unit_id IN ({in_list(units)}) "
        "GROUP BY a.person_id, h.unit_id, p.id ORDER BY h.unit_id, p.name_key",
        (period,))
    return [DutyCount(int(r[0]), int(r[1]), str(r[2]), int(r[3]), int(r[4]), int(r[5] or 0))
            for r in rows]
