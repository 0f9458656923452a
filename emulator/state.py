"""In-memory Telegram world: users, chats, messages, files, updates, call log."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from .limits import Stats

JsonDict = dict[str, Any]


@dataclass
class ApiCall:
    """One HTTP request handled by the emulator."""

    method: str
    params: JsonDict
    at: float
    status: int = 200
    error_description: str | None = None
    result: Any = None

    @property
    def ok(self) -> bool:
        return self.status == 200


@dataclass
class FileRecord:
    file_id: str
    file_unique_id: str
    file_path: str
    data: bytes
    file_name: str | None
    mime_type: str | None
    width: int = 0
    height: int = 0

    def as_document(self) -> JsonDict:
        doc: JsonDict = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
        }
        if self.file_name:
            doc["file_name"] = self.file_name
        if self.mime_type:
            doc["mime_type"] = self.mime_type
        return doc

    def as_photo(self) -> list[JsonDict]:
        return [
            {
                "file_id": self.file_id,
                "file_unique_id": self.file_unique_id,
                "file_size": len(self.data),
                "width": self.width,
                "height": self.height,
            }
        ]

    def as_file(self) -> JsonDict:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
            "file_path": self.file_path,
        }


@dataclass
class UserRecord:
    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    known: bool = False  # has written to the bot, so the bot may message them

    def as_user(self) -> JsonDict:
        user: JsonDict = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            user["last_name"] = self.last_name
        if self.username:
            user["username"] = self.username
        if self.language_code:
            user["language_code"] = self.language_code
        return user


@dataclass
class StoredMessage:
    chat_id: int
    message_id: int
    data: JsonDict
    from_bot: bool
    file: FileRecord | None = None
    deleted: bool = False
    edited: bool = False
    keyboard: JsonDict | None = None  # non-inline reply_markup (not echoed by Telegram)
    seq: int = 0  # global creation order across chats


@dataclass
class ChatState:
    id: int
    type: str  # private | group | supergroup | channel
    title: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    username: str | None = None
    messages: dict[int, StoredMessage] = field(default_factory=dict)
    bot_order: list[int] = field(default_factory=list)  # bot message ids, oldest first
    next_message_id: int = 1
    pinned: int | None = None

    @property
    def is_group(self) -> bool:
        return self.type in ("group", "supergroup")

    def as_chat(self) -> JsonDict:
        chat: JsonDict = {"id": self.id, "type": self.type}
        for key in ("title", "first_name", "last_name", "username"):
            value = getattr(self, key)
            if value:
                chat[key] = value
        return chat


@dataclass
class CallbackRecord:
    id: str
    user_id: int
    chat_id: int
    message_id: int
    data: str
    created_at: float
    answered: bool = False
    answered_at: float | None = None  # time.monotonic(), as created_at
    text: str | None = None
    show_alert: bool = False
    url: str | None = None


class State:
    """Shared mutable world plus an asyncio.Condition notified on every change."""

    def __init__(self, bot_user: JsonDict) -> None:
        self.bot_user = bot_user
        self.users: dict[int, UserRecord] = {}
        self.chats: dict[int, ChatState] = {}
        self.files: dict[str, FileRecord] = {}
        self.files_by_path: dict[str, FileRecord] = {}
        self.updates: deque[JsonDict] = deque()
        self.callbacks: dict[str, CallbackRecord] = {}
        self.calls: list[ApiCall] = []
        self.stats = Stats()
        # Set by a harness that runs the bot in this process: awaited after a tap is seen
        # answered, until what the bot sends after its answer (the card's edit) is out.
        self.after_answer: Callable[[], Awaitable[None]] | None = None
        self._update_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)
        self._message_seq = itertools.count(1)
        self._cond = asyncio.Condition()

    # -- change notification -------------------------------------------------
    async def changed(self) -> None:
        async with self._cond:
            self._cond.notify_all()

    async def wait_until(
        self,
        predicate: Callable[[], bool],
        timeout: float,
        describe: Callable[[], str] | None = None,
    ) -> None:
        """Re-check ``predicate`` after every change; TimeoutError after ``timeout``."""
        try:
            async with asyncio.timeout(timeout), self._cond:
                await self._cond.wait_for(predicate)
        except TimeoutError:
            detail = describe() if describe else "condition not met"
            raise TimeoutError(f"timed out after {timeout:g}s: {detail}") from None

    # -- construction helpers --------------------------------------------------
    def chat(self, chat_id: int) -> ChatState | None:
        return self.chats.get(chat_id)

    def new_message(
        self,
        chat: ChatState,
        sender: JsonDict,
        from_bot: bool,
        fields: JsonDict,
        file: FileRecord | None = None,
    ) -> StoredMessage:
        message_id = chat.next_message_id
        chat.next_message_id += 1
        data: JsonDict = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": chat.as_chat(),
        }
        if chat.type != "channel":
            data["from"] = sender
        data.update({k: v for k, v in fields.items() if v is not None})
        stored = StoredMessage(chat.id, message_id, data, from_bot, file)
        stored.seq = next(self._message_seq)
        chat.messages[message_id] = stored
        if from_bot:
            chat.bot_order.append(message_id)
        return stored

    def add_update(self, kind: str, payload: JsonDict) -> JsonDict:
        update = {"update_id": next(self._update_ids), kind: payload}
        self.updates.append(update)
        return update

    def add_file(
        self, data: bytes, file_name: str | None, mime_type: str | None, folder: str
    ) -> FileRecord:
        n = next(self._file_ids)
        ext = ""
        if file_name and "." in file_name:
            ext = "." + file_name.rsplit(".", 1)[1]
        elif folder == "photos":
            ext = ".jpg"
        width, height = image_size(data) if folder == "photos" else (0, 0)
        record = FileRecord(
            file_id=f"EMU-FILE-{n:06d}-{folder}",
            file_unique_id=f"EMUU{n:06d}",
            file_path=f"{folder}/file_{n}{ext}",
            data=data,
            file_name=file_name,
            mime_type=mime_type,
            width=width,
            height=height,
        )
        self.files[record.file_id] = record
        self.files_by_path[record.file_path] = record
        return record

    def new_callback_id(self) -> str:
        return f"{next(self._callback_ids)}{int(time.time())}"


def image_size(data: bytes) -> tuple[int, int]:
    """Width/height of PNG or JPEG bytes; (1, 1) if unknown."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if data[:2] == b"\xff\xd8":
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                i += 1
                continue
            marker = data[i + 1]
            seg_len = int.from_bytes(data[i + 2 : i + 4], "big")
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                h = int.from_bytes(data[i + 5 : i + 7], "big")
                w = int.from_bytes(data[i + 7 : i + 9], "big")
                return w, h
            i += 2 + seg_len
    return 1, 1
