"""The one ledger (docs/rules.md, "One ledger"): from the stored history, one fact per
person × meeting (``Seat``) and per person × month (``PersonMonth``). Every figure —
`/report year`, `/report branches`, `/report member`, `/report meeting`, `/me`, the dues
card, the warnings, the export and the heatmap — reads these facts and nothing else.

The rules, each stated once:

- **Periods.** A meeting counts for a person in a branch only inside the membership
  (``joined_at`` ≤ start < ``ended_at``) and on or after the branch's record start; a
  follower's meeting only inside the follower's period. A month belongs to the membership
  the person held at the month's end, from the first month that begins on or after the
  record start.
- **Outcomes.** A closed meeting gives each invited member their roll-call mark (present,
  excused, unexcused); a member inside the period who was not invited is *not invited*.
  A closed roll call reopened for a correction stays held with its current marks.
  A past meeting without a closed roll call is *unconfirmed* for everyone: never held,
  never an absence. A follower who does not come is *not attending*, never unexcused.
- **Official or "213".** A membership marked 213 is the relation with the branch where
  the person lives: invited and shown there, outside its rate, not judged there, no dues
  owed there. The other membership is the official one.
- **Rate** of a branch: present / marked, over the seats of official members without a
  standing (away, exempt, 213) at the closed meetings inside their periods.
- **Dues.** A month is owed to the branch of the official membership held at its end
  (not by a member away or exempt); it is *not due* until the due day of the next month
  has passed; *paid* when a payment is recorded for the person and month (in any branch);
  *unpaid* when owed, due, not paid and the branch records dues for that month at all;
  *unrecorded* when the branch keeps no dues for that month.
- **The 3-month rule** (Quy định 24-QĐ/TW, 8.1) judges a person per calendar year across
  all their official memberships: a month counts once if it has an unexcused absence in
  an official membership or unpaid dues; each month names its branch and its causes.
"""

from __future__ import annotations

import asyncio
import gc
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from storage import ledger as store
from storage.db import Database
from storage.ledger import MeetingRecord, MembershipRecord

HELD = ("present", "excused", "unexcused")
THREAD_ABOVE = 5_000  # seats: a larger ledger is built off the event loop
WARN_AT = 2
FLAG_AT = 3


def month_key(day: date) -> str:
    return f"{day.year}-{day.month:02d}"


def _next_month(day: date) -> date:
    return date(day.year + 1, 1, 1) if day.month == 12 else date(day.year, day.month + 1, 1)


def dues_fall_due(month: str, due_day: int) -> date:
    """The first day on which the month's dues count as unpaid (after the due day)."""
    first = date(int(month[:4]), int(month[5:7]), 1)
    return _next_month(first).replace(day=due_day) + timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Held:
    """A membership period: the branch, the standing, official or the "213" relation."""

    record: MembershipRecord
    start: date
    end: date | None  # the local day it ended (moved away, removed)
    first_month: str  # the first month that belongs to it (record start, start)
    last_month: str | None  # the last month that ended inside it

    @property
    def official(self) -> bool:
        return not self.record.is_213

    @property
    def owes_dues(self) -> bool:
        return self.official and not self.record.is_away and not self.record.is_exempt

    @property
    def standing(self) -> str | None:
        r = self.record
        return "away" if r.is_away else "exempt" if r.is_exempt else "213" if r.is_213 else None

    def holds(self, month: str) -> bool:
        return month >= self.first_month and (self.last_month is None
                                             or month <= self.last_month)


def _counted(capacity: str, held: Held | None, standing: str | None, outcome: str) -> bool:
    """In the branch's attendance rate (the denominator)."""
    return (capacity == "member" and held is not None and held.official
            and standing is None and outcome in HELD)


def _outcome(capacity: str, confirmed: bool, status: str | None) -> str | None:
    """A seat's outcome from its mark and its meeting; None: no seat (a member left
    unmarked at a closed roll call)."""
    if capacity == "follower":
        return ("present" if status == "present" else "not_attending") if confirmed \
            else "unconfirmed"
    if not confirmed:
        return "unconfirmed"
    return status


@dataclass(slots=True)
class Seat:
    """One person × one meeting: the outcome and whether it counts in the branch's rate."""

    meeting: MeetingRecord
    person_id: int
    full_name: str
    capacity: str  # member | follower
    standing: str | None
    outcome: str  # present | excused | unexcused | not_invited | unconfirmed | not_attending
    reason: str | None
    answer: str | None
    day: date
    month: str
    held: Held | None  # the membership (members only)

    @property
    def counted(self) -> bool:
        """In the branch's attendance rate (the denominator)."""
        return _counted(self.capacity, self.held, self.standing, self.outcome)

    @property
    def judged(self) -> bool:
        """An unexcused absence that counts toward the 3-month rule."""
        return (self.capacity == "member" and self.held is not None and self.held.official
                and self.outcome == "unexcused")


@dataclass(frozen=True, slots=True)
class Tally:
    """``count`` seats of one person in one branch that share their outcome, standing
    and membership (never unexcused: those are seats, with their days). A year's
    figures read them where a seat by seat reading would make 73,000 objects."""

    person_id: int
    unit_id: int
    capacity: str
    standing: str | None
    outcome: str
    count: int
    held: Held | None

    @property
    def counted(self) -> bool:
        return _counted(self.capacity, self.held, self.standing, self.outcome)


@dataclass(frozen=True, slots=True)
class Counts:
    """Seats counted by outcome, and those in the branch's rate."""

    present: int = 0
    excused: int = 0
    unexcused: int = 0
    not_attending: int = 0  # followers and guests who did not come
    counted_present: int = 0
    counted_invited: int = 0


def _count(items: Sequence[Seat | Tally]) -> Counts:
    by: dict[str, int] = defaultdict(int)
    counted_present = counted_invited = 0
    for item in items:
        n = item.count if isinstance(item, Tally) else 1
        by[item.outcome] += n
        if item.counted:
            counted_invited += n
            counted_present += n if item.outcome == "present" else 0
    return Counts(by["present"], by["excused"], by["unexcused"], by["not_attending"],
                  counted_present, counted_invited)


@dataclass(slots=True)
class PersonMonth:
    """One person × one month: the membership held, the meetings, the dues, the rule."""

    person_id: int
    month: str
    held: Held | None  # the official membership held at the month's end
    relations: list[Held] = field(default_factory=list)  # "213" relations held
    seats: list[Seat] = field(default_factory=list)
    dues: str = "none"  # none | not_due | paid | unpaid | unrecorded

    @property
    def absences(self) -> list[Seat]:
        return [s for s in self.seats if s.judged]

    @property
    def counts(self) -> bool:
        """Whether the month counts for the 3-month rule."""
        return self.dues == "unpaid" or any(s.judged for s in self.seats)


@dataclass(frozen=True, slots=True)
class MonthCause:
    month: str
    branch: str | None
    days: list[date]  # unexcused absences
    unpaid: bool


@dataclass
class Ledger:
    year: int
    today: date
    tz: ZoneInfo
    held: list[Held]
    seats: list[Seat]
    meetings: list[MeetingRecord]
    # The person × month facts, made on first use: /report branches, the heatmap and
    # the attendance sheets read only the seats.
    make_months: Callable[[], dict[tuple[int, str], PersonMonth]] = field(repr=False)
    unit_names: dict[int, str]
    tallies: list[Tally] = field(default_factory=list)  # counted mode (see ``load``)
    # Indexes built once, so that a committee's 5,000 people read in linear time.
    _months: dict[tuple[int, str], PersonMonth] | None = field(default=None, repr=False)
    _by_person: dict[int, list[PersonMonth]] | None = field(default=None, repr=False)
    _by_held: dict[int, list[Seat]] = field(default_factory=dict, repr=False)
    _by_branch: dict[int, list[Seat]] = field(default_factory=dict, repr=False)
    _causes: dict[int, list[MonthCause]] = field(default_factory=dict, repr=False)
    _tallies_by_held: dict[int, list[Tally]] = field(default_factory=dict, repr=False)
    _tallies_by_branch: dict[int, list[Tally]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        by_held: dict[int, list[Seat]] = defaultdict(list)
        by_branch: dict[int, list[Seat]] = defaultdict(list)
        for seat in self.seats:
            if seat.held is not None:
                by_held[seat.held.record.membership_id].append(seat)
            by_branch[seat.meeting.unit_id].append(seat)
        self._by_held, self._by_branch = dict(by_held), dict(by_branch)
        tallies_by_held: dict[int, list[Tally]] = defaultdict(list)
        tallies_by_branch: dict[int, list[Tally]] = defaultdict(list)
        for tally in self.tallies:
            if tally.held is not None:
                tallies_by_held[tally.held.record.membership_id].append(tally)
            tallies_by_branch[tally.unit_id].append(tally)
        self._tallies_by_held = dict(tallies_by_held)
        self._tallies_by_branch = dict(tallies_by_branch)

    @property
    def months(self) -> dict[tuple[int, str], PersonMonth]:
        if self._months is None:
            with gc_paused():
                self._months = self.make_months()
        return self._months

    def person_months(self, person_id: int) -> list[PersonMonth]:
        if self._by_person is None:
            months = self.months
            by_person: dict[int, list[PersonMonth]] = defaultdict(list)
            for key in sorted(months):
                by_person[key[0]].append(months[key])
            self._by_person = dict(by_person)
        return self._by_person.get(person_id, [])

    def causes(self, person_id: int) -> list[MonthCause]:
        """The person's months under the 3-month rule this year, each with its causes."""
        known = self._causes.get(person_id)
        if known is not None:
            return known
        result = []
        for pm in self.person_months(person_id):
            if pm.counts:
                absences = pm.absences
                # The branch where the month happened: of the absence, else the month's end.
                branch = (self.unit_names.get(absences[0].meeting.unit_id)
                          if absences else pm.held.record.unit_name if pm.held else None)
                result.append(MonthCause(pm.month, branch, sorted(s.day for s in absences),
                                         pm.dues == "unpaid"))
        self._causes[person_id] = result
        return result

    def level(self, person_id: int) -> str:
        count = len(self.causes(person_id))
        return "flag" if count >= FLAG_AT else "warn" if count >= WARN_AT else "ok"

    def seats_of(self, held: Held) -> list[Seat]:
        """The membership's seats read one by one (in counted mode: the unexcused ones)."""
        return self._by_held.get(held.record.membership_id, [])

    def branch_seats(self, unit_id: int) -> list[Seat]:
        return self._by_branch.get(unit_id, [])

    def counts_of(self, held: Held) -> Counts:
        """The membership's seats by outcome, and those in its branch's rate."""
        key = held.record.membership_id
        return _count([*self._by_held.get(key, ()), *self._tallies_by_held.get(key, ())])

    def branch_counts(self, unit_id: int, capacity: str = "member") -> Counts:
        """The branch's seats of members (or of followers) by outcome; ``counted_*``: the
        branch's rate. Unconfirmed meetings are counted under their own outcome."""
        return _count([item for item in (*self._by_branch.get(unit_id, ()),
                                         *self._tallies_by_branch.get(unit_id, ()))
                       if item.capacity == capacity])

    def follower_counts(self, units: Sequence[int] | None = None) -> dict[int, Counts]:
        """Per follower: their seats at the held meetings of ``units`` (every branch
        read when None) by outcome; present / (present + not attending) is the line."""
        wanted = None if units is None else set(units)
        items: dict[int, list[Seat | Tally]] = defaultdict(list)
        every: list[Seat | Tally] = [*self.seats, *self.tallies]
        for item in every:
            unit_id = item.meeting.unit_id if isinstance(item, Seat) else item.unit_id
            if item.capacity == "follower" and item.outcome != "unconfirmed" and (
                    wanted is None or unit_id in wanted):
                items[item.person_id].append(item)
        return {person: _count(mine) for person, mine in items.items()}

    def meeting_counts(self, meeting_id: int) -> Counts:
        """The members' seats of one meeting by outcome (the minutes, /report meeting)."""
        return _count([s for s in self.seats
                       if s.meeting.id == meeting_id and s.capacity == "member"])

    def unconfirmed(self, unit_id: int) -> list[MeetingRecord]:
        return [m for m in self.meetings if m.unit_id == unit_id and not m.confirmed]



def _local(instant: datetime, tz: ZoneInfo) -> date:
    return instant.astimezone(tz).date()


def _held(record: MembershipRecord, tz: ZoneInfo) -> Held:
    start = _local(record.joined_at, tz)
    end = _local(record.ended_at, tz) if record.ended_at is not None else None
    first = month_key(start)
    if record.record_start is not None:
        rs = record.record_start
        first = max(first, month_key(rs if rs.day == 1 else _next_month(rs)))
    last = month_key(end.replace(day=1) - timedelta(days=1)) if end is not None else None
    return Held(record, start, end, first, last)


def _in_period(held: Held, starts_at: datetime, day: date) -> bool:
    r = held.record
    if starts_at < r.joined_at:
        return False
    if r.ended_at is not None and starts_at >= r.ended_at:
        return False
    return r.record_start is None or day >= r.record_start


Follows = dict[tuple[int, int], list[tuple[datetime, datetime | None]]]
STRADDLES = "straddles"


def _followed(periods: Sequence[tuple[datetime, datetime | None]], starts_at: datetime
              ) -> bool:
    return any(since <= starts_at and (until is None or starts_at < until)
               for since, until in periods)


def _place(tally: store.SeatTally, by_person_unit: dict[tuple[int, int], list[Held]],
           follows: Follows, record_start: dict[int, date | None], tz: ZoneInfo
           ) -> Held | bool | str:
    """Where a group of seats belongs: the membership that holds every one of them (a
    follower's group: True), False when none of them counts, ``STRADDLES`` when they
    fall on both sides of a border (then they are read one by one). A period is an
    interval, so a group whose first and last seats are inside one period is inside."""
    first, last = _local(tally.first, tz), _local(tally.last, tz)
    start = record_start.get(tally.unit_id)
    if start is not None and last < start:
        return False
    recorded = start is None or first >= start
    key = (tally.person_id, tally.unit_id)
    if tally.capacity == "follower":
        periods = follows.get(key, ())
        if recorded and any(_followed([p], tally.first) and _followed([p], tally.last)
                            for p in periods):
            return True
        touching = any(since <= tally.last and (until is None or tally.first < until)
                       for since, until in periods)
        return STRADDLES if touching else False
    mine = by_person_unit.get(key, ())
    for h in mine:
        if recorded and _in_period(h, tally.first, first) and _in_period(h, tally.last, last):
            return h
    touching = any(h.record.joined_at <= tally.last and (h.record.ended_at is None
                                                          or tally.first < h.record.ended_at)
                   for h in mine)
    return STRADDLES if touching else False


def _indexes(rows: store.LedgerRows, followers: list[store.FollowerPeriod], tz: ZoneInfo
             ) -> tuple[list[Held], dict[tuple[int, int], list[Held]], Follows,
                        dict[int, date | None]]:
    held = [_held(r, tz) for r in rows.memberships]
    by_person_unit: dict[tuple[int, int], list[Held]] = defaultdict(list)
    for h in held:
        by_person_unit[(h.record.person_id, h.record.unit_id)].append(h)
    follows: Follows = defaultdict(list)
    for person_id, unit_id, since, until in followers:
        follows[(person_id, unit_id)].append((since, until))
    record_start = {h.record.unit_id: h.record.record_start for h in held}
    return held, by_person_unit, follows, record_start


def straddling(rows: store.LedgerRows, followers: list[store.FollowerPeriod],
               tz: ZoneInfo) -> set[int]:
    """The people some of whose counted groups fall on both sides of a period's border."""
    _, by_person_unit, follows, record_start = _indexes(rows, followers, tz)
    return {t.person_id for t in rows.tallies
            if _place(t, by_person_unit, follows, record_start, tz) == STRADDLES}


def build(rows: store.LedgerRows, followers: list[store.FollowerPeriod],
          year: int, now: datetime, tz: ZoneInfo, due_day: int, months: bool = True
          ) -> Ledger:
    """The ledger of one calendar year as of ``now`` (pure: no I/O); ``months``: with the
    person × month facts made now (else on first use). A committee's year
    is some 150,000 new objects that live as long as the report: the cyclic garbage
    collector, which would scan the growing heap again and again while they are made,
    is paused meanwhile (nothing here makes a cycle; synchronous, so nothing else runs)."""
    with gc_paused():
        book = _build(rows, followers, year, now, tz, due_day)
        if months:
            book.person_months(0)  # makes the facts and their index
        return book


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector over synchronous work that makes many objects
    and no cycles (a committee's ledger, the figures read from it): with a ledger of some
    150,000 objects alive, each collection the new objects trigger scans them all again,
    which took longer than the work itself."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def _build(rows: store.LedgerRows, followers: list[store.FollowerPeriod],
           year: int, now: datetime, tz: ZoneInfo, due_day: int) -> Ledger:
    today = now.astimezone(tz).date()
    last = 12 if year < today.year else (0 if year > today.year else today.month)
    months = [f"{year}-{m:02d}" for m in range(1, last + 1)]
    held, by_person_unit, follows, record_start = _indexes(rows, followers, tz)
    meetings = {m.id: m for m in rows.meetings if m.confirmed or m.starts_at <= now}
    # Per meeting, once: its local day and month, and whether it is in the record.
    when: dict[int, tuple[date, str, bool]] = {}
    for m in meetings.values():
        day = _local(m.starts_at, tz)
        start = record_start.get(m.unit_id)
        when[m.id] = (day, month_key(day), start is None or day >= start)
    seats: list[Seat] = []
    invited: set[tuple[int, int]] = set()
    for s in rows.seats:
        meeting = meetings.get(s.meeting_id)
        if meeting is None:
            continue
        day, month, recorded = when[s.meeting_id]
        invited.add((s.meeting_id, s.person_id))
        outcome = _outcome(s.capacity, meeting.confirmed, s.status)
        if not recorded or outcome is None:
            continue  # before the record; or never marked at a closed roll call
        if s.capacity == "follower":
            if not _followed(follows.get((s.person_id, meeting.unit_id), ()),
                             meeting.starts_at):
                continue
            seats.append(Seat(meeting, s.person_id, s.full_name, s.capacity, s.standing,
                              outcome, s.reason, s.answer, day, month, None))
            continue
        mine = None
        for h in by_person_unit.get((s.person_id, meeting.unit_id), ()):
            if _in_period(h, meeting.starts_at, day):
                mine = h
                break
        if mine is None:
            continue
        seats.append(Seat(meeting, s.person_id, s.full_name, s.capacity, s.standing, outcome,
                          s.reason or s.answer_reason, s.answer, day, month, mine))
    tallies: list[Tally] = []
    for t in rows.tallies:
        outcome = _outcome(t.capacity, t.state == "closed" or t.correcting, t.status)
        if outcome is None or not (t.started or t.state == "closed" or t.correcting):
            continue  # unmarked at a closed roll call; or meetings still to come
        place = _place(t, by_person_unit, follows, record_start, tz)
        if place is STRADDLES:
            raise ValueError("a counted group straddles a period: read its seats one by one")
        if place is not False:
            tallies.append(Tally(t.person_id, t.unit_id, t.capacity, t.standing, outcome,
                                 t.number, place if isinstance(place, Held) else None))
    held_in: dict[int, list[Held]] = defaultdict(list)
    for h in held:
        held_in[h.record.unit_id].append(h)
    # Inside the period, never invited (not in counted mode: no figure counts them).
    for meeting in meetings.values() if not rows.counted else ():
        day, month, recorded = when[meeting.id]
        if not meeting.confirmed or not recorded:
            continue
        for h in held_in.get(meeting.unit_id, ()):
            if ((meeting.id, h.record.person_id) not in invited
                    and _in_period(h, meeting.starts_at, day)):
                seats.append(Seat(meeting, h.record.person_id, h.record.full_name, "member",
                                  h.standing, "not_invited", None, None, day, month, h))
    order = {m.id: i for i, m in enumerate(sorted(meetings.values(),
                                                  key=lambda m: (m.starts_at, m.id)))}
    seats.sort(key=lambda s: (order[s.meeting.id], s.person_id))
    names = {h.record.unit_id: h.record.unit_name for h in held}
    return Ledger(year, today, tz, held, seats, sorted(meetings.values(),
                                                       key=lambda m: (m.starts_at, m.id)),
                  partial(_person_months, held, seats, months, rows.paid, rows.tracked,
                          today, due_day), names, tallies)


def _person_months(held: list[Held], seats: list[Seat], months: list[str],
                   paid: set[tuple[int, str]], tracked: set[tuple[int, str]], today: date,
                   due_day: int) -> dict[tuple[int, str], PersonMonth]:
    """One fact per person × month: the membership held, the dues state, the seats."""
    by_person: dict[int, list[Held]] = defaultdict(list)
    for h in held:
        by_person[h.record.person_id].append(h)
    person_months: dict[tuple[int, str], PersonMonth] = {}
    falls_due = {month: dues_fall_due(month, due_day) for month in months}
    for person_id, mine_all in by_person.items():
        officials = [h for h in mine_all if h.official]
        others = [h for h in mine_all if not h.official]
        for month in months:
            at_end: Held | None = None  # the latest official membership holding the month
            for h in officials:
                if h.holds(month) and (at_end is None
                                       or h.record.joined_at > at_end.record.joined_at):
                    at_end = h
            pm = PersonMonth(person_id, month, at_end,
                             [h for h in others if h.holds(month)] if others else [])
            if at_end is not None and at_end.owes_dues:
                if (person_id, month) in paid:
                    pm.dues = "paid"
                elif today < falls_due[month]:
                    pm.dues = "not_due"
                elif (at_end.record.unit_id, month) in tracked:
                    pm.dues = "unpaid"
                else:
                    pm.dues = "unrecorded"
            person_months[(person_id, month)] = pm
    for seat in seats:
        if seat.capacity != "member":
            continue
        key = (seat.person_id, seat.month)
        found = person_months.get(key)
        if found is None:  # a month outside the scope's months (made only when needed)
            found = person_months[key] = PersonMonth(seat.person_id, seat.month, None)
        found.seats.append(seat)
    return person_months


async def load(db: Database, units: Sequence[int], year: int, now: datetime, tz: ZoneInfo,
               due_day: int, person_id: int | None = None, months: bool = True,
               counted: bool = False) -> Ledger:
    """``months=False`` for the figures that read only the seats and meetings (the
    branches, the heatmap, the export's sheets): the person × month facts are then made
    only if something asks for them.

    ``counted=True`` for the figures that only count (the year's and the branches'
    rates, counts and months): the seats are read grouped (``Ledger.tallies``), but the
    unexcused ones, which the 3-month rule names by day, and those of the few people
    whose groups cross a period's border; ``not_invited`` seats are not made. The rules
    are the same (``_outcome``, ``_counted``, the periods)."""
    since = datetime(year, 1, 1, tzinfo=tz)
    until = datetime(year + 1, 1, 1, tzinfo=tz)
    rows = await store.ledger_rows(db, units, since, until, f"{year}-01", f"{year}-12",
                                   person_id, now if counted else None)
    branch_ids = sorted({m.unit_id for m in rows.meetings})
    followers = await store.followers_of(db, branch_ids)
    if rows.tallies:
        persons = straddling(rows, followers, tz)
        if persons:
            extra = await store.counted_seat_rows(db, rows.branch_ids, since, until,
                                                  sorted(persons))
            rows = replace(rows, seats=rows.seats + extra,
                           tallies=[t for t in rows.tallies if t.person_id not in persons])
    if len(rows.seats) + len(rows.tallies) < THREAD_ABOVE:
        return build(rows, followers, year, now, tz, due_day, months)
    # A committee's year: built in a worker thread, so other people's taps are answered.
    return await asyncio.to_thread(build, rows, followers, year, now, tz, due_day, months)


async def meeting_counts(db: Database, unit_id: int, meeting_id: int, starts_at: datetime,
                         now: datetime, tz: ZoneInfo, due_day: int) -> Counts:
    """One meeting's members by outcome, read from its branch's ledger of the meeting's
    year (the same periods, record start and outcome rules as every other figure)."""
    book = await load(db, [unit_id], starts_at.astimezone(tz).year, now, tz, due_day,
                      months=False)
    return book.meeting_counts(meeting_id)
