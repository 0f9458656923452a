"""Play Telegram users: FakeUser (private chat) and FakeGroup."""

from __future__ import annotations

import asyncio
import copy
import hashlib
import mimetypes
import time
from typing import Any

from .faults import Faults
from .formatting import command_entities
from .state import CallbackRecord, ChatState, JsonDict, State, StoredMessage, UserRecord
from .views import BotMessageView


def _text_fields(text: str, key: str = "text") -> JsonDict:
    fields: JsonDict = {key: text}
    entities = command_entities(text)
    if entities:
        fields["entities" if key == "text" else "caption_entities"] = entities
    return fields


class Conversation:
    """A chat seen from the human side: transcript, reading cursor, buttons."""

    def __init__(self, state: State, chat: ChatState) -> None:
        self._state = state
        self._chat = chat
        self._cursor = 0

    @property
    def chat_id(self) -> int:
        return self._chat.id

    @property
    def chat(self) -> list[BotMessageView]:
        """Bot messages in this chat, oldest first, with edits applied."""
        return [BotMessageView.of(self._chat.messages[i]) for i in self._chat.bot_order]

    @property
    def last_message(self) -> BotMessageView | None:
        order = self._chat.bot_order
        return BotMessageView.of(self._chat.messages[order[-1]]) if order else None

    def drain(self) -> list[BotMessageView]:
        """Mark every bot message so far as read; return the skipped ones."""
        skipped = self.chat[self._cursor :]
        self._cursor = len(self._chat.bot_order)
        return skipped

    async def next_message(self, timeout: float = 5.0) -> BotMessageView:
        """The next bot message not yet returned by ``next_message``."""
        await self._state.wait_until(
            lambda: len(self._chat.bot_order) > self._cursor, timeout, self._describe
        )
        message_id = self._chat.bot_order[self._cursor]
        self._cursor += 1
        return BotMessageView.of(self._chat.messages[message_id])

    def _describe(self) -> str:
        transcript = self.chat
        lines = [
            f"no new bot message in chat {self._chat.id} "
            f"(read {self._cursor} of {len(transcript)})",
        ]
        for view in transcript[-5:]:
            lines.append(f"  seen: {view}")
        failed = [
            c
            for c in self._state.calls
            if not c.ok and c.params.get("chat_id") in (self._chat.id, str(self._chat.id))
        ]
        for call in failed[-5:]:
            lines.append(f"  failed {call.method}: {call.status} {call.error_description}")
        lines.append(f"  updates not yet fetched by the bot: {len(self._state.updates)}")
        return "\n".join(lines)

    # -- posting ---------------------------------------------------------------------
    async def _post(self, user: UserRecord, fields: JsonDict, kind: str = "message") -> JsonDict:
        stored = self._state.new_message(self._chat, user.as_user(), False, fields)
        if self._chat.type == "private":
            user.known = True
        self._state.add_update(kind, copy.deepcopy(stored.data))
        await self._state.changed()
        return copy.deepcopy(stored.data)

    def _original(self, message_id: int) -> JsonDict:
        stored = self._chat.messages.get(message_id)
        if stored is None or stored.deleted:
            raise LookupError(f"no message {message_id} in chat {self._chat.id}")
        original = copy.deepcopy(stored.data)
        original.pop("reply_to_message", None)
        return original

    async def _upload(
        self,
        user: UserRecord,
        filename: str,
        data: bytes,
        caption: str | None,
        mime_type: str | None,
        photo: bool = False,
    ) -> JsonDict:
        mime = None if photo else mime_type or mimetypes.guess_type(filename)[0]
        folder = "photos" if photo else "documents"
        record = self._state.add_file(data, None if photo else filename, mime, folder)
        fields: JsonDict = (
            {"photo": record.as_photo()} if photo else {"document": record.as_document()}
        )
        if caption:
            fields.update(_text_fields(caption, "caption"))
        stored_fields = await self._post(user, fields)
        self._chat.messages[stored_fields["message_id"]].file = record
        return stored_fields

    async def _edit(self, user: UserRecord, message_id: int, text: str) -> JsonDict:
        stored = self._chat.messages.get(message_id)
        if (
            stored is None
            or stored.from_bot
            or stored.deleted
            or stored.data.get("from", {}).get("id") != user.id
        ):
            raise LookupError(f"no message {message_id} by user {user.id} in {self._chat.id}")
        stored.data.pop("entities", None)
        stored.data.update(_text_fields(text))
        stored.data["edit_date"] = int(time.time())
        stored.edited = True
        self._state.add_update("edited_message", copy.deepcopy(stored.data))
        await self._state.changed()
        return copy.deepcopy(stored.data)

    # -- buttons ---------------------------------------------------------------------
    def _find_button(self, label: str, message_id: int | None) -> tuple[StoredMessage, str]:
        candidates = [
            self._chat.messages[i]
            for i in reversed(self._chat.bot_order)
            if (message_id is None or i == message_id) and not self._chat.messages[i].deleted
        ]
        for exact in (True, False):
            for stored in candidates:
                view = BotMessageView.of(stored)
                for button in (b for row in view.buttons for b in row):
                    matches = button.text == label if exact else label in button.text
                    if matches and button.callback_data is not None:
                        return stored, button.callback_data
        available = {f"#{s.message_id}": BotMessageView.of(s).button_labels for s in candidates}
        available = {k: v for k, v in available.items() if v}
        where = f"message {message_id}" if message_id is not None else "any bot message"
        raise LookupError(
            f"no callback button {label!r} in {where} of chat {self._chat.id}; "
            f"available buttons: {available or 'none'}"
        )

    async def _press(self, user: UserRecord, stored: StoredMessage, data: str) -> str:
        query_id = self._state.new_callback_id()
        instance = hashlib.sha1(str(self._chat.id).encode(), usedforsecurity=False)
        payload: JsonDict = {
            "id": query_id,
            "from": user.as_user(),
            "message": copy.deepcopy(stored.data),
            "chat_instance": str(int(instance.hexdigest()[:15], 16)),
            "data": data,
        }
        self._state.callbacks[query_id] = CallbackRecord(
            query_id, user.id, self._chat.id, stored.message_id, data, time.monotonic()
        )
        if self._chat.type == "private":
            user.known = True
        self._state.add_update("callback_query", payload)
        await self._state.changed()
        return query_id

    def _message_for_forged(self, message_id: int | None) -> StoredMessage:
        if message_id is None:
            if not self._chat.bot_order:
                raise LookupError(f"no bot message in chat {self._chat.id}")
            message_id = self._chat.bot_order[-1]
        stored = self._chat.messages.get(message_id)
        if stored is None or stored.deleted:
            raise LookupError(f"no message {message_id} in chat {self._chat.id}")
        return stored

    def callback(self, query_id: str) -> CallbackRecord:
        """The callback query record (``answered``, ``text``, ``show_alert``, ``url``)."""
        return self._state.callbacks[query_id]

    async def callback_answer(self, query_id: str, timeout: float = 5.0) -> str:
        """Wait for answerCallbackQuery on ``query_id``; return its text ("" if none)."""
        record = self._state.callbacks[query_id]
        started = time.monotonic()
        await self._state.wait_until(
            lambda: record.answered,
            timeout,
            lambda: f"callback query {query_id} (data={record.data!r}) was not answered",
        )
        settle = self._state.after_answer
        if settle is not None:  # the bot answers first, then edits: wait for the edit too
            left = max(0.1, timeout - (time.monotonic() - started))
            try:
                async with asyncio.timeout(left):
                    await settle()
            except TimeoutError:
                raise TimeoutError(f"timed out after {timeout:g}s: the bot's follow-ups to "
                                   f"callback query {query_id} are still pending") from None
        return record.text or ""


class FakeUser(Conversation):
    """A person with a private chat with the bot (chat id == user id)."""

    def __init__(self, state: State, faults: Faults, record: UserRecord, chat: ChatState) -> None:
        super().__init__(state, chat)
        self._faults = faults
        self.record = record

    @property
    def id(self) -> int:
        return self.record.id

    @property
    def first_name(self) -> str:
        return self.record.first_name

    @property
    def as_user(self) -> dict[str, Any]:
        return self.record.as_user()

    def _ready_to_write(self) -> None:
        if self.id in self._faults.deactivated:
            raise RuntimeError(f"user {self.id} is deactivated and cannot write")
        self._faults.unblock(self.id)  # writing to a bot you blocked restarts it

    async def send(self, text: str) -> JsonDict:
        """Post a text message (``bot_command`` entities added); return the message."""
        self._ready_to_write()
        return await self._post(self.record, _text_fields(text))

    async def reply_to(self, message_id: int, text: str) -> JsonDict:
        self._ready_to_write()
        fields = _text_fields(text)
        fields["reply_to_message"] = self._original(message_id)
        return await self._post(self.record, fields)

    async def edit(self, message_id: int, text: str) -> JsonDict:
        """Edit one of this user's messages (an ``edited_message`` update)."""
        return await self._edit(self.record, message_id, text)

    async def upload(
        self,
        filename: str,
        data: bytes,
        caption: str | None = None,
        mime_type: str | None = None,
    ) -> JsonDict:
        """Send a document; the bot can fetch it with getFile."""
        self._ready_to_write()
        return await self._upload(self.record, filename, data, caption, mime_type)

    async def send_photo(self, data: bytes, caption: str | None = None) -> JsonDict:
        self._ready_to_write()
        return await self._upload(self.record, "photo.jpg", data, caption, None, photo=True)

    async def press(self, label: str, message_id: int | None = None) -> str:
        """Press the inline button labelled ``label`` (newest message first)."""
        stored, data = self._find_button(label, message_id)
        return await self._press(self.record, stored, data)

    async def press_data(self, data: str, message_id: int | None = None) -> str:
        """Send arbitrary (possibly forged) callback data for a bot message."""
        return await self._press(self.record, self._message_for_forged(message_id), data)

    async def ask(self, text: str, timeout: float = 5.0) -> BotMessageView:
        await self.send(text)
        return await self.next_message(timeout)


class FakeGroup(Conversation):
    """A group chat the bot is a member of."""

    @property
    def id(self) -> int:
        return self._chat.id

    @property
    def title(self) -> str:
        return self._chat.title or ""

    async def send(self, from_user: FakeUser, text: str) -> JsonDict:
        return await self._post(from_user.record, _text_fields(text))

    async def reply_to(self, from_user: FakeUser, message_id: int, text: str) -> JsonDict:
        fields = _text_fields(text)
        fields["reply_to_message"] = self._original(message_id)
        return await self._post(from_user.record, fields)

    async def edit(self, from_user: FakeUser, message_id: int, text: str) -> JsonDict:
        return await self._edit(from_user.record, message_id, text)

    async def upload(
        self,
        from_user: FakeUser,
        filename: str,
        data: bytes,
        caption: str | None = None,
        mime_type: str | None = None,
    ) -> JsonDict:
        return await self._upload(from_user.record, filename, data, caption, mime_type)

    async def press(self, from_user: FakeUser, label: str, message_id: int | None = None) -> str:
        stored, data = self._find_button(label, message_id)
        return await self._press(from_user.record, stored, data)

    async def press_data(
        self, from_user: FakeUser, data: str, message_id: int | None = None
    ) -> str:
        return await self._press(from_user.record, self._message_for_forged(message_id), data)

    async def ask(self, from_user: FakeUser, text: str, timeout: float = 5.0) -> BotMessageView:
        await self.send(from_user, text)
        return await self.next_message(timeout)
