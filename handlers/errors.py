"""The one error handler: log the traceback, tell the person in their language."""

from __future__ import annotations

import logging

from telegram import Update

from handlers.context import ChiboContext

log = logging.getLogger("chibo.errors")


async def on_error(update: object, context: ChiboContext) -> None:
    log.error("unhandled error while handling an update", exc_info=context.error)
    if not isinstance(update, Update) or update.effective_user is None:
        return
    chat = update.effective_chat
    try:
        texts = await context.services.texts(update.effective_user.id)
        if update.callback_query is not None:
            await update.callback_query.answer(texts("error_internal"), show_alert=True)
        elif chat is not None and chat.type == "private":
            await context.bot.send_message(chat.id, texts("error_internal"))
    except Exception:  # the error handler must never raise
        log.exception("could not tell the user about the error")
