"""The sending budget holds for the instants requests *arrive* at Telegram, even when the
bot's event loop is busy: a slot granted before a stall and spent after it would leave
next to the slots after it and make more than the rate in a second.

The emulator runs in a thread of its own, so the bot's stall does not move its stamps
(Telegram does not wait for the bot's event loop either); the stall is a blocking
sleep, as a crowd's handlers hold the loop.
"""

from __future__ import annotations

import asyncio
import threading
import time

from telegram import Bot
from telegram.ext import ExtBot

from bot.demo.playground import BOT_USERNAME, TOKEN
from bot.runtime.delivery.aiohttp_request import AiohttpRequest
from bot.runtime.delivery.limits import Throttle
from bot.runtime.delivery.reply_limiter import ReplyLimiter
from emulator import BotApiEmulator, Limits, Window, busiest_second

RATE = 10
EDITS = 12  # people waiting for the edit of the card they pressed (the interactive lane)
BULK = 10  # a fan-out's messages (the bulk lane)
STALL = 0.2  # seconds, two slots' worth
FIRST = 910_000_001


class _EmulatorThread:
    """The emulator serving from a thread with its own event loop."""

    def __init__(self) -> None:
        self.ready = threading.Event()
        self.emu: BotApiEmulator | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=lambda: asyncio.run(self._main()), daemon=True)

    async def _main(self) -> None:
        async with BotApiEmulator(token=TOKEN, bot_username=BOT_USERNAME,
                                  limits=Limits.off(), strict_private_chats=False) as emu:
            self.emu, self._loop, self._stop = emu, asyncio.get_running_loop(), asyncio.Event()
            self.ready.set()
            await self._stop.wait()

    def __enter__(self) -> BotApiEmulator:
        self._thread.start()
        assert self.ready.wait(10)
        assert self.emu is not None
        return self.emu

    def __exit__(self, *exc: object) -> None:
        assert self._loop is not None and self._stop is not None
        self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(10)


async def test_a_slot_spent_after_a_stall_is_dropped_no_second_above_the_rate() -> None:
    with _EmulatorThread() as emu:
        for uid in range(FIRST, FIRST + EDITS + BULK):
            emu.user(uid, f"ĐV{uid}")
        async with Bot(TOKEN, base_url=emu.base_url) as setup:  # the cards, not timed
            cards = [await setup.send_message(FIRST + i, "📅 Giấy mời") for i in range(EDITS)]
        emu.set_limits(Limits(global_windows=(Window(RATE, 1.0),), count_edits_globally=True))
        throttle = Throttle(RATE, 0.01, 20)
        pacer = throttle.pacer
        replies = ExtBot(TOKEN, base_url=emu.base_url, rate_limiter=ReplyLimiter(throttle),
                         request=AiohttpRequest(pacer=pacer))
        outbox = ExtBot(TOKEN, base_url=emu.base_url, request=AiohttpRequest(pacer=pacer))
        async with replies, outbox:

            async def fan_out() -> None:  # as the outbox sender: a slot, then a task
                sends = []
                for i in range(BULK):
                    await pacer.acquire()
                    if i == 0:  # the loop is held right after the slot: the send starts late
                        time.sleep(STALL)  # noqa: ASYNC251 - the point: a busy event loop
                    sends.append(asyncio.create_task(
                        outbox.send_message(FIRST + EDITS + i, f"thông báo {i}")))
                await asyncio.gather(*sends)

            await asyncio.gather(fan_out(), *(
                replies.edit_message_text("✅ Đã ghi nhận", chat_id=card.chat_id,
                                          message_id=card.message_id) for card in cards))
        arrivals = [t for uid in range(FIRST + EDITS, FIRST + EDITS + BULK)
                    for t in emu.stats.send_times[uid]] + emu.stats.edit_times
        assert len(arrivals) == EDITS + BULK
        assert emu.stats.rate_limited == 0
        assert busiest_second(arrivals) <= RATE
