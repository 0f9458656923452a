"""Telegram refuses a keyboard of more than 100 buttons: a member who follows 60
households gets their monthly reminder and /duties card in pages, can turn them, and
reports a household on the second page."""

from __future__ import annotations

import pytest

from bot.demo.playground import Playground
from bot.duties.reminders import send_reminders
from bot.duties.reports import current_period
from storage import assignments, households
from tests.factories import seed_branch

HOUSEHOLDS = 60


@pytest.fixture(autouse=True)
def open_chats(live_bot: Playground) -> None:
    live_bot.emu.strict_private_chats = False


async def _member_with_60_households(live_bot: Playground) -> int:
    seeded = await seed_branch(live_bot.services.db, live_bot.clock.now(), members=1)
    person_id, tg = seeded.members[0]
    async with live_bot.services.db.transaction() as conn:
        for n in range(1, HOUSEHOLDS + 1):
            hid = await households.add(
                conn, unit_id=seeded.branch_id, head_name=f"Chủ Hộ {n:02d}",
                name_key=f"chủ hộ {n:02d}", now=live_bot.clock.now(), hamlet="Tổ 1",
                house_number=str(n), address=f"ngõ {n}, đường Lê Lợi")
            await assignments.assign(conn, hid, person_id, live_bot.clock.now().date())
    return tg


async def test_a_member_with_60_households_gets_a_paged_reminder_and_reports_on_page_2(
    live_bot: Playground,
) -> None:
    tg = await _member_with_60_households(live_bot)
    member = live_bot.emu.user(tg, "An")
    assert await send_reminders(live_bot.services, current_period(live_bot.services)) == 1
    await live_bot.settle()
    reminder = await member.next_message(timeout=10)  # used to be refused: 120 buttons
    assert "Đồng chí đang theo dõi 60 hộ" in reminder.text and "Trang 1/2" in reminder.text
    assert len(reminder.button_labels) <= 100
    assert "1. Chủ Hộ 01" in reminder.text and "Chủ Hộ 41" not in reminder.text
    assert reminder.button_labels[-1] == "Sau »"
    await member.callback_answer(await member.press("Sau »", reminder.message_id), timeout=10)
    page2 = next(m for m in member.chat if m.message_id == reminder.message_id)
    assert "Trang 2/2" in page2.text and "45. Chủ Hộ 45" in page2.text
    assert "1. Chủ Hộ 01" not in page2.text
    assert "Sau »" not in page2.button_labels and "« Trước" in page2.button_labels
    answer = await member.callback_answer(
        await member.press("45. Bình thường", reminder.message_id), timeout=10)
    assert "hộ số 45 bình thường" in answer
    after = next(m for m in member.chat if m.message_id == reminder.message_id)
    assert "Trang 2/2" in after.text and "✅ 45. Bình thường" in after.button_labels
    reports = await live_bot.services.db.fetch_all(
        "SELECT h.head_name FROM duty_reports r JOIN households h ON h.id = r.household_id")
    assert [r["head_name"] for r in reports] == ["Chủ Hộ 45"]


async def test_duties_card_of_60_households_fits_telegram_and_pages_are_clamped(
    live_bot: Playground,
) -> None:
    tg = await _member_with_60_households(live_bot)
    member = live_bot.emu.user(tg, "An")
    card = await member.ask("/duties", timeout=10)
    assert "đã báo cáo 0/60" in card.text and "Trang 1/2" in card.text
    assert len(card.button_labels) == 2 * 40 + 1
    period = current_period(live_bot.services).replace("-", "")
    await member.callback_answer(await member.press_data(f"duty:99:{period}:pg",
                                                         card.message_id), timeout=10)
    last = next(m for m in member.chat if m.message_id == card.message_id)
    assert "Trang 2/2" in last.text  # a forged page number lands on the last real page
