"""Delivery status for operators: queue depth, last 24 hours, unreachable members.

``chibo status`` (the operator, trusted) reads :func:`delivery_status`; admins in
Telegram (``/status``) go through :func:`admin_status`, which checks who asks."""

from __future__ import annotations

import time
from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.core import formatting as fmt
from bot.core import labels
from bot.core.access import Actor
from bot.core.clock import Clock, from_db
from bot.core.config import DeliverySettings
from bot.core.permissions import Permission, require
from bot.core.services import Services
from bot.texts import Texts
from storage import cluster, outbox
from storage.db import Database
from storage.outbox import OutboxStats

STATES = ("pending", "sending", "sent", "failed", "skipped")


async def delivery_status(db: Database, clock: Clock,
                          settings: DeliverySettings | None = None) -> OutboxStats:
    """The counts, and whether the queue is stuck (due rows and nothing sent for the
    configured ``stall_alert_seconds``)."""
    now = clock.now()
    stall_after = timedelta(seconds=(settings or DeliverySettings()).stall_alert_seconds)
    stats = await outbox.stats(db, now, now - timedelta(hours=24), stall_after)
    if db.engine != "sqlite":  # several workers may share it: who is alive, who polls
        wall = await cluster.database_time(db) or time.time()  # the workers' clock
        stats.workers = await cluster.live_workers(db, wall - cluster.WORKER_TTL)
        stats.poller = await cluster.lease_holder(db, cluster.POLLER, wall)
    return stats


async def admin_status(services: Services, actor: Actor) -> OutboxStats:
    """The delivery status, for admins."""
    require(actor, Permission.VIEW_DELIVERY)
    return await delivery_status(services.db, services.clock, services.config.delivery)


def render_status(stats: OutboxStats, texts: Texts, tz: ZoneInfo) -> str:
    lang = texts.lang
    lines = [texts("status_header")]
    lines.append(texts("status_queue", **{s: fmt.number(stats.by_state.get(s, 0), lang)
                                          for s in STATES}))
    lines.append(texts("status_24h", sent=fmt.number(stats.sent_24h, lang),
                       failed=fmt.number(stats.failed_24h, lang),
                       duplicates=fmt.number(stats.possible_duplicates, lang)))
    if stats.stalled_since is not None:
        lines.append(texts("status_stalled", count=fmt.number(stats.stalled_due, lang),
                           since=fmt.local_time(from_db(stats.stalled_since), tz)))
    if stats.retrying:
        lines.append(texts("status_retrying", count=fmt.number(stats.retrying, lang)))
    if stats.workers:
        lines.append(texts("status_workers", count=fmt.number(len(stats.workers), lang),
                           names=", ".join(stats.workers)))
        lines.append(texts("status_poller", worker=stats.poller)
                     if stats.poller else texts("status_no_poller"))
    if not stats.unreachable:
        lines.append(texts("status_all_reachable"))
    else:
        lines.append(texts("status_unreachable", count=fmt.number(len(stats.unreachable), lang)))
        for _, name, since, reason in stats.unreachable[:50]:
            when = fmt.local_time(from_db(since), tz)
            lines.append(f"• {name} — {when} — {texts(labels.UNREACHABLE[reason])}")
    return "\n".join(lines)
