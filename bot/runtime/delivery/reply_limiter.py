"""Pacing for direct replies, plugged into python-telegram-bot as its rate limiter.

Every Bot API call made through the application's bot passes here. Replies
and edits take a turn at their chat's gate and a slot of the one global budget
the outbox sender spends too (replies go ahead of outbox rows, never past the
total; answers to taps are not counted); a 429 holds the chat and the call is
tried again after ``retry_after`` (a few times, for short waits), so a person
typing fast gets every answer instead of an error. The outbox sender marks its
own calls with ``rate_limit_args={"outbox": True}``: it has already paced them
and handles 429 itself, per message, without blocking.

Edits are coalesced: an edit of a message that a newer edit of the same message
overtakes while it waits for its turn is never sent (the newer one carries the
final state); the caller sees it succeed.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.runtime.delivery.limits import BUDGETED, Throttle

log = logging.getLogger("chibo.delivery")

# Calls that take a turn at their chat's gate (Telegram's per-chat limits) and spend the
# bot's one budget, ``messages_per_second``, shared with the outbox: messages and edits.
# Answers to taps are not messages and are not counted: they stay immediate (a tap must
# be answered within seconds), so a crowd tapping waits for its edits, never its answers.
PACED = BUDGETED
# Edits of one message (chat id, message id): only the newest pending one is sent.
EDITS = frozenset({"editMessageText", "editMessageReplyMarkup", "editMessageCaption"})
MAX_RETRIES = 3
MAX_WAIT = 30.0

JSON = bool | dict[str, Any] | list[dict[str, Any]]


class ReplyLimiter(BaseRateLimiter[dict[str, Any]]):
    def __init__(self, throttle: Throttle) -> None:
        self._throttle = throttle
        self._newest: dict[tuple[int, int], int] = {}  # message -> its newest edit's number
        self._numbers = itertools.count(1)
        self.superseded = 0  # edits never sent because a newer one of the message came

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, JSON]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: dict[str, Any] | None,
    ) -> JSON:
        if (rate_limit_args or {}).get("outbox") or endpoint not in BUDGETED:
            return await callback(*args, **kwargs)
        chat_id = _chat_id(data) if endpoint in PACED else None
        message = _message(chat_id, data) if endpoint in EDITS else None
        if message is None:
            return await self._paced(callback, args, kwargs, endpoint, chat_id)
        number = next(self._numbers)
        self._newest[message] = number

        def overtaken() -> bool:
            return self._newest.get(message) != number

        try:
            return await self._paced(callback, args, kwargs, endpoint, chat_id, overtaken)
        finally:
            if not overtaken():
                del self._newest[message]

    async def _paced(
        self, callback: Callable[..., Coroutine[Any, Any, JSON]], args: Any,
        kwargs: dict[str, Any], endpoint: str, chat_id: int | None,
        overtaken: Callable[[], bool] | None = None,
    ) -> JSON:
        """Send after the chat's turn and a slot of the budget (an interactive one); an
        edit ``overtaken`` by a newer one of its message before its turn is dropped."""
        for attempt in range(MAX_RETRIES + 1):
            if chat_id is not None and not await self._throttle.gates.wait_turn(
                    chat_id, give_up=overtaken):
                return self._dropped(endpoint)
            if not await self._throttle.pacer.acquire(urgent=True, give_up=overtaken):
                return self._dropped(endpoint)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as err:
                wait = seconds(err.retry_after)
                if attempt == MAX_RETRIES or wait > MAX_WAIT:
                    raise
                if chat_id is not None:
                    self._throttle.gates.hold(chat_id, time.monotonic() + wait)
                log.info("reply %s rate-limited; again in %.0fs", endpoint, wait)
                await asyncio.sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover

    def _dropped(self, endpoint: str) -> JSON:
        """A superseded edit: not sent, and to the caller as done (what PTB's edit
        methods return for an edit without a message to give back)."""
        self.superseded += 1
        log.debug("%s superseded by a newer edit of the same message; not sent", endpoint)
        return True


def _chat_id(data: dict[str, Any]) -> int | None:
    value = data.get("chat_id")
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None  # "@channelname"


def _message(chat_id: int | None, data: dict[str, Any]) -> tuple[int, int] | None:
    """The (chat, message) an edit is of; None for an inline message's edit."""
    value = data.get("message_id")
    if chat_id is None or value is None:
        return None
    try:
        return chat_id, int(value)
    except (TypeError, ValueError):
        return None


def seconds(value: int | float | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
