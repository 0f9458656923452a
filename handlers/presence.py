"""Runs before every handler: a person who writes again is reachable again."""

from __future__ import annotations

from telegram import Update

from handlers.context import ChiboContext


async def touch(update: Update, context: ChiboContext) -> None:
    user = update.effective_user
    if user is not None and not user.is_bot:
        await context.services.seen(user.id)
