"""The life of a branch as it really goes (the flows), end to end through the
emulator with the injected clock: a roll call confirmed before it closes and corrected
after; late joiners invited and added at the roll call; transfers told and withdrawn;
past meetings entered after the fact; guests."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

from docx import Document

from bot.demo.playground import Playground
from bot.members.member_import import apply_member_import, parse_members, plan_member_import
from bot.members.service import move_member
from emulator import FakeUser
from storage import meetings as store
from storage import people
from tests.e2e.test_meetings_held import branch, drain, message, tap
from tests.factories import seed_branch
from tests.unit.test_import_corpus import xlsx

# 05/12/2026 19:30 in Hanoi = 12:30 UTC.
DEC5 = datetime(2026, 12, 5, 12, 30, tzinfo=UTC)
SECRETARY = "Trần Thị Bí Thư"
CREATED = "Đã tạo cuộc họp và gửi giấy mời"  # the answer to /meeting
INVITATION = "GIẤY MỜI HỌP CHI BỘ"


async def audit_details(live_bot: Playground, action: str) -> list[str]:
    rows = await live_bot.services.db.fetch_all(
        "SELECT detail FROM audit_log WHERE action = ? ORDER BY id", (action,))
    return [str(r[0]) for r in rows]


async def new_meeting(live_bot: Playground, secretary: FakeUser, line: str) -> None:
    """``/meeting line`` for a meeting ahead, then wait until the secretary holds both
    what it sends her, and mark them read: the answer (a reply) and her own invitation
    (an outbox row) race for her chat's next turn and come in either order, so the
    "next message" after ``ask("/meeting …")`` is not the answer for sure, and the
    answer may come after the outbox has drained. The next ``ask`` reads its own reply."""
    await secretary.send(f"/meeting {line}")

    def both_came() -> bool:
        texts = [m.text for m in secretary.chat]
        return (any(CREATED in text for text in texts)
                and any(INVITATION in text for text in texts))

    await live_bot.emu.wait_until(both_came, timeout=15,
                                  message="the answer to /meeting or the invitation is missing")
    await live_bot.settle()  # the members' invitations too
    secretary.drain()


async def held_meeting(live_bot: Playground, members: int):  # type: ignore[no-untyped-def]
    seeded, secretary, users = await branch(live_bot, members)
    await new_meeting(live_bot, secretary, "05/12/2026 19:30 | Hội trường | Nội dung tháng 12")
    live_bot.clock.set(DEC5 + timedelta(hours=2))  # type: ignore[attr-defined]
    await live_bot.settle()
    drain([secretary, *users])
    return seeded, secretary, users


async def test_closing_asks_first_and_the_officer_starts_present(live_bot: Playground) -> None:
    """"Chốt điểm danh" at once recorded 0/5 present, the secretary herself
    among the absent, without asking."""
    seeded, secretary, _ = await held_meeting(live_bot, 4)
    roll = await secretary.ask("/attendance")
    assert f"✅ {SECRETARY}" in roll.button_labels
    assert "❌ Đảng viên Số 001" in roll.button_labels
    await tap(secretary, "📝 Chốt điểm danh", message_id=roll.message_id)
    asked = message(secretary, roll.message_id)
    assert "Còn 4 đồng chí chưa được ghi có mặt hay vắng có lý do" in asked.text
    assert "  - Đảng viên Số 004" in asked.text and SECRETARY not in asked.text
    [meeting] = await store.of_unit(live_bot.services.db, seeded.branch_id,
                                    states=("scheduled", "closed"))
    assert meeting.state == "scheduled"  # nothing closed yet
    await tap(secretary, "↩️ Quay lại điểm danh", message_id=roll.message_id)
    assert "📝 Chốt điểm danh" in message(secretary, roll.message_id).button_labels
    await tap(secretary, "📝 Chốt điểm danh", message_id=roll.message_id)
    await tap(secretary, "✅ Vẫn chốt", message_id=roll.message_id)
    closed = message(secretary, roll.message_id).text
    assert "Có mặt 1/5 đồng chí; vắng 4 đồng chí." in closed


async def test_a_closed_roll_call_is_corrected_with_a_reason_and_audited(
        live_bot: Playground) -> None:
    """On 11/06 the secretary learns that a member marked ❌ had phoned in
    sick; the closed roll call offered no way to change an entry."""
    seeded, secretary, _ = await held_meeting(live_bot, 2)
    roll = await secretary.ask("/attendance")
    await tap(secretary, "📝 Chốt điểm danh", message_id=roll.message_id)
    await tap(secretary, "✅ Vẫn chốt", message_id=roll.message_id)
    live_bot.clock.set(DEC5 + timedelta(days=20))  # type: ignore[attr-defined]
    secretary.drain()
    choose = await secretary.ask("/attendance")
    await tap(secretary, choose.button_labels[0], message_id=choose.message_id)
    closed = message(secretary, choose.message_id)
    assert "✏️ Sửa điểm danh" in closed.button_labels
    await tap(secretary, "✏️ Sửa điểm danh", message_id=choose.message_id)
    assert "Lý do sửa điểm danh" in (await secretary.next_message()).text
    reopened = await secretary.ask("Đồng chí Số 001 đã gọi điện báo ốm")
    assert "Đã mở lại điểm danh" in reopened.text
    roll = await secretary.next_message()
    assert "✏️ Đang sửa điểm danh đã chốt — lý do: Đồng chí Số 001 đã gọi điện báo ốm" \
        in roll.text
    await tap(secretary, "❌ Đảng viên Số 001", message_id=roll.message_id)
    await tap(secretary, "✅ Đảng viên Số 001", message_id=roll.message_id)
    assert "Lý do vắng của Đảng viên Số 001" in (await secretary.next_message()).text
    await secretary.ask("ốm")
    await tap(secretary, "📝 Chốt điểm danh", message_id=roll.message_id)
    await tap(secretary, "✅ Vẫn chốt", message_id=roll.message_id)
    minutes = message(secretary, roll.message_id).text
    assert "Vắng có lý do (1):\n  - Đảng viên Số 001: ốm" in minutes
    assert "Vắng không có lý do (1):\n  - Đảng viên Số 002" in minutes
    [meeting] = await store.of_unit(live_bot.services.db, seeded.branch_id, states=("closed",))
    assert meeting.correction_reason is None
    changes = await audit_details(live_bot, "attendance.correct")
    assert [c.split(": ", 1)[1] for c in changes] == [
        "unexcused → present; lý do: Đồng chí Số 001 đã gọi điện báo ốm",
        "present → excused; lý do: Đồng chí Số 001 đã gọi điện báo ốm",
        "excused → excused (ốm); lý do: Đồng chí Số 001 đã gọi điện báo ốm",
    ]
    assert await audit_details(live_bot, "meeting.reopen") == [
        f"meeting {meeting.id}; lý do: Đồng chí Số 001 đã gọi điện báo ốm"]


# --- late joiners and transfers -------------------------------------------


async def test_a_member_imported_after_the_invitations_is_invited_at_once(
        live_bot: Playground) -> None:
    """Phúc, imported after the meeting was created with "Ngày chuyển đến",
    never heard of it, and the roll call and minutes left him out."""
    seeded, secretary, users = await branch(live_bot, 2)
    await new_meeting(live_bot, secretary, "05/12/2026 19:30 | Hội trường | Nội dung tháng 12")
    live_bot.clock.advance(timedelta(days=1))  # type: ignore[attr-defined]
    officer = await live_bot.services.actor(seeded.secretary[1])
    data = xlsx([["Họ và tên", "Ngày vào Đảng", "Ngày chuyển đến"],
                 ["Phạm Văn Phúc", "19/05/2000", "02/12/2026"]])
    parsed = parse_members("dv.xlsx", data, date(2026, 12, 2))
    plan = await plan_member_import(live_bot.services, officer, seeded.branch_id, parsed, "vi")
    [issued] = (await apply_member_import(live_bot.services, officer, plan)).issued
    phuc = live_bot.emu.user(7001, "Phúc")
    await phuc.send(f"/start {issued.token}")
    await phuc.next_message()
    await phuc.callback_answer(await phuc.press("✅ Xác nhận"))
    await live_bot.settle()
    invitation = next(m for m in phuc.chat if "GIẤY MỜI" in m.text)
    assert "05/12/2026 19:30" in invitation.text and "✅ Tham dự" in invitation.button_labels
    phuc.drain()
    listed = await phuc.ask("/meetings")
    assert "05/12/2026" in listed.text and "Không có cuộc họp nào sắp tới" not in listed.text
    await phuc.callback_answer(await phuc.press("✅ Tham dự",
                                                message_id=invitation.message_id))
    live_bot.clock.set(DEC5 + timedelta(hours=2))  # type: ignore[attr-defined]
    await live_bot.settle()
    drain([secretary, *users, phuc])
    roll = await secretary.ask("/attendance")
    assert "✅ Phạm Văn Phúc" in roll.button_labels
    await tap(secretary, "📝 Chốt điểm danh", message_id=roll.message_id)
    await tap(secretary, "✅ Vẫn chốt", message_id=roll.message_id)
    assert "Có mặt 2/4 đồng chí" in message(secretary, roll.message_id).text


async def test_someone_who_came_uninvited_is_added_at_the_roll_call(live_bot: Playground) -> None:
    """"The roll call has no way to add a person who came" — a member of the
    branch who was not invited is added present; anyone else is recorded as a guest."""
    seeded, secretary, _ = await held_meeting(live_bot, 2)
    now = live_bot.clock.now()
    async with live_bot.services.db.transaction() as conn:  # a member the invitations missed
        pid = await people.add_person(conn, full_name="Vũ Thị Muộn",
                                      name_key="vũ thị muộn", now=now)
        await people.add_membership(conn, person_id=pid, unit_id=seeded.branch_id,
                                    now=now, joined_at=DEC5 - timedelta(days=30))
    roll = await secretary.ask("/attendance")
    assert not any("Vũ Thị Muộn" in b for b in roll.button_labels)
    await tap(secretary, "➕ Thêm người dự", message_id=roll.message_id)
    assert "Họ tên người đến dự" in (await secretary.next_message()).text
    added = await secretary.ask("vũ thị muộn")
    assert "Đã thêm đồng chí Vũ Thị Muộn vào điểm danh: có mặt." in added.text
    refreshed = await secretary.next_message()
    assert "✅ Vũ Thị Muộn 📵" in refreshed.button_labels  # 📵: no Telegram
    await tap(secretary, "➕ Thêm người dự", message_id=refreshed.message_id)
    await secretary.next_message()
    again = await secretary.ask("Vũ Thị Muộn")
    assert "đã có trong danh sách điểm danh" in again.text
    assert await audit_details(live_bot, "attendance.add") != []


async def test_a_transfer_is_told_and_the_old_invitations_withdrawn(live_bot: Playground) -> None:
    """Lan was not told she moved, the receiving secretary was not told she
    arrived, and that evening her /meetings still listed the old branch's meeting."""
    seeded, secretary, users = await branch(live_bot, 2)
    other = await seed_branch(live_bot.services.db, live_bot.clock.now(), members=1,
                              committee_id=seeded.committee_id, branch_name="Chi bộ Thôn 5",
                              first_telegram_id=6000, secretary_telegram_id=4100)
    receiving = live_bot.emu.user(other.secretary[1], "Bí thư Thôn 5")
    await receiving.ask("/help")
    await new_meeting(live_bot, secretary, "05/12/2026 19:30 | Hội trường | Nội dung tháng 12")
    await new_meeting(live_bot, receiving, "06/12/2026 19:30 | Nhà văn hóa | Thôn 5 tháng 12")
    lan = users[0]
    lan_id = seeded.members[0][0]
    assert "05/12/2026" in (await lan.ask("/meetings")).text
    drain([secretary, receiving, lan])
    row = await people.member(live_bot.services.db, seeded.branch_id, lan_id)
    assert row is not None
    officer = await live_bot.services.actor(seeded.secretary[1])
    await move_member(live_bot.services, officer, row.membership_id, other.branch_id)
    await live_bot.settle()
    told = "\n".join(m.text for m in lan.drain())
    assert ("Đồng chí đã được chuyển sinh hoạt đảng từ Chi bộ Thôn 3 sang Chi bộ Thôn 5"
            in told)
    assert "Giấy mời họp của Chi bộ Thôn 3 không còn hiệu lực: Thứ Bảy, 05/12/2026 19:30" \
        in told
    assert "GIẤY MỜI" in told and "06/12/2026 19:30" in told  # the new branch's meeting
    out = "\n".join(m.text for m in secretary.drain())
    assert "Đồng chí Đảng viên Số 001 đã chuyển sinh hoạt từ Chi bộ Thôn 3 sang Chi bộ " \
        "Thôn 5" in out
    came = "\n".join(m.text for m in receiving.drain())
    assert "Đồng chí Đảng viên Số 001 chuyển sinh hoạt đến Chi bộ Thôn 5 từ Chi bộ Thôn 3" \
        in came
    listed = (await lan.ask("/meetings")).text
    assert "06/12/2026" in listed and "05/12/2026" not in listed
    old_card = next(m for m in lan.chat if "GIẤY MỜI" in m.text and "05/12/2026" in m.text)
    answer = await lan.callback_answer(await lan.press("✅ Tham dự",
                                                       message_id=old_card.message_id))
    assert "Không tìm thấy cuộc họp" in answer  # the old branch's invitation is withdrawn
    live_bot.clock.set(DEC5 - timedelta(hours=1))  # type: ignore[attr-defined]
    await live_bot.settle()
    assert not any("05/12/2026" in m.text for m in lan.drain())  # no reminder either


# --- history ---------------------------------------------------------------------


async def test_a_past_meeting_is_entered_after_the_fact(live_bot: Playground) -> None:
    """A branch that starts on 01/12/2026 with `/recordstart 01/01/2026` could
    not enter its November meeting: "Thời gian này đã qua"."""
    seeded, secretary, users = await branch(live_bot, 2)
    assert "01/01/2026" in (await secretary.ask("/recordstart 01/01/2026")).text
    asked = await secretary.ask("/meeting 10/11/2026 19:30 | Nhà văn hóa | Sinh hoạt tháng 11")
    assert "Thời gian này đã qua. Có phải đồng chí nhập một cuộc họp đã diễn ra" in asked.text
    assert "10/11/2026 19:30" in asked.text
    assert await store.of_unit(live_bot.services.db, seeded.branch_id,
                               states=("scheduled", "closed")) == []  # nothing yet
    assert await tap(secretary, "🗂 Nhập cuộc họp đã diễn ra", message_id=asked.message_id) == ""
    roll = message(secretary, asked.message_id)
    assert "🗂 Cuộc họp nhập sau" in roll.text
    assert f"✅ {SECRETARY}" in roll.button_labels
    assert "❌ Đảng viên Số 001" in roll.button_labels
    await tap(secretary, "⌨️ Giờ họp", message_id=roll.message_id)
    await secretary.next_message()
    assert "Đã ghi giờ họp thực tế" in (await secretary.ask("19:30-21:00")).text
    roll = await secretary.next_message()
    await tap(secretary, "📝 Chốt điểm danh", message_id=roll.message_id)
    await tap(secretary, "✅ Vẫn chốt", message_id=roll.message_id)
    assert "Có mặt 1/3 đồng chí" in message(secretary, roll.message_id).text
    await live_bot.settle()
    for user in users:  # no invitation, no reminder for a meeting that took place
        assert not any("GIẤY MỜI" in m.text or "NHẮC" in m.text for m in user.drain())
    [meeting] = await store.of_unit(live_bot.services.db, seeded.branch_id, states=("closed",))
    assert meeting.entered_later and meeting.length_min == 90
    [entered] = await audit_details(live_bot, "meeting.entered_later")
    assert entered == f"meeting {meeting.id}: 10/11/2026 19:30"

    secretary.drain()
    refused = await secretary.ask("/meeting 10/11/2025 19:30 | Nhà văn hóa | Tháng 11")
    assert "trước ngày bắt đầu ghi nhận của chi bộ (01/01/2026)" in refused.text
    cancelled = await secretary.ask("/meeting 10/10/2026 19:30 | Nhà văn hóa | Tháng 10")
    await tap(secretary, "Hủy", message_id=cancelled.message_id)
    assert "không tạo cuộc họp nào" in message(secretary, cancelled.message_id).text
    assert len(await store.of_unit(live_bot.services.db, seeded.branch_id,
                                   states=("scheduled", "closed"))) == 1


# --- guests --------------------------------------------------------------------


async def test_a_guest_is_invited_to_one_meeting_and_never_counted(live_bot: Playground) -> None:
    """The only way to invite an outstanding candidate was /invite, which made
    him a party member counted in attendance, dues and the 3-month rule."""
    _, secretary, users = await branch(live_bot, 2)
    await new_meeting(live_bot, secretary, "05/12/2026 19:30 | Hội trường | Xét kết nạp đảng viên")
    choose = await secretary.ask("/guest Nguyễn Văn Khách | quần chúng ưu tú")
    assert "Mời Nguyễn Văn Khách dự cuộc họp nào?" in choose.text
    await tap(secretary, choose.button_labels[0], message_id=choose.message_id)
    invited = message(secretary, choose.message_id).text
    assert "Đã mời Nguyễn Văn Khách dự cuộc họp" in invited
    link = next(w for w in invited.split() if w.startswith("https://t.me/"))
    guest = live_bot.emu.user(8001, "Khách")
    card = await guest.ask(f"/start {link.rsplit('=', 1)[1]}")
    assert "GIẤY MỜI DỰ HỌP CHI BỘ (khách mời: Nguyễn Văn Khách)" in card.text
    assert "05/12/2026 19:30" in card.text
    await tap(guest, "✅ Sẽ dự", message_id=card.message_id)
    assert "Đã ghi: sẽ dự." in message(guest, card.message_id).text
    other = live_bot.emu.user(8002, "Người khác")  # the link binds one account, to this guest only
    assert "đã được sử dụng" in (await other.ask(f"/start {link.rsplit('=', 1)[1]}")).text
    data = next(b.callback_data for row in card.buttons for b in row if b.callback_data)
    assert "Không tìm thấy cuộc họp" in await other.callback_answer(await other.press_data(data))
    members = await live_bot.services.db.fetch_value(
        "SELECT count(*) FROM people WHERE full_name = 'Nguyễn Văn Khách'")
    assert members == 0  # a guest, never a party member

    live_bot.clock.set(DEC5 + timedelta(hours=2))  # type: ignore[attr-defined]
    await live_bot.settle()
    drain([secretary, *users, guest])
    roll = await secretary.ask("/attendance")
    assert "👤 Nguyễn Văn Khách (quần chúng ưu tú) — khách mời" in roll.button_labels
    await tap(secretary, "➕ Thêm người dự", message_id=roll.message_id)
    await secretary.next_message()
    added = await secretary.ask("Lê Đại Diện")
    assert "Đã ghi Lê Đại Diện là khách mời" in added.text
    roll = await secretary.next_message()
    await tap(secretary, "👤 Lê Đại Diện — khách mời", message_id=roll.message_id)
    assert "➖ Lê Đại Diện — khách mời" in message(secretary, roll.message_id).button_labels
    await tap(secretary, "📝 Chốt điểm danh", message_id=roll.message_id)
    await tap(secretary, "✅ Vẫn chốt", message_id=roll.message_id)
    minutes = message(secretary, roll.message_id).text
    assert "Có mặt 1/3 đồng chí; vắng 2 đồng chí." in minutes  # guests are not counted
    assert "Khách mời dự: Nguyễn Văn Khách (quần chúng ưu tú)." in minutes
    assert "Khách mời không dự: Lê Đại Diện." in minutes
    assert "vắng không có lý do (2)" in minutes.casefold()
    assert "Lê Đại Diện" not in minutes.split("Vắng không có lý do")[1].split("Khách")[0]
    await tap(secretary, "📄 Biên bản (.docx)", message_id=roll.message_id)
    got = await secretary.next_message(timeout=20)
    assert got.document is not None
    text = "\n".join(p.text for p in Document(io.BytesIO(got.document.data)).paragraphs)
    assert "Khách mời dự: Nguyễn Văn Khách (quần chúng ưu tú)." in text
    assert "Khách mời không dự: Lê Đại Diện." in text


async def test_a_guest_hears_of_a_cancellation(live_bot: Playground) -> None:
    """A guest bound by the link is told when the meeting is cancelled, like members."""
    _, secretary, _ = await branch(live_bot, 1)
    await new_meeting(live_bot, secretary, "05/12/2026 19:30 | Hội trường | Xét kết nạp đảng viên")
    choose = await secretary.ask("/guest Trần Đại Biểu | đại diện Hội Nông dân")
    await tap(secretary, choose.button_labels[0], message_id=choose.message_id)
    link = next(w for w in message(secretary, choose.message_id).text.split()
                if w.startswith("https://t.me/"))
    guest = live_bot.emu.user(8003, "Đại biểu")
    await guest.ask(f"/start {link.rsplit('=', 1)[1]}")
    await live_bot.settle()
    secretary.drain()
    listing = await secretary.ask("/meetings")
    await tap(secretary, "❌ Hủy #1", message_id=listing.message_id)
    await tap(secretary, "⚠️ Xác nhận hủy cuộc họp")
    await live_bot.settle()
    assert any("HỦY HỌP" in m.text for m in guest.drain())


async def test_the_guided_meeting_also_enters_a_past_one(live_bot: Playground) -> None:
    """The guided /meeting takes a past time too, and asks the same question at the end."""
    seeded, secretary, _ = await branch(live_bot, 1)
    await secretary.ask("/recordstart 01/01/2026")
    await secretary.ask("/meeting")
    secretary.drain()
    await secretary.ask("10/10/2026 19:30")  # a time straight away: a regular meeting
    await secretary.ask("Nhà văn hóa")
    asked = await secretary.ask("Sinh hoạt tháng 10")
    assert "Có phải đồng chí nhập một cuộc họp đã diễn ra" in asked.text
    await tap(secretary, "🗂 Nhập cuộc họp đã diễn ra", message_id=asked.message_id)
    assert "🗂 Cuộc họp nhập sau" in message(secretary, asked.message_id).text
    [meeting] = await store.of_unit(live_bot.services.db, seeded.branch_id,
                                    until=live_bot.clock.now())
    assert meeting.entered_later and meeting.place == "Nhà văn hóa"
    assert meeting.agenda == "Sinh hoạt tháng 10"
