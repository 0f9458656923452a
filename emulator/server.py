"""The aiohttp server and the ``BotApiEmulator`` facade used by tests and the demo."""

from __future__ import annotations

import asyncio
import copy
import logging
import time
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any

from aiohttp import web

from .api import BotApi
from .errors import ApiError, unauthorized
from .faults import Faults
from .limits import ARRIVED, EDIT_METHODS, SEND_METHODS, Limits, RateLimiter, Stats
from .messages import Request
from .params import read_params
from .people import FakeGroup, FakeUser
from .state import ApiCall, CallbackRecord, ChatState, JsonDict, State, UserRecord
from .views import BotMessageView

logger = logging.getLogger(__name__)
COUNTED = SEND_METHODS | EDIT_METHODS  # what a bot's overall rate is judged on


class BotApiEmulator:
    """A local Telegram Bot API server plus an API to play users."""

    def __init__(
        self,
        token: str = "123456:TEST-TOKEN",  # noqa: S107 - a fake token
        bot_username: str = "chibo_bot",
        limits: Limits | None = None,
        *,
        bot_first_name: str = "Chibo",
        strict_private_chats: bool = True,
    ) -> None:
        self.token = token
        self.bot_username = bot_username
        self.limits = limits or Limits()
        self.faults = Faults()
        bot_id = int(token.split(":", 1)[0]) if token.split(":", 1)[0].isdigit() else 1
        self.bot_user: JsonDict = {
            "id": bot_id,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
        }
        self._state = State(self.bot_user)
        self._limiter = RateLimiter(self.limits)
        self._api = BotApi(self._state, self._limiter, self.faults, strict_private_chats)
        self._users: dict[int, FakeUser] = {}
        self._groups: dict[int, FakeGroup] = {}
        self._runner: web.AppRunner | None = None
        self._host = "127.0.0.1"
        self._port = 0

    # -- configuration -----------------------------------------------------------------
    @property
    def strict_private_chats(self) -> bool:
        return self._api.strict_private_chats

    @strict_private_chats.setter
    def strict_private_chats(self, value: bool) -> None:
        self._api.strict_private_chats = value

    def after_answer(self, settle: Callable[[], Awaitable[None]] | None) -> None:
        """``callback_answer`` then also awaits ``settle`` (a harness running the bot in
        this process: until the bot has sent what follows its answer, the card's edit)."""
        self._state.after_answer = settle

    def set_limits(self, limits: Limits) -> None:
        """Replace the flood limits (history is reset)."""
        self.limits = limits
        self._limiter.reset(limits)

    # -- lifecycle ---------------------------------------------------------------------
    def make_app(self) -> web.Application:
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        app.router.add_get("/file/bot{token}/{file_path:.*}", self._handle_file)
        return app

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._api.stopping = False
        self._runner = web.AppRunner(self.make_app(), access_log=None, shutdown_timeout=2.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        address = self._runner.addresses[0]
        self._host, self._port = host, int(address[1])

    async def stop(self) -> None:
        self._api.stopping = True
        await self._state.changed()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> BotApiEmulator:
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
    def port(self) -> int:
        return self._port

    @property
    def base_url(self) -> str:
        return f"http://{self._host}:{self._port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://{self._host}:{self._port}/file/bot"

    # -- HTTP handlers -----------------------------------------------------------------
    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return web.json_response(unauthorized().payload(), status=401)
        record = self._state.files_by_path.get(request.match_info["file_path"])
        if record is None:
            return web.json_response(
                {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
            )
        return web.Response(
            body=record.data, content_type=record.mime_type or "application/octet-stream"
        )

    async def _handle_method(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        call = ApiCall(method, {}, time.monotonic())
        ARRIVED.set(call.at)  # this request's task: limits judge it at its arrival
        try:
            if request.match_info["token"] != self.token:
                raise unauthorized()
            method = call.method = self._api.canonical(method)
            params, uploads = await read_params(request)
            call.params = dict(params)
            for name, upload in uploads.items():
                call.params.setdefault(name, f"<upload {upload.filename!r}>")
            result = await self._run(Request(method, params, uploads), call)
        except ApiError as error:
            self._record_error(call, error, request)
            await self._state.changed()
            return web.json_response(error.payload(), status=error.status)
        except Exception as exc:  # an emulator bug: make it loud and visible
            logger.exception("emulator failed on %s", method)
            bug = ApiError(500, f"Internal Server Error: emulator bug: {exc!r}")
            self._record_error(call, bug, request)
            await self._state.changed()
            return web.json_response(bug.payload(), status=500)
        return web.json_response({"ok": True, "result": result})

    async def _run(self, req: Request, call: ApiCall) -> Any:
        # Every method may carry a fault; a rule fires only for the methods it names
        # (sends and edits unless ``methods=`` says otherwise, e.g. getMe, setMyCommands).
        error = self.faults.error_before(req.method)
        if error is not None:
            raise error
        result = await self._api.call(req)
        error = self.faults.error_after(req.method)
        if error is not None:
            raise error
        call.result = result
        self._finish(call)
        await self._state.changed()
        delay = self.faults.delay(req.method)
        if delay > 0:
            await asyncio.sleep(delay)
        return result

    def _finish(self, call: ApiCall) -> None:
        self._state.calls.append(call)
        stats = self._state.stats
        stats.calls_by_method[call.method] += 1
        if call.ok and call.method in COUNTED:
            stats.stamp_lag_max = max(stats.stamp_lag_max, time.monotonic() - call.at)

    def _record_error(self, call: ApiCall, error: ApiError, request: web.Request) -> None:
        call.status = error.status
        call.error_description = error.description
        transport = request.transport
        if transport is None or transport.is_closing():
            if call.method == "getUpdates":
                return  # a long poll superseded after the client gave up: invisible
            call.error_description += " (client already disconnected)"
            self._finish(call)
            return
        self._finish(call)
        stats = self._state.stats
        stats.errors[error.description] += 1
        if error.status == 429:
            stats.rate_limited += 1
            stats.rate_limited_by_method[call.method] += 1
            chat_id = call.params.get("chat_id")
            if isinstance(chat_id, int):
                stats.rate_limited_by_chat[chat_id] += 1

    # -- people --------------------------------------------------------------------------
    def user(
        self,
        user_id: int,
        first_name: str = "User",
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
    ) -> FakeUser:
        """Create (or return the existing) user; their private chat id == user id."""
        existing = self._users.get(user_id)
        if existing is not None:
            return existing
        record = UserRecord(user_id, first_name, last_name, username, language_code)
        self._state.users[user_id] = record
        chat = ChatState(
            user_id, "private", first_name=first_name, last_name=last_name, username=username
        )
        self._state.chats[user_id] = chat
        fake = FakeUser(self._state, self.faults, record, chat)
        self._users[user_id] = fake
        return fake

    def group(
        self, chat_id: int, title: str, *, type: str | None = None, username: str | None = None
    ) -> FakeGroup:
        """Create (or return) a group the bot is in; ``-100…`` ids are supergroups."""
        existing = self._groups.get(chat_id)
        if existing is not None:
            return existing
        kind = type or ("supergroup" if str(chat_id).startswith("-100") else "group")
        chat = ChatState(chat_id, kind, title=title, username=username)
        self._state.chats[chat_id] = chat
        fake = FakeGroup(self._state, chat)
        self._groups[chat_id] = fake
        return fake

    async def channel_post(self, chat_id: int, text: str, title: str = "Channel") -> JsonDict:
        """Post ``text`` in a channel (created on first use): a ``channel_post`` update."""
        chat = self._state.chats.get(chat_id)
        if chat is None:
            chat = ChatState(chat_id, "channel", title=title)
            self._state.chats[chat_id] = chat
        stored = self._state.new_message(chat, {}, False, {"text": text})
        self._state.add_update("channel_post", copy.deepcopy(stored.data))
        await self._state.changed()
        return copy.deepcopy(stored.data)

    # -- inspection ------------------------------------------------------------------------
    @property
    def calls(self) -> list[ApiCall]:
        return self._state.calls

    def calls_to(self, method: str) -> list[ApiCall]:
        return [c for c in self._state.calls if c.method == method]

    @property
    def stats(self) -> Stats:
        return self._state.stats

    @property
    def commands(self) -> dict[str, list[tuple[str, str]]]:
        """Default-scope commands by language code ("" = no language)."""
        items = self._api.commands.items()
        return {lang: cmds for (scope, lang), cmds in items if scope == "default"}

    @property
    def menu_buttons(self) -> dict[int, JsonDict]:
        """setChatMenuButton as sent, by private chat id (0: the bot's default)."""
        return dict(self._api.menu_buttons)

    @property
    def scoped_commands(self) -> dict[tuple[str, str], list[tuple[str, str]]]:
        """All commands keyed by (scope key, language code); see ``api.scope_key``."""
        return dict(self._api.commands)

    @property
    def webhook(self) -> JsonDict:
        return dict(self._api.webhook)

    @property
    def waiting_polls(self) -> int:
        """Number of getUpdates requests currently waiting (long polling)."""
        return self._api.waiting_polls

    def pending_updates(self) -> int:
        return len(self._state.updates)

    def callbacks(self) -> list[CallbackRecord]:
        """Every tap so far (``answered`` says whether the bot answered it)."""
        return list(self._state.callbacks.values())

    def take_updates(self) -> list[JsonDict]:
        """Remove and return the pending updates: what Telegram would POST to a webhook."""
        updates = list(self._state.updates)
        self._state.updates.clear()
        return updates

    def all_messages(self) -> list[BotMessageView]:
        """Every bot message in every chat, in send order."""
        stored = [chat.messages[i] for chat in self._state.chats.values() for i in chat.bot_order]
        stored.sort(key=lambda m: m.seq)
        return [BotMessageView.of(m) for m in stored]

    async def wait_until(
        self,
        predicate: Callable[[], bool],
        timeout: float = 5.0,
        message: str = "",
    ) -> None:
        """Wait until ``predicate()`` is true; re-checked after every handled request."""
        await self._state.wait_until(predicate, timeout, (lambda: message) if message else None)

    async def wait_idle(self, timeout: float = 5.0) -> None:
        """Wait until the bot has fetched every pending update."""
        await self.wait_until(lambda: not self._state.updates, timeout, "updates still pending")
