"""A local Zalo Bot API (the Zalo Bot Platform's HTTP API) with an API to play users.

The shape follows ``docs/zalo-api.md``: ``/bot<TOKEN>/<method>``; JSON answers
``{"ok": true, "result": ...}`` or ``{"ok": false, "error_code": N, "description": ...}``;
string ids; no buttons and no files. ``getUpdates`` hands out ONE event per call and
answers 408 when none came within its ``timeout``; with a webhook set, each event is
POSTed to it with the ``X-Bot-Api-Secret-Token`` header, and ``getUpdates`` is refused.

Flood control is a sliding window over ``sendMessage`` (global and per chat); past it
the API answers 429 "Quota exceeded" as the real one does. A user who blocked the bot
answers 403. The people API (:class:`ZaloUser`) writes to the bot and reads what the
bot wrote to them.

Usage::

    async with ZaloEmulator() as zalo:
        lan = zalo.user("Mai Thị Lan")
        await lan.send("AB12-CD34")
        reply = await lan.next_text()
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import secrets
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

import aiohttp
from aiohttp import web

logger = logging.getLogger(__name__)

JsonDict = dict[str, Any]
MAX_TEXT = 2000
TEXT_EVENT = "message.text.received"
UNSUPPORTED_EVENT = "message.unsupported.received"
ZALO_METHODS = (
    "getMe",
    "getUpdates",
    "setWebhook",
    "deleteWebhook",
    "getWebhookInfo",
    "sendMessage",
    "sendChatAction",
)


class ZaloApiError(Exception):
    """An error answered as ``{"ok": false, "error_code": status, "description": ...}``."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description

    def payload(self) -> JsonDict:
        return {"ok": False, "error_code": self.status, "description": self.description}


@dataclass(frozen=True)
class ZaloLimits:
    """Sends allowed per window; ``None`` switches a limit off."""

    per_second: int | None = None
    per_chat_per_second: int | None = None


@dataclass
class ZaloStats:
    sends: int = 0
    quota_exceeded: int = 0
    forbidden: int = 0
    send_times: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    webhook_refused: int = 0

    def busiest_second(self) -> int:
        """The most sends accepted within any one-second window."""
        best, window = 0, deque[float]()
        for at in sorted(self.send_times):
            window.append(at)
            while window and window[0] <= at - 1.0:
                window.popleft()
            best = max(best, len(window))
        return best


@dataclass
class ZaloMessage:
    """A message the bot sent to a user."""

    message_id: str
    chat_id: str
    text: str
    at: float


class ZaloUser:
    """A person on Zalo who writes to the bot."""

    def __init__(self, emulator: ZaloEmulator, user_id: str, display_name: str) -> None:
        self.emulator = emulator
        self.id = user_id
        self.display_name = display_name
        self.inbox: list[ZaloMessage] = []
        self.blocked = False
        self._read = 0

    async def send(self, text: str) -> JsonDict:
        """Write ``text`` to the bot; returns the event the bot receives."""
        return await self.emulator.deliver(self, TEXT_EVENT, text)

    async def send_unsupported(self) -> JsonDict:
        """A message whose content Zalo withholds (a protected group's member)."""
        return await self.emulator.deliver(self, UNSUPPORTED_EVENT, None)

    def texts(self) -> list[str]:
        return [message.text for message in self.inbox]

    async def next_text(self, timeout: float = 10.0) -> str:
        """The next message the bot sent to this user that the test has not read yet."""
        await self.emulator.wait_for(lambda: len(self.inbox) > self._read, timeout)
        message = self.inbox[self._read]
        self._read += 1
        return message.text

    async def wait_for_text(self, predicate: Callable[[str], bool], timeout: float = 10.0) -> str:
        """Wait until some message to this user satisfies ``predicate`` and return it."""

        def found() -> str | None:
            return next((m.text for m in self.inbox if predicate(m.text)), None)

        await self.emulator.wait_for(lambda: found() is not None, timeout)
        text = found()
        assert text is not None
        return text


class ZaloEmulator:
    """A Zalo Bot API server on 127.0.0.1 plus an API to play users."""

    def __init__(
        self,
        token: str = "1234567:zalo-test-token",  # noqa: S107 - a fake token
        account_name: str = "Chibo Zalo",
        limits: ZaloLimits | None = None,
    ) -> None:
        self.token = token
        self.account_name = account_name
        self.bot_id = secrets.token_hex(10)
        self.limits = limits or ZaloLimits()
        self.stats = ZaloStats()
        self.users: dict[str, ZaloUser] = {}
        self.calls: list[tuple[str, JsonDict, int]] = []
        self.webhook_url = ""
        self.webhook_secret = ""
        self.webhook_updated_at = 0
        self.fail_next: deque[ZaloApiError] = deque()
        self._send_faults: dict[int, ZaloApiError] = {}  # the n-th sendMessage from now
        self._sends_seen = 0
        self._events: deque[JsonDict] = deque()
        self._delivered: list[JsonDict] = []
        self._changed = asyncio.Condition()
        self._ids = itertools.count(1)
        self._window: deque[tuple[float, str]] = deque()
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self._host = "127.0.0.1"
        self._port = 0

    # -- lifecycle -------------------------------------------------------------------
    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, host, port).start()
        self._host, self._port = host, int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> ZaloEmulator:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """The address to configure as ``[zalo] base_url`` (the token follows ``/bot``)."""
        return f"http://{self._host}:{self._port}"

    # -- people ------------------------------------------------------------------------
    def user(self, display_name: str, user_id: str | None = None) -> ZaloUser:
        """A Zalo user (ids are 20 hex characters, as Zalo's are)."""
        uid = user_id or secrets.token_hex(10)
        person = self.users.get(uid)
        if person is None:
            person = self.users[uid] = ZaloUser(self, uid, display_name)
        return person

    def event_for(self, user: ZaloUser, event_name: str, text: str | None) -> JsonDict:
        message: JsonDict = {
            "from": {"id": user.id, "display_name": user.display_name, "is_bot": False},
            "chat": {"id": user.id, "chat_type": "PRIVATE"},
            "message_id": secrets.token_hex(10),
            "date": int(time.time() * 1000),
        }
        if text is not None:
            message["text"] = text
        return {"event_name": event_name, "message": message}

    async def deliver(self, user: ZaloUser, event_name: str, text: str | None) -> JsonDict:
        event = self.event_for(user, event_name, text)
        await self.push(event)
        return event

    async def push(self, event: JsonDict) -> int:
        """Hand ``event`` to the bot: POST it to the webhook, or queue it for getUpdates.

        Returns the webhook's HTTP status (200 when queued for polling). Calling it
        again with the same event is a redelivery, as Zalo does after a failed POST.
        """
        self._delivered.append(event)
        if not self.webhook_url:
            async with self._changed:
                self._events.append(event)
                self._changed.notify_all()
            return 200
        return await self.post_to_webhook(event, self.webhook_secret)

    async def post_to_webhook(self, event: JsonDict, secret: str) -> int:
        if self._session is None:
            self._session = aiohttp.ClientSession()
        body = {"ok": True, "result": event}
        headers = {"X-Bot-Api-Secret-Token": secret}
        async with self._session.post(self.webhook_url, json=body, headers=headers) as response:
            await response.read()
            if response.status == 403:
                self.stats.webhook_refused += 1
            return response.status

    async def wait_for(self, condition: Callable[[], bool], timeout: float = 10.0) -> None:
        """Wait until ``condition()`` holds after some API call; TimeoutError otherwise."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(condition), timeout)

    def fail_send(self, nth: int, error: ZaloApiError) -> None:
        """The ``nth`` sendMessage from now (1 the next) fails with ``error``: a fault in
        the middle of a message sent in pieces."""
        self._send_faults[self._sends_seen + nth] = error

    def sent(self, method: str = "sendMessage") -> list[JsonDict]:
        """Parameters of every successful call of ``method``."""
        return [params for name, params, status in self.calls if name == method and status == 200]

    # -- HTTP --------------------------------------------------------------------------
    async def _handle(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        params = await _read_params(request)
        try:
            if request.match_info["token"] != self.token:
                raise ZaloApiError(401, "Unauthorized")
            if self.fail_next and method != "getUpdates":
                raise self.fail_next.popleft()
            if method == "sendMessage":
                self._sends_seen += 1
                fault = self._send_faults.pop(self._sends_seen, None)
                if fault is not None:
                    raise fault
            result = await self._call(method, params)
        except ZaloApiError as error:
            self.calls.append((method, params, error.status))
            self.stats.errors[error.description] += 1
            async with self._changed:
                self._changed.notify_all()
            return web.json_response(error.payload(), status=error.status)
        self.calls.append((method, params, 200))
        async with self._changed:
            self._changed.notify_all()
        return web.json_response({"ok": True, "result": result})

    async def _call(self, method: str, params: JsonDict) -> Any:
        if method == "getMe":
            return {
                "id": self.bot_id,
                "account_name": self.account_name,
                "account_type": "BASIC",
                "can_join_groups": False,
            }
        if method == "getUpdates":
            return await self._get_updates(params)
        if method == "setWebhook":
            return self._set_webhook(params)
        if method == "deleteWebhook":
            self.webhook_url, self.webhook_secret = "", ""
            self.webhook_updated_at = int(time.time() * 1000)
            return {"url": "", "updated_at": self.webhook_updated_at}
        if method == "getWebhookInfo":
            return {"url": self.webhook_url, "updated_at": self.webhook_updated_at}
        if method == "sendMessage":
            return self._send_message(params)
        if method == "sendChatAction":
            self._chat(params)
            return True
        raise ZaloApiError(404, "Not Found: method not found")

    async def _get_updates(self, params: JsonDict) -> JsonDict:
        if self.webhook_url:
            raise ZaloApiError(400, "Bad Request: webhook is set, polling is not allowed")
        try:
            timeout = float(params.get("timeout", 30))
        except (TypeError, ValueError) as exc:
            raise ZaloApiError(400, "Bad Request: timeout must be a number") from exc
        async with self._changed:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait_for(lambda: bool(self._events)),
                                       max(0.0, min(timeout, 60.0)))
            if not self._events:
                raise ZaloApiError(408, "Request timeout")
            return self._events.popleft()

    def _set_webhook(self, params: JsonDict) -> JsonDict:
        url = str(params.get("url", ""))
        secret = str(params.get("secret_token", ""))
        if not url.startswith(("https://", "http://127.0.0.1", "http://localhost")):
            raise ZaloApiError(400, "Bad Request: url must be HTTPS")
        if not 8 <= len(secret) <= 256:
            raise ZaloApiError(400, "Bad Request: secret_token must be 8-256 characters")
        self.webhook_url, self.webhook_secret = url, secret
        self.webhook_updated_at = int(time.time() * 1000)
        return {"url": url, "updated_at": self.webhook_updated_at}

    def _chat(self, params: JsonDict) -> ZaloUser:
        chat_id = params.get("chat_id")
        if not isinstance(chat_id, str) or chat_id not in self.users:
            raise ZaloApiError(400, "Bad Request: chat not found")
        user = self.users[chat_id]
        if user.blocked:
            self.stats.forbidden += 1
            raise ZaloApiError(403, "Forbidden: the user has blocked the bot")
        return user

    def _send_message(self, params: JsonDict) -> JsonDict:
        user = self._chat(params)
        text = params.get("text")
        if not isinstance(text, str) or not 1 <= len(text) <= MAX_TEXT:
            raise ZaloApiError(400, f"Bad Request: text must be 1-{MAX_TEXT} characters")
        now = time.monotonic()
        self._check_quota(now, user.id)
        self._window.append((now, user.id))
        message = ZaloMessage(f"m{next(self._ids)}", user.id, text, now)
        user.inbox.append(message)
        self.stats.sends += 1
        self.stats.send_times.append(now)
        return {"message_id": message.message_id, "date": int(time.time() * 1000)}

    def _check_quota(self, now: float, chat_id: str) -> None:
        while self._window and self._window[0][0] <= now - 1.0:
            self._window.popleft()
        limit = self.limits.per_second
        over_all = limit is not None and len(self._window) >= limit
        per_chat = self.limits.per_chat_per_second
        over_chat = per_chat is not None and sum(
            1 for _, chat in self._window if chat == chat_id
        ) >= per_chat
        if over_all or over_chat:
            self.stats.quota_exceeded += 1
            raise ZaloApiError(429, "Quota exceeded")


async def _read_params(request: web.Request) -> JsonDict:
    """Query string, form or JSON body, as the real API accepts each."""
    params: JsonDict = dict(request.query)
    if request.method != "POST" or not request.can_read_body:
        return params
    if request.content_type == "application/json":
        try:
            body = await request.json()
        except json.JSONDecodeError:
            body = None
        if isinstance(body, dict):
            params.update(body)
    else:
        params.update(dict(await request.post()))
    return params
