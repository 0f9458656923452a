"""/follow: a committee officer follows a branch, is invited to its meetings and counted
in its minutes; nobody else may assign followers."""

from __future__ import annotations

from datetime import timedelta

from bot.demo.playground import Playground
from emulator import FakeUser
from tests.conftest import ADMIN_ID
from tests.e2e.test_meetings_held import close_tap
from tests.factories import seed_branch


async def tap(user: FakeUser, label: str) -> str:
    return await user.callback_answer(await user.press(label))


async def test_committee_officer_follows_a_branch(live_bot: Playground) -> None:
    seeded = await seed_branch(live_bot.services.db, live_bot.clock.now(), members=2)
    admin = live_bot.emu.user(ADMIN_ID, "Quản trị")
    appointed = await admin.ask(f"/appoint {seeded.committee_id} | Lê Thị Thường Trực")
    assert "Thường trực Đảng ủy" in appointed.text
    token = appointed.text.split("start=")[1].split()[0]
    officer = live_bot.emu.user(6001, "Thường trực")
    await officer.ask(f"/start {token}")
    await tap(officer, "✅ Xác nhận")
    assert "/follow" in (await officer.ask("/help")).text

    await officer.ask("/follow")
    await tap(officer, "Chi bộ Thôn 3")
    assert "Lê Thị Thường Trực phụ trách Chi bộ Thôn 3" in await tap(officer,
                                                                     "Lê Thị Thường Trực")
    assert "✓ Lê Thị Thường Trực" in officer.chat[-1].button_labels
    me = await officer.ask("/me")
    assert "Phụ trách chi bộ: Chi bộ Thôn 3" in me.text

    # A branch member or the branch secretary may not assign followers.
    secretary = live_bot.emu.user(seeded.secretary[1], "Bí thư")
    assert "dành cho cấp ủy viên đảng ủy" in (await secretary.ask("/follow")).text

    # Invited to the branch's meeting as a follower, and counted in the minutes.
    created = await secretary.ask("/meeting 05/12/2026 19:30 | Hội trường | Tháng 12")
    if "GIẤY MỜI" in created.text:  # the secretary's own invitation won the race
        created = await secretary.next_message()
    assert "gửi giấy mời đến 4 đồng chí" in created.text
    await live_bot.settle()
    invitation = [m for m in officer.chat if "GIẤY MỜI" in m.text][-1]
    await officer.callback_answer(await officer.press("✅ Tham dự",
                                                      message_id=invitation.message_id))
    live_bot.clock.advance(timedelta(days=5))  # type: ignore[attr-defined]
    secretary.drain()
    roll = await secretary.ask("/attendance")
    await close_tap(secretary, roll.message_id)
    minutes = next(m for m in secretary.chat if m.message_id == roll.message_id).text
    assert "Có mặt 1/3 đồng chí" in minutes  # the secretary taking it is present
    assert "Đồng chí cấp ủy viên phụ trách chi bộ dự: Lê Thị Thường Trực." in minutes
