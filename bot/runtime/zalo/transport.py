"""The outbox's Transport for Zalo rows: the person's Zalo account, text only.

A Zalo row's ``chat_id`` is the person's id (see ``storage.outbox.enqueue``); the
address is read when the row leaves, so a member who relinked gets it on the new
account. Failures are the client's ``DeliveryError`` classes: the one sender applies
the same policy (429 back off, 403 unreachable and officers told).

A text longer than Zalo's 2,000 characters goes in pieces, each a message of its own:
each after the first waits for the member's turn and a slot of the pace (so the pieces
of one row meet Zalo's quota as separate messages would), and the row records each
piece as Zalo accepts it (``pieces_sent``), so that a retry (after a 429, a 5xx, a cut
connection, a restart) resumes from the piece that did not go. At least once: if the
process dies after Zalo accepted a piece and before its count was written, that one
piece is sent again.
"""

from __future__ import annotations

import logging

from bot.core.services import Services
from bot.runtime.delivery.errors import Unreachable
from bot.runtime.delivery.limits import Throttle
from bot.runtime.zalo.client import ZaloClient
from bot.zalo.render import as_texts
from storage import outbox
from storage import zalo as store
from storage.outbox import OutgoingMessage

log = logging.getLogger("chibo.zalo")


class ZaloTransport:
    def __init__(self, services: Services, client: ZaloClient, throttle: Throttle) -> None:
        self._services = services
        self._client = client
        self._throttle = throttle  # the Zalo sender's: its gates and pace

    async def send(self, chat_id: int, message: OutgoingMessage, *, row_id: int) -> int:
        person = await store.person(self._services.db, chat_id)
        if person is None or person.zalo_user_id is None:
            raise Unreachable("chat_not_found", "no Zalo account linked")
        lang = await self._services.language_of(person.id)
        pieces = as_texts(message, lang)
        done = await outbox.pieces_sent(self._services.db, row_id)
        for number in range(done, len(pieces)):
            if number > done:  # the first of this attempt has its turn from the sender
                await self._throttle.gates.wait_turn(chat_id)
                await self._throttle.pacer.acquire()
            await self._client.send_message(person.zalo_user_id, pieces[number])
            await self._record(row_id, number + 1)
        return 0  # Zalo's message ids are strings, and nothing edits a Zalo message

    async def _record(self, row_id: int, count: int) -> None:
        """Write that ``count`` pieces went out; a database that refuses does not stop
        the rest (only a retry of this row would then repeat pieces)."""
        try:
            await outbox.piece_sent(self._services.db, row_id, count)
        except Exception as err:
            log.warning("zalo: could not record piece %d of outbox row %d (%s: %s)", count,
                        row_id, type(err).__name__, err)
