"""A thin client of the Zalo Bot API, in one module.

Why our own and not ``python-zalo-bot``: the API is seven methods with JSON in and
out (docs/zalo-api.md); a fork of python-telegram-bot's whole shape would bring a
second Application, a second update loop and its own retry policy beside ours, when
what the bot needs is one call that maps each failure onto the outbox's existing
``DeliveryError`` classes (429 → back off, 403 → unreachable, …), so the one sender and
its error policy serve Zalo as they serve Telegram.

The token is part of every URL: no URL, no request and no library exception text is
ever put in a log line or an error message (errors name the method and the cause).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import aiohttp

from bot.runtime.delivery.errors import (
    DeliveryError,
    MaybeSent,
    NotSent,
    RateLimited,
    Rejected,
    Transient,
    Unreachable,
)

DEFAULT_BASE_URL = "https://bot-api.zaloplatforms.com"
QUOTA_BACKOFF = 5.0  # seconds: Zalo's 429 carries no retry_after


@dataclass(frozen=True, slots=True)
class ZaloBotInfo:
    id: str
    account_name: str


@dataclass(frozen=True, slots=True)
class ZaloEvent:
    """One event, reduced to what the bot uses. ``text`` is None for non-text events."""

    event_name: str
    chat_id: str
    sender_id: str
    display_name: str
    message_id: str
    text: str | None

    @classmethod
    def parse(cls, raw: Any) -> ZaloEvent | None:
        """The event of a webhook body or getUpdates result; None when it is not one."""
        if isinstance(raw, Mapping) and "event_name" not in raw and "result" in raw:
            raw = raw["result"]
        if not isinstance(raw, Mapping):
            return None
        message = raw.get("message")
        name = raw.get("event_name")
        if not isinstance(message, Mapping) or not isinstance(name, str):
            return None
        sender = message.get("from") or {}
        chat = message.get("chat") or {}
        chat_id, sender_id = chat.get("id"), sender.get("id")
        if not isinstance(chat_id, str) or not isinstance(sender_id, str) or not chat_id:
            return None
        text = message.get("text")
        return cls(
            event_name=name,
            chat_id=chat_id,
            sender_id=sender_id,
            display_name=str(sender.get("display_name") or ""),
            message_id=str(message.get("message_id") or ""),
            text=text if isinstance(text, str) else None,
        )


class ZaloClient:
    """Calls of the Zalo Bot API; every failure is a ``DeliveryError`` subclass."""

    def __init__(self, token: str, base_url: str = DEFAULT_BASE_URL, *,
                 timeout: float = 10.0, proxy: str | None = None) -> None:
        self._token = token
        self._base = base_url.rstrip("/")
        self._timeout = timeout
        self._proxy = proxy
        self._session: aiohttp.ClientSession | None = None

    def __repr__(self) -> str:  # never the token
        return f"ZaloClient(base_url={self._base!r})"

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def call(self, method: str, params: Mapping[str, Any] | None = None, *,
                   read_timeout: float | None = None) -> Any:
        """POST ``params`` as JSON to ``method``; the ``result``, or a ``DeliveryError``."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar())
        url = f"{self._base}/bot{self._token}/{method}"
        timeout = aiohttp.ClientTimeout(total=None, connect=self._timeout,
                                        sock_read=read_timeout or self._timeout)
        try:
            async with self._session.post(url, json=dict(params or {}), timeout=timeout,
                                          proxy=self._proxy) as response:
                status, body = response.status, await response.read()
        except aiohttp.ConnectionTimeoutError:
            raise NotSent(f"Zalo {method}: could not connect in time") from None
        except (TimeoutError, aiohttp.SocketTimeoutError):
            raise MaybeSent(f"Zalo {method}: no answer in time") from None
        except aiohttp.ClientError as error:
            raise Transient(f"Zalo {method}: network error ({type(error).__name__})") from None
        return _result(method, status, body)

    async def get_me(self) -> ZaloBotInfo:
        me = await self.call("getMe")
        if not isinstance(me, Mapping) or not isinstance(me.get("id"), str):
            raise Rejected("Zalo getMe: the answer has no bot id")
        return ZaloBotInfo(id=me["id"], account_name=str(me.get("account_name") or ""))

    async def get_update(self, timeout: int = 30) -> ZaloEvent | None:
        """One event, or None when none came within ``timeout`` seconds (408)."""
        try:
            raw = await self.call("getUpdates", {"timeout": str(timeout)},
                                  read_timeout=timeout + self._timeout)
        except ZaloStatusError as error:
            if error.status == 408:
                return None
            raise
        return ZaloEvent.parse(raw)

    async def send_message(self, chat_id: str, text: str) -> str:
        result = await self.call("sendMessage", {"chat_id": chat_id, "text": text})
        return str(result.get("message_id", "")) if isinstance(result, Mapping) else ""

    async def send_typing(self, chat_id: str) -> None:
        await self.call("sendChatAction", {"chat_id": chat_id, "action": "typing"})

    async def set_webhook(self, url: str, secret: str) -> None:
        await self.call("setWebhook", {"url": url, "secret_token": secret})

    async def delete_webhook(self) -> None:
        await self.call("deleteWebhook")

    async def webhook_url(self) -> str:
        info = await self.call("getWebhookInfo")
        return str(info.get("url", "")) if isinstance(info, Mapping) else ""


class ZaloStatusError(Transient):
    """A transient Zalo answer that carries its status (408 and 5xx)."""

    def __init__(self, description: str, status: int) -> None:
        super().__init__(description)
        self.status = status


def _result(method: str, status: int, body: bytes) -> Any:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        data = None
    if not isinstance(data, Mapping):
        if status >= 500:
            raise ZaloStatusError(f"Zalo {method}: server error {status}", status)
        raise Rejected(f"Zalo {method}: an answer that is not JSON (HTTP {status})")
    if data.get("ok") is True:
        return data.get("result")
    code = data.get("error_code")
    raise _error(method, code if isinstance(code, int) else status,
                 str(data.get("description") or ""))


def _error(method: str, code: int, description: str) -> DeliveryError:
    what = f"Zalo {method}: {code} {description}".strip()
    if code == 429:
        return RateLimited(QUOTA_BACKOFF, what)
    if code == 403:
        return Unreachable("blocked", what)
    if code == 401:
        return Rejected(f"Zalo {method}: the token was refused (401)")
    if code == 408 or code >= 500:
        return ZaloStatusError(what, code)
    if code == 400 and "chat not found" in description.lower():
        return Unreachable("chat_not_found", what)
    return Rejected(what)
