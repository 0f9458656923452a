"""The application's update queue, which keeps every update in the database first.

python-telegram-bot's updater puts each update it received into this queue and only
then moves its offset (confirmed to Telegram by the next ``getUpdates``); its webhook
server answers 200 only after the put returns. So storing the update in ``put`` means
Telegram forgets an update only once the database has it. A redelivered update (same
``update_id``: a retried webhook, a second poller) is not queued again. What a crash or a
restart left unhandled is put back in the queue, in order, at the start (``replay``) and,
with several workers, when a dead worker's updates are taken over at a sweep. What it
left handled (its effect committed) but unfinished is not done again: a tap among them
gets an answer, so the member's button stops spinning (Telegram refuses a second one).

When the database refuses to store an update (a full disk, a server restarting), the put
waits and tries again: nothing more is confirmed to Telegram, which keeps the updates.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import json
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from telegram import Bot, Update
from telegram.error import TelegramError
from telegram.request import BaseRequest, RequestData

from bot.runtime.delivery.wrapping import WrappingRequest
from storage import inbound
from storage.db import Database
from storage.engine import Rider

log = logging.getLogger("chibo.updates")

RETRY_FIRST = 0.2
RETRY_CAP = 5.0
KEEP_HANDLED = 86_400.0  # seconds a handled update id is remembered (redeliveries)
FORGET_EVERY = 600.0
CLOSE_WAIT = 2.0  # seconds a stop waits to note the handlers that ended
FINISH_EVERY = 0.5  # seconds between batched writes of the handlers that ended


class Inbox(asyncio.Queue[object]):
    """``ApplicationBuilder().update_queue(Inbox())``; ``attach`` the database at start."""

    def __init__(self) -> None:
        super().__init__()
        self._db: Database | None = None
        self._worker: str | None = None
        self._live: Callable[[], Awaitable[Sequence[str]]] | None = None
        self._bot: Bot | None = None
        self._next_forget = 0.0
        self._ended: list[int] = []
        self._flusher: asyncio.Task[None] | None = None
        self._polled = False  # a poller confirms what it got only once it is stored
        self._arrived: list[Update] = []  # put by the poller, not stored yet
        self._keeper: asyncio.Task[None] | None = None

    def attach(self, db: Database, bot: Bot, *, worker: str | None = None,
               live: Callable[[], Awaitable[Sequence[str]]] | None = None) -> None:
        """Keep updates in ``db`` from now on; ``worker`` and ``live`` with several workers
        (each takes over only dead workers' updates)."""
        self._db, self._bot, self._worker, self._live = db, bot, worker, live

    async def put(self, item: object) -> None:
        if self._db is None or not isinstance(item, Update):
            await super().put(item)
            return
        if self._polled:  # stored with the rest of its getUpdates answer (``stored``)
            self._arrived.append(item)
            if self._keeper is None or self._keeper.done():
                self._keeper = asyncio.create_task(
                    self._keep_arrived(self._db), name="chibo-inbox-keep",
                    context=contextvars.Context())
            return
        await self._keep(self._db, [item])

    async def stored(self) -> None:
        """Until every update put so far is stored (and queued): the poller waits here
        before each ``getUpdates``, the call that confirms the previous ones to Telegram.
        From the first call on, the updates one ``getUpdates`` brings are stored together,
        in one statement, instead of one database write each before the next is even
        looked at (a crowd tapping at once waited in that line). A webhook never calls
        it: each update is stored before its 200."""
        self._polled = True
        while self._keeper is not None and not self._keeper.done():
            await asyncio.wait({self._keeper})

    async def _keep_arrived(self, db: Database) -> None:
        while self._arrived:
            batch, self._arrived = self._arrived, []
            await self._keep(db, batch)

    async def _keep(self, db: Database, updates: list[Update]) -> None:
        """Store ``updates``, then queue those that were new, in order."""
        rows = [(u.update_id, json.dumps(u.to_dict(), ensure_ascii=False)) for u in updates]
        delay, failing = RETRY_FIRST, False
        while True:
            try:
                new = await inbound.keep_many(db, rows, self._worker, time.time())
            except Exception as err:  # the database refused: Telegram keeps the updates
                if not failing:
                    log.error("could not store update %d (%s: %s); Telegram keeps it and "
                              "the bot tries again", updates[0].update_id,
                              type(err).__name__, err)
                    log.debug("storing an update failed", exc_info=err)
                    failing = True
                await asyncio.sleep(delay)
                delay = min(RETRY_CAP, delay * 2)
                continue
            if failing:
                log.warning("updates are stored again (update %d)", updates[0].update_id)
            for update in updates:
                if update.update_id in new:
                    await super().put(update)
                else:
                    log.info("update %d was delivered again: handled once", update.update_id)
            await self._forget_old(db)
            return

    async def _forget_old(self, db: Database) -> None:
        if time.monotonic() < self._next_forget:
            return
        self._next_forget = time.monotonic() + FORGET_EVERY
        try:
            await inbound.forget(db, time.time() - KEEP_HANDLED)
        except Exception as err:  # bookkeeping: next time
            log.debug("could not forget old updates (%s: %s)", type(err).__name__, err)

    async def replay(self) -> int:
        """Queue again, in order, the updates stored and not handled that are now this
        worker's (all of them on a SQLite database; dead workers' on a shared one)."""
        if self._db is None or self._bot is None:
            return 0
        live = list(await self._live()) if self._live is not None else None
        if live is not None and self._worker is not None and self._worker not in live:
            live.append(self._worker)
        kept = await inbound.take_over(self._db, self._worker, live)
        finish: list[int] = []
        for row in kept:
            update = Update.de_json(json.loads(row.payload), self._bot)
            if not row.handled:
                await super().put(update)
                continue
            await self._answer_tap(update)
            finish.append(row.update_id)
        await inbound.finished(self._db, finish, time.time())
        todo = len(kept) - len(finish)
        if kept:
            log.warning("%s: handling %d update(s) received but not handled; %d handled but "
                        "unfinished are not done again", "a restart" if live is None else
                        "a worker died", todo, len(finish))
        return todo

    @staticmethod
    async def _answer_tap(update: Update) -> None:
        """A tap whose work was done but whose answer may not have gone out: answer it (no
        text), so its button stops spinning; Telegram refuses it if it was answered."""
        if update.callback_query is None:
            return
        try:
            await update.callback_query.answer()
        except TelegramError as err:
            log.debug("tap %s not answered again: %s", update.callback_query.id, err)

    async def close(self) -> None:
        """Write what is pending of the handlers that ended (at a stop)."""
        if self._keeper is not None:  # updates got but not stored: Telegram keeps them
            self._keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._keeper
            self._keeper = None
        if self._flusher is not None:
            self._flusher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._flusher
            self._flusher = None
        with contextlib.suppress(TimeoutError):  # unnoted: answered again, refused
            await asyncio.wait_for(self._flush(), CLOSE_WAIT)

    async def _flush(self) -> None:
        if self._db is None or not self._ended:
            return
        batch, self._ended = self._ended, []
        try:
            await inbound.finished(self._db, batch, time.time())
        except Exception as err:  # answered again (refused) after a restart: harmless
            log.debug("could not note %d finished update(s) (%s: %s)", len(batch),
                      type(err).__name__, err)

    async def _flushing(self) -> None:
        while True:
            await asyncio.sleep(FINISH_EVERY)
            await self._flush()

    def handling(self, update: object) -> Rider | None:
        """Called in the task handling ``update``: its first committed write marks it handled."""
        if self._db is None or not isinstance(update, Update):
            return None
        return inbound.handled_on_commit(update.update_id, time.time())

    async def handled(self, update: object, rider: Rider | None) -> None:
        """The update's handler ended: mark it handled if no write of its own did, and note
        that it finished (in a batch: its effect is safe already)."""
        if self._db is None or rider is None or not isinstance(update, Update):
            return
        if rider.done:
            self._ended.append(update.update_id)
            if self._flusher is None or self._flusher.done():
                # A context of its own: not this update's (its commit tracking, its rider).
                self._flusher = asyncio.create_task(self._flushing(), name="chibo-inbox",
                                                    context=contextvars.Context())
            return
        try:
            await inbound.handled(self._db, update.update_id, time.time())
        except Exception as err:  # handled again after a restart: the lesser harm
            log.warning("could not mark update %d handled (%s: %s)", update.update_id,
                        type(err).__name__, err)


class StoredBeforeConfirmed(WrappingRequest):
    """The poller's request backend: each ``getUpdates`` (which confirms the updates the
    previous one brought) waits until the inbox has stored them (``Inbox.stored``)."""

    def __init__(self, inner: BaseRequest, inbox: Inbox) -> None:
        super().__init__(inner)
        self._inbox = inbox

    async def do_request(
        self, url: str, method: str, request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE, write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if url.endswith("/getUpdates"):
            await self._inbox.stored()
        return await super().do_request(
            url, method, request_data, read_timeout=read_timeout, write_timeout=write_timeout,
            connect_timeout=connect_timeout, pool_timeout=pool_timeout)
