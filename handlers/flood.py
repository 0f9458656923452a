"""Runs first for every update: one person sending too fast is asked to slow down once,
and their further updates are dropped until they may send again."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot.core.flood import Verdict
from handlers.base import answer_query
from handlers.context import ChiboContext


async def gate(update: Update, context: ChiboContext) -> None:
    user = update.effective_user
    if user is None or user.is_bot:
        return
    verdict = context.bot_data.flood.check(user.id)
    if verdict is Verdict.ALLOW:
        return
    if verdict is Verdict.WARN:
        texts = await context.services.texts(user.id)
        if update.callback_query is not None:
            await answer_query(update.callback_query, texts("slow_down"), show_alert=True)
        elif update.effective_chat is not None and update.effective_chat.type == "private":
            await context.bot.send_message(update.effective_chat.id, texts("slow_down"))
    raise ApplicationHandlerStop
