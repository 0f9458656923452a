"""Read-only snapshots of bot messages, as seen by a (fake) user."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from .state import StoredMessage


@dataclass(frozen=True)
class Button:
    text: str
    callback_data: str | None = None
    url: str | None = None
    web_app: str | None = None  # the Mini App's address, for a web_app button


@dataclass(frozen=True)
class DocumentView:
    name: str | None
    data: bytes
    caption: str | None
    mime_type: str | None


@dataclass(frozen=True)
class BotMessageView:
    """A bot message with its CURRENT content (edits applied)."""

    chat_id: int
    message_id: int
    text: str  # message text, or the caption for media messages ("" if none)
    caption: str | None
    buttons: list[list[Button]]
    document: DocumentView | None
    photo: bytes | None
    edited: bool
    deleted: bool
    reply_to_message_id: int | None
    raw: dict[str, Any] = field(repr=False)
    keyboard: dict[str, Any] | None = field(default=None, repr=False)

    @property
    def button_labels(self) -> list[str]:
        return [b.text for row in self.buttons for b in row]

    @property
    def reply_keyboard(self) -> list[list[str]] | None:
        """Labels of a custom reply keyboard, if the message set one."""
        rows = (self.keyboard or {}).get("keyboard")
        if rows is None:
            return None
        return [[b if isinstance(b, str) else str(b.get("text", "")) for b in r] for r in rows]

    def __str__(self) -> str:
        flags = " (edited)" if self.edited else ""
        flags += " (deleted)" if self.deleted else ""
        extra = ""
        if self.document:
            extra += f" [document {self.document.name!r}, {len(self.document.data)} bytes]"
        if self.photo is not None:
            extra += f" [photo {len(self.photo)} bytes]"
        if self.buttons:
            extra += f" buttons={self.button_labels}"
        return f"#{self.message_id}{flags}: {self.text!r}{extra}"

    @classmethod
    def of(cls, stored: StoredMessage) -> BotMessageView:
        data = stored.data
        markup = data.get("reply_markup") or {}
        buttons = [
            [Button(str(b.get("text", "")), b.get("callback_data"), b.get("url"),
                    (b.get("web_app") or {}).get("url")) for b in row]
            for row in markup.get("inline_keyboard", [])
        ]
        document = None
        photo = None
        if stored.file is not None and "document" in data:
            document = DocumentView(
                stored.file.file_name,
                stored.file.data,
                data.get("caption"),
                stored.file.mime_type,
            )
        elif stored.file is not None and "photo" in data:
            photo = stored.file.data
        reply = data.get("reply_to_message")
        return cls(
            chat_id=stored.chat_id,
            message_id=stored.message_id,
            text=str(data.get("text", data.get("caption", "")) or ""),
            caption=data.get("caption"),
            buttons=buttons,
            document=document,
            photo=photo,
            edited=stored.edited,
            deleted=stored.deleted,
            reply_to_message_id=reply["message_id"] if reply else None,
            raw=copy.deepcopy(data),
            keyboard=copy.deepcopy(stored.keyboard),
        )
