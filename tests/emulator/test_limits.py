"""Flood control: sliding windows, 429 with retry_after, statistics."""

from __future__ import annotations

import datetime as dtm

import pytest
from telegram import Bot
from telegram.error import RetryAfter

from emulator import ApiError, BotApiEmulator, Limits, RateLimiter, Window


def retry_seconds(error: RetryAfter) -> float:
    value = error.retry_after
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


@pytest.mark.asyncio
async def test_private_chat_flood_gets_retry_after(emu: BotApiEmulator, bot: Bot) -> None:
    emu.set_limits(Limits(private_windows=(Window(3, 10.0),)))
    alice = emu.user(1001, "An")
    await alice.send("hi")
    for i in range(3):
        await bot.send_message(1001, f"m{i}")
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(1001, "one too many")
    assert retry_seconds(caught.value) == 10
    assert len(alice.chat) == 3
    # another private chat is unaffected
    bob = emu.user(1002, "Bình")
    await bob.send("hi")
    await bot.send_message(1002, "ok")
    stats = emu.stats
    assert stats.rate_limited == 1
    assert stats.rate_limited_by_method["sendMessage"] == 1
    assert stats.rate_limited_by_chat[1001] == 1
    assert stats.sends == 4
    assert len(stats.send_times[1001]) == 3
    call = emu.calls_to("sendMessage")[3]
    assert call.status == 429 and call.error_description == "Too Many Requests: retry after 10"


@pytest.mark.asyncio
async def test_global_rate(emu: BotApiEmulator, bot: Bot) -> None:
    emu.set_limits(Limits(global_windows=(Window(5, 4.0),), private_windows=()))
    for uid in range(2001, 2007):
        await emu.user(uid, f"U{uid}").send("hi")
    for uid in range(2001, 2006):
        await bot.send_message(uid, "broadcast")
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(2006, "broadcast")
    assert retry_seconds(caught.value) == 4


@pytest.mark.asyncio
async def test_edits_count_per_chat_not_globally(emu: BotApiEmulator, bot: Bot) -> None:
    emu.set_limits(Limits(global_windows=(Window(1, 10.0),), private_windows=(Window(2, 10.0),)))
    alice = emu.user(1001, "An")
    await alice.send("hi")
    sent = await bot.send_message(1001, "v1")
    await bot.edit_message_text("v2", chat_id=1001, message_id=sent.message_id)
    with pytest.raises(RetryAfter):
        await bot.edit_message_text("v3", chat_id=1001, message_id=sent.message_id)
    assert emu.stats.rate_limited_by_method["editMessageText"] == 1


def test_sliding_window_model() -> None:
    limiter = RateLimiter(Limits(private_windows=(Window(3, 1.0), Window(5, 10.0))))
    t = 100.0
    for dt in (0.0, 0.1, 0.2):
        limiter.check("sendMessage", 1, False, t + dt)
    with pytest.raises(ApiError) as caught:
        limiter.check("sendMessage", 1, False, t + 0.3)
    assert caught.value.status == 429 and caught.value.retry_after == 1
    limiter.check("sendMessage", 1, False, t + 1.05)  # the first one left the 1 s window
    limiter.check("sendMessage", 1, False, t + 2.5)
    with pytest.raises(ApiError) as caught:
        limiter.check("sendMessage", 1, False, t + 3.0)  # 5 within 10 s
    assert caught.value.retry_after == 7
    limiter.check("sendMessage", 2, False, t + 3.0)  # other chats are independent


def test_group_window_and_off() -> None:
    limiter = RateLimiter(Limits())
    for i in range(20):
        limiter.check("sendMessage", -100, True, float(i))
    with pytest.raises(ApiError) as caught:
        limiter.check("sendMessage", -100, True, 20.0)
    assert caught.value.retry_after == 40
    off = RateLimiter(Limits.off())
    for _ in range(1000):
        off.check("sendMessage", 1, False, 0.0)
