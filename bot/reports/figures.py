"""The figures the committee asks for, each read from the one ledger
(``bot/reports/ledger.py``, where the rules of periods, outcomes, rate, dues and the
3-month rule are stated once), and shaped here for the views.

- Attendance rate, the 3-month rule's months, dues: see the ledger. Members who left
  during the year stay in its rows with the day they moved away or were removed.
- Followers' presence: meetings attended / meetings invited to, as ``X/Y``.
- Per branch: regular meetings held per month and thematic per quarter (missing ones
  marked once the month or quarter is over), and meetings shorter than the minimum on
  their actual length (``is_short``). Extraordinary meetings are counted apart: never the
  month's regular meeting, and not held to the minimum length.
- Probation: 12 months from admission; within 60 days, or overdue.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from bot.core.probation import probation_ends
from bot.reports.ledger import FLAG_AT, WARN_AT, Held, Ledger, MonthCause, gc_paused
from bot.reports.periods import (
    in_record,
    month_of,
    months_passed,
    months_until,
    quarter_in_record,
    quarter_of,
    quarters_passed,
)
from storage.meetings import held_length
from storage.reports import ProbationRow

__all__ = ["FLAG_AT", "WARN_AT"]
PROBATION_SOON_DAYS = 60


def rate(present: int, counted: int) -> float | None:
    return present / counted if counted else None


def is_short(kind: str, length_min: int, minimum: int, combined_minimum: int) -> bool:
    """Shorter than the rule asks (90 minutes, 120 when combined), on the actual length."""
    if kind == "extraordinary":
        return False
    return length_min < (combined_minimum if kind == "combined" else minimum)


@dataclass
class MemberYear:
    """One membership's year in a branch, read from the ledger. The summary counts are
    this branch's meetings; the months of the 3-month rule are the person's, across all
    their memberships (each named with its branch), and only on the official membership
    (a "213" relation is shown, never judged)."""

    person_id: int
    unit_id: int
    full_name: str
    standing: str | None
    present: int = 0
    excused: int = 0
    unexcused: int = 0
    counted_present: int = 0
    counted_invited: int = 0
    months: list[MonthCause] = field(default_factory=list)
    left: str | None = None  # transferred | left, when the membership ended
    left_on: date | None = None
    membership_id: int = 0

    @property
    def rate(self) -> float | None:
        return rate(self.counted_present, self.counted_invited)

    @property
    def violation_months(self) -> list[str]:
        return [c.month for c in self.months]

    @property
    def unexcused_months(self) -> list[str]:
        return [c.month for c in self.months if c.days]

    @property
    def unpaid_months(self) -> list[str]:
        return [c.month for c in self.months if c.unpaid]

    @property
    def level(self) -> str:
        """``flag`` (3 or more months), ``warn`` (2), or ``ok``."""
        count = len(self.months)
        return "flag" if count >= FLAG_AT else "warn" if count >= WARN_AT else "ok"


@gc_paused()
def member_years(book: Ledger, units: Sequence[int]) -> list[MemberYear]:
    """One ``MemberYear`` per person and branch of ``units`` whose membership overlaps the
    year: members who moved away or were removed stay in the year they belonged to, and
    a person who left and came back is one row over both periods."""
    wanted = set(units)
    periods: dict[tuple[int, int], list[Held]] = defaultdict(list)
    for held in book.held:
        if held.record.unit_id in wanted:
            periods[(held.record.person_id, held.record.unit_id)].append(held)
    result = []
    for (person_id, unit_id), mine in periods.items():
        latest = max(mine, key=lambda h: (h.record.joined_at, h.record.membership_id))
        record = latest.record
        row = MemberYear(person_id, unit_id, record.full_name, latest.standing,
                         membership_id=record.membership_id)
        for held in mine:
            for seat in book.seats_of(held):
                if seat.outcome == "present":
                    row.present += 1
                elif seat.outcome == "excused":
                    row.excused += 1
                elif seat.outcome == "unexcused":
                    row.unexcused += 1
                if seat.counted:
                    row.counted_invited += 1
                    row.counted_present += seat.outcome == "present"
        if any(h.official for h in mine):
            row.months = book.causes(person_id)
        if record.state != "active" and latest.end is not None:
            row.left, row.left_on = record.state, latest.end
        result.append(row)
    return sorted(result, key=lambda r: (r.unit_id, r.full_name, r.person_id))


@dataclass
class BranchYear:
    unit_id: int
    name: str
    members: int
    regular_by_month: dict[str, int]
    missing_months: list[str]
    thematic_by_quarter: dict[int, int]
    missing_quarters: list[int]
    short_meetings: int
    counted_present: int
    counted_invited: int
    followers_present: int
    followers_invited: int
    short_list: list[tuple[date, str, int]] = field(default_factory=list)  # day, kind, min
    extraordinary: list[date] = field(default_factory=list)
    record_start: date | None = None
    no_data_months: list[str] = field(default_factory=list)  # before the record start
    unconfirmed: list[date] = field(default_factory=list)  # past, no closed roll call
    pending_month: str | None = None  # the current month, not held yet and not over

    @property
    def rate(self) -> float | None:
        return rate(self.counted_present, self.counted_invited)

    @property
    def held_months(self) -> int:
        return sum(1 for v in self.regular_by_month.values() if v)

    @property
    def due_months(self) -> int:
        """Months that count: those over, and the current one once its meeting was held."""
        return len(self.regular_by_month) - (self.pending_month is not None)


@gc_paused()
def branch_years(book: Ledger, branches: list[tuple[int, str, int, date | None]],
                 minimum_minutes: int, combined_minimum: int) -> list[BranchYear]:
    """``branches`` are (id, name, active members, record start). Only meetings whose roll
    call was closed are held; months and quarters before the record start are *no data*:
    not in ``regular_by_month``, never missing; the current month is never missing."""
    year, today, tz = book.year, book.today, book.tz
    result = []
    for unit_id, name, members, start in branches:
        regular: dict[str, int] = defaultdict(int)
        thematic: dict[int, int] = defaultdict(int)
        short: list[tuple[date, str, int]] = []
        extraordinary: list[date] = []
        unconfirmed: list[date] = []
        for m in book.meetings:
            if m.unit_id != unit_id:
                continue
            day = m.starts_at.astimezone(tz).date()
            if start is not None and day < start:
                continue
            if not m.confirmed:
                unconfirmed.append(day)
                continue
            month = month_of(m.starts_at, tz)
            if m.kind in ("regular", "combined"):
                regular[month] += 1
            if m.kind in ("thematic", "combined"):
                thematic[quarter_of(month)] += 1
            length = held_length(m.held_from, m.ended_at, m.duration_min)
            if is_short(m.kind, length, minimum_minutes, combined_minimum):
                short.append((day, m.kind, length))
            if m.kind == "extraordinary":
                extraordinary.append(day)
        seats = book.branch_seats(unit_id)
        counted = [s for s in seats if s.counted]
        followed = [s for s in seats if s.capacity == "follower" and s.outcome != "unconfirmed"]
        current = f"{today.year}-{today.month:02d}"
        in_year = [m for m in months_until(year, today) if in_record(m, start)]
        result.append(BranchYear(
            unit_id=unit_id, name=name, members=members,
            regular_by_month={m: regular.get(m, 0) for m in in_year},
            missing_months=[m for m in months_passed(year, today)
                            if in_record(m, start) and not regular.get(m)],
            thematic_by_quarter={q: thematic.get(q, 0) for q in range(1, 5)
                                 if in_record(f"{year}-{q * 3:02d}", start)},
            missing_quarters=[q for q in quarters_passed(year, today)
                              if quarter_in_record(year, q, start) and not thematic.get(q)],
            short_meetings=len(short),
            counted_present=sum(s.outcome == "present" for s in counted),
            counted_invited=len(counted),
            followers_present=sum(s.outcome == "present" for s in followed),
            followers_invited=len(followed), short_list=short, extraordinary=extraordinary,
            record_start=start,
            no_data_months=[m for m in months_until(year, today) if not in_record(m, start)],
            unconfirmed=unconfirmed,
            pending_month=current if current in in_year and not regular.get(current) else None,
        ))
    return result


@dataclass(frozen=True)
class Probation:
    membership_id: int
    person_id: int
    unit_id: int
    full_name: str
    admitted_on: date
    ends_on: date
    days_left: int

    @property
    def status(self) -> str:
        """``overdue``, ``soon`` (within 60 days) or ``later``."""
        if self.days_left < 0:
            return "overdue"
        return "soon" if self.days_left <= PROBATION_SOON_DAYS else "later"


def probations(rows: list[ProbationRow], today: date) -> list[Probation]:
    result = []
    for r in rows:
        admitted = date.fromisoformat(r.admitted_on)
        ends = probation_ends(admitted)
        result.append(Probation(r.membership_id, r.person_id, r.unit_id, r.full_name, admitted,
                                ends, (ends - today).days))
    return sorted(result, key=lambda p: p.ends_on)
