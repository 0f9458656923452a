"""The outbox's Transport for Zalo rows: the person's Zalo account, text only.

A Zalo row's ``chat_id`` is the person's id (see ``storage.outbox.enqueue``); the
address is read when the row leaves, so a member who relinked gets it on the new
account. Failures are the client's ``DeliveryError`` classes: the one sender applies
the same policy (429 back off, 403 unreachable and officers told).
"""

from __future__ import annotations

from bot.core.services import Services
from bot.runtime.delivery.errors import Unreachable
from bot.runtime.zalo.client import ZaloClient
from bot.zalo.render import as_texts
from storage import zalo as store
from storage.outbox import OutgoingMessage


class ZaloTransport:
    def __init__(self, services: Services, client: ZaloClient) -> None:
        self._services = services
        self._client = client

    async def send(self, chat_id: int, message: OutgoingMessage) -> int:
        person = await store.person(self._services.db, chat_id)
        if person is None or person.zalo_user_id is None:
            raise Unreachable("chat_not_found", "no Zalo account linked")
        lang = await self._services.language_of(person.id)
        for piece in as_texts(message, lang):
            await self._client.send_message(person.zalo_user_id, piece)
        return 0  # Zalo's message ids are strings, and nothing edits a Zalo message
