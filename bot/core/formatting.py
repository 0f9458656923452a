"""Vietnamese-style formatting of numbers, ratios, percentages, dates and times.

Numbers follow the reader's language through Babel (CLDR): ``1.683`` and
``94,2%`` in Vietnamese, ``1,683`` and ``94.2%`` in English. Dates are always
``dd/mm/yyyy`` and times ``HH:MM`` (24 h), as the branch documents write them.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

from bot.texts import Language


@lru_cache(maxsize=8192)
def number(value: int | float, lang: Language = "vi") -> str:
    """Cached: a report formats the same small numbers thousands of times, and Babel
    parses the pattern on every call."""
    return format_decimal(value, locale=lang)


def ratio(part: int, whole: int, lang: Language = "vi") -> str:
    """``1.683/1.924``"""
    return f"{number(part, lang)}/{number(whole, lang)}"


@lru_cache(maxsize=8192)
def percent(fraction: float | None, lang: Language = "vi") -> str:
    """``94,2%``; ``—`` when there is nothing to divide by."""
    if fraction is None:
        return "—"
    return format_percent(fraction, format="#,##0.0%", locale=lang)


def day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def local_time(instant: datetime, tz: ZoneInfo) -> str:
    """``05/12/2026 19:30`` in the configured time zone."""
    return instant.astimezone(tz).strftime("%d/%m/%Y %H:%M")


def weekday_time(instant: datetime, tz: ZoneInfo, lang: Language = "vi") -> str:
    """``Thứ Bảy, 05/12/2026 19:30``"""
    local = instant.astimezone(tz)
    name = format_date(local.date(), "EEEE", locale=lang)
    return f"{name}, {local.strftime('%d/%m/%Y %H:%M')}"


def month(period: str) -> str:
    """``2026-12`` -> ``12/2026``"""
    year, mon = period.split("-")
    return f"{mon}/{year}"
