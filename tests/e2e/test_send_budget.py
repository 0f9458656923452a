"""One budget for all sending: outbox rows, replies, edits and answers to taps together
stay within ``messages_per_second``, so a fan-out and people tapping at the same time
draw no 429 from a Telegram that counts edits against the bot's overall rate."""

from __future__ import annotations

from pathlib import Path

from bot.core.clock import FakeClock
from bot.demo.playground import playground
from emulator import Limits, Window
from storage import assignments, households
from storage.outbox import Envelope, OutgoingMessage
from tests.conftest import START
from tests.factories import seed_branch

RATE = 5  # a small bot-wide limit keeps the test short: 5 per second, edits counted


async def test_fan_out_and_taps_share_one_budget_without_429(tmp_path: Path) -> None:
    limits = Limits(global_windows=(Window(RATE, 1.0),), count_edits_globally=True)
    async with playground(tmp_path / "bot.sqlite3", clock=FakeClock(START), limits=limits,
                          settings={"delivery": {"messages_per_second": RATE}}) as live_bot:
        live_bot.emu.strict_private_chats = False
        seeded = await seed_branch(live_bot.services.db, live_bot.clock.now(), members=1)
        person_id, tg = seeded.members[0]
        async with live_bot.services.db.transaction() as conn:
            for n in range(1, 4):
                hid = await households.add(conn, unit_id=seeded.branch_id,
                                           head_name=f"Hộ {n}", name_key=f"hộ {n}",
                                           now=live_bot.clock.now(), hamlet="Tổ 1",
                                           house_number=str(n))
                await assignments.assign(conn, hid, person_id, live_bot.clock.now().date())
        member = live_bot.emu.user(tg, "An")
        card = await member.ask("/duties", timeout=10)
        others = [7000 + i for i in range(3 * RATE)]
        for uid in others:
            live_bot.emu.user(uid, f"Người {uid}")
        await live_bot.services.post([
            Envelope(key=f"fan:{uid}", chat_id=uid, kind="test",
                     message=OutgoingMessage(f"thông báo {uid}")) for uid in others])
        for n in range(1, 4):  # taps while the fan-out goes: an edit and an answer each
            answer = await member.callback_answer(
                await member.press(f"{n}. Bình thường", card.message_id), timeout=15)
            assert f"hộ số {n} bình thường" in answer
        await live_bot.settle()
        delivered = {m.chat_id for m in live_bot.emu.all_messages()
                     if m.text.startswith("thông báo")}
        assert delivered == set(others)
        assert live_bot.emu.stats.rate_limited == 0, live_bot.emu.stats.rate_limited_by_method
