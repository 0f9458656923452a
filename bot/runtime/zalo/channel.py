"""The Zalo channel at run time: events in (polling or webhook), replies out, and the
outbox's Zalo sender with Zalo's own pacing.

Each event is handled once: its message id is stored first (``zalo_events``), so a
redelivered event (Zalo retrying a webhook, a restarted poller) changes nothing. The
webhook checks ``X-Bot-Api-Secret-Token`` before reading the body: anything else is
403. The token and the secret never reach a log line (the client never logs a URL,
and both are registered with the log redactor when the configuration is read).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
from collections.abc import Sequence
from datetime import datetime

from aiohttp import web

from bot.core.config import DeliverySettings, ZaloSettings
from bot.core.logs import REDACTOR
from bot.core.services import Services
from bot.notices.alerts import officers_told_unreachable
from bot.runtime.delivery import Sender
from bot.runtime.delivery.errors import DeliveryError, RateLimited
from bot.runtime.delivery.limits import Throttle
from bot.runtime.zalo.client import ZaloClient, ZaloEvent
from bot.runtime.zalo.transport import ZaloTransport
from bot.texts import t
from bot.zalo import inbound
from bot.zalo.render import split
from storage import outbox
from storage import zalo as store

log = logging.getLogger("chibo.zalo")

TEXT_EVENT = "message.text.received"
POLL_TIMEOUT = 30
POLL_RETRY = 2.0
CONNECT_RETRY_FIRST = 1.0
CONNECT_RETRY_CAP = 60.0
SECRET_HEADER = "X-Bot-Api-Secret-Token"  # noqa: S105 - a header name


def _event_id(event: ZaloEvent, raw: object) -> str:
    if event.message_id:
        return event.message_id
    body = json.dumps(raw, sort_keys=True, ensure_ascii=False, default=str)
    return "h:" + hashlib.sha256(body.encode()).hexdigest()


class ZaloChannel:
    """Start with the bot when ``[zalo] enabled``; stop with it."""

    def __init__(self, services: Services, settings: ZaloSettings, *,
                 poll_timeout: int = POLL_TIMEOUT, worker: str | None = None) -> None:
        token = settings.bot_token()
        assert token is not None  # the configuration refuses enabled without a token
        REDACTOR.add_secret(token)
        self._services = services
        self._settings = settings
        self._poll_timeout = poll_timeout
        self.client = ZaloClient(token, settings.base_url)
        self._replies = ZaloClient(token, settings.base_url)  # not behind a long poll
        self._poller: asyncio.Task[None] | None = None
        self._runner: web.AppRunner | None = None
        self.connected = asyncio.Event()  # getMe answered (and the webhook is set)
        self.port = 0
        delivery = DeliverySettings(
            messages_per_second=settings.rate,
            private_chat_interval_seconds=settings.per_chat_interval_seconds,
            concurrency=settings.concurrency)
        # Zalo's own budget; on a shared engine ``share`` it across workers (its own rows).
        # One message per interval to a member, no burst: Zalo's quota (unpublished) is
        # met by the pieces of a long message too, which go one turn each.
        self.throttle = Throttle(settings.rate, settings.per_chat_interval_seconds, 20,
                                 namespace="zalo", private_burst=1.0)
        self.sender = Sender(services.db, services.clock,
                             ZaloTransport(services, self._replies, self.throttle), delivery,
                             self.throttle,
                             on_unreachable=self._unreachable, worker=worker,
                             channel="zalo")

    async def _unreachable(self, person_id: int, reason: str, since: datetime) -> None:
        await officers_told_unreachable(self._services, person_id, reason, since)

    # --- life cycle -------------------------------------------------------------------
    async def start(self, *, live: Sequence[str] | None = None) -> None:
        """Start sending and taking events (poll or webhook); ``live``: the workers sharing
        the database, whose rows in flight are theirs (as for Telegram). Zalo being down
        never stops the bot: connecting is retried in the background."""
        await self.sender.start(live=live)
        if self._settings.webhook_url is not None:
            try:
                await self._listen()
            except OSError as err:  # a second worker on this host: the first one listens
                log.warning("zalo: cannot listen on %s:%d (%s); this worker only sends",
                            self._settings.listen, self._settings.port, err.strerror)
        self._poller = asyncio.create_task(self._run(), name="chibo-zalo")

    async def _run(self) -> None:
        """getMe (and setWebhook, or deleteWebhook for polling) until Zalo answers; then
        poll, unless Zalo POSTs to the webhook."""
        delay = CONNECT_RETRY_FIRST
        while True:
            try:
                me = await self.client.get_me()
                if self._settings.webhook_url is not None:
                    await self.client.set_webhook(self._settings.webhook_url,
                                                  self._settings.secret() or "")
                else:
                    with contextlib.suppress(DeliveryError):
                        await self.client.delete_webhook()
                break
            except DeliveryError as err:
                log.warning("zalo: could not connect (%s: %s); trying again in %.0f s",
                            type(err).__name__, err, delay)
                await asyncio.sleep(delay)
                delay = min(CONNECT_RETRY_CAP, delay * 2)
        log.info("zalo: connected as %s", me.account_name or me.id)
        self.connected.set()
        if self._settings.webhook_url is None:
            await self._poll()

    async def stop(self) -> None:
        if self._poller is not None:
            self._poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._poller
            self._poller = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        await self.sender.stop()
        await self.client.close()
        await self._replies.close()

    # --- events in --------------------------------------------------------------------
    async def _poll(self) -> None:
        while True:
            try:
                event = await self.client.get_update(self._poll_timeout)
            except asyncio.CancelledError:
                raise
            except DeliveryError as err:
                log.warning("zalo getUpdates failed (%s); trying again", type(err).__name__)
                await asyncio.sleep(POLL_RETRY)
                continue
            if event is not None:
                await self.handle(event, event)

    async def _listen(self) -> None:
        secret = self._settings.secret()
        assert secret is not None  # the configuration refuses a webhook without one
        REDACTOR.add_secret(secret)
        app = web.Application()
        app.router.add_post(self._settings.url_path, self._on_webhook)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self._settings.listen, self._settings.port)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        log.info("zalo: webhook listening on %s:%d", self._settings.listen, self.port)

    async def _on_webhook(self, request: web.Request) -> web.Response:
        secret = self._settings.secret() or ""
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            return web.Response(status=403)  # before reading the body: no work at all
        try:
            raw = await request.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            return web.Response(status=400)
        event = ZaloEvent.parse(raw)
        if event is not None:
            await self.handle(event, raw)
        return web.json_response({"ok": True})

    async def handle(self, event: ZaloEvent, raw: object) -> None:
        """Answer one event, once."""
        if not await store.take_event(self._services.db, _event_id(event, raw),
                                      self._services.clock.now()):
            return  # redelivered
        try:
            await outbox.clear_unreachable_zalo(self._services.db, event.sender_id)
            if event.event_name == TEXT_EVENT and event.text is not None:
                reply = await inbound.answer(self._services, event.sender_id, event.text)
            else:  # images, stickers, and content Zalo withholds: answer, record nothing
                person = await store.person_by_zalo(self._services.db, event.sender_id)
                reply = t(await inbound.language_of(self._services, event.sender_id, person),
                          "zalo_unsupported")
            self.sender.wake()
            self._services.sender.wake()
            for piece in split(reply):
                await self._reply(event.chat_id, piece)
        except DeliveryError as err:
            log.warning("zalo reply not sent (%s: %s)", type(err).__name__, err)
        except Exception:
            log.exception("zalo event %s failed", event.event_name)


    async def _reply(self, chat_id: str, text: str) -> None:
        """A direct answer (as on Telegram); past Zalo's quota, once more after the wait."""
        try:
            await self._replies.send_message(chat_id, text)
        except RateLimited as err:
            await asyncio.sleep(err.retry_after)
            await self._replies.send_message(chat_id, text)


class Senders:
    """Both senders behind the one ``services.sender``: woken together, drained together."""

    def __init__(self, *senders: Sender) -> None:
        self._senders = senders

    def wake(self) -> None:
        for sender in self._senders:
            sender.wake()

    async def drain(self, timeout: float = 30.0) -> None:
        for sender in self._senders:
            await sender.drain(timeout)

