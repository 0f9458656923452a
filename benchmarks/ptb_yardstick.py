"""The yardstick sender: python-telegram-bot's own answer to a fan-out, run as a process.

An ``ExtBot`` with PTB's ``AIORateLimiter`` (30 messages/s overall, its default, and
``max_retries`` retries on 429) sends the invitation to every member with
``asyncio.gather``: no outbox, no record of what went out. Started by the benchmarks
(``common.start_yardstick``); prints one JSON line at the end:
``{"ok": N, "errors": {"ErrorType": N}, "wall": seconds}``.

Needs ``aiolimiter`` (``pip install "python-telegram-bot[rate-limiter]"``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from collections import Counter

from invite import INVITE_BUTTONS, INVITE_TEXT
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.ext import AIORateLimiter, ExtBot
from telegram.request import HTTPXRequest


async def fan_out(base_url: str, first_uid: int, count: int, max_retries: int) -> dict[str, object]:
    token = os.environ["TELEGRAM_BOT_TOKEN"]
    # The same HTTP settings as the bot (bot/runtime/app.py), so only the pacing differs.
    request = HTTPXRequest(connection_pool_size=64, pool_timeout=1.0, read_timeout=10.0,
                           write_timeout=20.0)
    bot: ExtBot[None] = ExtBot(
        token, base_url=base_url, request=request,
        rate_limiter=AIORateLimiter(max_retries=max_retries),
    )
    markup = InlineKeyboardMarkup(
        [[InlineKeyboardButton(text, callback_data=data) for text, data in INVITE_BUTTONS]]
    )
    async with bot:
        started = time.monotonic()
        results = await asyncio.gather(
            *(bot.send_message(uid, INVITE_TEXT, reply_markup=markup)
              for uid in range(first_uid, first_uid + count)),
            return_exceptions=True,
        )
        wall = time.monotonic() - started
    errors = Counter(type(r).__name__ for r in results if isinstance(r, BaseException))
    return {"ok": count - sum(errors.values()), "errors": dict(errors), "wall": wall}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--base-url", required=True)
    p.add_argument("--first-uid", type=int, required=True)
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--max-retries", type=int, default=3)
    args = p.parse_args()
    result = asyncio.run(fan_out(args.base_url, args.first_uid, args.count, args.max_retries))
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
