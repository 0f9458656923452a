"""python-telegram-bot's networking backend on aiohttp instead of httpx.

Why: profiling the bot under 5,000 answer taps showed the HTTP client taking most of
its CPU (httpcore's per-request pool bookkeeping, cookie handling, response
streaming); aiohttp's client does the same work in a fraction of it. PTB supports
other backends through ``BaseRequest``; aiohttp is already a dependency (the emulator).

Timeouts keep PTB's meaning, which the outbox relies on: waiting for a connection or
connecting raises ``TimedOut("Pool timeout…")`` (the request never left), a read that
times out raises a plain ``TimedOut`` (it may have been delivered).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import aiohttp
from aiohttp.abc import AbstractStreamWriter
from aiohttp.payload import BytesPayload
from telegram._utils.defaultvalue import DefaultValue
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

from bot.core.config import Config
from bot.runtime.delivery.limits import BUDGETED, Grant, Pacer, take_grant

ANSWER = "/answerCallbackQuery"
NOT_SENT = ("Pool timeout: no connection was free in time. Request was *not* sent to "
            "Telegram.")


def proxied_request(config: Config, **settings: Any) -> AiohttpRequest:
    """A request backend going through the configured proxy, if any (``pacer``: the
    bot's sending budget, spent here as each message or edit leaves)."""
    return AiohttpRequest(proxy=config.telegram.proxy(), **settings)


class _PacedBody(BytesPayload):
    """A message's or edit's form body that spends its slot of the budget as it is
    written: the request's headers wait in aiohttp's buffer and leave with the body, so
    this is the instant the request leaves, however busy the event loop was between
    the slot and here (on Python 3.11 aiohttp writes the body in a task of its own,
    one loop turn or more after the call). A late slot is dropped there and another
    taken, so the pace holds for send starts."""

    def __init__(self, params: dict[str, Any], pacer: Pacer, grant: Grant | None) -> None:
        super().__init__(urlencode(params).encode(),
                         content_type="application/x-www-form-urlencoded")
        self._pacer = pacer
        self._grant = grant

    async def write_with_length(self, writer: AbstractStreamWriter,
                                content_length: int | None) -> None:
        await self._pacer.start(self._grant)
        await super().write_with_length(writer, content_length)


class AiohttpRequest(BaseRequest):
    def __init__(self, *, connection_pool_size: int = 16, read_timeout: float | None = 5.0,
                 write_timeout: float | None = 5.0, connect_timeout: float | None = 5.0,
                 pool_timeout: float | None = 1.0, proxy: str | None = None,
                 pacer: Pacer | None = None) -> None:
        self._pool_size = connection_pool_size
        self._pacer = pacer
        self._proxy = proxy  # an HTTP proxy for every request ([telegram] proxy_url)
        self._timeouts = {"read": read_timeout, "write": write_timeout,
                          "connect": connect_timeout, "pool": pool_timeout}
        self._session: aiohttp.ClientSession | None = None
        # Answers to taps have connections of their own: a crowd's answers must not hold
        # up the paced edits and replies in the pool (they would leave in a bunch, above
        # the rate, when the crowd thins), nor the paced calls the answers.
        self._answers: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._timeouts["read"]

    def _open(self) -> aiohttp.ClientSession:
        connector = aiohttp.TCPConnector(limit=self._pool_size, ttl_dns_cache=300)
        return aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.DummyCookieJar())

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = self._open()
        if self._answers is None or self._answers.closed:
            self._answers = self._open()

    async def shutdown(self) -> None:
        for session in (self._session, self._answers):
            if session is not None and not session.closed:
                await session.close()
        self._session = self._answers = None

    def _pick(self, value: Any, name: str) -> float | None:
        if isinstance(value, DefaultValue):
            chosen: float | None = self._timeouts[name]
            return chosen
        return value  # type: ignore[no-any-return]

    async def do_request(
        self, url: str, method: str, request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE, write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        session = self._answers if url.endswith(ANSWER) else self._session
        if session is None:
            raise RuntimeError("AiohttpRequest is not initialized")
        read = self._pick(read_timeout, "read")
        pool = self._pick(pool_timeout, "pool")
        connect = self._pick(connect_timeout, "connect")
        timeout = aiohttp.ClientTimeout(
            total=None, connect=(pool or 0) + (connect or 0) or None, sock_read=read)
        data: Any = None
        if request_data is not None:
            if request_data.contains_files:
                form = aiohttp.FormData()
                for name, value in request_data.json_parameters.items():
                    form.add_field(name, value)
                for name, part in request_data.multipart_data.items():
                    filename, content, mime = part if len(part) == 3 else (*part, None)
                    form.add_field(name, content, filename=filename, content_type=mime)
                data = form
            else:
                data = request_data.json_parameters
        if self._pacer is not None and url.rsplit("/", 1)[-1] in BUDGETED:
            grant = take_grant()
            if isinstance(data, dict):
                data = _PacedBody(data, self._pacer, grant)
            else:  # a file: the slot is spent here, a moment before it leaves
                await self._pacer.start(grant)
        try:
            async with session.request(method, url, data=data, timeout=timeout,
                                       proxy=self._proxy) as response:
                return response.status, await response.read()
        except aiohttp.ConnectionTimeoutError as err:
            raise TimedOut(NOT_SENT) from err
        except (TimeoutError, aiohttp.SocketTimeoutError) as err:
            raise TimedOut() from err
        except aiohttp.ClientError as err:
            raise NetworkError(f"aiohttp.{type(err).__name__}: {err}") from err
