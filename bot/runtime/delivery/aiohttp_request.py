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

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

from bot.core.config import Config

NOT_SENT = ("Pool timeout: no connection was free in time. Request was *not* sent to "
            "Telegram.")


def proxied_request(config: Config, **settings: Any) -> AiohttpRequest:
    """A request backend going through the configured proxy, if any."""
    return AiohttpRequest(proxy=config.telegram.proxy(), **settings)


class AiohttpRequest(BaseRequest):
    def __init__(self, *, connection_pool_size: int = 16, read_timeout: float | None = 5.0,
                 write_timeout: float | None = 5.0, connect_timeout: float | None = 5.0,
                 pool_timeout: float | None = 1.0, proxy: str | None = None) -> None:
        self._pool_size = connection_pool_size
        self._proxy = proxy  # an HTTP proxy for every request ([telegram] proxy_url)
        self._timeouts = {"read": read_timeout, "write": write_timeout,
                          "connect": connect_timeout, "pool": pool_timeout}
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._timeouts["read"]

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._pool_size, ttl_dns_cache=300)
            self._session = aiohttp.ClientSession(connector=connector,
                                                  cookie_jar=aiohttp.DummyCookieJar())

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

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
        if self._session is None:
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
        try:
            async with self._session.request(method, url, data=data, timeout=timeout,
                                             proxy=self._proxy) as response:
                return response.status, await response.read()
        except aiohttp.ConnectionTimeoutError as err:
            raise TimedOut(NOT_SENT) from err
        except (TimeoutError, aiohttp.SocketTimeoutError) as err:
            raise TimedOut() from err
        except aiohttp.ClientError as err:
            raise NetworkError(f"aiohttp.{type(err).__name__}: {err}") from err
