"""Per-person flood control: a token bucket per Telegram account.

Each person may send a burst of ``burst`` updates and then ``burst`` per minute.
Past that, the first update gets one polite "slow down" answer and the rest are
dropped until the bucket refills, so one person hammering the bot cannot delay
everyone else. Real (monotonic) time: this is about how fast people type.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from enum import Enum


class Verdict(Enum):
    ALLOW = "allow"
    WARN = "warn"  # over the limit: answer once, politely
    DROP = "drop"  # still over the limit: ignore


@dataclass
class _Bucket:
    tokens: float
    stamp: float
    warned: bool = False


class FloodGate:
    def __init__(self, per_minute: int) -> None:
        self.burst = float(per_minute)
        self.rate = per_minute / 60.0
        self._buckets: dict[int, _Bucket] = {}

    def check(self, user_id: int, now: float | None = None) -> Verdict:
        now = time.monotonic() if now is None else now
        bucket = self._buckets.get(user_id)
        if bucket is None:
            bucket = self._buckets[user_id] = _Bucket(self.burst, now)
        else:
            bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.stamp) * self.rate)
            bucket.stamp = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            bucket.warned = False
            return Verdict.ALLOW
        if bucket.warned:
            return Verdict.DROP
        bucket.warned = True
        return Verdict.WARN

    def forget_idle(self, now: float | None = None) -> None:
        """Drop full buckets (people who have been quiet) so the map stays small."""
        now = time.monotonic() if now is None else now
        if len(self._buckets) > 10_000:
            full = self.burst / self.rate if self.rate else 0.0
            self._buckets = {u: b for u, b in self._buckets.items() if now - b.stamp < full}


class OncePer:
    """At most one answer per key (a group chat) per ``seconds``: a group that types
    commands is told once where they work, not once per command."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._last: dict[int, float] = {}

    def allow(self, key: int, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        last = self._last.get(key)
        if last is not None and now - last < self.seconds:
            return False
        if len(self._last) > 10_000:
            self._last = {k: v for k, v in self._last.items() if now - v < self.seconds}
        self._last[key] = now
        return True
