"""``chibo demo``: the real bot against the built-in emulator, printed as a transcript.

No token and no network: the emulator plays Telegram, scripted people play a
branch, and every message, button and tap is printed as it happens.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import re
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from docx import Document
from openpyxl import Workbook, load_workbook

from bot.core.clock import FakeClock
from bot.demo.console import hold_console
from bot.demo.duties import play_duties
from bot.demo.playground import Playground, playground, unpaced
from bot.demo.transcript import Transcript
from bot.demo.zalo import ZALO_TOKEN, play_zalo
from bot.texts import Texts, as_language
from emulator import FakeUser, Limits
from emulator.zalo import ZaloEmulator

# The demo starts on Tuesday 01/12/2026 08:00 in Hanoi.
DEMO_START = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
ADMIN_ID = 100


def _member_sheet() -> bytes:
    """The list a secretary would type in Excel: 6 members, one row with a bad date."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Họ và tên", "Ngày sinh", "Ngày vào Đảng", "Ngày chính thức", "Chức vụ",
                  "Điện thoại"])
    sheet.append(["Nguyễn Văn An", "12/03/1980", "19/05/2008", "19/05/2009", "Đảng viên",
                  "0912 345 678"])
    sheet.append(["Lê Thị Bình", "02/09/1985", "03/02/2015", "03/02/2016", "Đảng viên", ""])
    sheet.append(["Phạm Văn Cường", "31/02/1979", "19/05/2005", "", "Đảng viên", ""])
    sheet.append(["Hoàng Thị Dung", "20/10/1990", "07/03/2026", "", "Đảng viên", ""])
    sheet.append(["Vũ Văn Em", "01/01/1975", "01/01/2000", "01/01/2001", "Phó Bí thư", ""])
    sheet.append(["Đỗ Thị Gấm", "15/06/1988", "22/12/2012", "22/12/2013", "Đảng viên", ""])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def play(live_bot: Playground, out: TextIO, zalo: ZaloEmulator | None = None) -> None:
    tr = Transcript(live_bot, out)
    texts = Texts(as_language(live_bot.config.bot.language))  # the labels people see by default
    visitor = live_bot.emu.user(2999, "Khách")
    tr.section("Chào hỏi / Welcome")
    await tr.say(visitor, "/start")
    await tr.say(visitor, "/lang en")
    await tr.say(visitor, "/help")
    await tr.say(visitor, "/lang vi")

    tr.section("Quản trị tạo đơn vị / The admin creates the units")
    admin = live_bot.emu.user(ADMIN_ID, "Quản trị")
    [committee] = await tr.say(admin, "/newunit đảng ủy | Đảng ủy xã Tân Lập")
    committee_id = _unit_id(committee.text)
    [branch] = await tr.say(admin, f"/newunit chi bộ | Chi bộ Thôn 3 | {committee_id}")
    branch_id = _unit_id(branch.text)
    [link] = await tr.say(admin, f"/appoint {branch_id} | Trần Thị Hoa")

    tr.section("Bí thư tham gia bằng link cá nhân / The secretary joins with her link")
    hoa = live_bot.emu.user(3001, "Hoa")
    await join(tr, hoa, link.text.split("\n")[1])

    tr.section("Nhập danh sách đảng viên / Importing the member list")
    print(f"📎 {hoa.first_name} gửi tệp danh-sach.xlsx kèm chú thích /import", file=tr.out)
    await hoa.upload("danh-sach.xlsx", _member_sheet(), caption="/import")
    report = await hoa.next_message(timeout=10)
    while report.text.startswith(texts("import_progress", name="")[:-1].rstrip()):
        report = await hoa.next_message(timeout=10)
    tr.show(hoa, report)
    [links_message] = await tr.press(hoa, texts("import_confirm_valid", count=5))
    assert links_message.document is not None
    sheet = load_workbook(io.BytesIO(links_message.document.data)).active
    assert sheet is not None
    links = {str(r[0]): str(r[1]) for r in sheet.iter_rows(min_row=2, values_only=True)}

    tr.section("Đảng viên tham gia / Members join")
    an = live_bot.emu.user(4001, "An")
    binh = live_bot.emu.user(4002, "Bình")
    await join(tr, an, links["Nguyễn Văn An"])
    await join(tr, binh, links["Lê Thị Bình"], quiet=True)
    others = [live_bot.emu.user(4003 + i, name.split()[-1]) for i, name in enumerate(
        ["Hoàng Thị Dung", "Vũ Văn Em", "Đỗ Thị Gấm"])]
    for user, name in zip(others, ["Hoàng Thị Dung", "Vũ Văn Em", "Đỗ Thị Gấm"], strict=True):
        await join(tr, user, links[name], quiet=True)
    tr.note("Bình, Dung, Em, Gấm cũng tham gia bằng link của mình / also joined")
    await tr.say(an, "/members")
    await tr.say(an, "/me")

    tr.section("Lịch họp và giấy mời / Schedule and invitations")
    await tr.say(hoa, "/schedule ngày 10 19:30 | Nhà văn hóa thôn 3")
    await live_bot.settle()
    tr.note("01/12 08:00 — bot tạo cuộc họp tháng 12 và gửi giấy mời / the bot creates "
            "December's meeting and invites everyone")
    for user in (an, binh):
        await tr.inbox(user)
    for user in (hoa, *others):
        user.drain()
    await tr.press(an, texts("rsvp_attend"), replies=0)
    tr.show(an, an.chat[-1])
    await tr.press(binh, texts("rsvp_absent"))
    await tr.say(binh, "Đi công tác Hà Nội")
    for user in (hoa, *others[:2]):
        await user.callback_answer(await user.press(texts("rsvp_attend")))
    tr.note("Hoa, Dung, Em tham dự; Gấm chưa trả lời / Hoa, Dung and Em attend; Gấm has "
            "not answered")

    tr.section("Nhắc lịch / Reminders (07/12 19:30, three days before)")
    live_bot.clock.set(datetime(2026, 12, 7, 12, 31, tzinfo=UTC))  # type: ignore[attr-defined]
    await live_bot.settle()
    await tr.inbox(an)
    await tr.inbox(others[2])
    tr.note("Bình (vắng có lý do) không nhận nhắc / Bình, excused, gets none")
    binh.drain()
    live_bot.clock.set(datetime(2026, 12, 9, 12, 31, tzinfo=UTC))  # type: ignore[attr-defined]
    await live_bot.settle()
    await tr.inbox(hoa)

    tr.section("Điểm danh và biên bản / Roll call and minutes (10/12 21:00)")
    live_bot.clock.set(datetime(2026, 12, 10, 14, 0, tzinfo=UTC))  # type: ignore[attr-defined]
    await live_bot.settle()
    for user in (hoa, an, binh, *others):
        user.drain()
    await tr.say(hoa, "/attendance")
    await tr.press(hoa, texts("held_btn_type_times"))
    await tr.say(hoa, "19:30-21:15", replies=2)
    tr.note("Giờ họp thực tế: 105 phút / the actual length is what the rules check")
    await tr.press(hoa, texts("rollcall_close"), replies=0)
    tr.show(hoa, hoa.chat[-1])
    tr.note("Gấm chưa được điểm danh: bot hỏi lại trước khi chốt / Gấm is still unmarked: "
            "the bot asks before closing")
    await tr.press(hoa, texts("rollcall_btn_close_yes"), replies=0)
    tr.show(hoa, hoa.chat[-1])
    [minutes] = await tr.press(hoa, texts("held_btn_minutes"))
    if minutes.document is not None:
        tr.note(" / ".join(minutes_preview(minutes.document.data)))

    tr.section("Đảng phí và quy định 3 tháng / Dues and the 3-month rule")
    await play_rule24(tr, live_bot, hoa)

    tr.section("Sửa điểm danh đã chốt / Correcting a closed roll call")
    await correct_rollcall(tr, live_bot, hoa, texts)

    tr.section("Theo dõi hộ gia đình / Household duties")
    await play_duties(tr, live_bot, hoa, [an, binh, *others])

    tr.section("Sửa hồ sơ / Correcting a record")
    await correct_admission(tr, hoa, texts)

    if zalo is not None:
        await play_zalo(tr, zalo, hoa, int(branch_id))


async def correct_rollcall(tr: Transcript, live_bot: Playground, hoa: FakeUser,
                           texts: Texts) -> None:
    """Gấm had phoned in sick for 10/12: the secretary reopens the closed roll call with
    the reason, marks her excused, closes it again, and the warning is withdrawn."""
    hoa.drain()
    [choose] = await tr.say(hoa, "/attendance")
    await tr.press(hoa, choose.button_labels[0], replies=0)
    tr.show(hoa, hoa.chat[-1])
    await tr.press(hoa, texts("rollcall_btn_correct"))
    [_, roll] = await tr.say(hoa, "Đồng chí Gấm đã gọi điện báo ốm", replies=2)
    gam = next(b for b in hoa.chat[-1].button_labels if "Đỗ Thị Gấm" in b)
    await tr.press(hoa, gam, replies=0)  # unexcused -> present
    gam = next(b for b in hoa.chat[-1].button_labels if "Đỗ Thị Gấm" in b)
    await tr.press(hoa, gam)  # present -> excused: the reason is asked
    await tr.say(hoa, "Ốm")
    await tr.press(hoa, texts("rollcall_close"), replies=0)
    tr.show(hoa, next(m for m in hoa.chat if m.message_id == roll.message_id))
    await live_bot.settle()
    tr.note("Mỗi thay đổi được ghi nhật ký: ai, lúc nào, cũ → mới, lý do / every change is "
            "audited: who, when, old → new, why")
    await tr.inbox(hoa)


async def correct_admission(tr: Transcript, hoa: FakeUser, texts: Texts) -> None:
    """Dung's admission year was typed wrong: the secretary corrects it on her card, and
    her probation deadline follows at once."""
    hoa.drain()
    [listing] = await tr.say(hoa, "/members")
    label = next(b for b in listing.button_labels if "Hoàng Thị Dung" in b)
    await tr.press(hoa, label, replies=0)
    tr.show(hoa, hoa.chat[-1])
    await tr.press(hoa, texts("rec_btn_edit"), replies=0)
    tr.show(hoa, hoa.chat[-1])
    await tr.press(hoa, texts("rec_field_admitted_on"))
    await tr.say(hoa, "07/03/2025")
    await tr.say(hoa, "/report probation")


def _unit_id(text: str) -> str:
    """The id in "Đã tạo … (mã 3)" / "Created … (id 3)"."""
    match = re.search(r"\((?:mã|id) (\d+)\)", text)
    if match is None:
        raise AssertionError(f"no unit id in {text!r}")
    return match.group(1)


def _dues_sheet(names: list[str], month: str) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Họ và tên", "Tháng", "Số tiền"])
    for name in names:
        sheet.append([name, month, 20000])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def play_rule24(tr: Transcript, live_bot: Playground, hoa: FakeUser) -> None:
    """The branch brings in November (record start moved back), everyone but Gấm paid
    November's dues, and Gấm missed the 10/12 meeting without a word: after November's
    due day (10/12) the officers get one warning naming each month and its cause."""
    await tr.say(hoa, "/recordstart 01/11/2026")
    print(f"📎 {hoa.first_name} gửi tệp dang-phi.xlsx kèm chú thích /import", file=tr.out)
    paid = ["Trần Thị Hoa", "Nguyễn Văn An", "Lê Thị Bình", "Hoàng Thị Dung", "Vũ Văn Em"]
    await hoa.upload("dang-phi.xlsx", _dues_sheet(paid, "11/2026"), caption="/import")
    report = await hoa.next_message(timeout=10)
    done = Texts(as_language(live_bot.config.bot.language))("dimp_done", count=0, skipped=0)
    while not report.text.startswith(done.split(":")[0]):
        report = await hoa.next_message(timeout=10)
    tr.show(hoa, report)
    live_bot.clock.set(datetime(2026, 12, 11, 1, 0, tzinfo=UTC))  # type: ignore[attr-defined]
    await live_bot.settle()
    tr.note("11/12 08:00 — đảng phí tháng 11 quá hạn ngày 10/12 / November's dues fell "
            "due on 10/12")
    await tr.inbox(hoa)


async def join(tr: Transcript, user: FakeUser, link: str, *, quiet: bool = False) -> None:
    token = link.rsplit("=", 1)[1]
    confirm = Texts(as_language(tr.live_bot.config.bot.language))("invite_confirm")
    if quiet:
        await user.send(f"/start {token}")
        await user.next_message(timeout=10)
        await user.callback_answer(await user.press(confirm))
        return
    print(f"🔗 {user.first_name} mở link / opens {link[:40]}…", file=tr.out)
    await tr.say(user, f"/start {token}", replies=1)
    await user.callback_answer(await user.press(confirm))
    print(f"👆 {user.first_name} bấm/presses [{confirm}]", file=tr.out)
    tr.show(user, user.chat[-1])


async def run_demo(lang: str = "vi", out: TextIO | None = None,
                   database: str | None = None, console: str | None = None,
                   stop: asyncio.Event | None = None, *, paced: bool = True) -> int:
    """Play the script on a temporary SQLite file, or with ``database`` (the URL of an
    empty PostgreSQL database) on the server engine: the same product either way.

    With ``console`` (host:port) the officers' console listens there and stays open
    after the script until Ctrl-C (or ``stop``).

    ``paced=False`` plays the same script in seconds instead of a minute: replies are not
    paced per chat, nobody is asked to slow down and the emulator enforces no flood limit
    (``UNPACED``). For tests that read the script's figures; what pacing does is tested on
    its own (``tests/unit/test_reply_limiter.py``, ``benchmarks/budget.py``) and by the
    paced run of the demo."""
    stream = out or sys.stdout
    settings: dict[str, Any] = {"bot": {"admins": [ADMIN_ID], "language": lang}}
    if not paced:
        settings = unpaced(settings)
    if console is not None:
        settings["webapp"] = {"enabled": True, "listen": console}
    with tempfile.TemporaryDirectory(prefix="chibo-demo-") as tmp:
        clock = FakeClock(DEMO_START)
        zalo = ZaloEmulator(token=ZALO_TOKEN)
        await zalo.start()
        settings["zalo"] = {"enabled": True, "token": ZALO_TOKEN, "base_url": zalo.base_url,
                            "per_chat_interval_seconds": 0}
        async with contextlib.AsyncExitStack() as stack:
            stack.push_async_callback(zalo.stop)
            live_bot = await stack.enter_async_context(playground(
                database or Path(tmp) / "demo.sqlite3", clock=clock, settings=settings,
                limits=None if paced else Limits.off()))
            db = live_bot.services.db
            where = "SQLite" if db.engine == "sqlite" else f"PostgreSQL {db.location}"
            print(f"chibo demo: bot @{live_bot.services.bot_username} ↔ Bot API emulator at "
                  f"{live_bot.emu.base_url.rsplit('/', 1)[0]} and Zalo Bot API emulator at "
                  f"{zalo.base_url} (no token, no network); database: {where}", file=stream)
            await play(live_bot, stream, zalo)
            stats = live_bot.emu.stats
            print(f"\n✔ demo finished: {stats.sends} messages sent, {stats.edits} edits, "
                  f"{stats.rate_limited} rate-limited", file=stream)
            if console is not None:
                await hold_console(live_bot, stream, stop)
    return 0


def minutes_preview(data: bytes) -> list[str]:
    """The first lines of the .docx minutes, as the transcript shows them."""
    doc = Document(io.BytesIO(data))
    lines = [p.text for cell in doc.tables[0].rows[0].cells for p in cell.paragraphs]
    lines += [p.text for p in doc.paragraphs if p.text.strip()][:3]
    return [line for line in lines if line.strip() and line.strip() not in ("*", "—————")]
