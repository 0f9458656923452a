"""Bot API methods that create, edit and delete messages."""

from __future__ import annotations

import copy
import mimetypes
import time
from dataclasses import dataclass
from typing import Any

from .errors import (
    NOT_MODIFIED,
    ApiError,
    bad_request,
    chat_not_found,
    forbidden,
)
from .faults import Faults
from .formatting import render
from .limits import RateLimiter, arrived
from .params import Upload
from .state import ChatState, FileRecord, JsonDict, State, StoredMessage

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
MAX_DOCUMENT = 50 * 1024 * 1024
MAX_PHOTO = 10 * 1024 * 1024


@dataclass
class Request:
    method: str
    params: dict[str, Any]
    uploads: dict[str, Upload]


class MessageMethods:
    """Message methods; ``BotApi`` adds the rest and the dispatch table."""

    def __init__(
        self,
        state: State,
        limiter: RateLimiter,
        faults: Faults,
        strict_private_chats: bool,
    ) -> None:
        self.state = state
        self.limiter = limiter
        self.faults = faults
        self.strict_private_chats = strict_private_chats

    # -- helpers ---------------------------------------------------------------
    def target_chat(self, params: dict[str, Any], write: bool = True) -> ChatState:
        raw = params.get("chat_id")
        if raw is None or raw == "":
            raise bad_request("chat_id is empty")
        chat: ChatState | None = None
        if isinstance(raw, str) and raw.startswith("@"):
            name = raw[1:].lower()
            chat = next(
                (c for c in self.state.chats.values() if (c.username or "").lower() == name),
                None,
            )
        elif isinstance(raw, int):
            chat = self.state.chat(raw)
            if chat is None and raw in self.state.users:
                raise forbidden("bot can't initiate conversation with a user")
        if chat is None:
            raise chat_not_found()
        if write and chat.type == "private":
            self.check_private_access(chat.id)
        return chat

    def check_private_access(self, user_id: int) -> None:
        user = self.state.users.get(user_id)
        if user_id in self.faults.deactivated:
            raise forbidden("user is deactivated")
        if user_id in self.faults.blocked:
            raise forbidden("bot was blocked by the user")
        if self.strict_private_chats and (user is None or not user.known):
            raise forbidden("bot can't initiate conversation with a user")

    @staticmethod
    def split_markup(markup: Any, chat: ChatState | None = None
                     ) -> tuple[JsonDict | None, JsonDict | None]:
        """Validate reply_markup; return (inline markup to echo, other keyboard).

        A ``web_app`` button opens an https Mini App, and only in a private chat."""
        if markup is None:
            return None, None
        if not isinstance(markup, dict):
            raise bad_request("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" not in markup:
            return None, markup
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise bad_request("can't parse inline keyboard markup JSON object")
        if sum(len(r) for r in rows) > 100:
            raise bad_request("reply markup is too long")
        for row in rows:
            for button in row:
                if not isinstance(button, dict) or not button.get("text"):
                    raise bad_request("can't parse inline keyboard button: text is empty")
                data = button.get("callback_data")
                if "web_app" in button:
                    check_web_app(button["web_app"])
                    if chat is not None and chat.type != "private":
                        raise bad_request("BUTTON_TYPE_INVALID")
                elif data is not None:
                    size = len(str(data).encode("utf-8"))
                    if size == 0 or size > MAX_CALLBACK_DATA:
                        raise bad_request("BUTTON_DATA_INVALID")
                elif len(button) == 1:
                    raise bad_request(
                        "can't parse inline keyboard button: "
                        "Text buttons are unallowed in the inline keyboard"
                    )
        return (markup if rows else None), None

    @staticmethod
    def reply_target(chat: ChatState, params: dict[str, Any]) -> JsonDict | None:
        reply = params.get("reply_parameters") or {}
        message_id = reply.get("message_id") if isinstance(reply, dict) else None
        if message_id is None:
            message_id = params.get("reply_to_message_id")
        if message_id is None:
            return None
        allow = bool(
            reply.get("allow_sending_without_reply")
            if isinstance(reply, dict) and "allow_sending_without_reply" in reply
            else params.get("allow_sending_without_reply")
        )
        target = chat.messages.get(int(message_id))
        if target is None or target.deleted:
            if allow:
                return None
            raise bad_request("message to be replied not found")
        original = copy.deepcopy(target.data)
        original.pop("reply_to_message", None)
        return original

    def rate(self, method: str, chat: ChatState) -> None:
        self.limiter.check(method, chat.id, chat.is_group, arrived())

    def bot_message(
        self,
        chat: ChatState,
        fields: JsonDict,
        keyboard: JsonDict | None,
        file: FileRecord | None = None,
    ) -> JsonDict:
        stored = self.state.new_message(chat, self.state.bot_user, True, fields, file)
        stored.keyboard = keyboard
        stats = self.state.stats
        stats.sends += 1
        stats.send_times[chat.id].append(arrived())
        return copy.deepcopy(stored.data)

    @staticmethod
    def editable(chat: ChatState, params: dict[str, Any]) -> StoredMessage:
        if params.get("inline_message_id"):
            raise bad_request("MESSAGE_ID_INVALID")
        message_id = params.get("message_id")
        stored = chat.messages.get(message_id) if isinstance(message_id, int) else None
        if stored is None or stored.deleted:
            raise bad_request("message to edit not found")
        if not stored.from_bot:
            raise bad_request("message can't be edited")
        return stored

    def commit_edit(
        self, method: str, chat: ChatState, stored: StoredMessage, new: JsonDict
    ) -> JsonDict:
        if all(stored.data.get(k) == v for k, v in new.items()):
            raise bad_request(NOT_MODIFIED.removeprefix("Bad Request: "))
        self.rate(method, chat)
        for key, value in new.items():
            if value is None:
                stored.data.pop(key, None)
            else:
                stored.data[key] = value
        stored.data["edit_date"] = int(time.time())
        stored.edited = True
        self.state.stats.edits += 1
        self.state.stats.edit_times.append(arrived())
        self.state.stats.edited_at[(chat.id, stored.message_id)] = time.monotonic()
        return copy.deepcopy(stored.data)

    # -- methods ---------------------------------------------------------------
    def send_message(self, req: Request) -> JsonDict:
        p = req.params
        chat = self.target_chat(p)
        text, entities = render(str(p.get("text") or ""), p.get("parse_mode"), p.get("entities"))
        if not text.strip():
            raise bad_request("message text is empty")
        if len(text) > MAX_TEXT:
            raise bad_request("message is too long")
        inline, keyboard = self.split_markup(p.get("reply_markup"), chat)
        reply = self.reply_target(chat, p)
        self.rate(req.method, chat)
        fields: JsonDict = {
            "text": text,
            "entities": entities or None,
            "reply_markup": inline,
            "reply_to_message": reply,
        }
        return self.bot_message(chat, fields, keyboard)

    def edit_message_text(self, req: Request) -> JsonDict:
        p = req.params
        chat = self.target_chat(p)
        stored = self.editable(chat, p)
        if "text" not in stored.data:
            raise bad_request("there is no text in the message to edit")
        text, entities = render(str(p.get("text") or ""), p.get("parse_mode"), p.get("entities"))
        if not text.strip():
            raise bad_request("message text is empty")
        if len(text) > MAX_TEXT:
            raise bad_request("message is too long")
        inline, _ = self.split_markup(p.get("reply_markup"), chat)
        new = {"text": text, "entities": entities or None, "reply_markup": inline}
        return self.commit_edit(req.method, chat, stored, new)

    def edit_message_caption(self, req: Request) -> JsonDict:
        p = req.params
        chat = self.target_chat(p)
        stored = self.editable(chat, p)
        if stored.file is None:
            raise bad_request("there is no caption in the message to edit")
        caption, entities = render(
            str(p.get("caption") or ""), p.get("parse_mode"), p.get("caption_entities")
        )
        if len(caption) > MAX_CAPTION:
            raise bad_request("message caption is too long")
        inline, _ = self.split_markup(p.get("reply_markup"), chat)
        new = {
            "caption": caption or None,
            "caption_entities": entities or None,
            "reply_markup": inline,
        }
        return self.commit_edit(req.method, chat, stored, new)

    def edit_message_reply_markup(self, req: Request) -> JsonDict:
        chat = self.target_chat(req.params)
        stored = self.editable(chat, req.params)
        inline, _ = self.split_markup(req.params.get("reply_markup"), chat)
        return self.commit_edit(req.method, chat, stored, {"reply_markup": inline})

    def delete_message(self, req: Request) -> bool:
        chat = self.target_chat(req.params, write=False)
        stored = chat.messages.get(req.params.get("message_id"))  # type: ignore[arg-type]
        if stored is None or stored.deleted:
            raise bad_request("message to delete not found")
        stored.deleted = True
        return True

    def _resolve_file(self, req: Request, field: str, folder: str) -> FileRecord:
        value = req.params.get(field)
        upload: Upload | None = None
        if isinstance(value, str) and value.startswith("attach://"):
            upload = req.uploads.get(value.removeprefix("attach://"))
        elif isinstance(value, str) and value:
            existing = self.state.files.get(value)
            if existing is None:
                raise bad_request("wrong file identifier/HTTP URL specified")
            return existing
        else:
            upload = req.uploads.get(field)
        if upload is None:
            raise bad_request(f"there is no {field} in the request")
        if not upload.data:
            raise bad_request("file must be non-empty")
        if len(upload.data) > (MAX_PHOTO if folder == "photos" else MAX_DOCUMENT):
            raise ApiError(413, "Request Entity Too Large")
        mime = upload.content_type
        if not mime or mime == "application/octet-stream":
            mime = mimetypes.guess_type(upload.filename or "")[0] or mime
        if folder == "photos":
            mime = None
        return self.state.add_file(upload.data, upload.filename, mime, folder)

    def _send_media(self, req: Request, field: str, folder: str) -> JsonDict:
        p = req.params
        chat = self.target_chat(p)
        caption, entities = render(
            str(p.get("caption") or ""), p.get("parse_mode"), p.get("caption_entities")
        )
        if len(caption) > MAX_CAPTION:
            raise bad_request("message caption is too long")
        inline, keyboard = self.split_markup(p.get("reply_markup"), chat)
        reply = self.reply_target(chat, p)
        record = self._resolve_file(req, field, folder)
        self.rate(req.method, chat)
        fields: JsonDict = {
            field: record.as_photo() if folder == "photos" else record.as_document(),
            "caption": caption or None,
            "caption_entities": entities or None,
            "reply_markup": inline,
            "reply_to_message": reply,
        }
        return self.bot_message(chat, fields, keyboard, record)

    def send_document(self, req: Request) -> JsonDict:
        return self._send_media(req, "document", "documents")

    def send_photo(self, req: Request) -> JsonDict:
        return self._send_media(req, "photo", "photos")


def check_web_app(info: Any) -> str:
    """A WebAppInfo: Telegram opens only https addresses."""
    url = info.get("url") if isinstance(info, dict) else None
    if not isinstance(url, str) or not url.startswith("https://"):
        raise bad_request("BUTTON_URL_INVALID")
    return url
