"""Calendar windows in the configured time zone, as UTC instants for the queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property, lru_cache
from zoneinfo import ZoneInfo

from storage.timefmt import from_db


def year_window(year: int, tz: ZoneInfo) -> tuple[datetime, datetime]:
    return datetime(year, 1, 1, tzinfo=tz), datetime(year + 1, 1, 1, tzinfo=tz)


def month_of(instant: datetime, tz: ZoneInfo) -> str:
    return instant.astimezone(tz).strftime("%Y-%m")


def months_passed(year: int, today: date) -> list[str]:
    """The year's months that have fully ended by ``today``."""
    if year < today.year:
        return [f"{year}-{m:02d}" for m in range(1, 13)]
    if year > today.year:
        return []
    return [f"{year}-{m:02d}" for m in range(1, today.month)]


def months_until(year: int, today: date) -> list[str]:
    """The year's months up to and including the current one."""
    last = 12 if year < today.year else (0 if year > today.year else today.month)
    return [f"{year}-{m:02d}" for m in range(1, last + 1)]


def quarter_of(period: str) -> int:
    return (int(period[5:7]) - 1) // 3 + 1


def quarters_passed(year: int, today: date) -> list[int]:
    if year < today.year:
        return [1, 2, 3, 4]
    if year > today.year:
        return []
    return list(range(1, (today.month - 1) // 3 + 1))


# --- Records over time: the month rule every figure follows ---------------------------------
# (The meeting rule, inside the period and the record, is SQL: storage/periods.py.)


def first_day(period: str) -> date:
    return date(int(period[:4]), int(period[5:7]), 1)


def next_month(day: date) -> date:
    return date(day.year + 1, 1, 1) if day.month == 12 else date(day.year, day.month + 1, 1)


def last_day(period: str) -> date:
    return next_month(first_day(period)) - timedelta(days=1)


@lru_cache(maxsize=4096)
def local_day(text: str | datetime | None, tz: ZoneInfo) -> date | None:
    """A stored start or end (an instant, or a plain date) as a local calendar date
    (cached: a branch's members mostly share a few start dates)."""
    if not text:
        return None
    if isinstance(text, datetime):
        return text.astimezone(tz).date()
    if len(text) == 10:
        return date.fromisoformat(text)
    return from_db(text).astimezone(tz).date()


def in_record(period: str, record_start: date | None) -> bool:
    """Whether the month is in the branch's record: it begins on or after the record start
    (a month before it, or cut by it, is *no data*, never missing)."""
    return record_start is None or first_day(period) >= record_start


@dataclass(frozen=True)
class Period:
    """A membership period in a branch (local dates; ``end`` is the day it ended), with the
    branch's record start."""

    start: date | None
    end: date | None
    record_start: date | None

    def month_counts(self, period: str) -> bool:
        """A month belongs to the member here when it is in the record and the member
        belonged to the branch at the month's end (dues are owed where one is at month end)."""
        first, last = self.month_bounds
        return (first is None or period >= first) and (last is None or period <= last)

    @cached_property
    def month_bounds(self) -> tuple[str | None, str | None]:
        """The first and last "YYYY-MM" that count (None: no bound), for fast comparison."""
        first: str | None = None
        if self.record_start is not None:  # the first month beginning on or after it
            day = self.record_start
            first = (day if day.day == 1 else next_month(day)).strftime("%Y-%m")
        if self.start is not None:  # the start's month: its last day is inside the period
            joined = self.start.strftime("%Y-%m")
            first = max(first or joined, joined)
        last: str | None = None
        if self.end is not None:  # the month before the end's: the last one ended inside
            last = (self.end.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
        return first, last


def dues_due(period: str, today: date, due_day: int) -> bool:
    """A month's dues are unpaid only once the due day of the next month has passed."""
    return today > next_month(first_day(period)).replace(day=due_day)


def record_months(year: int, today: date, record_start: date | None) -> list[str]:
    """The year's months so far (including the current one) that are in the record."""
    return [m for m in months_until(year, today) if in_record(m, record_start)]


def quarter_in_record(year: int, quarter: int, record_start: date | None) -> bool:
    return in_record(f"{year}-{(quarter - 1) * 3 + 1:02d}", record_start)
