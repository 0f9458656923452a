"""The stored history the ledger reads (``bot/reports/ledger.py``): every membership of
every person who ever belonged to the scope, the meetings of all the branches those
people belonged to in the window, each seat (invitation, answer, roll-call mark), and the
dues recorded there. Four plain queries; every rule is applied in the ledger, once.

A person's months are judged across all their memberships, so a scope's ledger also
reads the other branches its people belonged to (the months brought from an earlier
branch).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import NamedTuple

from storage.db import Database
from storage.reports import in_list
from storage.timefmt import from_db, to_db


@dataclass(frozen=True, slots=True)
class MembershipRecord:
    membership_id: int
    person_id: int
    unit_id: int
    unit_name: str
    full_name: str
    is_away: bool
    is_exempt: bool
    is_213: bool
    state: str  # active | transferred | left
    joined_at: datetime
    ended_at: datetime | None
    record_start: date | None


@dataclass(frozen=True, slots=True)
class MeetingRecord:
    id: int
    unit_id: int
    kind: str
    starts_at: datetime
    state: str  # scheduled | closed (cancelled meetings are not read)
    duration_min: int
    held_from: datetime | None
    ended_at: datetime | None
    place: str | None
    agenda: str | None
    correcting: bool = False  # a closed roll call reopened for a correction

    @property
    def confirmed(self) -> bool:
        """Held: the roll call was closed (and, while corrected, stays held)."""
        return self.state == "closed" or self.correcting


class SeatRecord(NamedTuple):
    """A tuple: a committee's year has some 150,000 seats, built straight from the rows."""

    meeting_id: int
    person_id: int
    full_name: str
    capacity: str  # member | follower
    standing: str | None  # away | exempt | 213, when invited
    answer: str | None
    answer_reason: str | None
    status: str | None  # roll call: present | excused | unexcused
    reason: str | None


class SeatTally(NamedTuple):
    """The seats of one person in one branch's meetings that share everything the ledger
    judges on (capacity, standing, mark, the meeting's state, started by now), counted,
    with the first and last meeting start: the ledger decides what the group means."""

    person_id: int
    unit_id: int
    capacity: str
    standing: str | None
    status: str | None
    state: str  # the meetings' state: scheduled | closed
    correcting: bool
    started: bool  # the meetings started by ``now``
    number: int  # of seats
    first: datetime
    last: datetime


@dataclass(frozen=True, slots=True)
class LedgerRows:
    memberships: list[MembershipRecord]
    meetings: list[MeetingRecord]
    seats: list[SeatRecord]
    paid: set[tuple[int, str]]  # (person, "YYYY-MM") with a payment in one of the branches
    tracked: set[tuple[int, str]]  # (branch, "YYYY-MM") for which the branch records dues
    # Counted mode: the seats grouped and counted, except those marked unexcused (which
    # are in ``seats``, one by one, with their days). Empty when every seat is a row.
    tallies: list[SeatTally] = field(default_factory=list)
    branch_ids: list[int] = field(default_factory=list)
    counted: bool = False  # read in counted mode


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text[:10]) if text else None


async def ledger_rows(db: Database, units: Sequence[int], since: datetime, until: datetime,
                      first_month: str, last_month: str,
                      person_id: int | None = None, counted_at: datetime | None = None
                      ) -> LedgerRows:
    """Everything the ledger needs for the scope ``units`` (or only one person's
    memberships, seats and the dues of their branches) in a window.

    ``counted_at`` (now) reads the seats counted (``LedgerRows.tallies``): a committee's
    year is some 73,000 seats but only some 15,000 groups, which the figures of a year
    (rates, counts) need; the unexcused seats stay rows, for their days."""
    if person_id is not None:
        who = f"m.person_id = {int(person_id)}"
    else:
        who = (f"m.person_id IN (SELECT person_id FROM memberships WHERE unit_id IN "
               f"({in_list(units)}))")
    rows = await db.fetch_all(
        "SELECT m.id, m.person_id, m.unit_id, u.name, p.full_name, m.is_away, m.is_exempt, "
        "m.is_213, m.state, m.joined_at, m.ended_at, u.record_start "
        "FROM memberships m JOIN people p ON p.id = m.person_id JOIN units u ON u.id = m.unit_id "
        f"WHERE {who} AND m.joined_at < ? AND (m.ended_at IS NULL OR m.ended_at >= ?) "
        "ORDER BY m.person_id, m.joined_at, m.id", (to_db(until), to_db(since)))
    memberships = [MembershipRecord(
        int(r[0]), int(r[1]), int(r[2]), str(r[3]), str(r[4]), bool(r[5]), bool(r[6]),
        bool(r[7]), str(r[8]), from_db(r[9]), from_db(r[10]) if r[10] else None, _day(r[11]))
        for r in rows]
    branch_ids = sorted({m.unit_id for m in memberships}
                        | (set() if person_id is not None else set(units)))
    mine = "" if person_id is None else f"AND i.person_id = {int(person_id)} "
    rows = await db.fetch_all(
        "SELECT id, unit_id, kind, starts_at, state, duration_min, held_from, ended_at, place, "
        "agenda, correction_reason IS NOT NULL FROM meetings "
        f"WHERE unit_id IN ({in_list(branch_ids)}) "
        "AND state != 'cancelled' AND starts_at >= ? AND starts_at < ? ORDER BY starts_at, id",
        (to_db(since), to_db(until)))
    meetings = [MeetingRecord(int(r[0]), int(r[1]), str(r[2]), from_db(r[3]), str(r[4]),
                              int(r[5]), from_db(r[6]) if r[6] else None,
                              from_db(r[7]) if r[7] else None, r[8], r[9], bool(r[10]))
                for r in rows]
    tallies: list[SeatTally] = []
    if counted_at is None:
        seats = await seat_rows(db, branch_ids, since, until, mine)
    else:
        seats = await seat_rows(db, branch_ids, since, until,
                                mine + "AND a.status = 'unexcused' ")
        # Grouped in an outer query: PostgreSQL sees two placeholders as two expressions.
        rows = await db.fetch_all(
            "SELECT person_id, unit_id, capacity, standing, status, state, correcting, "
            "started, COUNT(*), MIN(starts_at), MAX(starts_at) FROM (SELECT i.person_id, "
            "mt.unit_id, i.capacity, i.standing, a.status, mt.state, "
            "CASE WHEN mt.correction_reason IS NULL THEN 0 ELSE 1 END AS correcting, "
            "CASE WHEN mt.starts_at <= ? THEN 1 ELSE 0 END AS started, mt.starts_at "
            f"{_SEATS}WHERE mt.unit_id IN ({in_list(branch_ids)}) "
            f"AND mt.state != 'cancelled' {mine}AND mt.starts_at >= ? AND mt.starts_at < ? "
            f"AND {_NOT_UNEXCUSED}) s GROUP BY person_id, unit_id, capacity, standing, status, "
            "state, correcting, started", (to_db(counted_at), to_db(since), to_db(until)))
        tallies = [SeatTally(int(r[0]), int(r[1]), str(r[2]), r[3], r[4], str(r[5]),
                             bool(r[6]), bool(r[7]), int(r[8]), from_db(r[9]),
                             from_db(r[10])) for r in rows]
    dues = (f"FROM dues WHERE unit_id IN ({in_list(branch_ids)}) "
            "AND period >= ? AND period <= ?")
    # A committee's year is some 50,000 payments: read one row per person and year, the
    # months paid as bits (1 << month), instead of one row per payment.
    rows = await db.fetch_all(
        "SELECT person_id, year, SUM(1 << CAST(month AS INTEGER)) FROM (SELECT DISTINCT "
        "person_id, substr(period, 1, 4) AS year, substr(period, 6, 2) AS month "
        f"{dues}) d GROUP BY person_id, year", (first_month, last_month))
    names: dict[str, list[str]] = {}
    paid: set[tuple[int, str]] = set()
    for r in rows:
        person, bits = int(r[0]), int(r[2])
        months = names.get(r[1]) or names.setdefault(
            r[1], [f"{r[1]}-{m:02d}" for m in range(13)])
        paid.update([(person, months[m]) for m in range(1, 13) if bits >> m & 1])
    rows = await db.fetch_all(f"SELECT DISTINCT unit_id, period {dues}",
                              (first_month, last_month))
    return LedgerRows(memberships, meetings, seats, paid,
                      {(int(r[0]), str(r[1])) for r in rows}, tallies, branch_ids,
                      counted_at is not None)


_SEATS = ("FROM invitations i JOIN meetings mt ON mt.id = i.meeting_id LEFT JOIN attendance a "
          "ON a.meeting_id = i.meeting_id AND a.person_id = i.person_id ")
_NOT_UNEXCUSED = "(a.status IS NULL OR a.status != 'unexcused')"


async def seat_rows(db: Database, branch_ids: Sequence[int], since: datetime,
                    until: datetime, where: str = "") -> list[SeatRecord]:
    """Each seat (invitation, answer, roll-call mark) of the branches' meetings in the
    window; ``where``: a further condition (fixed text, never user input)."""
    rows = await db.fetch_all(
        "SELECT i.meeting_id, i.person_id, p.full_name, i.capacity, i.standing, i.answer, "
        f"i.reason, a.status, a.reason {_SEATS}JOIN people p ON p.id = i.person_id "
        f"WHERE mt.unit_id IN ({in_list(branch_ids)}) AND mt.state != 'cancelled' {where}"
        "AND mt.starts_at >= ? AND mt.starts_at < ?", (to_db(since), to_db(until)))
    make = SeatRecord._make
    return [make(r) for r in rows]  # ids and texts as the driver gives them


async def counted_seat_rows(db: Database, branch_ids: Sequence[int], since: datetime,
                            until: datetime, persons: Sequence[int]) -> list[SeatRecord]:
    """The seats of ``persons`` that a counted read grouped (all but the unexcused), one
    by one: for the few whose groups straddle a membership's border."""
    return await seat_rows(db, branch_ids, since, until,
                           f"AND i.person_id IN ({in_list(persons)}) AND {_NOT_UNEXCUSED} ")


class FollowerPeriod(NamedTuple):
    person_id: int
    unit_id: int  # the branch followed
    since: datetime
    until: datetime | None


class UnconfirmedMeeting(NamedTuple):
    id: int
    unit_id: int
    kind: str
    starts_at: datetime


async def followers_of(db: Database, units: Sequence[int]) -> list[FollowerPeriod]:
    """(person, branch, since, until) of every follower period of the branches."""
    rows = await db.fetch_all(
        f"SELECT person_id, unit_id, since, until FROM followers WHERE unit_id IN "
        f"({in_list(units)})")
    return [FollowerPeriod(int(r[0]), int(r[1]), from_db(r[2]),
                           from_db(r[3]) if r[3] else None) for r in rows]


async def followed_branches(db: Database, persons: Sequence[int]) -> list[int]:
    """Every branch the persons follow or followed."""
    rows = await db.fetch_all(
        f"SELECT DISTINCT unit_id FROM followers WHERE person_id IN ({in_list(persons)})")
    return sorted(int(r[0]) for r in rows)


class PersonName(NamedTuple):
    full_name: str
    name_key: str  # the name's sorting key


async def names_of(db: Database, persons: Sequence[int]) -> dict[int, PersonName]:
    """person -> their name and its sorting key."""
    rows = await db.fetch_all(
        f"SELECT id, full_name, name_key FROM people WHERE id IN ({in_list(persons)})")
    return {int(r[0]): PersonName(str(r[1]), str(r[2])) for r in rows}


async def unconfirmed_meetings(db: Database, since: datetime, until: datetime
                               ) -> list[UnconfirmedMeeting]:
    """(meeting, branch, kind, start) of meetings that started in the window and whose
    roll call was never closed (not cancelled): not confirmed, never held."""
    rows = await db.fetch_all(
        "SELECT id, unit_id, kind, starts_at FROM meetings WHERE state = 'scheduled' "
        "AND correction_reason IS NULL AND starts_at >= ? AND starts_at < ? ORDER BY starts_at, id",
        (to_db(since), to_db(until)))
    return [UnconfirmedMeeting(int(r[0]), int(r[1]), str(r[2]), from_db(r[3])) for r in rows]
