"""The composition root: one place builds the Application and wires every part.

Services start in ``post_init`` and stop in ``post_shutdown``; handlers are
registered in ``handlers.register``; the scheduler only wakes ``Runtime.tick``,
and the database says what is due.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

from telegram import BotCommand, Update
from telegram.error import InvalidToken, RetryAfter, TelegramError
from telegram.ext import ApplicationBuilder, ContextTypes, Defaults, ExtBot

import handlers
from bot.core.clock import Clock, SystemClock
from bot.core.config import Config, WebhookSettings, database_password
from bot.core.flood import FloodGate
from bot.core.logs import REDACTOR, install_redaction
from bot.core.services import Services
from bot.duties import reminders as duties
from bot.meetings import jobs as meeting_jobs
from bot.members import member_import
from bot.notices.alerts import officers_told_unreachable
from bot.notices.announcements import report_broadcasts
from bot.reports import jobs as report_jobs
from bot.runtime.cluster import Cluster
from bot.runtime.delivery import Sender
from bot.runtime.delivery.aiohttp_request import proxied_request
from bot.runtime.delivery.limits import Throttle
from bot.runtime.delivery.reply_limiter import ReplyLimiter, seconds
from bot.runtime.delivery.retry import RetryingRequest
from bot.runtime.delivery.telegram_transport import TelegramTransport, rejected_status
from bot.runtime.inbox import Inbox, StoredBeforeConfirmed
from bot.runtime.state import Runtime, RuntimeApp
from bot.runtime.updates import PerUserUpdateProcessor
from bot.runtime.webapp import start_console
from bot.runtime.zalo.channel import Senders, ZaloChannel
from bot.texts import LANGUAGES, t
from handlers.context import ChiboContext
from storage import people
from storage.db import Database, open_database

# Opt in to PTB 22's timedelta-valued retry_after (its announced default), which also
# silences the deprecation warning raised on every 429.
os.environ.setdefault("PTB_TIMEDELTA", "true")

log = logging.getLogger("chibo")

# Commands shown in Telegram's menu, per language.
# The menu Telegram shows: each command with the catalog text describing it.
MENU_COMMANDS = {"start": "cmd_start", "help": "cmd_help", "me": "cmd_me",
                 "meetings": "cmd_meetings", "duties": "cmd_duties", "report": "cmd_report",
                 "lang": "cmd_lang"}
TICK_SECONDS = 20.0
# Connections for replies to people. Small on purpose: httpcore scans its whole pool on
# every request, and a 64-connection pool cost a third of the CPU of handling a tap.
# The outbox sender has a pool of its own (one connection per message in flight), so
# slow answers to a fan-out never leave people's replies waiting for a connection.
REPLY_POOL_SIZE = 16
# Backoff (seconds) for getMe at start-up and for setMyCommands when Telegram fails.
CONNECT_RETRY_FIRST = 1.0
CONNECT_RETRY_CAP = 60.0
MENU_RETRY_FIRST = 5.0
MENU_RETRY_CAP = 600.0


def build_application(
    config: Config, token: str, *, clock: Clock | None = None,
    tick_seconds: float | None = TICK_SECONDS,
) -> RuntimeApp:
    """A ready-to-start Application for ``config``; nothing is opened until it starts.

    ``tick_seconds`` None: no scheduler wake-ups (tests and the demo tick by hand).
    """
    REDACTOR.add_secret(token)
    install_redaction()
    clock = clock or SystemClock()
    delivery = config.delivery
    throttle = Throttle(delivery.messages_per_second, delivery.private_chat_interval_seconds,
                        delivery.group_messages_per_minute)
    request = RetryingRequest(proxied_request(
        config, connection_pool_size=REPLY_POOL_SIZE, pool_timeout=1.0,
        read_timeout=delivery.read_timeout_seconds, write_timeout=20.0, pacer=throttle.pacer,
    ))  # replies and tap answers: retried shortly when safe to repeat
    inbox = Inbox()  # every update stored before Telegram is told it arrived
    updates_request = StoredBeforeConfirmed(
        proxied_request(config, connection_pool_size=2, read_timeout=40.0), inbox)
    processor = PerUserUpdateProcessor(64)
    processor.inbox = inbox
    app: RuntimeApp = (
        ApplicationBuilder()
        .token(token)
        .base_url(config.telegram.base_url)
        .base_file_url(config.telegram.base_file_url)
        .request(request)
        .get_updates_request(updates_request)
        .defaults(Defaults(tzinfo=config.bot.tz))
        .context_types(ContextTypes(context=ChiboContext, bot_data=Runtime))
        .update_queue(inbox)
        .concurrent_updates(processor)
        .rate_limiter(ReplyLimiter(throttle))
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .build()
    )
    state = app.bot_data
    state.config, state.clock, state.tick_seconds = config, clock, tick_seconds
    state.throttle, state.inbox = throttle, inbox
    state.flood = FloodGate(config.bot.user_commands_per_minute)
    handlers.register(app)
    return app


async def _post_init(app: RuntimeApp) -> None:
    config = app.bot_data.config
    db = await open_database(config.database.target, password=database_password())
    services = Services(config=config, db=db, clock=app.bot_data.clock,
                        bot_username=app.bot.username)
    app.bot_data.services = services

    async def on_unreachable(person_id: int, reason: str, since: datetime) -> None:
        account = await people.telegram_account(services.db, person_id=person_id)
        if account is not None:
            services.unreachable_accounts.add(account)
        await officers_told_unreachable(services, person_id, reason, since)

    await services.load_unreachable()

    outbox_bot: ExtBot[None] = ExtBot(
        app.bot.token, base_url=config.telegram.base_url,
        base_file_url=config.telegram.base_file_url,
        request=proxied_request(config, connection_pool_size=config.delivery.concurrency,
                                pool_timeout=1.0, write_timeout=20.0,
                                read_timeout=config.delivery.read_timeout_seconds,
                                pacer=app.bot_data.throttle.pacer))
    await outbox_bot.initialize()
    app.bot_data.outbox_bot = outbox_bot
    workers = await _join_cluster(app, db)
    if workers is not None:  # another worker's sender may mark an account unreachable
        workers.refreshers.append(services.load_unreachable)
    await _keep_updates(app, db, workers)
    sender = Sender(db, services.clock, TelegramTransport(outbox_bot), config.delivery,
                    app.bot_data.throttle, on_unreachable=on_unreachable,
                    worker=workers.worker if workers else None)
    services.sender = sender
    app.bot_data.sender = sender
    await sender.start(live=await workers.live() if workers else None)
    if workers is not None:
        workers.on_recovered = lambda _count: sender.wake()
    await _start_zalo(app, services, sender)
    if not await _try_menus(app):
        app.bot_data.menus = asyncio.create_task(_menus_until_set(app), name="chibo-menus")
    if app.job_queue is not None and app.bot_data.tick_seconds is not None:
        app.job_queue.run_repeating(
            _tick, interval=app.bot_data.tick_seconds, first=0.5,
            job_kwargs={"misfire_grace_time": 60, "coalesce": True, "max_instances": 1},
        )
    if config.webapp.enabled:
        app.bot_data.webapp = await start_console(app, config.webapp)
    log.info("chibo started as @%s", app.bot.username)


async def _start_zalo(app: RuntimeApp, services: Services, sender: Sender) -> None:
    """The Zalo channel when ``[zalo] enabled``: its events and its sender."""
    config = app.bot_data.config
    if not config.zalo.enabled:
        return
    workers = app.bot_data.cluster
    zalo = ZaloChannel(services, config.zalo, worker=workers.worker if workers else None)
    if workers is not None:  # one Zalo budget for every worker, as for Telegram
        zalo.throttle.share(services.db)
    app.bot_data.zalo = zalo
    services.sender = Senders(sender, zalo.sender)
    await zalo.start(live=await workers.live() if workers else None)


async def _join_cluster(app: RuntimeApp, db: Database) -> Cluster | None:
    """On a shared engine, join the other workers: heartbeats, one sending budget, each
    update handled once. A SQLite database has one process and no cluster."""
    if db.engine == "sqlite":
        return None
    workers = Cluster(db)
    await workers.start()
    app.bot_data.cluster = workers
    app.bot_data.throttle.share(db, workers.clock)  # on the database's clock
    return workers


async def _keep_updates(app: RuntimeApp, db: Database, workers: Cluster | None) -> None:
    """Store every update before Telegram forgets it, and handle now what a crash or a
    restart left unhandled (with several workers: what dead workers left, at every sweep
    too)."""
    inbox = app.bot_data.inbox
    if workers is None:
        inbox.attach(db, app.bot)
    else:
        inbox.attach(db, app.bot, worker=workers.worker, live=workers.live)
        workers.refreshers.append(_replaying(inbox))
    await inbox.replay()


def _replaying(inbox: Inbox) -> Callable[[], Awaitable[None]]:
    async def replay() -> None:
        await inbox.replay()
    return replay


async def _post_shutdown(app: RuntimeApp) -> None:
    console, app.bot_data.webapp = app.bot_data.webapp, None
    if console is not None:
        await console.stop()
    menus, app.bot_data.menus = app.bot_data.menus, None
    if menus is not None and not menus.done():
        menus.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await menus
    zalo, app.bot_data.zalo = app.bot_data.zalo, None
    if zalo is not None:
        await zalo.stop()
    sender = app.bot_data.sender
    if sender is not None:
        await sender.stop()
    await app.bot_data.inbox.close()
    pacer = app.bot_data.throttle.pacer
    log.info("sending budget: at most %d sends started in a second (%g/s configured); "
             "%d slots dropped, reached late", pacer.busiest_second, pacer.rate,
             pacer.late_slots)
    workers = app.bot_data.cluster
    if workers is not None:
        await workers.stop()
    outbox_bot = app.bot_data.outbox_bot
    if outbox_bot is not None:
        await outbox_bot.shutdown()
    services: Services | None = getattr(app.bot_data, "services", None)  # None: never started
    if services is not None:
        await services.db.close()
    log.info("chibo stopped")


async def _tick(context: ChiboContext) -> None:
    """Wake-up from the scheduler: scan the database for due work."""
    await tick(context.services)


async def tick(services: Services) -> None:
    """Everything the clock may have made due; safe to call at any time, any number of times.

    Each feature adds its scan here; the outbox then carries what it enqueued.
    """
    await meeting_jobs.due_work(services)
    await report_broadcasts(services)
    await duties.due_work(services)
    await report_jobs.due_work(services)
    await member_import.tell_stranded(services)
    services.sender.wake()


async def _set_menus(app: RuntimeApp) -> None:
    for lang in LANGUAGES:
        commands = [BotCommand(c, t(lang, key)) for c, key in MENU_COMMANDS.items()]
        language_code = None if lang == app.bot_data.config.bot.language else lang
        await app.bot.set_my_commands(commands, language_code=language_code)


async def _try_menus(app: RuntimeApp) -> bool:
    """Menus are cosmetic: a failing setMyCommands is logged, never raised."""
    try:
        await _set_menus(app)
    except (TelegramError, OSError) as err:
        log.warning("could not set the command menus (%s: %s); trying again later",
                    type(err).__name__, err)
        return False
    return True


async def _menus_until_set(app: RuntimeApp) -> None:
    """Try the menus again with backoff (real time: Telegram's availability, not the
    bot's clock) until they are set or the bot stops."""
    delay = MENU_RETRY_FIRST
    while True:
        await asyncio.sleep(delay)
        if await _try_menus(app):
            return
        delay = min(MENU_RETRY_CAP, delay * 2)


class TokenRejected(Exception):
    """Telegram refused the bot token (401 or 404): no retry can help."""

    def __init__(self, status: int) -> None:
        super().__init__(f"Telegram rejected the bot token ({status})")
        self.status = status


class StartupTimedOut(Exception):
    """Start-up did not finish within ``[telegram] startup_deadline_seconds``."""

    def __init__(self, seconds: float, reason: str) -> None:
        super().__init__(f"not started after {seconds:.0f} s ({reason})")
        self.seconds = seconds
        self.reason = reason


class BotApiNonConforming(Exception):
    """The Bot API answered getMe with something that is not a bot user."""


async def connect(app: RuntimeApp, progress: list[str] | None = None) -> None:
    """Ask Telegram who the bot is (getMe) until it answers.

    A transient failure (network, timeout, 5xx, 429) is retried with backoff, its reason
    appended to ``progress`` (what a start-up deadline reports); a rejected token raises
    ``TokenRejected`` after closing the HTTP sessions, and never carries the token (PTB's
    own ``InvalidToken`` puts it in its message); an answer that is not a bot user raises
    ``BotApiNonConforming``."""
    delay = CONNECT_RETRY_FIRST
    while True:
        try:
            await app.bot.initialize()
            return
        except InvalidToken as err:
            await app.bot.shutdown()
            raise TokenRejected(rejected_status(err)) from None
        except RetryAfter as err:
            wait = max(delay, seconds(err.retry_after))
            reason = f"RetryAfter: {seconds(err.retry_after):.0f} s"
        except (TelegramError, OSError) as err:
            wait = delay
            reason = f"{type(err).__name__}: {err}"
        except (KeyError, TypeError, ValueError) as err:  # getMe without a bot's fields
            await app.bot.shutdown()
            raise BotApiNonConforming(f"{type(err).__name__}: {err}") from None
        if progress is not None:
            progress.append(reason)
        log.warning("Telegram did not answer getMe (%s); trying again in %.0f s", reason, wait)
        await asyncio.sleep(wait)
        delay = min(CONNECT_RETRY_CAP, delay * 2)


def warn_about_identity(app: RuntimeApp) -> None:
    """Configuration that works but surprises later: invite links pointing at another
    bot, or nobody able to create the first unit."""
    config = app.bot_data.config
    configured = config.telegram.bot_username.lstrip("@")
    if configured and configured.lower() != app.bot.username.lower():
        log.warning("[telegram] bot_username is @%s but this token is @%s: invite links "
                    "printed by the command line point at the other bot; fix bot_username",
                    configured, app.bot.username)
    if not config.bot.admins:
        log.warning("[bot] admins is empty: nobody can create units or appoint officers "
                    "in the bot; add your Telegram user id (see the README)")


async def serve(app: RuntimeApp, webhook: WebhookSettings | None = None, *,
                startup_deadline: float | None = None) -> None:
    """Connect (see ``connect``), start, poll or serve ``webhook`` until SIGINT/SIGTERM,
    then stop; whatever fails on the way, the sessions are closed.

    A signal is honoured at every stage, start-up included (waiting for Telegram, opening
    the database); start-up longer than ``startup_deadline`` seconds raises
    ``StartupTimedOut``."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop.set)
    progress: list[str] = []
    connected = False

    async def start() -> None:
        nonlocal connected
        await connect(app, progress)
        connected = True
        warn_about_identity(app)
        await start_app(app, poll_timeout=10, webhook=webhook)

    async def start_within_deadline() -> None:
        try:
            async with asyncio.timeout(startup_deadline):
                await start()
        except TimeoutError:
            assert startup_deadline is not None
            reason = progress[-1] if progress else "Telegram or the database did not answer"
            raise StartupTimedOut(startup_deadline, reason) from None

    starting = asyncio.create_task(start_within_deadline(), name="chibo-start")
    stopping = asyncio.create_task(stop.wait(), name="chibo-stop-signal")
    try:
        await asyncio.wait({starting, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if not starting.done():
            starting.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await starting
            log.info("stopped by a signal during start-up")
            return
        starting.result()  # a failed start raises here
        await stopping
    finally:
        stopping.cancel()
        if connected:
            await stop_app(app)
        else:  # nothing started: only getMe's HTTP session may be open
            await app.bot.shutdown()


async def start_app(
    app: RuntimeApp, *, poll_timeout: int = 10, webhook: WebhookSettings | None = None,
) -> None:
    """Initialise, run the post_init hook, start, and poll or serve ``webhook`` (what
    run_polling and run_webhook do, by hand)."""
    await app.initialize()
    if app.post_init is not None:
        await app.post_init(app)
    await app.start()
    assert app.updater is not None
    if webhook is not None:
        await app.updater.start_webhook(**_webhook_arguments(webhook))
        return
    updater = app.updater

    async def poll() -> None:
        await updater.start_polling(
            poll_interval=0.0, timeout=poll_timeout, drop_pending_updates=False,
            allowed_updates=Update.ALL_TYPES,
        )

    async def stop_polling() -> None:
        if updater.running:
            await updater.stop()

    workers = app.bot_data.cluster
    if workers is None:
        await poll()
        return
    workers.poll_when_leading(poll, stop_polling)  # one poller among the workers
    await workers.lead_now()


async def stop_app(app: RuntimeApp) -> None:
    """The reverse of ``start_app``; safe on a half-started application."""
    try:
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
    finally:
        try:
            await app.shutdown()
            if app.post_shutdown is not None:
                await app.post_shutdown(app)
        finally:
            await app.bot.shutdown()  # a no-op unless a failed start left its sessions open


@asynccontextmanager
async def running(app: RuntimeApp, *, poll_timeout: int = 10) -> AsyncIterator[RuntimeApp]:
    """Start ``app`` in long-polling mode for the duration of the block (tests, demo)."""
    try:
        await start_app(app, poll_timeout=poll_timeout)
        yield app
    finally:
        await stop_app(app)


def _webhook_arguments(webhook: WebhookSettings) -> dict[str, Any]:
    """setWebhook with the public URL and the secret; the local server answers on the
    URL's path (never the bot token) and refuses requests without the secret header."""
    secret = webhook.secret_token.get_secret_value()
    REDACTOR.add_secret(secret)
    log.info("webhook: listening on %s:%d for %s", webhook.listen, webhook.port, webhook.url)
    return {
        "listen": webhook.listen, "port": webhook.port, "url_path": webhook.url_path,
        "webhook_url": webhook.url, "secret_token": secret,
        "allowed_updates": Update.ALL_TYPES, "drop_pending_updates": False,
    }

