"""Dates and times as people type them: ``05/12/2026``, ``5/12``, ``2026-12-05``,
``19:30``, ``19h30``, ``19h``. Every failure is an ``Invalid`` with a catalog key."""

from __future__ import annotations

import re
from datetime import date, time

from bot.core.errors import Invalid
from bot.core.names import strip_zero_width
from bot.imports.values import Invalid as CellInvalid
from bot.imports.values import parse_date as parse_cell_date

_DAY_MONTH = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})$")
_MONTH_YEAR = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{4})$")
_YEAR_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_TIME = re.compile(r"^(\d{1,2})\s*(?:[:hH]\s*(\d{2})?)?$")
MAX_INPUT = 200


def _clean(text: str) -> str:
    return strip_zero_width(text).strip()[:MAX_INPUT]


def parse_day(text: str, today: date, *, allow_short: bool = False) -> date:
    """A calendar day. With ``allow_short``, ``5/12`` means the next 5 December from today."""
    value = _clean(text)
    if allow_short and (m := _DAY_MONTH.match(value)):
        day, month = int(m.group(1)), int(m.group(2))
        for year in (today.year, today.year + 1):
            try:
                candidate = date(year, month, day)
            except ValueError:
                raise Invalid("date_invalid", value=value) from None
            if candidate >= today:
                return candidate
        raise Invalid("date_invalid", value=value)
    try:
        return parse_cell_date(value)
    except CellInvalid:
        raise Invalid("date_invalid", value=value) from None


def parse_month(text: str) -> tuple[int, int]:
    """``12/2026``, ``3/2026``, ``2026-03`` -> (year, month); a bad month is refused in
    the words the person typed (never a made-up date around it)."""
    value = _clean(text)
    if m := _MONTH_YEAR.match(value):
        month, year = int(m.group(1)), int(m.group(2))
    elif m := _YEAR_MONTH.match(value):
        year, month = int(m.group(1)), int(m.group(2))
    else:
        raise Invalid("month_invalid", value=value)
    if not 1 <= month <= 12 or year < 1900:
        raise Invalid("month_invalid", value=value)
    return year, month


def parse_past_day(text: str, today: date) -> date:
    result = parse_day(text, today)
    if result > today:
        raise Invalid("date_in_future", value=result.strftime("%d/%m/%Y"))
    return result


def parse_clock(text: str) -> time:
    """``19:30``, ``19h30``, ``19h``, ``7:05``."""
    value = _clean(text)
    m = _TIME.match(value)
    if not m:
        raise Invalid("time_invalid", value=value)
    hour, minute = int(m.group(1)), int(m.group(2) or 0)
    if hour > 23 or minute > 59:
        raise Invalid("time_invalid", value=value)
    return time(hour, minute)
