"""Calendar windows in the configured time zone, and the record start (*ghi nhận từ*):
months and quarters before it are *no data*. The rules of periods, outcomes, dues and the
3-month rule are the ledger's (``bot/reports/ledger.py``)."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
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


# --- Records over time: the record start (the rest of the rules: bot/reports/ledger.py) ---


def first_day(period: str) -> date:
    return date(int(period[:4]), int(period[5:7]), 1)


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


def quarter_in_record(year: int, quarter: int, record_start: date | None) -> bool:
    return in_record(f"{year}-{(quarter - 1) * 3 + 1:02d}", record_start)
