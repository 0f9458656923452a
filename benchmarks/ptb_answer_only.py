"""The inbound yardstick, run as a process: a bare python-telegram-bot Application that
polls the emulator and only answers callback queries (no database, no edit).

    python ptb_answer_only.py BASE_URL CONCURRENCY      (token in TELEGRAM_BOT_TOKEN)
"""

from __future__ import annotations

import os
import sys

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, ContextTypes


async def answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.callback_query is not None
    await update.callback_query.answer("OK")


def main() -> None:
    base_url, concurrency = sys.argv[1], int(sys.argv[2])
    app = (Application.builder().token(os.environ["TELEGRAM_BOT_TOKEN"]).base_url(base_url)
           .concurrent_updates(concurrency).build())
    app.add_handler(CallbackQueryHandler(answer))
    app.run_polling(poll_interval=0.0, timeout=1, drop_pending_updates=False)


if __name__ == "__main__":
    main()
