"""Figures over time through the real bot: /report member with a past year, a
name typed without accents and a choice when several match; /recordstart; a follower
told of the assignment and invited to a meeting created before it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.demo.playground import Playground
from emulator import FakeUser
from storage import meetings, people
from tests.conftest import ADMIN_ID
from tests.factories import seed_branch


async def tap(user: FakeUser, label: str) -> str:
    return await user.callback_answer(await user.press(label))


async def add_member(live_bot: Playground, unit_id: int, name: str, when: datetime) -> int:
    async with live_bot.services.db.transaction() as conn:
        pid = await people.add_person(conn, full_name=name, name_key=name.casefold(), now=when)
        await people.add_membership(conn, person_id=pid, unit_id=unit_id, now=when,
                                    admitted_on=date(2010, 1, 1), official_on=date(2011, 1, 1))
    return pid


async def test_report_member_past_year_without_accents_and_a_choice(live_bot: Playground) -> None:
    long_ago = datetime(2025, 1, 2, 1, 0, tzinfo=UTC)
    seeded = await seed_branch(live_bot.services.db, long_ago, members=0)
    binh = await add_member(live_bot, seeded.branch_id, "Lê Thị Bình", long_ago)
    await add_member(live_bot, seeded.branch_id, "Phạm Văn Cường", long_ago)
    for _ in range(2):
        await add_member(live_bot, seeded.branch_id, "Nguyễn Văn An", long_ago)
    starts = datetime(2025, 3, 5, 12, 30, tzinfo=UTC)
    async with live_bot.services.db.transaction() as conn:
        mid = await meetings.create(conn, unit_id=seeded.branch_id, kind="regular",
                                    starts_at=starts, duration_min=90, place=None, agenda=None,
                                    created_by=None, now=long_ago)
        assert mid is not None
        await meetings.invite(conn, mid, [(binh, "member", None)])
        await meetings.put_attendance(conn, mid, [(binh, "unexcused", None)], None, starts,
                                      overwrite=True)
        await meetings.set_state(conn, mid, "closed", starts + timedelta(hours=2))
    secretary = live_bot.emu.user(seeded.secretary[1], "Bí thư")
    past = await secretary.ask("/report member Lê Thị Bình 2025")
    assert past.text.startswith("👤 Lê Thị Bình — Chi bộ Thôn 3 — năm 2025")
    assert "vắng không lý do 1" in past.text
    assert "03/2026" not in past.text and "vắng không lý do buổi 05/03" in past.text
    typed = await secretary.ask("/report member pham van cuong")
    assert typed.text.startswith("👤 Phạm Văn Cường — Chi bộ Thôn 3 — năm 2026")
    asked = await secretary.ask("/report member nguyen van an 2025")
    assert asked.text == "Có 2 đảng viên khớp tên này. Chọn một người:"
    assert asked.button_labels == ["Nguyễn Văn An — Chi bộ Thôn 3"] * 2
    secretary.drain()
    await secretary.callback_answer(await secretary.press("Nguyễn Văn An — Chi bộ Thôn 3"))
    picked = await secretary.next_message(timeout=10)
    assert picked.text.startswith("👤 Nguyễn Văn An — Chi bộ Thôn 3 — năm 2025")


async def test_recordstart_moves_the_record_back(live_bot: Playground) -> None:
    seeded = await seed_branch(live_bot.services.db, live_bot.clock.now(), members=2)
    secretary = live_bot.emu.user(seeded.secretary[1], "Bí thư")
    usage = await secretary.ask("/recordstart")
    assert "Hiện tại: 01/12/2026" in usage.text
    refused = await secretary.ask("/recordstart 15/01/2026")
    assert "phải là ngày đầu tháng" in refused.text
    done = await secretary.ask("/recordstart 01/01/2026")
    assert done.text.startswith("Đã đặt Chi bộ Thôn 3 ghi nhận từ 01/01/2026.")
    assert "3 đảng viên có mặt từ đầu" in done.text
    member = live_bot.emu.user(seeded.members[0][1], "Đảng viên")
    assert "dành cho" in (await member.ask("/recordstart 01/01/2026")).text


async def test_a_follower_is_told_and_invited_to_a_meeting_created_before(
    live_bot: Playground
) -> None:
    live_bot.emu.strict_private_chats = False
    seeded = await seed_branch(live_bot.services.db, live_bot.clock.now(), members=2)
    secretary = live_bot.emu.user(seeded.secretary[1], "Bí thư")
    await secretary.ask("/meeting 15/12/2026 19:30 | Hội trường | Sinh hoạt tháng 12")
    await live_bot.settle()
    admin = live_bot.emu.user(ADMIN_ID, "Quản trị")
    appointed = await admin.ask(f"/appoint {seeded.committee_id} | Lê Thị Thường Trực")
    token = appointed.text.split("start=")[1].split()[0]
    officer = live_bot.emu.user(6001, "Thường trực")
    await officer.ask(f"/start {token}")
    await tap(officer, "✅ Xác nhận")
    await officer.ask("/follow")
    await tap(officer, "Chi bộ Thôn 3")
    officer.drain()
    await tap(officer, "Lê Thị Thường Trực")
    await live_bot.settle()
    told = [m.text for m in officer.drain()]
    assert any(t.startswith("📌 Đồng chí được phân công phụ trách Chi bộ Thôn 3.") for t in told)
    invitation = next(m for m in officer.chat if "GIẤY MỜI" in m.text)
    assert "✅ Tham dự" in invitation.button_labels


async def test_in_january_last_decembers_dues_are_recorded_by_tap(live_bot: Playground) -> None:
    seeded = await seed_branch(live_bot.services.db, live_bot.clock.now(), members=1)
    live_bot.clock.set(datetime(2027, 1, 5, 1, 0, tzinfo=UTC))  # type: ignore[attr-defined]
    secretary = live_bot.emu.user(seeded.secretary[1], "Bí thư")
    await secretary.ask("/members")
    await tap(secretary, "Đảng viên Số 001")
    await tap(secretary, "💰 Đảng phí")
    assert "Đảng phí năm 2027" in secretary.chat[-1].text
    assert "▫️ 01/2027" in secretary.chat[-1].button_labels
    await tap(secretary, "« 2026")
    assert "Đảng phí năm 2026" in secretary.chat[-1].text
    await tap(secretary, "▫️ 12/2026")
    assert "✅ 12/2026" in secretary.chat[-1].button_labels
    assert "2027 »" in secretary.chat[-1].button_labels
    assert await live_bot.services.db.fetch_value(
        "SELECT count(*) FROM dues WHERE person_id = ? AND period = '2026-12'",
        (seeded.members[0][0],)) == 1
