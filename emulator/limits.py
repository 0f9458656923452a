"""Telegram-like flood control: sliding windows per scope plus statistics.

Model: every scope (global, one private chat, one group chat) has a tuple of
``Window(count, seconds)`` rules; a send is allowed only when, for every rule,
fewer than ``count`` sends were accepted in the last ``seconds``. Rejected
sends (429) are not counted. ``retry_after`` is the time until the oldest
send in the violated window leaves it, rounded up, at least 1 second.

Counted methods: sendMessage/sendDocument/sendPhoto count toward the global
and the per-chat limits; editMessageText/editMessageReplyMarkup count toward
the per-chat limit only (unless ``Limits.count_edits_globally``).

Sends are judged and stamped at the instant their request reached the emulator
(``arrived``), as Telegram counts arrivals: under load the emulator's own loop may get to
a request tens of milliseconds later, and judging then would pin its lag on the bot.
"""

from __future__ import annotations

import math
import time
from collections import Counter, defaultdict, deque
from collections.abc import Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field

from .errors import ApiError, too_many_requests

SEND_METHODS = frozenset({"sendMessage", "sendDocument", "sendPhoto"})
EDIT_METHODS = frozenset({"editMessageText", "editMessageReplyMarkup", "editMessageCaption"})


# When the request being handled reached the emulator (set by the server per request).
ARRIVED: ContextVar[float | None] = ContextVar("emulator_arrived", default=None)


def arrived() -> float:
    """The instant the current request arrived (now, outside a request)."""
    at = ARRIVED.get()
    return time.monotonic() if at is None else at


@dataclass(frozen=True)
class Window:
    """At most ``count`` sends within any ``seconds`` long window."""

    count: int
    seconds: float


@dataclass(frozen=True)
class Limits:
    """Flood limits. Defaults approximate the documented Telegram limits."""

    global_windows: tuple[Window, ...] = (Window(30, 1.0),)
    # burst of 3 within 1 s, sustained about 1 message per second
    private_windows: tuple[Window, ...] = (Window(3, 1.0), Window(12, 10.0))
    group_windows: tuple[Window, ...] = (Window(20, 60.0),)
    count_edits_globally: bool = False
    enabled: bool = True

    @classmethod
    def off(cls) -> Limits:
        return cls(enabled=False)


@dataclass
class Stats:
    """Counters collected by the emulator."""

    sends: int = 0
    edits: int = 0
    rate_limited: int = 0
    rate_limited_by_method: Counter[str] = field(default_factory=Counter)
    rate_limited_by_chat: Counter[int] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    calls_by_method: Counter[str] = field(default_factory=Counter)
    # When each message and edit arrived (``arrived``), not when it was stored.
    send_times: dict[int, list[float]] = field(default_factory=lambda: defaultdict(list))
    edit_times: list[float] = field(default_factory=list)  # every chat's, in order
    edited_at: dict[tuple[int, int], float] = field(default_factory=dict)  # last edit, stored
    stamp_lag_max: float = 0.0  # the emulator's longest lag, a message's arrival -> stored


class RateLimiter:
    """Sliding-window limiter; ``check`` raises 429 or records the send."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self._global: deque[float] = deque()
        self._chats: dict[int, deque[float]] = defaultdict(deque)

    def reset(self, limits: Limits | None = None) -> None:
        """Forget the send history (and optionally switch limits)."""
        if limits is not None:
            self.limits = limits
        self._global.clear()
        self._chats.clear()

    @staticmethod
    def _wait(history: deque[float], windows: tuple[Window, ...], now: float) -> float:
        wait = 0.0
        for win in windows:
            recent = [t for t in history if t > now - win.seconds]
            if len(recent) >= win.count:
                oldest = recent[len(recent) - win.count]
                wait = max(wait, oldest + win.seconds - now)
        return wait

    @staticmethod
    def _trim(history: deque[float], windows: tuple[Window, ...], now: float) -> None:
        longest = max((w.seconds for w in windows), default=0.0)
        while history and history[0] <= now - longest:
            history.popleft()

    def check(self, method: str, chat_id: int, is_group: bool, now: float) -> None:
        """Raise a 429 ``ApiError`` if the send would exceed a limit, else record it."""
        lim = self.limits
        if not lim.enabled:
            return
        counts_globally = method in SEND_METHODS or (
            method in EDIT_METHODS and lim.count_edits_globally
        )
        chat_windows = lim.group_windows if is_group else lim.private_windows
        chat_hist = self._chats[chat_id]
        self._trim(chat_hist, chat_windows, now)
        self._trim(self._global, lim.global_windows, now)
        wait = self._wait(chat_hist, chat_windows, now)
        if counts_globally:
            wait = max(wait, self._wait(self._global, lim.global_windows, now))
        if wait > 0:
            raise self.error(wait)
        chat_hist.append(now)
        if counts_globally:
            self._global.append(now)

    @staticmethod
    def error(wait: float) -> ApiError:
        return too_many_requests(max(1, math.ceil(wait)))


def busiest_second(times: Sequence[float]) -> int:
    """The most events (e.g. ``Stats.send_times``) in any window [t, t + 1 s)."""
    ordered = sorted(times)
    best, first = 0, 0
    for last, at in enumerate(ordered):
        while at - ordered[first] >= 1.0:
            first += 1
        best = max(best, last - first + 1)
    return best
