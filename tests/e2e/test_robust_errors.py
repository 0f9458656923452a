"""The apology for an unexpected error says what is true: a change that was committed
(only the edit showing it failed) is confirmed; otherwise nothing changed."""

from __future__ import annotations

import pytest

from bot.demo.playground import Playground
from bot.runtime.delivery.retry import ATTEMPTS
from storage import assignments, households
from tests.factories import seed_branch


@pytest.fixture(autouse=True)
def open_chats(pg: Playground) -> None:
    pg.emu.strict_private_chats = False


async def _member_with_a_household(pg: Playground) -> int:
    seeded = await seed_branch(pg.services.db, pg.clock.now(), members=1)
    person_id, tg = seeded.members[0]
    today = pg.clock.now().date()
    async with pg.services.db.transaction() as conn:
        hid = await households.add(conn, unit_id=seeded.branch_id, head_name="Hộ Một",
                                   name_key="hộ một", now=pg.clock.now(), hamlet="Tổ 1",
                                   house_number="1")
        await assignments.assign(conn, hid, person_id, today)
    return tg


async def test_a_committed_change_whose_edit_fails_is_confirmed_not_denied(
    pg: Playground,
) -> None:
    tg = await _member_with_a_household(pg)
    member = pg.emu.user(tg, "An")
    card = await member.ask("/duties", timeout=10)
    pg.emu.faults.fail_next(ATTEMPTS, status=500, description="Internal Server Error",
                            methods={"editMessageText"})  # past its retries
    answer = await member.callback_answer(await member.press("1. Bình thường", card.message_id),
                                          timeout=10)
    reports = await pg.services.db.fetch_all("SELECT status FROM duty_reports")
    assert [r["status"] for r in reports] == ["normal"]  # the report was kept
    assert "Đã ghi nhận thay đổi của đồng chí" in answer
    assert "không bị thay đổi" not in answer


async def test_an_error_before_anything_was_committed_says_nothing_changed(
    pg: Playground,
) -> None:
    tg = await _member_with_a_household(pg)
    member = pg.emu.user(tg, "An")
    pg.emu.faults.fail_next(1, status=500, description="Internal Server Error",
                            methods={"sendMessage"})
    reply = await member.ask("/duties", timeout=10)
    assert "Dữ liệu của đồng chí không bị thay đổi" in reply.text
