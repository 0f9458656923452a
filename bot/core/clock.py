"""Time as a dependency: production reads the system clock, tests move a fake one.

``today_in(services)`` is the calendar day in the bot's time zone: dates (assignments,
dues months, "no birth date in the future") are local, instants are UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from storage.timefmt import from_db, to_db

__all__ = ["Clock", "FakeClock", "SystemClock", "epoch", "from_db", "to_db", "today_in"]


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware, in UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FakeClock:
    """A clock that only moves when told to."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FakeClock needs an aware datetime")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def set(self, instant: datetime) -> None:
        if instant.tzinfo is None:
            raise ValueError("FakeClock needs an aware datetime")
        self._now = instant.astimezone(UTC)

    def advance(self, delta: timedelta) -> datetime:
        self._now += delta
        return self._now


class _Local(Protocol):
    """What ``today_in`` reads of the services: their clock and time zone."""

    @property
    def clock(self) -> Clock: ...

    @property
    def tz(self) -> ZoneInfo: ...


def today_in(services: _Local) -> date:
    """Today in the bot's time zone."""
    return services.clock.now().astimezone(services.tz).date()


def epoch(instant: datetime) -> int:
    """Whole seconds since 1970 (UTC): a stable number for keys built from an instant."""
    return int(instant.timestamp())
