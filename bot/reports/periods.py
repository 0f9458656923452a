"""Calendar windows in the configured time zone, as UTC instants for the queries."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo


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
