"""Flood control per person: one member hammering the bot is asked once to slow down,
and everyone else keeps getting prompt answers."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.core.clock import FakeClock
from bot.demo.playground import Playground, playground
from tests.conftest import TEST_LIMITS


@pytest.fixture
async def strict(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Playground]:
    async with playground(tmp_path / "bot.sqlite3", clock=clock, limits=TEST_LIMITS,
                          settings={"bot": {"user_commands_per_minute": 5}}) as ground:
        yield ground


async def test_one_person_flooding_gets_one_warning_and_others_stay_served(
    strict: Playground,
) -> None:
    flooder = strict.emu.user(7001, "Nhanh")
    other = strict.emu.user(7002, "Chậm")
    for _ in range(60):  # sixty commands at once
        await flooder.send("/help")

    latencies = []
    for _ in range(4):  # meanwhile, someone else asks, one question at a time
        started = time.perf_counter()
        reply = await other.ask("/lang vi", timeout=10)
        latencies.append(time.perf_counter() - started)
        assert reply.text == "Đã chuyển sang tiếng Việt."
    await strict.emu.wait_until(lambda: strict.emu.pending_updates() == 0, timeout=30)
    await strict.emu.wait_until(
        lambda: any("gửi hơi nhanh" in m.text for m in flooder.chat), timeout=30)
    texts = [m.text for m in flooder.chat]
    assert texts.count("Đồng chí gửi hơi nhanh. Xin chờ một chút rồi gửi tiếp.") == 1
    assert sum(t.startswith("Các lệnh đồng chí có thể dùng") for t in texts) == 5
    assert max(latencies) < 2.0, latencies  # the other person never waits behind the flood
    assert strict.emu.stats.rate_limited == 0  # and the bot itself never flooded Telegram
