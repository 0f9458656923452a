"""Registration end to end: units, a CLI-issued secretary link, a 40-row import with
3 bad rows, 37 members joining, refused links, and who may see and change what."""

from __future__ import annotations

import asyncio
import io
import sys
from datetime import timedelta
from pathlib import Path

from openpyxl import Workbook, load_workbook

from bot.demo.playground import Playground
from emulator import FakeUser
from storage import people
from tests.conftest import ADMIN_ID
from tests.engines import database_line

HEADERS = ["Họ và tên", "Ngày sinh", "Ngày vào Đảng", "Ngày chính thức", "Chức vụ", "Điện thoại"]
BAD_LINES = {7: "31/02/1980", 15: "", 30: "12345"}  # bad date, missing name, bad phone


def member_workbook(rows: int = 40) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADERS)
    for i in range(rows):
        line = i + 2
        name = f"Nguyễn Văn Thành Viên {i + 1:02d}"
        birth = f"{(i % 27) + 1:02d}/0{(i % 9) + 1}/1975"
        phone = f"09{i:08d}"
        if line == 7:
            birth = BAD_LINES[7]
        if line == 15:
            name = ""
        if line == 30:
            phone = BAD_LINES[30]
        official = "" if i % 10 == 0 else "20/06/2011"
        sheet.append([name, birth, "19/05/2010", official, "Đảng viên", phone])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def cli(*args: str) -> str:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    out, err = await proc.communicate()
    assert proc.returncode == 0, err.decode()
    return out.decode().strip()


def cli_config(live_bot: Playground, tmp_path: Path) -> Path:
    path = tmp_path / "operator.toml"
    path.write_text(
        f"[database]\n{database_line(live_bot)}\n"
        '[telegram]\nbot_username = "chibo_bot"\n', encoding="utf-8")
    return path


async def tap(user: FakeUser, label: str) -> str:
    """Press a button and wait until the bot has answered the tap."""
    return await user.callback_answer(await user.press(label))


async def join(user: FakeUser, link: str) -> str:
    token = link.rsplit("=", 1)[1]
    preview = await user.ask(f"/start {token}")
    if not preview.buttons:
        return preview.text
    await tap(user, "✅ Xác nhận")
    return next(m for m in user.chat if m.message_id == preview.message_id).text


async def test_committee_branches_secretary_import_and_joining(
    live_bot: Playground, tmp_path: Path
) -> None:
    admin = live_bot.emu.user(ADMIN_ID, "Quản trị")
    # The admin creates a committee in one line and a branch with the guided buttons.
    created = await admin.ask("/newunit đảng ủy | Đảng ủy xã Tân Lập")
    assert 'Đã tạo đảng ủy "Đảng ủy xã Tân Lập"' in created.text
    committee_id = int(created.text.split("(mã ")[1].split(")")[0])
    await admin.send("/newunit")
    await admin.next_message()
    await tap(admin, "Chi bộ")
    await tap(admin, "Đảng ủy xã Tân Lập")
    asked = await admin.next_message()
    assert asked.text == "Nhập tên chi bộ mới:"
    branch_a = await admin.ask("Chi bộ Thôn 3")
    assert 'Đã tạo chi bộ "Chi bộ Thôn 3"' in branch_a.text
    branch_b = await admin.ask(f"/newunit chi bộ | Chi bộ Thôn 4 | {committee_id}")
    assert 'Đã tạo chi bộ "Chi bộ Thôn 4"' in branch_b.text
    units_list = await admin.ask("/units")
    assert "Chi bộ Thôn 3" in units_list.text and "Chi bộ Thôn 4" in units_list.text
    a_id = int(branch_a.text.split("(mã ")[1].split(")")[0])
    b_id = int(branch_b.text.split("(mã ")[1].split(")")[0])

    # The first secretary of each branch joins through a link issued on the command line.
    config = cli_config(live_bot, tmp_path)
    link_a = await cli("invite", "--unit", str(a_id), "--role", "secretary",
                       "--name", "Trần Thị Hoa", "--config", str(config))
    assert link_a.startswith("https://t.me/chibo_bot?start=")
    hoa = live_bot.emu.user(3001, "Hoa")
    preview = await hoa.ask(f"/start {link_a.rsplit('=', 1)[1]}")
    assert "Chi bộ Thôn 3" in preview.text and "Trần Thị Hoa" in preview.text
    assert "Bí thư" in preview.text
    await tap(hoa, "✅ Xác nhận")
    assert "Chào mừng đồng chí Trần Thị Hoa" in hoa.chat[-1].text

    link_b = await cli("invite", "--unit", str(b_id), "--role", "secretary",
                       "--name", "Lê Văn Bình", "--config", str(config))
    binh = live_bot.emu.user(3002, "Bình")
    assert "Chào mừng" in await join(binh, link_b)

    # She imports 40 rows; 3 are bad: reported by line, nothing imported yet.
    await hoa.upload("danh-sach.xlsx", member_workbook(), caption="/import")
    report = await hoa.next_message(timeout=10)
    while "Đang kiểm tra" in report.text:
        report = await hoa.next_message(timeout=10)
    assert "3 dòng lỗi, 37 dòng hợp lệ" in report.text
    for line in BAD_LINES:
        assert f"Dòng {line}:" in report.text
    assert await people.count_members(live_bot.services.db, a_id) == 1  # only the secretary
    await hoa.press("Nhập 37 dòng hợp lệ")
    links_message = None
    for _ in range(5):
        links_message = await hoa.next_message(timeout=15)
        if links_message.document is not None:
            break
    assert links_message is not None and links_message.document is not None
    assert "Đã nhập 37 đảng viên; bỏ qua 3 dòng" in links_message.text
    sheet = load_workbook(io.BytesIO(links_message.document.data)).active
    assert sheet is not None
    links = [(row[0], row[1]) for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert len(links) == 37
    assert await people.count_members(live_bot.services.db, a_id) == 38

    # The 37 join through their own links.
    for i, (name, link) in enumerate(links):
        member = live_bot.emu.user(4000 + i, f"ĐV{i}")
        assert f"Chào mừng đồng chí {name}" in await join(member, str(link))
    bound = await live_bot.services.db.fetch_value(
        "SELECT count(*) FROM people p JOIN memberships m ON m.person_id = p.id "
        "WHERE m.unit_id = ? AND p.telegram_user_id IS NOT NULL", (a_id,))
    assert bound == 38

    # A used link is refused, and so is an account already bound to someone else.
    stranger = live_bot.emu.user(4999, "Lạ")
    assert "đã được sử dụng" in await join(stranger, str(links[0][1]))
    fresh = await hoa.ask("/invite Phạm Thị Mới")
    fresh_link = fresh.text.split("\n")[1]
    member0 = live_bot.emu.user(4000, "ĐV0")
    assert "đã gắn với đồng chí" in await join(member0, fresh_link)

    # Revoked: the secretary issues a new link, which revokes the old one.
    revoked_link = fresh_link
    again = await hoa.ask("/invite Phạm Thị Mới")
    assert "Link mời cá nhân cho Phạm Thị Mới" in again.text
    assert "đã bị thu hồi" in await join(stranger, revoked_link)

    # Expired: 15 days later the newest link no longer works.
    live_bot.clock.advance(timedelta(days=15))  # type: ignore[attr-defined]
    assert "đã hết hạn" in await join(stranger, again.text.split("\n")[1])
    assert "không hợp lệ" in await join(stranger, "https://t.me/chibo_bot?start=nope")

    # A member cannot use officer commands nor press an officer's button.
    assert "dành cho cấp ủy chi bộ" in (await member0.ask("/members")).text
    assert "dành cho cấp ủy chi bộ" in (await member0.ask("/invite Ai Đó")).text
    someone = (await people.members_of(live_bot.services.db, a_id))[5]
    cq = await member0.press_data(f"mem:f:{someone.membership_id}:away",
                                  message_id=member0.chat[-1].message_id)
    assert "không có quyền" in await member0.callback_answer(cq) or \
        "dành cho cấp ủy" in await member0.callback_answer(cq)

    # The officer of branch B sees only B and cannot change A.
    listing = await binh.ask("/members")
    assert "Chi bộ Thôn 4" in listing.text and "Nguyễn Văn Thành Viên" not in listing.text
    cq = await binh.press_data(f"mem:f:{someone.membership_id}:away",
                               message_id=listing.message_id)
    assert "dành cho cấp ủy" in await binh.callback_answer(cq)
    cq = await binh.press_data(f"mem:o:{someone.membership_id}", message_id=listing.message_id)
    assert "dành cho cấp ủy" in await binh.callback_answer(cq)
    after = await people.membership(live_bot.services.db, someone.membership_id)
    assert after is not None and not after.is_away


async def test_officer_manages_a_member_card(live_bot: Playground) -> None:
    from tests.factories import seed_branch

    seeded = await seed_branch(live_bot.services.db, live_bot.clock.now(), members=3)
    secretary = live_bot.emu.user(seeded.secretary[1], "Bí thư")
    listing = await secretary.ask("/members")
    assert "Chi bộ Thôn 3: 4 đảng viên" in listing.text
    await tap(secretary, "Đảng viên Số 001")
    assert "Đảng viên Số 001\nChi bộ: Chi bộ Thôn 3" in secretary.chat[-1].text
    toast = await tap(secretary, "đi làm ăn xa")
    assert "Đã cập nhật tình trạng của Đảng viên Số 001: đi làm ăn xa" in toast
    row = await people.member(live_bot.services.db, seeded.branch_id, seeded.members[0][0])
    assert row is not None and row.is_away
    assert "✓ đi làm ăn xa" in secretary.chat[-1].button_labels
    me = await live_bot.emu.user(seeded.members[0][1], "An").ask("/me")
    assert "Đảng viên Số 001" in me.text and "đi làm ăn xa" in me.text
