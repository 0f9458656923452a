"""Records that can be corrected, end to end through the emulator with the
injected clock: a corrected admission date moves the probation deadline; a re-import
previews its updates and applies them on confirmation only; a 213 member joins a second
branch with the same account; households imported after the month's reminder reach
their members with this month's buttons the same day."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import Workbook

from bot.demo.playground import Playground
from emulator import BotMessageView, FakeUser
from storage import audit, people
from tests.factories import seed_branch


def workbook(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def tap(user: FakeUser, label: str, message_id: int | None = None) -> str:
    return await user.callback_answer(await user.press(label, message_id), timeout=15)


async def next_real(user: FakeUser) -> BotMessageView:
    """The next message that is not the (soon deleted) progress note of an import."""
    message = await user.next_message(timeout=15)
    while "Đang kiểm tra" in message.text:
        message = await user.next_message(timeout=15)
    return message


async def read(user: FakeUser, command: str) -> str:
    user.drain()
    await user.send(command)
    message = await user.next_message(timeout=20)
    while message.text.startswith("⏳"):
        message = await user.next_message(timeout=20)
    return message.text


async def test_corrected_admission_date_moves_the_probation_deadline(live_bot: Playground) -> None:
    db = live_bot.services.db
    seeded = await seed_branch(db, live_bot.clock.now(), members=1)
    async with db.transaction() as conn:
        pid = await people.add_person(conn, full_name="Phạm Văn Cường",
                                      name_key="phạm văn cường", now=live_bot.clock.now(),
                                      birth_date=date(1990, 4, 1))
        await people.add_membership(conn, person_id=pid, unit_id=seeded.branch_id,
                                    now=live_bot.clock.now(), admitted_on=date(2025, 3, 1))
    secretary = live_bot.emu.user(seeded.secretary[1], "Bí thư")
    before = await read(secretary, "/report probation")
    assert "Phạm Văn Cường: vào Đảng 01/03/2025, hết dự bị 01/03/2026" in before
    assert "quá hạn" in before

    await secretary.ask("/members")
    await tap(secretary, "Phạm Văn Cường")
    assert "Ngày vào Đảng: 01/03/2025" in secretary.chat[-1].text
    await tap(secretary, "✏️ Sửa hồ sơ")
    await tap(secretary, "Ngày vào Đảng")
    asked = await secretary.next_message(timeout=10)
    assert "Ngày vào Đảng của đồng chí Phạm Văn Cường hiện là: 01/03/2025" in asked.text
    # Validated like an import row: an impossible date is refused and changes nothing.
    refused = await secretary.ask("31/02/2026", timeout=10)
    assert "không có thật" in refused.text and "Không có gì thay đổi" in refused.text
    done = await secretary.ask("01/09/2026", timeout=10)
    assert done.text == ("Đã sửa Ngày vào Đảng của đồng chí Phạm Văn Cường: "
                         "01/03/2025 → 01/09/2026.")

    after = await read(secretary, "/report probation")
    assert "Phạm Văn Cường: vào Đảng 01/09/2026, hết dự bị 01/09/2027 — còn 274 ngày" in after
    row = await people.member(db, seeded.branch_id, pid)
    assert row is not None and row.admitted_on == date(2026, 9, 1)
    entries = await audit.entries(db, [seeded.branch_id])
    assert any(e[3] == "member.edit.admitted_on" and e[1] == seeded.secretary[1]
               for e in entries)
    detail = await db.fetch_value(
        "SELECT detail FROM audit_log WHERE action = 'member.edit.admitted_on'")
    assert detail == f"person {pid}: 01/03/2025 → 01/09/2026"

    # The start in this branch (memberships.joined_at), as a local day.
    await secretary.ask("/members")
    await tap(secretary, "Phạm Văn Cường")
    await tap(secretary, "✏️ Sửa hồ sơ")
    await tap(secretary, "Sinh hoạt tại chi bộ từ")
    await secretary.next_message(timeout=10)
    done = await secretary.ask("15/06/2026", timeout=10)
    assert "Sinh hoạt tại chi bộ từ của đồng chí Phạm Văn Cường" in done.text
    assert "→ 15/06/2026." in done.text
    row = await people.member(db, seeded.branch_id, pid)
    assert row is not None and row.joined_at is not None
    assert row.joined_at.astimezone(live_bot.services.tz).date() == date(2026, 6, 15)

    # A member cannot edit anyone's record, whatever the button says.
    member = live_bot.emu.user(seeded.members[0][1], "An")
    await member.ask("/help")
    cq = await member.press_data(f"mem:ef:{row.membership_id}:a")
    assert "dành cho cấp ủy" in await member.callback_answer(cq)


MEMBERS = [
    ["Phạm Văn Cường", "12/04/1970", "01/03/2025", "", "Đảng viên", "0912345678"],
    ["Nguyễn Thị Lan", "05/06/1980", "19/05/2005", "19/05/2006", "", "0987654321"],
    ["Trần Văn Minh", "01/01/1975", "03/02/2000", "03/02/2001", "", ""],
    ["Lê Văn Nam", "09/09/1985", "02/09/2010", "02/09/2011", "", ""],
]
HEADER = ["Họ và tên", "Ngày sinh", "Ngày vào Đảng", "Ngày chính thức", "Chức vụ",
          "Điện thoại"]


async def test_reimport_previews_updates_and_applies_them_on_confirmation(
    live_bot: Playground,
) -> None:
    db = live_bot.services.db
    seeded = await seed_branch(db, live_bot.clock.now(), members=0)
    secretary = live_bot.emu.user(seeded.secretary[1], "Bí thư")
    await secretary.upload("dv.xlsx", workbook([HEADER, *MEMBERS]), caption="/import")
    assert "Tệp hợp lệ: 4 dòng." in (await next_real(secretary)).text
    assert (await next_real(secretary)).document is not None

    # The corrected list: Cường's admission date, Lan's phone, Minh and Nam unchanged
    # (Nam typed in capitals), and one new member.
    corrected = [row[:] for row in MEMBERS]
    corrected[0][2] = "01/09/2025"
    corrected[1][5] = "0911 222 333"
    corrected[3][0] = "LÊ VĂN NAM"
    corrected.append(["Hoàng Thị Oanh", "03/03/1990", "08/03/2026", "", "", ""])
    secretary.drain()
    await secretary.upload("dv-sua.xlsx", workbook([HEADER, *corrected]), caption="/import")
    preview = await next_real(secretary)
    assert "1 mới, 2 cập nhật, 2 không đổi" in preview.text
    assert "Dòng 2: Phạm Văn Cường — ngày vào Đảng: 01/03/2025 → 01/09/2025" in preview.text
    assert "Dòng 3: Nguyễn Thị Lan — điện thoại: 0987654321 → 0911222333" in preview.text
    assert "đã có trong chi bộ" not in preview.text
    # Nothing changes until the officer confirms.
    cuong = (await people.find_in_unit(db, seeded.branch_id, "phạm văn cường"))[0]
    assert cuong.admitted_on == date(2025, 3, 1)
    assert await people.count_members(db, seeded.branch_id) == 5

    await tap(secretary, "✅ Xác nhận: 1 mới, 2 cập nhật", preview.message_id)
    assert "Đã cập nhật hồ sơ của 2 đảng viên." in (await next_real(secretary)).text
    links = await next_real(secretary)
    assert links.document is not None and "Đã nhập 1 đảng viên" in links.text
    cuong = (await people.find_in_unit(db, seeded.branch_id, "phạm văn cường"))[0]
    lan = (await people.find_in_unit(db, seeded.branch_id, "nguyễn thị lan"))[0]
    assert cuong.admitted_on == date(2025, 9, 1) and lan.phone == "0911222333"
    assert await people.count_members(db, seeded.branch_id) == 6
    assert await db.fetch_value(
        "SELECT count(*) FROM audit_log WHERE action LIKE 'member.import.%'") == 2

    # Lists are in Vietnamese order: by given name.
    listing = await secretary.ask("/members")
    order = [line.split(". ", 1)[1].split(" — ")[0].split(" (")[0]
             for line in listing.text.splitlines()[1:]]
    assert [name.split()[-1] for name in order] == ["Cường", "Lan", "Minh", "Nam", "Oanh", "Thư"]

    # The same file again: nothing new, nothing to update.
    await secretary.upload("dv-sua.xlsx", workbook([HEADER, *corrected]), caption="/import")
    assert "Không có gì thay đổi: 5 dòng khớp" in (await next_real(secretary)).text

    # A cancelled preview changes nothing.
    corrected[2][5] = "0903 000 111"
    await secretary.upload("dv-3.xlsx", workbook([HEADER, *corrected]), caption="/import")
    preview = await next_real(secretary)
    assert "0 mới, 1 cập nhật, 4 không đổi" in preview.text
    await tap(secretary, "Hủy", preview.message_id)
    minh = (await people.find_in_unit(db, seeded.branch_id, "trần văn minh"))[0]
    assert minh.phone is None


async def test_households_imported_after_the_reminder_reach_members_with_buttons(
    live_bot: Playground,
) -> None:
    db = live_bot.services.db
    seeded = await seed_branch(db, live_bot.clock.now(), members=2)
    secretary = live_bot.emu.user(seeded.secretary[1], "Bí thư")
    an = live_bot.emu.user(seeded.members[0][1], "An")
    binh = live_bot.emu.user(seeded.members[1][1], "Bình")
    for user in (an, binh):
        await user.ask("/start")
    # 1 December 08:00: this month's reminder goes out (to nobody yet).
    await live_bot.settle()
    assert await db.fetch_value("SELECT 1 FROM marks WHERE key = 'duty:2026-12'") == 1

    rows: list[list[object]] = [["Chủ hộ", "Địa chỉ", "Đảng viên phụ trách"]]
    rows += [[f"Hộ Số {i}", f"Ngõ {i}", "Đảng viên Số 001"] for i in (1, 2, 3)]
    rows += [["Hộ Số 4", "Ngõ 4", "ĐẢNG VIÊN SỐ 002"]]
    await secretary.upload("ho.xlsx", workbook(rows), caption="/import")
    assert "Tệp hợp lệ: 4 dòng." in (await next_real(secretary)).text
    assert "Đã nhập 4 hộ gia đình, phân công 4 hộ" in (await next_real(secretary)).text

    # The same day, each member gets one message with this month's report buttons.
    told = await an.next_message(timeout=10)
    assert "được phân công theo dõi thêm 3 hộ gia đình" in told.text
    assert "Hộ mới: Hộ Số 1, Hộ Số 2, Hộ Số 3" in told.text
    assert "tháng 12/2026" in told.text
    assert told.button_labels[:2] == ["1. Bình thường", "1. Có vấn đề"]
    assert "bình thường" in await tap(an, "2. Bình thường", told.message_id)
    report = await db.fetch_one("SELECT period, status FROM duty_reports")
    assert report is not None and tuple(report) == ("2026-12", "normal")
    told_binh = await binh.next_message(timeout=10)
    assert "thêm 1 hộ gia đình" in told_binh.text and len(told_binh.button_labels) == 2

    # Re-importing the same file tells nobody again.
    await secretary.upload("ho.xlsx", workbook(rows), caption="/import")
    assert "Không có gì thay đổi: 4 dòng khớp" in (await next_real(secretary)).text
    # Hộ Số 3 moves to Bình by a re-import: both are told, once.
    rows[3][2] = "Đảng viên Số 002"
    await secretary.upload("ho.xlsx", workbook(rows), caption="/import")
    preview = await next_real(secretary)
    assert "0 mới, 1 cập nhật, 3 không đổi" in preview.text
    assert ("Dòng 4: Hộ Số 3 — đảng viên phụ trách: Đảng viên Số 001 → Đảng viên Số 002"
            in preview.text)
    await tap(secretary, "✅ Xác nhận: 0 mới, 1 cập nhật", preview.message_id)
    await live_bot.sender.drain()
    moved = await binh.next_message(timeout=10)
    assert "thêm 1 hộ gia đình" in moved.text and "Hộ mới: Hộ Số 3" in moved.text
    gone = await an.next_message(timeout=10)
    assert "đã được giao cho đồng chí khác từ hôm nay: Hộ Số 3" in gone.text
    assert await db.fetch_value(
        "SELECT count(*) FROM outbox WHERE kind = 'hhnotice'") == 4


async def test_a_213_member_joins_a_second_branch_with_the_same_account(
        live_bot: Playground) -> None:
    db = live_bot.services.db
    home = await seed_branch(db, live_bot.clock.now(), members=1)
    work = await seed_branch(db, live_bot.clock.now(), members=0, committee_id=home.committee_id,
                             branch_name="Chi bộ Trường Tiểu học", secretary_telegram_id=4100,
                             first_telegram_id=5100)
    hoa = live_bot.emu.user(home.members[0][1], "Hoa")
    await hoa.ask("/start")
    home_secretary = live_bot.emu.user(home.secretary[1], "Bí thư thôn")
    work_secretary = live_bot.emu.user(work.secretary[1], "Bí thư trường")

    # The workplace branch invites her by name; her second link offers to join as 213.
    issued = await work_secretary.ask("/invite Đảng viên Số 001")
    token = issued.text.split("start=")[1].split()[0]
    offer = await hoa.ask(f"/start {token}")
    assert offer.text.startswith("Đồng chí Đảng viên Số 001 đã sinh hoạt tại Chi bộ Thôn 3. "
                                 "Tham gia thêm Chi bộ Trường Tiểu học với tư cách đảng viên "
                                 "213?")
    assert "đã gắn với đồng chí" not in offer.text
    await tap(hoa, "✅ Xác nhận", offer.message_id)
    assert "đã tham gia thêm Chi bộ Trường Tiểu học với tư cách đảng viên 213" in \
        hoa.chat[-1].text

    # One person, one account, a membership in each branch with its standing.
    person_id = home.members[0][0]
    rows = {r[0]: (r[1], r[2]) for r in await db.fetch_all(
        "SELECT unit_id, is_213, state FROM memberships WHERE person_id = ?", (person_id,))}
    assert rows == {home.branch_id: (0, "active"), work.branch_id: (1, "active")}
    assert await db.fetch_value(
        "SELECT count(*) FROM people WHERE full_name = 'Đảng viên Số 001'") == 1
    me = await hoa.ask("/me")
    assert "Chi bộ Thôn 3" in me.text and "Chi bộ Trường Tiểu học" in me.text

    # Both branches' officers see her; each counts only its own membership.
    assert "Đảng viên Số 001" in (await home_secretary.ask("/members")).text
    listing = await work_secretary.ask("/members")
    assert "Chi bộ Trường Tiểu học: 2 đảng viên" in listing.text
    assert "Đảng viên Số 001" in listing.text and "213" in listing.text

    # Invitations come from both, each marked with its branch.
    await home_secretary.ask("/meeting 20/12/2026 19:30 | Nhà văn hóa | Tháng 12")
    await work_secretary.ask("/meeting 18/12/2026 16:00 | Phòng họp | Tháng 12")
    await live_bot.settle()
    await live_bot.sender.drain()
    invitations = [m.text for m in hoa.drain() if "GIẤY MỜI HỌP" in m.text]
    assert len(invitations) == 2
    assert any("Chi bộ Thôn 3" in text for text in invitations)
    assert any("Chi bộ Trường Tiểu học" in text for text in invitations)


async def test_the_corpus_of_real_layouts_imports_every_field(live_bot: Playground) -> None:
    """The standard list (two-row header, titles, signatures, capitals, numeric phones)
    and the cp1258 CSV, through the emulator: every field of every member as the file
    says, official dates kept, nobody turned probationary."""
    from tests.unit.test_import_corpus import EXPECTED, SIGNATURES, TITLE
    from tests.unit.test_import_corpus import xlsx as build_xlsx
    from tests.unit.test_imports import naive

    rows: list[list[object]] = [*TITLE, [
        "STT", "Họ và tên", "Ngày, tháng, năm sinh", "Ngày vào Đảng", None, "Chức vụ",
        "Số điện thoại (di động)"],
        [None, None, None, "Dự bị", "Chính thức", None, None],
        ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)"]]
    for i, m in enumerate(EXPECTED, start=1):
        rows.append([i, m.full_name.upper(), naive(m.birth_date.year, m.birth_date.month,
                                                   m.birth_date.day) if m.birth_date else None,
                     naive(m.admitted_on.year, m.admitted_on.month, m.admitted_on.day),
                     naive(m.official_on.year, m.official_on.month, m.official_on.day)
                     if m.official_on else None,
                     {"secretary": "Bí thư", "deputy": "Phó Bí thư",
                      "committee_member": "Chi ủy viên"}.get(m.role, "Đảng viên"),
                     int(m.phone) if m.phone else None])
    rows += SIGNATURES
    data = build_xlsx(rows, merge=["A4:G4", "A6:A7", "B6:B7", "C6:C7", "D6:E6", "F6:F7",
                                   "G6:G7"])
    db = live_bot.services.db
    committee = await seed_branch(db, live_bot.clock.now(), members=0, branch_name="Chi bộ Cũ")
    empty = await seed_branch(db, live_bot.clock.now(), members=0,
                              committee_id=committee.committee_id, secretary_telegram_id=4200)
    secretary = live_bot.emu.user(empty.secretary[1], "Bí thư")
    await secretary.upload("DANH SACH DANG VIEN.xlsx", data, caption="/import")
    assert "Tệp hợp lệ: 5 dòng." in (await next_real(secretary)).text
    assert (await next_real(secretary)).document is not None
    stored = {m.full_name: m for m in await people.members_of(db, empty.branch_id)}
    for expected in EXPECTED:
        row = stored[expected.full_name]
        assert (row.birth_date, row.admitted_on, row.official_on, row.phone) == (
            expected.birth_date, expected.admitted_on, expected.official_on, expected.phone)
        assert row.role == expected.role
    probation = await read(secretary, "/report probation")
    assert "Lê Thị Đào" in probation and "Nguyễn Văn An" not in probation
    # A column the bot does not read is named, never dropped without a word (STT aside).
    from tests.unit.test_imports import csv_bytes

    extra = csv_bytes([["STT", "Họ và tên", "Ngày vào Đảng", "Quê quán"],
                       ["1", "Ngô Văn Mới", "01/02/2003", "Nam Định"]], delimiter=";",
                      encoding="cp1258")
    await secretary.upload("them.csv", extra, caption="/import")
    summary = await next_real(secretary)
    assert summary.text == "Tệp hợp lệ: 1 dòng.\nCác cột không dùng đến (bỏ qua): Quê quán."
    assert (await next_real(secretary)).document is not None
    assert [m for m in await people.members_of(db, empty.branch_id)
            if m.full_name == "Ngô Văn Mới"]
