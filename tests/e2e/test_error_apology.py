"""The apology for an unexpected error says what is true: a change that was committed
(only the edit showing it failed) is confirmed; otherwise nothing changed."""

from __future__ import annotations

import pytest

from bot.demo.playground import Playground
from bot.runtime.delivery.retry import ATTEMPTS
from storage import assignments, households
from tests.factories import seed_branch


@pytest.fixture(autouse=True)
def open_chats(live_bot: Playground) -> None:
    live_bot.emu.strict_private_chats = False


async def _member_with_a_household(live_bot: Playground) -> int:
    seeded = await seed_branch(live_bot.services.db, live_bot.clock.now(), members=1)
    person_id, tg = seeded.members[0]
    today = live_bot.clock.now().date()
    async with live_bot.services.db.transaction() as conn:
        hid = await households.add(conn, unit_id=seeded.branch_id, head_name="Hộ Một",
                                   name_key="hộ một", now=live_bot.clock.now(), hamlet="Tổ 1",
                                   house_number="1")
        await assignments.assign(conn, hid, person_id, today)
    return tg


async def test_a_committed_change_whose_edit_fails_is_confirmed_not_denied(
    live_bot: Playground,
) -> None:
    tg = await _member_with_a_household(live_bot)
    member = live_bot.emu.user(tg, "An")
    card = await member.ask("/duties", timeout=10)
    live_bot.emu.faults.fail_next(ATTEMPTS, status=500, description="Internal Server Error",
                            methods={"editMessageText"})  # past its retries
    answer = await member.callback_answer(await member.press("1. Bình thường", card.message_id),
                                          timeout=10)
    reports = await live_bot.services.db.fetch_all("SELECT status FROM duty_reports")
    assert [r["status"] for r in reports] == ["normal"]  # the report was kept
    # The tap is answered first, when the report is recorded; the edit that fails comes
    # after, and its apology (a message: the tap is answered) confirms the change.
    assert answer == "Đã ghi: hộ số 1 bình thường."
    apology = (await member.next_message(timeout=10)).text
    assert "Đã ghi nhận thay đổi của đồng chí" in apology
    assert "không bị thay đổi" not in apology


async def test_an_error_before_anything_was_committed_says_nothing_changed(
    live_bot: Playground,
) -> None:
    tg = await _member_with_a_household(live_bot)
    member = live_bot.emu.user(tg, "An")
    live_bot.emu.faults.fail_next(1, status=500, description="Internal Server Error",
                            methods={"sendMessage"})
    reply = await member.ask("/duties", timeout=10)
    assert "Dữ liệu của đồng chí không bị thay đổi" in reply.text


async def test_a_report_file_that_cannot_be_sent_says_nothing_changed(
    live_bot: Playground,
) -> None:
    """A report changes nothing, so when its file cannot be sent the
    secretary must not read that a change was kept."""
    seeded = await seed_branch(live_bot.services.db, live_bot.clock.now(), members=3)
    secretary = live_bot.emu.user(seeded.secretary[1], "Bí thư")
    await secretary.ask("/help", timeout=10)
    live_bot.emu.faults.fail_next(3, status=500, description="Internal Server Error",
                            methods={"sendDocument"})
    await secretary.send("/report export")
    reply = await secretary.next_message(timeout=20)
    while reply.text.startswith("⏳"):
        reply = await secretary.next_message(timeout=20)
    assert "Dữ liệu của đồng chí không bị thay đổi" in reply.text
    assert "Đã ghi nhận thay đổi" not in reply.text
