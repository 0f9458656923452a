"""Meetings as they really happen, end to end through the emulator with the
injected clock: the actual length at the roll call and the short-meeting rule on it, the
extraordinary meeting that never fills the month, a move that keeps the answers, answers
an officer takes for a member without Telegram, documents a day ahead, the printable
.docx minutes, and a roll call of 150 names in pages."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

from docx import Document
from openpyxl import load_workbook

from bot.demo.playground import Playground
from emulator import BotMessageView, FakeUser
from storage import meetings as store
from storage import people
from tests.factories import SeededBranch, seed_branch

# 05/12/2026 19:30 in Hanoi = 12:30 UTC; 20/12/2026 19:30 likewise.
DEC5 = datetime(2026, 12, 5, 12, 30, tzinfo=UTC)
DEC20 = datetime(2026, 12, 20, 12, 30, tzinfo=UTC)
NO_TELEGRAM = "Lê Văn Không Máy"


async def tap(user: FakeUser, label: str, message_id: int | None = None) -> str:
    return await user.callback_answer(await user.press(label, message_id=message_id))


async def branch(live_bot: Playground, members: int, *, offline: bool = False
                 ) -> tuple[SeededBranch, FakeUser, list[FakeUser]]:
    """A branch whose members have all opened the bot; with ``offline`` one more member
    who has no Telegram account."""
    now = live_bot.clock.now()
    seeded = await seed_branch(live_bot.services.db, now, members=members)
    if offline:
        async with live_bot.services.db.transaction() as conn:
            pid = await people.add_person(conn, full_name=NO_TELEGRAM,
                                          name_key=NO_TELEGRAM.casefold(), now=now)
            await people.add_membership(conn, person_id=pid, unit_id=seeded.branch_id, now=now,
                                        admitted_on=date(2010, 1, 1),
                                        official_on=date(2011, 1, 1))
    secretary = live_bot.emu.user(seeded.secretary[1], "Bí thư")
    users = [live_bot.emu.user(tg, f"ĐV{i + 1}") for i, (_, tg) in enumerate(seeded.members)]
    for user in [secretary, *users]:
        await user.send("/help")
        await user.next_message()
    return seeded, secretary, users


def drain(users: list[FakeUser]) -> None:
    for user in users:
        user.drain()


def message(user: FakeUser, message_id: int) -> BotMessageView:
    return next(m for m in user.chat if m.message_id == message_id)


async def close_tap(secretary: FakeUser, message_id: int) -> None:
    """Tap "Chốt điểm danh"; when the bot lists who is still absent without a reason and
    asks, confirm."""
    await tap(secretary, "📝 Chốt điểm danh", message_id=message_id)
    if "✅ Vẫn chốt" in message(secretary, message_id).button_labels:
        await tap(secretary, "✅ Vẫn chốt", message_id=message_id)


async def close_rollcall(live_bot: Playground, secretary: FakeUser, *, times: str | None) -> str:
    """Open the roll call, optionally type the actual times, close it; the minutes text."""
    roll = await secretary.ask("/attendance")
    assert "Điểm danh" in roll.text, roll.text
    if times is not None:
        await tap(secretary, "⌨️ Giờ họp", message_id=roll.message_id)
        assert "19:30-21:15" in (await secretary.next_message()).text
        saved = await secretary.ask(times)
        assert "Đã ghi giờ họp thực tế" in saved.text
        roll = await secretary.next_message()
    await close_tap(secretary, roll.message_id)
    return message(secretary, roll.message_id).text


async def read_report(user: FakeUser, command: str) -> str:
    user.drain()
    await user.send(command)
    reply = await user.next_message(timeout=20)
    while reply.text.startswith("⏳"):
        reply = await user.next_message(timeout=20)
    return reply.text


async def test_a_75_minute_regular_meeting_is_short(live_bot: Playground) -> None:
    seeded, secretary, members = await branch(live_bot, 4)
    created = await secretary.ask("/meeting 05/12/2026 19:30 | Hội trường | Nội dung tháng 12")
    assert "Sinh hoạt chi bộ thường kỳ" in created.text
    await live_bot.settle()
    live_bot.clock.set(DEC5 + timedelta(hours=2))  # type: ignore[attr-defined]
    await live_bot.settle()
    drain([secretary, *members])
    # Pre-filled from the plan: 19:30–21:00, 90 minutes.
    roll = await secretary.ask("/attendance")
    assert "Thực tế: 19:30–21:00 (90 phút)" in roll.text
    # A tap moves the end 15 minutes earlier: 75 minutes.
    await tap(secretary, "KT −15′", message_id=roll.message_id)
    assert "Thực tế: 19:30–20:45 (75 phút)" in message(secretary, roll.message_id).text
    await close_tap(secretary, roll.message_id)
    [meeting] = await store.of_unit(live_bot.services.db, seeded.branch_id, states=("closed",))
    assert meeting.length_min == 75 and meeting.duration_min == 90

    branches = await read_report(secretary, "/report branches")
    assert "1 buổi ngắn hơn thời lượng tối thiểu" in branches
    assert "05/12/2026 (thường kỳ): 75 phút" in branches
    year = await read_report(secretary, "/report year")
    assert "05/12/2026 (thường kỳ): 75 phút" in year

    secretary.drain()
    await secretary.send("/report export")
    book = None
    for _ in range(4):
        got = await secretary.next_message(timeout=30)
        if got.document is not None and got.document.name and \
                got.document.name.endswith(".xlsx"):
            book = load_workbook(io.BytesIO(got.document.data))
            break
    assert book is not None
    sheet = book["Cuộc họp"]
    header = [c.value for c in sheet[1]]
    row = [c.value for c in sheet[2]]
    assert row[header.index("Thời lượng (phút)")] == 75
    assert row[header.index("Ngắn hơn quy định")] == "có"


async def test_typed_times_and_an_extraordinary_meeting_never_fills_the_month(
        live_bot: Playground) -> None:
    _, secretary, members = await branch(live_bot, 3)
    created = await secretary.ask(
        "/meeting bất thường 05/12/2026 19:30 | Hội trường | Xét kết nạp đảng viên")
    assert "Họp chi bộ bất thường" in created.text
    assert "Mục đích: Xét kết nạp đảng viên" in created.text
    await live_bot.settle()
    for user in members:
        [invitation] = [m for m in user.drain() if "GIẤY MỜI" in m.text]
        assert "Họp chi bộ bất thường" in invitation.text
        assert "✅ Tham dự" in invitation.button_labels  # invited and answered like the others
    live_bot.clock.set(DEC5 + timedelta(hours=3))  # type: ignore[attr-defined]
    await live_bot.settle()
    drain([secretary, *members])
    minutes = await close_rollcall(live_bot, secretary, times="19:30-20:15")
    assert "Đã chốt điểm danh" in minutes
    [meeting] = await live_bot.services.db.fetch_all(
        "SELECT kind, held_from, ended_at FROM meetings")
    assert meeting[0] == "extraordinary"

    live_bot.clock.set(datetime(2027, 1, 2, 2, 0, tzinfo=UTC))  # type: ignore[attr-defined]
    await live_bot.settle()
    text = await read_report(secretary, "/report branches 2026")
    # The branch records from 01/12/2026 (its creation): only December is judged.
    assert "Sinh hoạt thường kỳ: 0/1 tháng" in text
    assert "12/2026" in text.split("thiếu:")[1].split("\n")[0]  # December is still missing
    assert "Họp bất thường (không tính là họp thường kỳ): 1 buổi — 05/12/2026" in text
    assert "ngắn hơn" not in text  # 45 minutes: extraordinary meetings have no minimum


async def test_guided_meeting_asks_the_kind(live_bot: Playground) -> None:
    _, secretary, _ = await branch(live_bot, 2)
    asked = await secretary.ask("/meeting")
    assert "Loại cuộc họp?" in asked.text
    assert asked.button_labels == ["Thường kỳ", "Chuyên đề", "Thường kỳ kết hợp chuyên đề",
                                   "Bất thường"]
    await tap(secretary, "Bất thường")
    assert "Thời gian họp?" in (await secretary.next_message()).text
    assert "Địa điểm họp?" in (await secretary.ask("12/12/2026 19:30")).text
    assert "Mục đích" in (await secretary.ask("Hội trường")).text
    done = await secretary.ask("Kỷ luật đảng viên")
    assert "Họp chi bộ bất thường" in done.text
    kind = await live_bot.services.db.fetch_value("SELECT kind FROM meetings")
    assert kind == "extraordinary"


async def test_a_move_keeps_answers_and_asks_attendees_to_confirm(live_bot: Playground) -> None:
    seeded, secretary, members = await branch(live_bot, 9)
    everyone = [secretary, *members]
    await secretary.ask("/meeting 20/12/2026 19:30 | Nhà văn hóa thôn 3 | Nội dung tháng 12")
    await live_bot.settle()
    attending, excused, silent = everyone[:6], everyone[6:8], everyone[8:]
    for user in attending:
        assert await tap(user, "✅ Tham dự") == "Đã ghi: đồng chí tham dự."
    for i, user in enumerate(excused):
        await tap(user, "❌ Vắng (có lý do)")
        await user.next_message()
        await user.ask(f"Đi công tác Hà Nội đến {15 + i}/12")
    drain(everyone)

    listing = await secretary.ask("/meetings")
    await tap(secretary, "🔁 Dời lịch #1", message_id=listing.message_id)
    assert "để trống phần nào thì giữ nguyên" in (await secretary.next_message()).text
    moved = await secretary.ask("21/12/2026 19:30 | Hội trường UBND xã | Tổng kết năm 2026")
    assert "báo cho 10 đồng chí" in moved.text
    await live_bot.settle()
    for user in everyone:
        notices = [m for m in user.drain() if "ĐỔI LỊCH HỌP" in m.text]
        assert len(notices) == 1, user.first_name  # heard of the change once
        notice = notices[0]
        assert "21/12/2026 19:30" in notice.text
        assert "Hội trường UBND xã" in notice.text and "Tổng kết năm 2026" in notice.text
        if user in attending:
            assert notice.button_labels == ["✅ Vẫn tham dự", "❌ Vắng (có lý do)"]
        elif user in excused:
            i = excused.index(user)
            assert f"lý do: Đi công tác Hà Nội đến {15 + i}/12" in notice.text
            assert "✏️ Đổi lý do vắng" in notice.button_labels
        else:
            assert user in silent
            assert notice.button_labels == ["✅ Tham dự", "❌ Vắng (có lý do)"]
    answers = dict(await live_bot.services.db.fetch_all(
        "SELECT person_id, answer FROM invitations"))
    assert sum(1 for a in answers.values() if a == "attend") == 6
    assert sum(1 for a in answers.values() if a == "absent") == 2
    # One attendee confirms with a tap on the notice.
    assert await tap(attending[1], "✅ Vẫn tham dự") == "Đã ghi: đồng chí tham dự."

    # Silence after the move: the roll call still has the two excused with their reasons.
    live_bot.clock.set(datetime(2026, 12, 21, 14, 30, tzinfo=UTC))  # type: ignore[attr-defined]
    await live_bot.settle()
    drain(everyone)
    roll = await secretary.ask("/attendance")
    labels = roll.button_labels
    assert sum(label.startswith("✅") for label in labels) == 6
    assert sum(label.startswith("🟡") for label in labels) == 2
    assert sum(label.startswith("❌") for label in labels) == 2
    assert "🟡 Đảng viên Số 006 (Đi công tác Hà Nội đến 15/12)" in labels
    assert "🟡 Đảng viên Số 007 (Đi công tác Hà Nội đến 16/12)" in labels
    del seeded


async def test_officer_records_an_answer_documents_and_docx_minutes(live_bot: Playground) -> None:
    seeded, secretary, members = await branch(live_bot, 4, offline=True)
    everyone = [secretary, *members]
    await secretary.ask("/meeting 20/12/2026 19:30 | Nhà văn hóa thôn 3 | Nội dung tháng 12")
    await live_bot.settle()
    for user in [secretary, *members[1:]]:
        await tap(user, "✅ Tham dự")
    drain(everyone)
    # The day-before digest marks who has no Telegram, and nudges only those who have.
    live_bot.clock.set(DEC20 - timedelta(hours=23))  # type: ignore[attr-defined]
    await live_bot.settle()
    digest = [m for m in secretary.drain() if "Chưa trả lời:" in m.text][-1]
    assert f"{NO_TELEGRAM} 📵" in digest.text and "Đảng viên Số 001" in digest.text
    assert digest.button_labels == ["🔔 Nhắc 1 đồng chí chưa trả lời"]
    drain(everyone)

    # The member without Telegram is shown as such and an officer records "ốm" for him.
    listing = await secretary.ask("/meetings")
    await tap(secretary, "👥 Trả lời #1", message_id=listing.message_id)
    view = message(secretary, listing.message_id)
    assert f"❔ {NO_TELEGRAM} 📵" in view.text
    await tap(secretary, f"✍️ {NO_TELEGRAM}", message_id=view.message_id)
    await tap(secretary, "❌ Vắng (có lý do)", message_id=view.message_id)
    assert f"Lý do vắng của {NO_TELEGRAM}?" in (await secretary.next_message()).text
    saved = await secretary.ask("ốm")
    assert f"🟡 {NO_TELEGRAM} — vắng: ốm (ghi bởi Trần Thị Bí Thư) 📵" in saved.text
    audit = await live_bot.services.db.fetch_value(
        "SELECT detail FROM audit_log WHERE action = 'meeting.answer_for'")
    assert "ghi bởi Trần Thị Bí Thư" in audit
    # A member phoned in: recorded as attending by the officer.
    await tap(secretary, "« Trước", message_id=saved.message_id)
    await tap(secretary, "✍️ Đảng viên Số 001", message_id=saved.message_id)
    await tap(secretary, "✅ Tham dự", message_id=saved.message_id)
    assert "✅ Đảng viên Số 001 (ghi bởi Trần Thị Bí Thư)" in message(
        secretary, saved.message_id).text

    # A document added 12 hours before the start reaches every invitee; the officer is warned.
    live_bot.clock.set(DEC20 - timedelta(hours=12))  # type: ignore[attr-defined]
    await live_bot.settle()
    drain(everyone)
    listing = await secretary.ask("/meetings")
    await tap(secretary, "📎 Tài liệu #1", message_id=listing.message_id)
    assert "PDF, DOCX, XLSX" in (await secretary.next_message()).text
    # Its name carries a bidi override: members see it without.
    await secretary.upload("du-thao-nghi-quyet\u202e.pdf", b"%PDF-1.4 du thao", mime_type=None)
    answer = await secretary.next_message()
    assert "Đã đính kèm du-thao-nghi-quyet.pdf và gửi đến 5 đồng chí" in answer.text
    assert "sau 12 giờ nữa" in answer.text and "trước ít nhất một ngày" in answer.text
    await live_bot.settle()
    for user in everyone:
        docs = [m for m in user.drain() if m.document is not None]
        assert len(docs) == 1, user.first_name
        assert docs[0].document is not None and docs[0].document.data == b"%PDF-1.4 du thao"
        assert "du-thao-nghi-quyet.pdf" in (docs[0].caption or "")
    # A file of another type is refused.
    await tap(secretary, "📎 Tài liệu #1", message_id=listing.message_id)
    await secretary.next_message()
    await secretary.upload("virus.exe", b"MZ", mime_type="application/octet-stream")
    assert "không được nhận" in (await secretary.next_message()).text
    await secretary.ask("/cancel")

    # After the meeting: pre-marked from the officer's answer, then the .docx minutes.
    live_bot.clock.set(DEC20 + timedelta(hours=2))  # type: ignore[attr-defined]
    await live_bot.settle()
    drain(everyone)
    roll = await secretary.ask("/attendance")
    assert f"🟡 {NO_TELEGRAM} 📵 (ốm)" in roll.button_labels
    await tap(secretary, "⌨️ Giờ họp", message_id=roll.message_id)
    await secretary.next_message()
    await secretary.ask("19:35-21:20")
    roll = await secretary.next_message()
    await tap(secretary, "✍️ Thư ký", message_id=roll.message_id)
    await secretary.next_message()
    assert "Đảng viên Số 002" in (await secretary.ask("đảng viên số 002")).text
    roll = await secretary.next_message()
    await tap(secretary, "⏰ Đến muộn", message_id=roll.message_id)
    await secretary.next_message()
    await secretary.ask("Đảng viên Số 003")
    roll = await secretary.next_message()
    await close_tap(secretary, roll.message_id)
    closed = message(secretary, roll.message_id)
    assert f"{NO_TELEGRAM}: ốm" in closed.text
    assert "Đến muộn: Đảng viên Số 003." in closed.text
    await tap(secretary, "📄 Biên bản (.docx)", message_id=roll.message_id)
    sent = await secretary.next_message()
    assert sent.document is not None and sent.document.name is not None
    assert sent.document.name.endswith(".docx")
    text = docx_text(sent.document.data)
    for expected in ("ĐẢNG BỘ XÃ TÂN LẬP", "CHI BỘ THÔN 3", "ĐẢNG CỘNG SẢN VIỆT NAM",
                     "Tân Lập, ngày 20 tháng 12 năm 2026", "BIÊN BẢN",
                     "SINH HOẠT CHI BỘ THƯỜNG KỲ",
                     "bắt đầu lúc 19:35, kết thúc lúc 21:20, ngày 20/12/2026",
                     "Nhà văn hóa thôn 3", "Chủ trì: Trần Thị Bí Thư",
                     "Thư ký: Đảng viên Số 002", "có mặt 5/6 đồng chí; vắng 1 đồng chí",
                     f"Đồng chí {NO_TELEGRAM}: vắng có lý do (ốm)",
                     "Đến muộn: Đảng viên Số 003.", "Nội dung tháng 12",
                     "Diễn biến cuộc họp:", "Kết luận của đồng chí chủ trì:",
                     "T/M CHI BỘ", "CHỦ TRÌ", "THƯ KÝ"):
        assert expected in text, expected
    fonts = docx_fonts(sent.document.data)
    assert fonts <= {("Times New Roman", 13.0), ("Times New Roman", 14.0),
                     ("Times New Roman", 16.0)}, fonts

    # /minutes sends the same document for the latest closed meeting, or one by date.
    again = await secretary.ask("/minutes 20/12/2026")
    assert again.document is not None and "ĐẢNG BỘ XÃ TÂN LẬP" in docx_text(again.document.data)
    # The minutes name the absent and why: each copy handed out is audited.
    reads = await live_bot.services.db.fetch_all(
        "SELECT actor_id, unit_id FROM audit_log WHERE action = 'meeting.minutes'")
    assert len(reads) >= 2
    assert {tuple(r) for r in reads} == {(seeded.secretary[1], seeded.branch_id)}


def docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                parts += [p.text for p in cell.paragraphs]
    return "\n".join(parts)


def docx_fonts(data: bytes) -> set[tuple[str | None, float | None]]:
    doc = Document(io.BytesIO(data))
    paragraphs = list(doc.paragraphs)
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                paragraphs += cell.paragraphs
    return {(run.font.name, run.font.size.pt if run.font.size else None)
            for p in paragraphs for run in p.runs if run.text.strip()}


async def test_rollcall_of_150_members_is_paged(live_bot: Playground) -> None:
    seeded = await seed_branch(live_bot.services.db, live_bot.clock.now(), members=149)
    # Only the secretary is on Telegram here: 149 invitations to chats that were never
    # opened would each tell the officers, one message a second.
    await live_bot.services.db.execute("UPDATE people SET telegram_user_id = NULL WHERE id != ?",
                                 (seeded.secretary[0],))
    secretary = live_bot.emu.user(seeded.secretary[1], "Bí thư")
    await secretary.send("/help")
    await secretary.next_message()
    await secretary.ask("/meeting 05/12/2026 19:30 | Hội trường | Nội dung")
    live_bot.clock.set(DEC5 + timedelta(hours=2))  # type: ignore[attr-defined]
    await live_bot.settle()
    secretary.drain()
    roll = await secretary.ask("/attendance")
    assert "Trang 1/4" in roll.text
    assert sum(len(r) for r in roll.buttons) <= 100
    names = [label for label in roll.button_labels if label[0] in "✅🟡❌"]
    assert len(names) == 40
    await tap(secretary, "Sau »", message_id=roll.message_id)
    page2 = message(secretary, roll.message_id)
    assert "Trang 2/4" in page2.text
    target = next(label for label in page2.button_labels if "Đảng viên Số 060" in label)
    assert target.startswith("❌")  # nobody answered
    await tap(secretary, target, message_id=roll.message_id)
    page2 = message(secretary, roll.message_id)
    assert "Trang 2/4" in page2.text  # the toggle stays on its page
    assert "✅ Đảng viên Số 060 📵" in page2.button_labels
    await tap(secretary, "Sau »", message_id=roll.message_id)
    await tap(secretary, "Sau »", message_id=roll.message_id)
    last = message(secretary, roll.message_id)
    assert "Trang 4/4" in last.text and "Sau »" not in last.button_labels
    await tap(secretary, "📝 Chốt điểm danh", message_id=roll.message_id)
    asked = message(secretary, roll.message_id).text
    assert "Còn 148 đồng chí" in asked and "… và 108 đồng chí khác" in asked
    assert len(asked) < 4096
    await tap(secretary, "✅ Vẫn chốt", message_id=roll.message_id)
    assert "Có mặt 2/150 đồng chí" in message(secretary, roll.message_id).text
