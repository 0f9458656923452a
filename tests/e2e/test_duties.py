"""Household duties end to end: 12 members and 60 households imported with their
assignments, the monthly reminder reaching exactly the 12 with their own 5, 9 reporting
everything (2 problems reaching the officers at once), the nudge reaching exactly the
other 3, /duties and /households showing the month, and forged buttons refused."""

from __future__ import annotations

import asyncio
import io
import unicodedata
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from openpyxl import Workbook, load_workbook

from bot.core.clock import FakeClock
from bot.demo.playground import Playground
from emulator import BotMessageView, FakeUser
from storage import households
from tests.factories import seed_branch

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NAMES = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Hoàng Văn Em",
         "Vũ Thị Gấm", "Đặng Văn Hải", "Bùi Thị Hoa", "Đỗ Văn Khánh", "Hồ Thị Lan",
         "Ngô Văn Minh", "Dương Thị Nga"]
# member -> (which of their households, the note); the second one is their last report.
PROBLEMS = {0: (3, "Nhà bị dột sau bão, cần hỗ trợ sửa mái"),
            1: (5, "Chủ hộ ốm nặng, con đi làm xa")}
REMINDER = "Theo dõi hộ gia đình — tháng 12/2026"


def local(year: int, month: int, day: int, hour: int = 8) -> datetime:
    return datetime(year, month, day, hour, tzinfo=TZ).astimezone(UTC)


def workbook(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def head(i: int) -> str:
    return f"Chủ Hộ Số {i + 1:02d}"


def household_file() -> bytes:
    """60 households, 5 per member, names typed as people type them; 2 bad lines."""
    rows: list[list[object]] = [
        ["Chủ hộ", "Thôn/Tổ", "Số nhà", "Địa chỉ", "Đảng viên phụ trách", "Ghi chú"]]
    for i in range(60):
        name = NAMES[i // 5]
        if i % 5 == 1:
            name = name.upper()
        elif i % 5 == 2:
            name = unicodedata.normalize("NFD", name)
        rows.append([head(i), f"Tổ {i // 20 + 1}", i + 1, f"ngõ {i // 10 + 1}", name, ""])
    rows.append(["Chủ Hộ Lạ", "Tổ 9", 1, "ngõ 9", "Nguyễn Văn Không Có", ""])  # line 62
    rows.append(["", "Tổ 9", 2, "ngõ 9", NAMES[0], ""])  # line 63: no head
    return workbook(rows)


async def tap(user: FakeUser, label: str, message_id: int | None = None) -> str:
    """Press a button and wait until the bot has answered the tap."""
    return await user.callback_answer(await user.press(label, message_id), timeout=15)


async def next_real(user: FakeUser) -> BotMessageView:
    """The next message that is not the (soon deleted) progress note of an import."""
    message = await user.next_message(timeout=15)
    while "Đang kiểm tra" in message.text:
        message = await user.next_message(timeout=15)
    return message


async def join(user: FakeUser, link: str) -> None:
    await user.ask(f"/start {link.rsplit('=', 1)[1]}")
    assert "Chào mừng" in await tap(user, "✅ Xác nhận") or "Chào mừng" in user.chat[-1].text


def current(user: FakeUser, message_id: int) -> BotMessageView:
    return next(m for m in user.chat if m.message_id == message_id)


def texts_to(live_bot: Playground, marker: str) -> dict[int, list[str]]:
    """Texts the bot sent (as first sent, before any edit) containing ``marker``, by chat."""
    found: dict[int, list[str]] = {}
    for call in live_bot.emu.calls_to("sendMessage"):
        text = str(call.params.get("text", ""))
        if call.ok and marker in text:
            found.setdefault(int(call.params["chat_id"]), []).append(text)
    return found


async def report_all(user: FakeUser, reminder_id: int,
                     problem: tuple[int, str] | None) -> None:
    for n in range(1, 6):
        if problem is not None and n == problem[0]:
            note = problem[1]
            await tap(user, f"{n}. Có vấn đề", reminder_id)
            asked = await user.next_message(timeout=15)
            assert "có vấn đề gì?" in asked.text and "500 ký tự" in asked.text
            saved = await user.ask(note, timeout=15)
            assert "báo ngay cho cấp ủy chi bộ" in saved.text
        else:
            assert "bình thường" in await tap(user, f"{n}. Bình thường", reminder_id)


async def test_households_monthly_reminder_reports_problems_and_nudge(live_bot: Playground) -> None:
    clock = live_bot.clock
    assert isinstance(clock, FakeClock)
    db = live_bot.services.db
    clock.set(local(2026, 11, 20, 10))
    await live_bot.settle()  # November's scan: nobody follows a household yet
    seeded = await seed_branch(db, clock.now(), members=0)
    secretary = live_bot.emu.user(seeded.secretary[1], "Bí thư")

    # 12 members imported and joined through their links.
    members_file = workbook([["Họ và tên", "Ngày vào Đảng", "Chức vụ"]]
                            + [[name, "19/05/2010", "Đảng viên"] for name in NAMES])
    await secretary.upload("dang-vien.xlsx", members_file, caption="/import")
    assert "Tệp hợp lệ: 12 dòng." in (await next_real(secretary)).text
    links_message = await next_real(secretary)
    assert links_message.document is not None
    sheet = load_workbook(io.BytesIO(links_message.document.data)).active
    assert sheet is not None
    links = {str(r[0]): str(r[1]) for r in sheet.iter_rows(min_row=2, values_only=True)}
    users = [live_bot.emu.user(6000 + i, name.split()[-1]) for i, name in enumerate(NAMES)]
    await asyncio.gather(*(join(u, links[name]) for u, name in zip(users, NAMES, strict=True)))

    # 60 households (plus 2 bad lines, reported by number) imported with assignments.
    await secretary.upload("ho-gia-dinh.xlsx", household_file(), caption="/import")
    summary = await next_real(secretary)
    assert "Tệp có 2 dòng lỗi, 60 dòng hợp lệ" in summary.text
    assert "Dòng 62: không có đảng viên tên 'Nguyễn Văn Không Có'" in summary.text
    assert "Dòng 63: thiếu chủ hộ" in summary.text
    assert await households.count(db, seeded.branch_id) == 0
    await tap(secretary, "Nhập 60 dòng hợp lệ")
    done = await next_real(secretary)
    assert "Đã nhập 60 hộ gia đình, phân công 60 hộ; bỏ qua 2 dòng." in done.text
    listed = await households.of_unit(db, seeded.branch_id)
    by_member: dict[str, list[str]] = {}
    for h in listed:
        by_member.setdefault(str(h.member_name), []).append(h.head_name)
    assert {name: len(heads) for name, heads in by_member.items()} == dict.fromkeys(NAMES, 5)
    own = {i: sorted(by_member[name]) for i, name in enumerate(NAMES)}
    assert own[0] == [head(i) for i in range(5)]
    status = await secretary.ask("/households")
    assert "Chi bộ Thôn 3: 60 hộ gia đình, 0 hộ chưa phân công." in status.text
    # Each member is told of their 5; November's reminder had gone out (to
    # nobody), so the notice carries November's buttons.
    for user in users:
        notice = await user.next_message(timeout=10)
        assert "được phân công theo dõi thêm 5 hộ gia đình" in notice.text
        assert len(notice.button_labels) == 10

    # The 1st at 08:00: the reminder reaches exactly the 12, each with their own 5.
    clock.set(local(2026, 12, 1))
    await live_bot.settle()
    reminders = texts_to(live_bot, REMINDER)
    assert set(reminders) == {u.id for u in users}
    assert all(len(texts) == 1 for texts in reminders.values())
    cards: dict[int, BotMessageView] = {}
    for i, user in enumerate(users):
        card = await user.next_message(timeout=10)
        assert REMINDER in card.text and "đang theo dõi 5 hộ" in card.text
        shown = sorted(h.head_name for h in listed if h.head_name in card.text)
        assert shown == own[i]
        assert len(card.button_labels) == 10 and "5. Có vấn đề" in card.button_labels
        cards[i] = card
    assert not any(REMINDER in m.text for m in secretary.drain())

    # 9 report everything (2 with a problem and a note); one reports 2 of 5; 2 nothing.
    await asyncio.gather(*(report_all(users[i], cards[i].message_id, PROBLEMS.get(i))
                           for i in range(9)))
    for n in (1, 2):
        await tap(users[9], f"{n}. Bình thường", cards[9].message_id)
    for i in range(9):  # the last edit may follow the note's answer
        await live_bot.emu.wait_until(lambda i=i: current(users[i], cards[i].message_id).text
                                .startswith("🙏 Cảm ơn đồng chí đã báo cáo đủ 5 hộ tháng 12/2026"),
                                timeout=10, message=f"member {i}'s reminder not thanked")
        assert current(users[i], cards[i].message_id).buttons == []
    assert "đã báo cáo 2/5" in current(users[9], cards[9].message_id).text
    for i, (n, note) in PROBLEMS.items():
        assert f"{n}. {own[i][n - 1]} — số {5 * i + n}, ngõ {(5 * i + n - 1) // 10 + 1}, " \
               f"Tổ {(5 * i + n - 1) // 20 + 1}: ⚠️ có vấn đề — {note}" in \
               current(users[i], cards[i].message_id).text

    # The two problems reached the secretary at once (no clock moved), with the notes.
    await live_bot.sender.drain()
    alerts = [m.text for m in secretary.drain() if "Hộ có vấn đề" in m.text]
    assert len(alerts) == 2
    for i, (n, note) in PROBLEMS.items():
        assert any(NAMES[i] in a and note in a and own[i][n - 1] in a for a in alerts), alerts
    assert set(texts_to(live_bot, "Hộ có vấn đề")) == {secretary.id}  # to nobody else

    # Forged and stale buttons are refused and change nothing.
    others = [h for h in listed if h.member_name == NAMES[11]]
    forged = await users[0].press_data(f"duty:{others[0].id}:202612:ok",
                                       message_id=cards[0].message_id)
    assert "không do đồng chí theo dõi" in await users[0].callback_answer(forged)
    mine = [h for h in listed if h.member_name == NAMES[10]]
    stale = await users[10].press_data(f"duty:{mine[0].id}:202611:ok",
                                       message_id=cards[10].message_id)
    assert "đã hết hạn" in await users[10].callback_answer(stale)
    junk = await users[10].press_data("duty:1:2:3", message_id=cards[10].message_id)
    assert "không còn hiệu lực" in await users[10].callback_answer(junk)
    officer_button = await users[10].press_data(f"hh:o:{mine[0].id}",
                                                message_id=cards[10].message_id)
    assert "dành cho cấp ủy" in await users[10].callback_answer(officer_button)
    reported = await db.fetch_value(
        "SELECT count(*) FROM duty_reports WHERE household_id IN (?, ?)",
        (others[0].id, mine[0].id))
    assert reported == 0

    # Officers see who has not reported; members see their own state.
    status = await secretary.ask("/households")
    assert "Báo cáo tháng 12/2026: 9/12 đảng viên đã báo cáo đủ; 2 hộ có vấn đề." in status.text
    missing = status.text.split("⏳ Chưa báo cáo đủ:")[1].split("✅ Đã báo cáo đủ:")[0]
    assert [line.split(":")[0] for line in missing.strip().splitlines()] == [
        f"• {name}" for name in ("Hồ Thị Lan", "Ngô Văn Minh", "Dương Thị Nga")]  # by tên
    assert f"• {NAMES[9]}: 2/5" in missing and f"• {NAMES[0]}: 5/5 · 1 có vấn đề" in status.text
    answers = await asyncio.gather(*(u.ask("/duties", timeout=10) for u in users))
    for i, answer in enumerate(answers):
        expected = {9: "đã báo cáo 2/5", 10: "đã báo cáo 0/5", 11: "đã báo cáo 0/5"}.get(
            i, "🙏 Cảm ơn đồng chí đã báo cáo đủ 5 hộ tháng 12/2026")
        assert expected in answer.text, (i, answer.text)
        assert sorted(h for h in own[i] if h in answer.text) == own[i]
        assert len(answer.button_labels) == 10  # /duties keeps the buttons, to change an answer
    # A note over 500 characters is refused, and nothing is recorded.
    await tap(users[11], "1. Có vấn đề", cards[11].message_id)
    await users[11].next_message(timeout=10)
    assert "tối đa 500 ký tự" in (await users[11].ask("x" * 600, timeout=10)).text
    assert (await users[11].ask("/cancel", timeout=10)).text == "Đã hủy."
    assert "đã báo cáo 0/5" in (await users[11].ask("/duties", timeout=10)).text
    assert "chưa tham gia chi bộ" in (await live_bot.emu.user(9999, "Lạ").ask("/duties")).text

    # A week later the nudge reaches exactly the other 3, once (a restart changes nothing).
    clock.set(local(2026, 12, 8))
    await live_bot.settle()
    nudges = texts_to(live_bot, "🔔 Nhắc lại")
    assert set(nudges) == {users[i].id for i in (9, 10, 11)}
    assert "còn 3 hộ chưa báo cáo tháng 12/2026" in nudges[users[9].id][0]
    await live_bot.restart()
    clock.set(local(2026, 12, 15))
    await live_bot.settle()
    assert sum(len(t) for t in texts_to(live_bot, "🔔 Nhắc lại").values()) == 3
    assert sum(len(t) for t in texts_to(live_bot, REMINDER).values()) == 12
    # Reporting from the nudge updates the reminder too.
    nudge = await users[10].next_message(timeout=10)
    while "🔔 Nhắc lại" not in nudge.text:
        nudge = await users[10].next_message(timeout=10)
    await tap(users[10], "1. Bình thường", nudge.message_id)
    assert "đã báo cáo 1/5" in current(users[10], nudge.message_id).text
    await live_bot.emu.wait_until(
        lambda: "đã báo cáo 1/5" in current(users[10], cards[10].message_id).text,
        timeout=10, message="the reminder was not edited after a report from the nudge")
    assert live_bot.emu.stats.rate_limited == 0  # the bot paced itself: Telegram never said 429


async def test_demo_scene(live_bot: Playground) -> None:
    from bot.demo.duties import NOTE, play_duties
    from bot.demo.script import Transcript

    seeded = await seed_branch(live_bot.services.db, live_bot.clock.now(), members=3)
    await live_bot.settle()  # December's reminder scan, before anyone follows a household
    secretary = live_bot.emu.user(seeded.secretary[1], "Hoa")
    members = [live_bot.emu.user(tid, f"ĐV{i}") for i, (_, tid) in enumerate(seeded.members)]
    for user in (secretary, *members):
        await user.ask("/start")
    out = io.StringIO()
    await play_duties(Transcript(live_bot, out), live_bot, secretary, members)
    transcript = out.getvalue()
    assert "Tệp có 1 dòng lỗi, 7 dòng hợp lệ" in transcript
    assert "Đã giao hộ Bùi Văn Mười cho Đảng viên Số 001" in transcript
    assert "Theo dõi hộ gia đình — tháng 01/2027" in transcript
    assert "Đầu năm 2027" in transcript
    assert "🙏 Cảm ơn đồng chí đã báo cáo đủ 3 hộ tháng 01/2027" in transcript
    assert "🤖 → Hoa: ⚠️ Hộ có vấn đề — tháng 01/2027" in transcript and NOTE in transcript


async def test_officer_keeps_households_by_hand_and_ticks_assignments(live_bot: Playground) -> None:
    seeded = await seed_branch(live_bot.services.db, live_bot.clock.now(), members=2)
    secretary = live_bot.emu.user(seeded.secretary[1], "Hoa")
    member = live_bot.emu.user(seeded.members[0][1], "An")
    empty = await secretary.ask("/households")
    assert "chưa có hộ gia đình nào" in empty.text
    await tap(secretary, "➕ Thêm hộ")
    assert "Họ tên chủ hộ | thôn/tổ" in (await secretary.next_message()).text
    added = await secretary.ask("Nguyễn Văn Hộ | Tổ 5 | 12 | ngõ 3 Trúc Bạch | hộ nghèo")
    assert added.text == "Đã thêm hộ Nguyễn Văn Hộ — số 12, ngõ 3 Trúc Bạch, Tổ 5."
    card = await secretary.next_message()
    assert "Ghi chú: hộ nghèo" in card.text and "chưa phân công" in card.text

    await tap(secretary, "✏️ Địa chỉ", card.message_id)
    await secretary.next_message()
    assert "tối đa 200 ký tự" in (await secretary.ask("x" * 250)).text  # still asked
    assert "Đã cập nhật địa chỉ" in (await secretary.ask("ngõ 5 Trúc Bạch")).text
    card = await secretary.next_message()
    assert "Địa chỉ: ngõ 5 Trúc Bạch" in card.text

    # By member: tick the household, then done. (The member has talked to the bot, as
    # members joining by their link have, so the notice of the household reaches them.)
    await member.ask("/start")
    await secretary.ask("/assign")
    await tap(secretary, "👤 Theo đảng viên")
    await tap(secretary, "Đảng viên Số 001 (0 hộ)")
    assert "☐ 1. Nguyễn Văn Hộ" in secretary.chat[-1].button_labels
    assert "Đã giao hộ Nguyễn Văn Hộ cho Đảng viên Số 001" in await tap(
        secretary, "☐ 1. Nguyễn Văn Hộ")
    assert "☑ 1. Nguyễn Văn Hộ" in secretary.chat[-1].button_labels
    await tap(secretary, "✔ Xong")
    assert secretary.chat[-1].text == "Đã lưu: Đảng viên Số 001 theo dõi 1 hộ."
    [household] = await households.of_unit(live_bot.services.db, seeded.branch_id)
    assert household.member_id == seeded.members[0][0]
    told = await member.next_message(timeout=10)
    assert "được phân công theo dõi thêm 1 hộ gia đình" in told.text
    assert "Nguyễn Văn Hộ" in told.text

    # A member can neither tick nor open an officer's screens.
    for data in (f"asg:x:{seeded.branch_id}:{seeded.members[1][0]}:{household.id}:0",
                 f"hh:rmy:{household.id}", f"asg:m:{seeded.branch_id}:0"):
        cq = await member.press_data(data)
        assert "dành cho cấp ủy" in await member.callback_answer(cq)
    assert "dành cho cấp ủy" in (await member.ask("/households")).text
    assert "dành cho cấp ủy" in (await member.ask("/assign")).text
    assert "đã báo cáo 0/1" in (await member.ask("/duties")).text

    # The list, the card with its history, and removal.
    await secretary.ask("/households")
    await tap(secretary, "📋 Danh sách hộ")
    await tap(secretary, "1. Nguyễn Văn Hộ")
    assert "• Đảng viên Số 001: 01/12/2026 – nay" in secretary.chat[-1].text
    await tap(secretary, "🗑 Xóa hộ")
    await tap(secretary, "⚠️ Xác nhận xóa hộ")
    assert secretary.chat[-1].text == "Đã xóa hộ Nguyễn Văn Hộ."
    assert await households.count(live_bot.services.db, seeded.branch_id) == 0
    assert "chưa được phân công" in (await member.ask("/duties")).text
