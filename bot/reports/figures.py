"""The figures the committee asks for, each defined once, here.

- Attendance rate = present / (invited − members excused by standing: away, exempt,
  213), over closed meetings (roll call done). Standing members are shown apart.
- Records over time (PRODUCT.md): a meeting or a month counts for a member only inside
  the membership period and from the branch's record start (``storage/periods.py`` for
  meetings, ``bot/reports/periods.py`` for months); before the record start there is
  *no data*, shown as "—" and left out of every count.
- Quy định 24-QĐ/TW, point 8.1: per member and calendar year, the months with an
  unexcused absence or unpaid dues, each month once whatever the cause; 2 such months
  warn the officers, 3 or more flag the member, and each month is named with its causes.
  A month's dues are unpaid only after the due day of the next month, inside the period,
  and only in months for which the branch records dues at all.
- Followers' presence: meetings attended / meetings invited to, as ``X/Y``.
- Per branch: regular meetings held per month and thematic per quarter (missing ones
  marked once the month or quarter is over), and meetings shorter than the minimum on
  their actual length (``is_short``). Extraordinary meetings are counted apart: never the
  month's regular meeting, and not held to the minimum length.
- Probation: 12 months from admission; within 60 days, or overdue.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.members.service import probation_ends
from bot.reports.periods import (
    Period,
    dues_due,
    in_record,
    month_of,
    months_passed,
    months_until,
    quarter_in_record,
    quarter_of,
    quarters_passed,
)
from storage.people import MemberRow
from storage.reports import (
    AttendanceCount,
    BranchAttendance,
    MeetingFact,
    ProbationRow,
)

WARN_AT = 2
FLAG_AT = 3
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
    person_id: int
    unit_id: int
    full_name: str
    standing: str | None
    present: int = 0
    excused: int = 0
    unexcused: int = 0
    counted_present: int = 0
    counted_invited: int = 0
    unexcused_months: list[str] = field(default_factory=list)
    unpaid_months: list[str] = field(default_factory=list)
    absences: dict[str, list[date]] = field(default_factory=dict)  # month -> local days

    @property
    def rate(self) -> float | None:
        return rate(self.counted_present, self.counted_invited)

    @property
    def violation_months(self) -> list[str]:
        return sorted(set(self.unexcused_months) | set(self.unpaid_months))

    def causes(self) -> list[tuple[str, list[date], bool]]:
        """(month, days of unexcused absences, dues unpaid) for each violation month."""
        unpaid = set(self.unpaid_months)
        return [(m, sorted(self.absences.get(m, [])), m in unpaid)
                for m in self.violation_months]

    @property
    def level(self) -> str:
        """``flag`` (3 or more months), ``warn`` (2), or ``ok``."""
        count = len(self.violation_months)
        return "flag" if count >= FLAG_AT else "warn" if count >= WARN_AT else "ok"


def member_years(
    members: list[MemberRow],
    counts: list[AttendanceCount],
    unexcused: list[tuple[int, int, datetime]],
    dues: list[tuple[int, int, str, int | None]],
    year: int,
    today: date,
    tz: ZoneInfo,
    periods: Mapping[tuple[int, int], Period] | None = None,
    due_day: int = 10,
) -> list[MemberYear]:
    """One ``MemberYear`` per member given, from the raw rows of the year (meetings are
    already inside each period; ``periods`` decide the dues months)."""
    by_key = {(m.person_id, m.unit_id): MemberYear(m.person_id, m.unit_id, m.full_name,
                                                  m.standing) for m in members}
    for c in counts:
        row = by_key.get((c.person_id, c.unit_id))
        if row is None:
            continue
        row.present, row.excused, row.unexcused = c.present, c.excused, c.unexcused
        row.counted_present, row.counted_invited = c.counted_present, c.counted_invited
    for person_id, unit_id, starts in unexcused:
        row = by_key.get((person_id, unit_id))
        if row is not None:
            month = month_of(starts, tz)
            if month not in row.unexcused_months:
                row.unexcused_months.append(month)
            row.absences.setdefault(month, []).append(starts.astimezone(tz).date())
    tracked: dict[int, set[str]] = defaultdict(set)
    paid: set[tuple[int, int, str]] = set()
    for person_id, unit_id, period, _ in dues:
        tracked[unit_id].add(period)
        paid.add((person_id, unit_id, period))
    due_months = {m for m in months_until(year, today) if dues_due(m, today, due_day)}
    joined = {(m.person_id, m.unit_id): m for m in members}
    everywhere = Period(None, None, None)
    owed = {unit_id: sorted(months & due_months) for unit_id, months in tracked.items()}
    for (person_id, unit_id), row in by_key.items():
        if joined[(person_id, unit_id)].standing is not None:
            continue
        period_of = (periods or {}).get((person_id, unit_id), everywhere)
        for period in owed.get(unit_id, ()):
            if period_of.month_counts(period) and (person_id, unit_id, period) not in paid:
                row.unpaid_months.append(period)
        row.unexcused_months.sort()
    return sorted(by_key.values(), key=lambda r: (r.unit_id, r.full_name))


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

    @property
    def rate(self) -> float | None:
        return rate(self.counted_present, self.counted_invited)

    @property
    def held_months(self) -> int:
        return sum(1 for v in self.regular_by_month.values() if v)


def branch_years(
    branches: list[tuple[int, str, int, date | None]],
    meetings: list[MeetingFact],
    attendance: dict[int, BranchAttendance],
    year: int,
    today: date,
    tz: ZoneInfo,
    minimum_minutes: int,
    combined_minimum: int,
) -> list[BranchYear]:
    """``branches`` are (id, name, active members, record start). Months and quarters
    before the record start are *no data*: not in ``regular_by_month``, never missing."""
    result = []
    for unit_id, name, members, start in branches:
        mine = [m for m in meetings if m.unit_id == unit_id]
        regular: dict[str, int] = defaultdict(int)
        thematic: dict[int, int] = defaultdict(int)
        short: list[tuple[date, str, int]] = []
        for m in mine:
            month = month_of(m.starts_at, tz)
            if m.kind in ("regular", "combined"):
                regular[month] += 1
            if m.kind in ("thematic", "combined"):
                thematic[quarter_of(month)] += 1
            if is_short(m.kind, m.length_min, minimum_minutes, combined_minimum):
                short.append((m.starts_at.astimezone(tz).date(), m.kind, m.length_min))
        held_regular = {k: v for k, v in regular.items() if v}
        att = attendance.get(unit_id, BranchAttendance(unit_id, 0, 0, 0, 0))
        result.append(BranchYear(
            unit_id=unit_id, name=name, members=members,
            regular_by_month={m: held_regular.get(m, 0) for m in months_until(year, today)
                              if in_record(m, start)},
            missing_months=[m for m in months_passed(year, today)
                            if in_record(m, start) and not held_regular.get(m)],
            thematic_by_quarter={q: thematic.get(q, 0) for q in range(1, 5)
                                 if in_record(f"{year}-{q * 3:02d}", start)},
            missing_quarters=[q for q in quarters_passed(year, today)
                              if quarter_in_record(year, q, start) and not thematic.get(q)],
            short_meetings=len(short), counted_present=att.counted_present,
            counted_invited=att.counted_invited, followers_present=att.followers_present,
            followers_invited=att.followers_invited, short_list=short,
            extraordinary=[m.starts_at.astimezone(tz).date() for m in mine
                           if m.kind == "extraordinary"],
            record_start=start,
            no_data_months=[m for m in months_until(year, today) if not in_record(m, start)],
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
