"""Telegram adapters: parse the update, call the domain, reply with a catalog text."""

from __future__ import annotations

from telegram.ext import CommandHandler, MessageHandler, filters

from handlers import admin, common
from handlers.context import ChiboApp
from handlers.errors import on_error


def register(app: ChiboApp) -> None:
    """Every handler of the bot, registered in one place.

    All feature handlers share group 0, where the first matching handler wins,
    so the fallbacks at the end answer only what nothing else took.
    """
    private = filters.ChatType.PRIVATE
    app.add_handlers(
        [
            CommandHandler("start", common.start, filters=private),
            CommandHandler("help", common.show_help, filters=private),
            CommandHandler("lang", common.set_language, filters=private),
            CommandHandler("status", admin.status, filters=private),
            # Fallbacks: keep last.
            MessageHandler(private & filters.COMMAND, common.unknown_command),
            MessageHandler(
                private & ~filters.COMMAND & filters.UpdateType.MESSAGE, common.not_understood
            ),
        ]
    )
    app.add_error_handler(on_error)
