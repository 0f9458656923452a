"""A message longer than Zalo's 2,000 characters reaches a Zalo member in pieces, each
piece once and in order: under a per-chat quota (the pieces of one row are paced like
separate messages), and when a send fails after the first piece (the retry resumes
from the piece that failed, as the row remembers how many went out)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

import pytest

from bot.core.clock import FakeClock
from bot.demo.playground import Playground, playground
from bot.runtime.zalo import client as client_module
from bot.runtime.zalo.channel import ZaloChannel
from emulator import FakeUser
from emulator.zalo import ZaloApiError, ZaloEmulator, ZaloLimits, ZaloUser
from storage import outbox
from tests.e2e.test_zalo import ZALO_TOKEN, invite_on_zalo
from tests.engines import E2E_ON_POSTGRES, fresh_postgres
from tests.factories import seed_branch

# Three paragraphs of about 1,100 characters: with the header, three pieces of a broadcast.
PARTS = [f"Phần {n}. " + "nội dung " * 120 for n in (1, 2, 3)]


@pytest.fixture
async def zalo() -> AsyncIterator[ZaloEmulator]:
    async with ZaloEmulator(token=ZALO_TOKEN) as emulator:
        yield emulator


@pytest.fixture(autouse=True)
def zalo_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZALO_BOT_TOKEN", ZALO_TOKEN)


@asynccontextmanager
async def bot_on_zalo(tmp_path: Path, clock: FakeClock, zalo: ZaloEmulator,
                      per_chat_interval: float) -> AsyncIterator[Playground]:
    settings = {"bot": {"admins": [1]}, "delivery": {"read_timeout_seconds": 1.0},
                "zalo": {"enabled": True, "base_url": zalo.base_url, "rate": 50,
                         "per_chat_interval_seconds": per_chat_interval}}
    if not E2E_ON_POSTGRES:
        async with playground(tmp_path / "bot.sqlite3", clock=clock,
                              settings=settings) as ground:
            yield ground
        return
    async with fresh_postgres() as url, playground(url, clock=clock,
                                                   settings=settings) as ground:
        yield ground


def zalo_channel(live_bot: Playground) -> ZaloChannel:
    found: ZaloChannel = live_bot.app.bot_data.zalo
    return found


async def a_member_on_zalo(live_bot: Playground,
                           zalo: ZaloEmulator) -> tuple[FakeUser, ZaloUser]:
    """The branch's secretary on Telegram, and a member reached only on Zalo."""
    seeded = await seed_branch(live_bot.services.db, live_bot.clock.now(), members=1)
    secretary = live_bot.emu.user(seeded.secretary[1], "Bí thư")
    await secretary.ask("/help")
    lan = await invite_on_zalo(live_bot, secretary, zalo, "Mai Thị Lan")
    lan.inbox.clear()
    return secretary, lan


async def a_long_broadcast(secretary: FakeUser) -> None:
    """A broadcast of three pieces on Zalo."""
    reply = await secretary.ask("/broadcast " + "\n".join(PARTS))
    assert reply.text.startswith("Đang gửi thông báo"), reply.text


async def until_sent(live_bot: Playground, clock: FakeClock) -> str:
    """Let the Zalo sender work (retries wait on the bot's clock); the row's state."""
    await live_bot.settle()
    state = ""
    for _ in range(30):
        await zalo_channel(live_bot).sender.drain()
        state = str(await live_bot.services.db.fetch_value(
            "SELECT state FROM outbox WHERE channel = 'zalo' AND kind = 'broadcast'"))
        if state == "sent":
            break
        clock.advance(timedelta(seconds=3))
    return state


def pieces(lan: ZaloUser) -> list[str]:
    return [text for text in lan.texts() if "Phần" in text]


def assert_each_piece_once_in_order(lan: ZaloUser) -> None:
    got = pieces(lan)
    assert [[n for n in (1, 2, 3) if f"Phần {n}." in text] for text in got] == [[1], [2], [3]]
    assert all(len(text) <= 2000 for text in got)
    assert "\n".join(got).endswith("\n".join(PARTS).strip())


async def test_three_pieces_under_a_per_chat_quota_each_arrive_once(
        tmp_path: Path, clock: FakeClock, zalo: ZaloEmulator,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(client_module, "QUOTA_BACKOFF", 0.2)
    # Zalo's quota counts arrivals: our interval leaves room for the way there.
    async with bot_on_zalo(tmp_path, clock, zalo, per_chat_interval=1.5) as live_bot:
        secretary, lan = await a_member_on_zalo(live_bot, zalo)
        zalo.limits = ZaloLimits(per_chat_per_second=1)
        await a_long_broadcast(secretary)
        assert await until_sent(live_bot, clock) == "sent"
        assert_each_piece_once_in_order(lan)
        # Our own pieces never tripped the quota (the first may meet the linking's replies).
        refused = [params["text"] for method, params, status in zalo.calls
                   if method == "sendMessage" and status == 429]
        assert not [text for text in refused if "Phần 2." in text or "Phần 3." in text]


async def test_a_429_on_a_later_piece_resumes_from_that_piece(
        tmp_path: Path, clock: FakeClock, zalo: ZaloEmulator,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(client_module, "QUOTA_BACKOFF", 1.0)
    # No pacing of ours: Zalo's quota answers 429 to the 2nd piece, then to the 3rd.
    async with bot_on_zalo(tmp_path, clock, zalo, per_chat_interval=0) as live_bot:
        secretary, lan = await a_member_on_zalo(live_bot, zalo)
        zalo.limits = ZaloLimits(per_chat_per_second=1)
        await a_long_broadcast(secretary)
        assert await until_sent(live_bot, clock) == "sent"
        assert zalo.stats.quota_exceeded >= 1
        assert_each_piece_once_in_order(lan)


async def test_a_server_error_after_the_first_piece_repeats_no_piece(
        tmp_path: Path, clock: FakeClock, zalo: ZaloEmulator) -> None:
    async with bot_on_zalo(tmp_path, clock, zalo, per_chat_interval=0) as live_bot:
        secretary, lan = await a_member_on_zalo(live_bot, zalo)
        zalo.fail_send(2, ZaloApiError(502, "Bad Gateway"))  # the 2nd sendMessage from now
        await a_long_broadcast(secretary)
        assert await until_sent(live_bot, clock) == "sent"
        assert zalo.stats.errors["Bad Gateway"] == 1
        assert_each_piece_once_in_order(lan)
        done = await live_bot.services.db.fetch_value(
            "SELECT pieces_sent FROM outbox WHERE channel = 'zalo' AND kind = 'broadcast'")
        assert done == 3


async def test_a_restart_after_the_first_piece_sends_only_the_rest(
        tmp_path: Path, clock: FakeClock, zalo: ZaloEmulator) -> None:
    async with bot_on_zalo(tmp_path, clock, zalo, per_chat_interval=0) as live_bot:
        secretary, lan = await a_member_on_zalo(live_bot, zalo)
        sender = zalo_channel(live_bot).sender
        await sender.stop()
        await a_long_broadcast(secretary)
        # As a process killed after Zalo accepted the first piece leaves the row.
        db = live_bot.services.db
        [row] = await outbox.due(db, clock.now(), 10, "zalo")
        assert await outbox.claim(db, row.id)
        await outbox.piece_sent(db, row.id, 1)
        await sender.start()  # the next life: what was in flight goes again
        assert await until_sent(live_bot, clock) == "sent"
        assert [[n for n in (1, 2, 3) if f"Phần {n}." in text] for text in pieces(lan)] == [
            [2], [3]]
