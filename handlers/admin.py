"""Admin commands: /status (units and appointments come with registration)."""

from __future__ import annotations

from telegram import Update

from bot.status import delivery_status, render_status
from handlers.context import ChiboContext


async def status(update: Update, context: ChiboContext) -> None:
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    services = context.services
    texts = await services.texts(user.id)
    actor = await services.actor(user.id)
    if not actor.is_admin:
        await message.reply_text(texts("admins_only"))
        return
    stats = await delivery_status(services.db, services.clock)
    await message.reply_text(render_status(stats, texts, services.tz))
