"""The Zalo Bot API emulator and the bot's Zalo client, against each other over HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from aiohttp import web

from bot.runtime.delivery.errors import RateLimited, Rejected, Unreachable
from bot.runtime.zalo.client import ZaloClient, ZaloEvent
from emulator.zalo import ZaloEmulator, ZaloLimits

TOKEN = "7654321:zalo-secret-token"


@pytest_asyncio.fixture
async def zalo() -> AsyncIterator[ZaloEmulator]:
    async with ZaloEmulator(token=TOKEN) as emulator:
        yield emulator


@pytest_asyncio.fixture
async def client(zalo: ZaloEmulator) -> AsyncIterator[ZaloClient]:
    bot = ZaloClient(TOKEN, zalo.base_url, timeout=2.0)
    yield bot
    await bot.close()


async def test_get_me_names_the_bot_with_a_string_id(zalo: ZaloEmulator,
                                                     client: ZaloClient) -> None:
    me = await client.get_me()
    assert me.id == zalo.bot_id and isinstance(me.id, str)
    assert me.account_name == "Chibo Zalo"


async def test_a_user_message_arrives_once_through_get_updates(zalo: ZaloEmulator,
                                                               client: ZaloClient) -> None:
    lan = zalo.user("Mai Thị Lan")
    await lan.send("Xin chào")
    await lan.send("2 ốm")
    first = await client.get_update(timeout=1)
    second = await client.get_update(timeout=1)
    assert first is not None and second is not None
    assert (first.text, second.text) == ("Xin chào", "2 ốm")
    assert first.chat_id == lan.id and first.display_name == "Mai Thị Lan"
    assert await client.get_update(timeout=0) is None  # 408: nothing more


async def test_the_bot_replies_and_the_user_reads_it(zalo: ZaloEmulator,
                                                     client: ZaloClient) -> None:
    lan = zalo.user("Lan")
    message_id = await client.send_message(lan.id, "Đã ghi nhận.")
    assert message_id
    assert await lan.next_text() == "Đã ghi nhận."


async def test_quota_exceeded_is_rate_limited_and_counted(client: ZaloClient) -> None:
    async with ZaloEmulator(token=TOKEN, limits=ZaloLimits(per_second=2)) as limited:
        bot = ZaloClient(TOKEN, limited.base_url)
        user = limited.user("A")
        try:
            await bot.send_message(user.id, "1")
            await bot.send_message(user.id, "2")
            with pytest.raises(RateLimited) as caught:
                await bot.send_message(user.id, "3")
        finally:
            await bot.close()
        assert "Quota exceeded" in str(caught.value)
        assert limited.stats.quota_exceeded == 1 and limited.stats.sends == 2


async def test_a_blocked_user_is_unreachable(zalo: ZaloEmulator, client: ZaloClient) -> None:
    user = zalo.user("B")
    user.blocked = True
    with pytest.raises(Unreachable):
        await client.send_message(user.id, "Xin chào")


async def test_too_long_text_is_rejected_and_errors_never_carry_the_token(
        zalo: ZaloEmulator, client: ZaloClient) -> None:
    user = zalo.user("C")
    with pytest.raises(Rejected) as caught:
        await client.send_message(user.id, "x" * 2001)
    assert TOKEN not in str(caught.value) and TOKEN not in repr(client)
    wrong = ZaloClient("1:wrong", zalo.base_url)
    try:
        with pytest.raises(Rejected) as refused:
            await wrong.get_me()
    finally:
        await wrong.close()
    assert "401" in str(refused.value) and "1:wrong" not in str(refused.value)


async def test_a_closed_port_is_a_transient_error_without_the_token() -> None:
    bot = ZaloClient(TOKEN, "http://127.0.0.1:9", timeout=1.0)
    try:
        with pytest.raises(Exception) as caught:
            await bot.get_me()
    finally:
        await bot.close()
    assert TOKEN not in str(caught.value)


async def test_webhook_events_carry_the_secret_and_polling_is_refused(
        zalo: ZaloEmulator, client: ZaloClient, unused_tcp_port: int) -> None:
    received: list[tuple[str, ZaloEvent | None]] = []

    async def hook(request: web.Request) -> web.Response:
        received.append((request.headers.get("X-Bot-Api-Secret-Token", ""),
                         ZaloEvent.parse(await request.json())))
        return web.Response(status=200)

    app = web.Application()
    app.router.add_post("/zalo", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", unused_tcp_port).start()
    try:
        url = f"http://127.0.0.1:{unused_tcp_port}/zalo"
        await client.set_webhook(url, "s3cret-value")
        assert await client.webhook_url() == url
        user = zalo.user("D")
        await user.send("ok")
        assert received[0][0] == "s3cret-value"
        event = received[0][1]
        assert event is not None and event.text == "ok" and event.chat_id == user.id
        with pytest.raises(Rejected):
            await client.get_update(timeout=0)
        await client.delete_webhook()
        assert await client.webhook_url() == ""
    finally:
        await runner.cleanup()


async def test_events_that_are_not_text_parse_without_text(zalo: ZaloEmulator,
                                                           client: ZaloClient) -> None:
    user = zalo.user("E")
    await user.send_unsupported()
    event = await asyncio.wait_for(client.get_update(timeout=1), 5)
    assert event is not None and event.text is None
    assert event.event_name == "message.unsupported.received"
    assert ZaloEvent.parse({"event_name": "x"}) is None
    assert ZaloEvent.parse("garbage") is None
