"""Admin command /status: the delivery queue, as `chibo status` prints it."""

from __future__ import annotations

from telegram import Update

from bot.notices.status import admin_status, render_status
from handlers.base import asker
from handlers.context import ChiboContext


async def status(update: Update, context: ChiboContext) -> None:
    who = await asker(update, context)
    stats = await admin_status(who.services, who.actor)
    await who.say(render_status(stats, who.texts, who.services.tz))
