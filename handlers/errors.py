"""The one error handler: expected refusals get their text, faults one line, bugs an apology.

A domain ``AppError`` carries the catalog key of the answer (a refusal, a malformed
date). A fault of the machine — Telegram unreachable, slow or failing (5xx), a pool
timeout, a full, read-only or unreachable database — is one WARNING/ERROR line naming
the cause and what the bot does (the traceback at DEBUG). Anything else is a bug, logged
with its traceback. Either way the person is told, in their language, whether their
change was kept (committed, and only showing it failed) or nothing was changed.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable

from telegram import Update
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut

from bot.core.errors import AppError, database_fault, error_text_key
from bot.texts import Texts, as_language
from handlers.base import answer_query
from handlers.context import ChiboContext

log = logging.getLogger("chibo.errors")


def telegram_fault(error: BaseException) -> str | None:
    """The cause when ``error`` is Telegram (or the way to it) failing, else None. A
    ``BadRequest`` is the bot's own mistake, never a fault."""
    if isinstance(error, RetryAfter):
        return "Telegram asked the bot to slow down"
    if isinstance(error, TimedOut):
        if "pool" in error.message.lower():
            return "no connection to Telegram came free in time (pool timeout)"
        return "Telegram did not answer in time"
    if isinstance(error, NetworkError) and not isinstance(error, BadRequest):
        return "Telegram could not be reached or failed (network error or 5xx)"
    if isinstance(error, TimeoutError | ConnectionError):
        return "the network timed out or dropped the connection"
    return None


def fault_of(error: BaseException) -> tuple[int, str] | None:
    """(log level, cause) for a fault of the machine; None for a refusal or a bug."""
    cause = database_fault(error)
    if cause is not None:
        return logging.ERROR, cause
    cause = telegram_fault(error)
    if cause is not None:
        return logging.WARNING, cause
    return None


def _report(error: BaseException, update: object) -> None:
    """Log ``error`` as what it is: one line for a fault, a traceback for a bug."""
    if isinstance(error, AppError):
        return
    fault = fault_of(error)
    if fault is None:
        log.error("unhandled error while handling an update", exc_info=error)
        return
    level, cause = fault
    what = (f"update {update.update_id}" if isinstance(update, Update)
            else "a scheduled job")
    outcome = ("its unfinished writes were rolled back; the person is told what was kept"
               if level == logging.ERROR else
               "its reply may be missing; the person is told to try again")
    log.log(level, "%s while handling %s (%s: %s): %s", cause, what,
            type(error).__name__, error, outcome)
    log.debug("traceback of the fault above", exc_info=error)


async def _texts(context: ChiboContext, user_id: int) -> Texts:
    """The person's texts; their language if the database can still say it."""
    try:
        return await context.services.texts(user_id)
    except Exception as err:
        if fault_of(err) is None:
            raise
        return Texts(as_language(None, context.services.config.bot.language))


async def on_error(update: object, context: ChiboContext) -> None:
    error = context.error
    if error is None:
        return
    if isinstance(error, BadRequest) and "message is not modified" in error.message.lower():
        if isinstance(update, Update) and update.callback_query is not None:
            await _quietly(update.callback_query.answer())
        return
    _report(error, update)
    if not isinstance(update, Update) or update.effective_user is None:
        return
    try:
        texts = await _texts(context, update.effective_user.id)
        text = texts(error.key, **error.params) if isinstance(error, AppError) else texts(
            error_text_key())
        chat = update.effective_chat
        query = update.callback_query
        if query is not None and await answer_query(query, text, show_alert=True):
            return
        # A typed message, or a tap Telegram no longer takes an answer to: say it.
        if chat is not None and chat.type == "private":
            await context.bot.send_message(chat.id, text)
    except Exception as err:  # the error handler must never raise
        fault = fault_of(err)
        if fault is None:
            log.exception("could not tell the user about the error")
        else:
            log.warning("could not tell the user about the error either (%s: %s)",
                        fault[1], type(err).__name__)


async def _quietly(awaitable: Awaitable[object]) -> None:
    try:
        await awaitable
    except Exception:
        log.debug("ignored error while answering a callback", exc_info=True)
