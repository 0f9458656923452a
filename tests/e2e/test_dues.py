"""Party dues: marked by tap on the member card, imported from a file, seen in /me, and
counted by the 3-month rule."""

from __future__ import annotations

import io

from openpyxl import Workbook

from bot.demo.playground import Playground
from emulator import FakeUser
from tests.factories import seed_branch


async def tap(user: FakeUser, label: str) -> str:
    return await user.callback_answer(await user.press(label))


def dues_sheet(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Họ và tên", "Tháng", "Số tiền"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def test_dues_by_tap_by_import_and_in_me(live_bot: Playground) -> None:
    seeded = await seed_branch(live_bot.services.db, live_bot.clock.now(), members=2)
    async with live_bot.services.db.transaction() as conn:  # members since January, on 01/12
        await conn.execute("UPDATE memberships SET joined_at = ?", ("2025-12-31T17:00:00+00:00",))
        await conn.execute("UPDATE units SET record_start = '2026-01-01'")
    secretary = live_bot.emu.user(seeded.secretary[1], "Bí thư")
    await secretary.ask("/members")
    await tap(secretary, "Đảng viên Số 001")
    await tap(secretary, "💰 Đảng phí")
    card = secretary.chat[-1]
    # January–October are due; November falls due on 11/12 and December is not over.
    assert "Đã đóng 0/10 tháng" in card.text
    assert "Chưa đến hạn: 11/2026, 12/2026" in card.text
    await tap(secretary, "▫️ 11/2026")
    assert "Đã đóng 1/11 tháng" in secretary.chat[-1].text
    person = seeded.members[0][0]
    assert await live_bot.services.db.fetch_value(
        "SELECT count(*) FROM dues WHERE person_id = ? AND period = '2026-11'", (person,)) == 1
    await tap(secretary, "✅ 11/2026")  # a mistake: tap again to undo
    assert await live_bot.services.db.fetch_value(
        "SELECT count(*) FROM dues WHERE person_id = ?", (person,)) == 0

    upload = dues_sheet([["Đảng viên Số 001", "10/2026", "20.000"],
                         ["ĐẢNG VIÊN SỐ 002", "2026-10", 20000],
                         ["Người Lạ", "10/2026", 20000],
                         ["Đảng viên Số 001", "13/2026", 20000]])
    secretary.drain()
    await secretary.upload("dang-phi.xlsx", upload, caption="/import")
    report = await secretary.next_message(timeout=10)
    while report.text.startswith("Đang kiểm tra"):
        report = await secretary.next_message(timeout=10)
    assert "2 dòng lỗi, 2 dòng hợp lệ" in report.text
    assert "Dòng 4: không có đảng viên tên 'Người Lạ'" in report.text
    assert "Dòng 5:" in report.text
    await tap(secretary, "Nhập 2 dòng hợp lệ")
    done = await secretary.next_message(timeout=10)
    while "Đã ghi nhận đảng phí" not in done.text:
        done = await secretary.next_message(timeout=10)
    assert "2 dòng; bỏ qua 2 dòng" in done.text
    amounts = await live_bot.services.db.fetch_all(
        "SELECT person_id, period, amount FROM dues ORDER BY person_id")
    assert [tuple(r) for r in amounts] == [(seeded.members[0][0], "2026-10", 20000),
                                           (seeded.members[1][0], "2026-10", 20000)]
    me = await live_bot.emu.user(seeded.members[0][1], "An").ask("/me")
    assert "Đảng phí năm 2026: đã đóng 1/10 tháng" in me.text
    assert "09/2026" in me.text and "10/2026" not in me.text.split("chưa ghi nhận:")[1]
    assert "Chưa đến hạn: 11/2026, 12/2026" in me.text
