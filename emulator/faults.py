"""Fault injection: blocked/deactivated users, failing and slow send calls.

Faults apply to "send" calls: by default sendMessage, sendDocument and
sendPhoto; ``methods=`` names others per fault, any Bot API method (getMe,
setMyCommands, answerCallbackQuery...). Order inside a call:

1. ``fail_next`` / ``fail_rate``: the call fails *before* anything is recorded.
2. validation, flood limits, the message is recorded as delivered.
3. ``drop_after_record``: the message stays delivered but the bot gets an error.
4. ``slow``: the answer is delayed (message already delivered), so a client
   read timeout simulates "timed out, but maybe delivered".
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass

from .errors import ApiError
from .limits import SEND_METHODS


@dataclass
class _Rule:
    methods: frozenset[str]
    remaining: int | None  # None = unlimited
    probability: float
    rng: random.Random | None

    def fires(self, method: str) -> bool:
        if method not in self.methods:
            return False
        if self.remaining is not None:
            if self.remaining <= 0:
                return False
            self.remaining -= 1
            return True
        rng = self.rng or random.Random()
        return rng.random() < self.probability


@dataclass
class _ErrorRule(_Rule):
    status: int = 500
    description: str = "Internal Server Error"


@dataclass
class _SlowRule(_Rule):
    seconds: float = 0.0


def _methods(methods: Iterable[str] | None) -> frozenset[str]:
    return SEND_METHODS if methods is None else frozenset(methods)


class Faults:
    """Configurable faults; all changes take effect on the next request."""

    def __init__(self) -> None:
        self.blocked: set[int] = set()
        self.deactivated: set[int] = set()
        self._before: list[_ErrorRule] = []
        self._after: list[_ErrorRule] = []
        self._slow: list[_SlowRule] = []

    def block(self, user_id: int) -> None:
        """The user blocked the bot: sends answer 403 'bot was blocked by the user'."""
        self.blocked.add(user_id)

    def unblock(self, user_id: int) -> None:
        self.blocked.discard(user_id)

    def deactivate(self, user_id: int) -> None:
        """The account was deleted: sends answer 403 'user is deactivated'."""
        self.deactivated.add(user_id)

    def fail_next(
        self,
        n: int = 1,
        status: int = 500,
        description: str = "Internal Server Error",
        *,
        methods: Iterable[str] | None = None,
    ) -> None:
        """The next ``n`` send calls fail with that error and deliver nothing."""
        self._before.append(_ErrorRule(_methods(methods), n, 1.0, None, status, description))

    def fail_rate(
        self,
        p: float,
        status: int = 502,
        description: str = "Bad Gateway",
        *,
        seed: int | None = None,
        methods: Iterable[str] | None = None,
    ) -> None:
        """A random fraction ``p`` of send calls fail (deterministic with ``seed``)."""
        rng = random.Random(seed)
        self._before.append(_ErrorRule(_methods(methods), None, p, rng, status, description))

    def drop_after_record(
        self,
        n: int = 1,
        status: int = 502,
        description: str = "Bad Gateway",
        *,
        methods: Iterable[str] | None = None,
    ) -> None:
        """The next ``n`` send calls ARE delivered, but the bot receives that error."""
        self._after.append(_ErrorRule(_methods(methods), n, 1.0, None, status, description))

    def slow(
        self,
        seconds: float,
        *,
        rate: float | None = None,
        next_n: int | None = None,
        seed: int | None = None,
        methods: Iterable[str] | None = None,
    ) -> None:
        """Delay answers (after delivery). ``next_n`` calls, a ``rate`` fraction, or all."""
        rng = random.Random(seed) if rate is not None else None
        prob = 1.0 if rate is None else rate
        self._slow.append(_SlowRule(_methods(methods), next_n, prob, rng, seconds))

    def clear(self) -> None:
        """Remove every fault including blocks and deactivations."""
        self.blocked.clear()
        self.deactivated.clear()
        self._before.clear()
        self._after.clear()
        self._slow.clear()

    # -- used by the server -------------------------------------------------
    @staticmethod
    def _first(rules: list[_ErrorRule], method: str) -> ApiError | None:
        for rule in rules:
            if rule.fires(method):
                return ApiError(rule.status, rule.description)
        return None

    def error_before(self, method: str) -> ApiError | None:
        return self._first(self._before, method)

    def error_after(self, method: str) -> ApiError | None:
        return self._first(self._after, method)

    def delay(self, method: str) -> float:
        return max((r.seconds for r in self._slow if r.fires(method)), default=0.0)
