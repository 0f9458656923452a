"""Replies and tap answers tried again when Telegram or the network fails for a moment.

Wraps the request backend of the application's bot (the reply path). A call that is
safe to repeat (answering a tap, editing or deleting a message, fetching a file)
is tried again a few times, shortly, after a 5xx answer, a network error or a timeout:
a second answer to a tap is refused by Telegram and taken as already done, an edit to
the same content is "not modified". A new message is tried again only when the request
never left (no connection in time): sent twice, it would be read twice.

Each retry is one INFO line naming the call and the cause; giving up is one WARNING line
that says what happens next (the error goes to the handler, which tells the person);
no traceback (the fault is the platform's, not the bot's).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

from bot.runtime.delivery.aiohttp_request import NOT_SENT
from bot.runtime.delivery.wrapping import WrappingRequest

log = logging.getLogger("chibo.delivery")

# Calls that do the same whether they arrive once or twice. (getMe and setMyCommands
# have start-up's own backoff.)
IDEMPOTENT = frozenset({
    "answerCallbackQuery", "editMessageText", "editMessageReplyMarkup", "editMessageCaption",
    "deleteMessage", "getFile", "getChat", "sendChatAction",
})
ATTEMPTS = 4
BACKOFF = (0.3, 1.0, 2.0)  # seconds before the second, third and fourth attempt


class RetryingRequest(WrappingRequest):
    """``RetryingRequest(AiohttpRequest(...))``: the same backend, with short retries."""

    def __init__(self, inner: BaseRequest, *, attempts: int = ATTEMPTS,
                 backoff: tuple[float, ...] = BACKOFF) -> None:
        super().__init__(inner)
        self._attempts = attempts
        self._backoff = backoff
        self.retried = 0

    async def do_request(
        self, url: str, method: str, request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE, write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        endpoint = url.rsplit("/", 1)[-1]
        attempt = 1
        while True:
            try:
                status, payload = await self._inner.do_request(
                    url, method, request_data, read_timeout=read_timeout,
                    write_timeout=write_timeout, connect_timeout=connect_timeout,
                    pool_timeout=pool_timeout)
            except (TimedOut, NetworkError) as err:
                if not self._again(endpoint, attempt, err.message, never_left=_not_sent(err)):
                    raise
            else:
                if status < 500 or not self._again(endpoint, attempt, f"HTTP {status}",
                                                   never_left=False):
                    return status, payload
            await asyncio.sleep(self._backoff[min(attempt, len(self._backoff)) - 1])
            attempt += 1

    def _again(self, endpoint: str, attempt: int, cause: str, *, never_left: bool) -> bool:
        """Whether to try ``endpoint`` again after ``cause``; logs the one line."""
        if endpoint not in IDEMPOTENT and not never_left:
            return False
        if attempt >= self._attempts:
            log.warning("Bot API %s failed %d times (%s); giving up: the handler is told",
                        endpoint, attempt, cause)
            return False
        self.retried += 1
        log.info("Bot API %s failed (%s); trying again (attempt %d of %d)", endpoint, cause,
                 attempt + 1, self._attempts)
        return True


def _not_sent(err: Exception) -> bool:
    return isinstance(err, TimedOut) and str(err.message) == NOT_SENT
