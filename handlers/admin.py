"""Admin command /status: the delivery queue, as `chibo status` prints it."""

from __future__ import annotations

from telegram import Update

from bot.core.errors import Denied
from bot.runtime.status import delivery_status, render_status
from handlers.base import asker
from handlers.context import ChiboContext


async def status(update: Update, context: ChiboContext) -> None:
    who = await asker(update, context)
    if not who.actor.is_admin:
        raise Denied("admins_only")
    stats = await delivery_status(who.services.db, who.services.clock)
    await who.say(render_status(stats, who.texts, who.services.tz))
