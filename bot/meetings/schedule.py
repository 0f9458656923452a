"""The regular-meeting rule of a branch: "day 5 at 19:30" or "first Thursday at 19:30".

Typed as people write it, in Vietnamese or English::

    ngày 5 19:30 | Nhà văn hóa thôn 3      day 5 19:30 | Culture house
    thứ 5 tuần 1 19:30                     first thursday 19:30
    thứ sáu tuần cuối 19h30                last friday 7:30   (24 h clock)

A day that does not exist in a month (31 in April) falls on the month's last day.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import re
from dataclasses import asdict, dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.core.errors import Invalid
from bot.core.names import fold_accents
from bot.core.parsing import parse_clock

_VI_WEEKDAYS = {"2": 0, "hai": 0, "3": 1, "ba": 1, "4": 2, "tu": 2, "5": 3, "nam": 3,
                "6": 4, "sau": 4, "7": 5, "bay": 5}
_EN_WEEKDAYS = {name: i for i, name in enumerate(
    ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))}
_ORDINALS = {"1": 1, "dau": 1, "nhat": 1, "first": 1, "1st": 1, "2": 2, "second": 2, "2nd": 2,
             "hai": 2, "3": 3, "third": 3, "3rd": 3, "ba": 3, "4": 4, "fourth": 4, "4th": 4,
             "tu": 4, "cuoi": -1, "last": -1}
_TIME = r"(?:luc\s+|at\s+)?(\d{1,2}\s*(?::|h)\s*\d{0,2})"
_DAY_RULE = re.compile(rf"^(?:ngay|day)\s+(\d{{1,2}})\s+{_TIME}$")
_VI_WEEK_RULE = re.compile(
    rf"^(?:thu\s+(\w+)|(chu nhat|cn))\s+tuan\s+(\w+)\s+{_TIME}$")
_EN_WEEK_RULE = re.compile(rf"^(\w+)\s+([a-z]+)\s+{_TIME}$")


@dataclass(frozen=True)
class ScheduleRule:
    time: str  # "HH:MM"
    day: int | None = None  # day of month, 1..31
    weekday: int | None = None  # 0 = Monday
    week: int | None = None  # 1..4, or -1 for the last

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, raw: str) -> ScheduleRule:
        return cls(**json.loads(raw))

    @property
    def clock(self) -> dt.time:
        hour, minute = self.time.split(":")
        return dt.time(int(hour), int(minute))

    def day_in(self, year: int, month: int) -> date:
        last = calendar.monthrange(year, month)[1]
        if self.day is not None:
            return date(year, month, min(self.day, last))
        assert self.weekday is not None and self.week is not None
        days = [d for d in range(1, last + 1) if date(year, month, d).weekday() == self.weekday]
        return date(year, month, days[-1] if self.week == -1 else days[self.week - 1])

    def occurrence(self, year: int, month: int, tz: ZoneInfo) -> datetime:
        """The meeting's start in ``year``/``month`` as an aware instant."""
        return datetime.combine(self.day_in(year, month), self.clock, tzinfo=tz)


def _weekday(word: str) -> int | None:
    if word in _VI_WEEKDAYS:
        return _VI_WEEKDAYS[word]
    for name, index in _EN_WEEKDAYS.items():
        if len(word) >= 3 and name.startswith(word):
            return index
    return None


def parse_rule(text: str) -> tuple[ScheduleRule, str | None]:
    """The rule and the place (after ``|``), or ``Invalid("schedule_invalid")``."""
    rule_text, _, place = text.partition("|")
    key = fold_accents(rule_text)
    rule: ScheduleRule | None = None
    if m := _DAY_RULE.match(key):
        day = int(m.group(1))
        if 1 <= day <= 31:
            rule = ScheduleRule(time=_clock(m.group(2)), day=day)
    elif m := _VI_WEEK_RULE.match(key):
        weekday = 6 if m.group(2) else _VI_WEEKDAYS.get(m.group(1) or "")
        week = _ORDINALS.get(m.group(3))
        if weekday is not None and week is not None:
            rule = ScheduleRule(time=_clock(m.group(4)), weekday=weekday, week=week)
    elif (m := _EN_WEEK_RULE.match(key)) and m.group(1) in _ORDINALS:
        weekday = _weekday(m.group(2))
        if weekday is not None:
            rule = ScheduleRule(time=_clock(m.group(3)), weekday=weekday,
                                week=_ORDINALS[m.group(1)])
    if rule is None:
        raise Invalid("schedule_invalid", value=text.strip()[:100])
    clean_place = " ".join(place.split())[:200] or None
    return rule, clean_place


def _clock(text: str) -> str:
    return parse_clock(text.replace(" ", "")).strftime("%H:%M")
