"""The delivery engine through the emulator: error policy case by case, crash recovery,
catch-up and stale skipping, and dedupe by business key."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from telegram.ext import ExtBot

from bot.demo.playground import TOKEN, Playground
from bot.runtime.delivery import MaybeSent, NotSent, RateLimited, Transient, Unreachable
from bot.runtime.delivery.aiohttp_request import AiohttpRequest
from bot.runtime.delivery.telegram_transport import TelegramTransport
from emulator import Limits, Window
from storage import outbox
from storage.outbox import Envelope, OutgoingMessage
from tests.factories import seed_branch


def envelope(key: str, chat_id: int, person_id: int | None = None, **kw: object) -> Envelope:
    return Envelope(key=key, chat_id=chat_id, kind="test", person_id=person_id,
                    message=OutgoingMessage(f"tin nhắn {key}"), **kw)  # type: ignore[arg-type]


async def row_state(live_bot: Playground, key: str) -> dict[str, object]:
    row = await live_bot.services.db.fetch_one(
        "SELECT state, attempts, last_error, possible_duplicate, message_id "
        "FROM outbox WHERE business_key = ?", (key,))
    assert row is not None
    return dict(row)


def texts_in(live_bot: Playground, chat_id: int) -> list[str]:
    return [m.text for m in live_bot.emu.all_messages() if m.chat_id == chat_id]


@pytest.fixture(autouse=True)
def open_chats(live_bot: Playground) -> None:
    live_bot.emu.strict_private_chats = False


async def test_same_business_key_twice_sends_once(live_bot: Playground) -> None:
    live_bot.emu.user(7001, "An")
    assert await live_bot.services.post([envelope("invite:1:1", 7001)]) == 1
    assert await live_bot.services.post([envelope("invite:1:1", 7001)]) == 0
    await live_bot.settle()
    assert texts_in(live_bot, 7001) == ["tin nhắn invite:1:1"]
    state = await row_state(live_bot, "invite:1:1")
    assert state["state"] == "sent" and state["message_id"] is not None


async def test_429_is_honoured_for_that_chat_without_stalling_others(live_bot: Playground) -> None:
    live_bot.emu.set_limits(Limits(private_windows=(Window(1, 1.0),)))
    live_bot.emu.user(7001, "An")
    live_bot.emu.user(7002, "Bình")
    await live_bot.services.post([envelope("a1", 7001), envelope("a2", 7001), envelope("b1", 7002)])
    await live_bot.settle()
    # a2 was refused with retry_after; b1 went out meanwhile.
    assert texts_in(live_bot, 7002) == ["tin nhắn b1"]
    assert texts_in(live_bot, 7001) == ["tin nhắn a1"]
    a2 = await row_state(live_bot, "a2")
    assert a2["state"] == "pending" and "RateLimited" in str(a2["last_error"])
    assert live_bot.emu.stats.rate_limited == 1
    # Once Telegram's wait is over, the message goes.
    live_bot.clock.advance(timedelta(seconds=2))  # type: ignore[attr-defined]
    await live_bot.settle()
    assert texts_in(live_bot, 7001) == ["tin nhắn a1", "tin nhắn a2"]
    assert (await row_state(live_bot, "a2"))["attempts"] == 2


async def test_5xx_is_retried_with_backoff_then_sent(live_bot: Playground) -> None:
    live_bot.emu.user(7001, "An")
    live_bot.emu.faults.fail_next(2, status=502, description="Bad Gateway")
    await live_bot.services.post([envelope("k", 7001)])
    await live_bot.settle()
    first = await row_state(live_bot, "k")
    assert first["state"] == "pending" and first["attempts"] == 1
    for _ in range(3):
        live_bot.clock.advance(timedelta(minutes=10))  # type: ignore[attr-defined]
        await live_bot.settle()
    done = await row_state(live_bot, "k")
    assert done["state"] == "sent" and done["attempts"] == 3
    assert texts_in(live_bot, 7001) == ["tin nhắn k"]


async def test_5xx_gives_up_after_max_attempts_with_the_reason(live_bot: Playground) -> None:
    live_bot.emu.user(7001, "An")
    live_bot.emu.faults.fail_next(100, status=500, description="Internal Server Error")
    await live_bot.services.post([envelope("k", 7001)])
    for _ in range(live_bot.config.delivery.max_attempts + 1):
        await live_bot.settle()
        live_bot.clock.advance(timedelta(hours=1))  # type: ignore[attr-defined]
    state = await row_state(live_bot, "k")
    assert state["state"] == "failed"
    assert state["attempts"] == live_bot.config.delivery.max_attempts
    assert "Transient" in str(state["last_error"])


async def test_read_timeout_is_retried_and_counted_as_possible_duplicate(
    live_bot: Playground,
) -> None:
    live_bot.emu.user(7001, "An")
    # Past the bot's read timeout (1 s in these tests); delivered anyway.
    live_bot.emu.faults.slow(1.5, next_n=1)
    await live_bot.services.post([envelope("k", 7001)])
    await live_bot.settle()
    state = await row_state(live_bot, "k")
    assert state["state"] == "pending" and state["possible_duplicate"] == 1
    live_bot.clock.advance(timedelta(minutes=5))  # type: ignore[attr-defined]
    await live_bot.settle()
    assert (await row_state(live_bot, "k"))["state"] == "sent"
    assert texts_in(live_bot, 7001) == ["tin nhắn k", "tin nhắn k"]  # the honest duplicate
    assert live_bot.sender.counters.possible_duplicates == 1


@pytest.mark.parametrize(
    ("fault", "reason"),
    [("block", "blocked"), ("deactivate", "deactivated"), ("never_started", "not_started"),
     ("unknown_chat", "chat_not_found")],
)
async def test_permanent_errors_mark_unreachable_and_tell_officers_once(
    live_bot: Playground, fault: str, reason: str
) -> None:
    seeded = await seed_branch(live_bot.services.db, live_bot.clock.now(), members=1)
    person_id, tg_id = seeded.members[0]
    secretary = live_bot.emu.user(seeded.secretary[1], "Bí thư")
    if fault == "unknown_chat":
        pass  # never created in the emulator
    else:
        live_bot.emu.user(tg_id, "An")
        if fault == "block":
            live_bot.emu.faults.block(tg_id)
        elif fault == "deactivate":
            live_bot.emu.faults.deactivate(tg_id)
        else:
            live_bot.emu.strict_private_chats = True
            await secretary.send("/start")
            await secretary.next_message()
    await live_bot.services.post([envelope("k1", tg_id, person_id),
                                  envelope("k2", tg_id, person_id)])
    await live_bot.settle()
    await live_bot.settle()  # the officers' alert is itself an outbox row
    for key in ("k1", "k2"):
        state = await row_state(live_bot, key)
        assert state["state"] == "failed" and state["attempts"] == 1  # never retried
    row = await live_bot.services.db.fetch_one(
        "SELECT unreachable_since, unreachable_reason FROM people WHERE id = ?", (person_id,))
    assert row is not None and row["unreachable_since"] is not None
    assert row["unreachable_reason"] == reason
    alerts = [m for m in secretary.chat if "Không gửi được tin nhắn" in m.text]
    assert len(alerts) == 1
    assert "Đảng viên Số 001" in alerts[0].text and "Chi bộ Thôn 3" in alerts[0].text


async def test_crash_leftover_sending_rows_are_sent_again_flagged(live_bot: Playground) -> None:
    live_bot.emu.user(7001, "An")
    async with live_bot.services.db.transaction() as conn:
        await outbox.enqueue(conn, [envelope("k", 7001)], live_bot.clock.now())
        await conn.execute("UPDATE outbox SET state = 'sending', attempts = 1")
    await live_bot.sender.stop()  # a restart: the sender recovers rows left in flight
    await live_bot.sender.start()
    await live_bot.settle()
    state = await row_state(live_bot, "k")
    assert state["state"] == "sent" and state["possible_duplicate"] == 1
    assert texts_in(live_bot, 7001) == ["tin nhắn k"]


async def test_catch_up_sends_what_is_still_useful_and_skips_what_went_stale(
    live_bot: Playground,
) -> None:
    live_bot.emu.user(7001, "An")
    now = live_bot.clock.now()
    await live_bot.services.post([
        envelope("useful", 7001, not_before=now + timedelta(hours=1),
                 stale_after=now + timedelta(hours=5)),
        envelope("stale", 7001, not_before=now + timedelta(hours=2),
                 stale_after=now + timedelta(hours=3)),
    ])
    await live_bot.settle()
    assert texts_in(live_bot, 7001) == []  # nothing due yet
    live_bot.clock.advance(timedelta(hours=4))  # type: ignore[attr-defined]  # the bot was "down"
    await live_bot.settle()
    assert texts_in(live_bot, 7001) == ["tin nhắn useful"]
    assert (await row_state(live_bot, "stale"))["state"] == "skipped"


async def test_transport_maps_pool_timeout_to_not_sent(live_bot: Playground) -> None:
    live_bot.emu.user(7001, "An")
    # The production backend (aiohttp), one connection, a short wait for it.
    request = AiohttpRequest(connection_pool_size=1, pool_timeout=0.05, read_timeout=5.0,
                             connect_timeout=0.05)
    bot = ExtBot(TOKEN, base_url=live_bot.emu.base_url, request=request)
    transport = TelegramTransport(bot)
    await bot.initialize()
    try:
        live_bot.emu.faults.slow(1.0, next_n=1)
        first = asyncio.create_task(transport.send(7001, OutgoingMessage("một")))
        await asyncio.sleep(0.2)  # let the first request occupy the only connection
        with pytest.raises(NotSent):
            await transport.send(7001, OutgoingMessage("hai"))
        assert await first > 0
    finally:
        await bot.shutdown()
    assert texts_in(live_bot, 7001) == ["một"]  # the refused one never left


async def test_transport_classifies_each_telegram_error(live_bot: Playground) -> None:
    transport = TelegramTransport(live_bot.app.bot)
    live_bot.emu.user(7001, "An")
    live_bot.emu.set_limits(Limits(private_windows=(Window(1, 30.0),)))
    await transport.send(7001, OutgoingMessage("ok"))
    with pytest.raises(RateLimited) as limited:
        await transport.send(7001, OutgoingMessage("too soon"))
    assert limited.value.retry_after >= 1
    live_bot.emu.set_limits(Limits())
    live_bot.emu.faults.fail_next(1, status=502, description="Bad Gateway")
    with pytest.raises(Transient):
        await transport.send(7001, OutgoingMessage("x"))
    live_bot.emu.faults.block(7001)
    with pytest.raises(Unreachable) as blocked:
        await transport.send(7001, OutgoingMessage("x"))
    assert blocked.value.reason == "blocked"
    live_bot.emu.faults.clear()
    live_bot.emu.faults.slow(1.5, next_n=1)  # past the 1 s read timeout of these tests
    with pytest.raises(MaybeSent):
        await transport.send(7001, OutgoingMessage("slow"))


async def test_a_member_who_writes_again_is_reachable_again(live_bot: Playground) -> None:
    seeded = await seed_branch(live_bot.services.db, live_bot.clock.now(), members=1)
    person_id, tg_id = seeded.members[0]
    member = live_bot.emu.user(tg_id, "An")
    live_bot.emu.faults.block(tg_id)
    await live_bot.services.post([envelope("k1", tg_id, person_id)])
    await live_bot.settle()
    query = "SELECT unreachable_since FROM people WHERE id = ?"
    assert await live_bot.services.db.fetch_value(query, (person_id,)) is not None
    await member.ask("/help")  # writing to the bot lifts the block (Telegram's "Restart")
    assert await live_bot.services.db.fetch_value(query, (person_id,)) is None
    await live_bot.services.post([envelope("k2", tg_id, person_id)])
    await live_bot.settle()
    assert (await row_state(live_bot, "k2"))["state"] == "sent"
