"""Bot API method dispatch: updates, commands, files, callbacks and misc methods."""

from __future__ import annotations

import contextlib
import json
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any

from .errors import QUERY_TOO_OLD, ApiError, bad_request, conflict, method_not_found
from .faults import Faults
from .limits import RateLimiter
from .messages import MessageMethods, Request, check_web_app
from .state import JsonDict, State

Handler = Callable[[Request], Any]
DEFAULT_UPDATES = frozenset(
    {"message", "edited_message", "channel_post", "edited_channel_post", "callback_query"}
)
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_COMMAND_NAME = re.compile(r"^[a-z0-9_]{1,32}$")
CALLBACK_TTL = 900.0


def scope_key(scope: Any) -> str:
    """``default``, ``all_private_chats``, ``chat:<id>``, ``chat_member:<id>:<user>``…"""
    if not isinstance(scope, dict) or not scope.get("type"):
        return "default"
    key = str(scope["type"])
    if "chat_id" in scope:
        key += f":{scope['chat_id']}"
    if "user_id" in scope:
        key += f":{scope['user_id']}"
    return key


class BotApi(MessageMethods):
    def __init__(
        self,
        state: State,
        limiter: RateLimiter,
        faults: Faults,
        strict_private_chats: bool,
    ) -> None:
        super().__init__(state, limiter, faults, strict_private_chats)
        self.webhook: JsonDict = {}
        self.allowed_updates: frozenset[str] = DEFAULT_UPDATES
        self.commands: dict[tuple[str, str], list[tuple[str, str]]] = {}
        # setChatMenuButton: per private chat (0: the bot's default), as sent.
        self.menu_buttons: dict[int, JsonDict] = {}
        self.stopping = False
        self._poll_generation = 0
        self.waiting_polls = 0  # getUpdates requests currently long-polling
        self.handlers: dict[str, Handler] = {
            "getMe": lambda r: dict(self.state.bot_user, **self._bot_capabilities()),
            "getUpdates": self.get_updates,
            "setWebhook": self.set_webhook,
            "deleteWebhook": self.delete_webhook,
            "getWebhookInfo": self.get_webhook_info,
            "sendMessage": self.send_message,
            "editMessageText": self.edit_message_text,
            "editMessageCaption": self.edit_message_caption,
            "editMessageReplyMarkup": self.edit_message_reply_markup,
            "deleteMessage": self.delete_message,
            "sendDocument": self.send_document,
            "sendPhoto": self.send_photo,
            "answerCallbackQuery": self.answer_callback_query,
            "getFile": self.get_file,
            "setMyCommands": self.set_my_commands,
            "getMyCommands": self.get_my_commands,
            "deleteMyCommands": self.delete_my_commands,
            "sendChatAction": self.send_chat_action,
            "pinChatMessage": self.pin_chat_message,
            "unpinChatMessage": self.unpin_chat_message,
            "getChat": self.get_chat,
            "close": lambda r: True,
            "logOut": lambda r: True,
            "setMyDescription": lambda r: True,
            "setMyShortDescription": lambda r: True,
            "setMyName": lambda r: True,
            "setChatMenuButton": self.set_chat_menu_button,
            "getChatMenuButton": self.get_chat_menu_button,
        }
        self._lower = {name.lower(): name for name in self.handlers}

    def canonical(self, method: str) -> str:
        """Method names are case-insensitive in the Bot API."""
        name = self._lower.get(method.lower())
        if name is None:
            raise method_not_found()
        return name

    async def call(self, req: Request) -> Any:
        result = self.handlers[req.method](req)
        if isinstance(result, Awaitable):
            return await result
        return result

    @staticmethod
    def _bot_capabilities() -> JsonDict:
        return {
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    # -- updates -----------------------------------------------------------------
    def _confirm(self, offset: int) -> None:
        updates = self.state.updates
        if offset < 0:
            while len(updates) > -offset:
                updates.popleft()
        else:
            while updates and updates[0]["update_id"] < offset:
                updates.popleft()

    def _deliverable(self, limit: int) -> list[JsonDict]:
        out: list[JsonDict] = []
        for update in list(self.state.updates):
            kind = next(k for k in update if k != "update_id")
            if kind not in self.allowed_updates:
                self.state.updates.remove(update)
                continue
            out.append(update)
            if len(out) >= limit:
                break
        return out

    async def get_updates(self, req: Request) -> list[JsonDict]:
        p = req.params
        if self.webhook.get("url"):
            raise conflict(
                "can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first"
            )
        allowed = p.get("allowed_updates")
        if isinstance(allowed, list):
            self.allowed_updates = frozenset(allowed) if allowed else DEFAULT_UPDATES
        self._confirm(int(p.get("offset") or 0))
        limit = max(1, min(100, int(p.get("limit") or 100)))
        timeout = max(0, int(p.get("timeout") or 0))
        self._poll_generation += 1
        generation = self._poll_generation

        def ready() -> bool:
            return (
                bool(self._deliverable(limit))
                or self.stopping
                or (generation != self._poll_generation)
            )

        await self.state.changed()  # terminates an older long poll (409 there)
        if timeout and not ready():
            self.waiting_polls += 1
            await self.state.changed()
            try:
                with contextlib.suppress(TimeoutError):
                    await self.state.wait_until(ready, timeout)
            finally:
                self.waiting_polls -= 1
        if generation != self._poll_generation:
            raise conflict(
                "terminated by other getUpdates request; "
                "make sure that only one bot instance is running"
            )
        return self._deliverable(limit)

    def set_webhook(self, req: Request) -> bool:
        url = str(req.params.get("url") or "")
        self.webhook = {"url": url, **{k: v for k, v in req.params.items() if k != "url"}}
        return True

    def delete_webhook(self, req: Request) -> bool:
        self.webhook = {}
        if req.params.get("drop_pending_updates"):
            self.state.updates.clear()
        return True

    def get_webhook_info(self, req: Request) -> JsonDict:
        return {
            "url": self.webhook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self.state.updates),
        }

    # -- callbacks, files, commands ------------------------------------------------
    def answer_callback_query(self, req: Request) -> bool:
        query_id = str(req.params.get("callback_query_id") or "")
        record = self.state.callbacks.get(query_id)
        if record is None or record.answered or time.monotonic() - record.created_at > CALLBACK_TTL:
            raise bad_request(QUERY_TOO_OLD.removeprefix("Bad Request: "))
        record.answered = True
        record.answered_at = time.monotonic()
        record.text = req.params.get("text")
        record.show_alert = bool(req.params.get("show_alert"))
        record.url = req.params.get("url")
        return True

    def get_file(self, req: Request) -> JsonDict:
        record = self.state.files.get(str(req.params.get("file_id") or ""))
        if record is None:
            raise bad_request("invalid file_id")
        return record.as_file()

    def set_my_commands(self, req: Request) -> bool:
        raw = req.params.get("commands")
        if not isinstance(raw, list):
            raise bad_request("can't parse commands JSON object")
        if len(raw) > 100:
            raise bad_request("too many commands")
        commands: list[tuple[str, str]] = []
        for item in raw:
            if not isinstance(item, dict):
                raise bad_request("can't parse BotCommand")
            name = str(item.get("command", "")).removeprefix("/")
            description = str(item.get("description", ""))
            if not _COMMAND_NAME.match(name):
                raise bad_request("BOT_COMMAND_INVALID")
            if not description.strip():
                raise bad_request("command description is empty")
            if len(description) > 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
            commands.append((name, description))
        key = (scope_key(req.params.get("scope")), str(req.params.get("language_code") or ""))
        if commands:
            self.commands[key] = commands
        else:
            self.commands.pop(key, None)
        return True

    def get_my_commands(self, req: Request) -> list[JsonDict]:
        key = (scope_key(req.params.get("scope")), str(req.params.get("language_code") or ""))
        return [{"command": c, "description": d} for c, d in self.commands.get(key, [])]

    def delete_my_commands(self, req: Request) -> bool:
        key = (scope_key(req.params.get("scope")), str(req.params.get("language_code") or ""))
        self.commands.pop(key, None)
        return True

    def set_chat_menu_button(self, req: Request) -> bool:
        chat_id = req.params.get("chat_id")
        if chat_id is not None:
            chat = self.target_chat(req.params, write=False)
            if chat.type != "private":
                raise bad_request("chat_id must be a private chat")
        button = req.params.get("menu_button") or {"type": "default"}
        if not isinstance(button, dict) or button.get("type") not in (
                "default", "commands", "web_app"):
            raise bad_request("can't parse menu button JSON object")
        if button["type"] == "web_app":
            if not str(button.get("text") or "").strip():
                raise bad_request("menu button text is empty")
            check_web_app(button.get("web_app"))
        self.menu_buttons[int(chat_id or 0)] = dict(button)
        return True

    def get_chat_menu_button(self, req: Request) -> JsonDict:
        chat_id = int(req.params.get("chat_id") or 0)
        return self.menu_buttons.get(chat_id, self.menu_buttons.get(0, {"type": "default"}))

    # -- chats -------------------------------------------------------------------
    def send_chat_action(self, req: Request) -> bool:
        self.target_chat(req.params)
        if req.params.get("action") not in CHAT_ACTIONS:
            raise bad_request("wrong type of action")
        return True

    def pin_chat_message(self, req: Request) -> bool:
        chat = self.target_chat(req.params)
        stored = chat.messages.get(req.params.get("message_id"))  # type: ignore[arg-type]
        if stored is None or stored.deleted:
            raise bad_request("message to pin not found")
        chat.pinned = stored.message_id
        return True

    def unpin_chat_message(self, req: Request) -> bool:
        chat = self.target_chat(req.params)
        chat.pinned = None
        return True

    def get_chat(self, req: Request) -> JsonDict:
        chat = self.target_chat(req.params, write=False)
        info = chat.as_chat()
        info.update(
            {
                "accent_color_id": 0,
                "max_reaction_count": 11,
                "accepted_gift_types": {
                    "unlimited_gifts": False,
                    "limited_gifts": False,
                    "unique_gifts": False,
                    "premium_subscription": False,
                    "gifts_from_channels": False,
                },
            }
        )
        if chat.pinned is not None and not chat.messages[chat.pinned].deleted:
            info["pinned_message"] = json.loads(json.dumps(chat.messages[chat.pinned].data))
        return info


__all__ = ["ApiError", "BotApi", "Request", "scope_key"]
