"""The one error handler: expected refusals get their text, bugs get an apology.

A domain ``AppError`` carries the catalog key of the answer (a refusal, a
malformed date); anything else is a bug: logged with its traceback, and the
person is told, in their language, whether their change was kept (committed, and
only showing it failed) or nothing was changed.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import BadRequest

from bot.core.errors import AppError, error_text_key
from handlers.base import answer_query
from handlers.context import ChiboContext

log = logging.getLogger("chibo.errors")


async def on_error(update: object, context: ChiboContext) -> None:
    error = context.error
    if isinstance(error, BadRequest) and "message is not modified" in error.message.lower():
        if isinstance(update, Update) and update.callback_query is not None:
            await _quietly(update.callback_query.answer())
        return
    if not isinstance(error, AppError):
        log.error("unhandled error while handling an update", exc_info=error)
    if not isinstance(update, Update) or update.effective_user is None:
        return
    try:
        texts = await context.services.texts(update.effective_user.id)
        text = texts(error.key, **error.params) if isinstance(error, AppError) else texts(
            error_text_key())
        chat = update.effective_chat
        query = update.callback_query
        if query is not None and await answer_query(query, text, show_alert=True):
            return
        # A typed message, or a tap Telegram no longer takes an answer to: say it.
        if chat is not None and chat.type == "private":
            await context.bot.send_message(chat.id, text)
    except Exception:  # the error handler must never raise
        log.exception("could not tell the user about the error")


async def _quietly(awaitable: object) -> None:
    try:
        await awaitable  # type: ignore[misc]
    except Exception:
        log.debug("ignored error while answering a callback", exc_info=True)
