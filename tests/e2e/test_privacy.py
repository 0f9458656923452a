"""Privacy: personal data never reaches a group chat; report views are audited and the
committee can read the log; a member's data can be exported and erased."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from bot.demo.playground import Playground
from emulator import FakeUser
from storage import people
from tests.engines import database_line
from tests.factories import seed_branch

REASON = "Đi khám bệnh ở Bệnh viện Bạch Mai"
PHONE = "0912345678"


async def tap(user: FakeUser, label: str, message_id: int | None = None) -> str:
    return await user.callback_answer(await user.press(label, message_id=message_id))


async def cli(*args: str) -> str:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await proc.communicate()
    assert proc.returncode == 0, err.decode()
    return out.decode()


async def test_personal_data_never_reaches_the_group(live_bot: Playground) -> None:
    seeded = await seed_branch(live_bot.services.db, live_bot.clock.now(), members=3)
    await live_bot.services.db.execute("UPDATE people SET phone = ? WHERE id = ?",
                                 (PHONE, seeded.members[0][0]))
    secretary = live_bot.emu.user(seeded.secretary[1], "Bí thư")
    members = [live_bot.emu.user(tg, f"ĐV{i}") for i, (_, tg) in enumerate(seeded.members)]
    for user in members:
        await user.ask("/help")
    group = live_bot.emu.group(-100777, "Chi bộ Thôn 3")
    await group.send(secretary, "/linkgroup")
    await group.next_message()
    await secretary.ask("/meeting 05/12/2026 19:30 | Hội trường | Tháng 12")
    await live_bot.settle()
    await tap(members[0], "❌ Vắng (có lý do)")
    await members[0].next_message()
    await members[0].ask(REASON)
    await tap(members[1], "✅ Tham dự")
    secretary.drain()
    await secretary.ask("/broadcast Họp bàn kế hoạch xây dựng nhà văn hóa")
    await live_bot.settle()
    secretary.drain()
    listing = await secretary.ask("/meetings")
    await tap(secretary, "🔁 Dời lịch #1", message_id=listing.message_id)
    await secretary.next_message()
    await secretary.ask("06/12/2026 19:30")
    await live_bot.settle()
    await live_bot.settle()
    secretary.drain()
    posted = "\n".join(m.text for m in group.chat)
    assert "GIẤY MỜI" in posted and "ĐỔI LỊCH" in posted and "nhà văn hóa" in posted
    for secret in (REASON, PHONE, "Vắng", "lý do:", "Đảng viên Số 001"):
        assert secret not in posted, secret
    # The officers still see the reason, privately.
    report = await secretary.ask("/report meeting")
    assert "Báo cáo cuộc họp" in report.text


async def test_audit_log_is_written_and_read_by_the_committee(live_bot: Playground) -> None:
    seeded = await seed_branch(live_bot.services.db, live_bot.clock.now(), members=2)
    secretary = live_bot.emu.user(seeded.secretary[1], "Bí thư")
    await secretary.ask("/report probation")
    await secretary.ask("/report year")
    assert "dành cho cấp ủy viên đảng ủy" in (await secretary.ask("/audit")).text
    async with live_bot.services.db.transaction() as conn:
        pid = await people.add_person(conn, full_name="Lê Văn Thường Trực",
                                      name_key="lê văn thường trực", now=live_bot.clock.now())
        await people.bind_telegram(conn, pid, 6001)
        await people.add_committee_officer(conn, pid, seeded.committee_id, "standing",
                                           live_bot.clock.now())
    officer = live_bot.emu.user(6001, "Thường trực")
    log = await officer.ask("/audit")
    assert "Nhật ký truy cập" in log.text
    assert "Trần Thị Bí Thư — Xem báo cáo đảng viên dự bị — Chi bộ Thôn 3" in log.text
    assert "Trần Thị Bí Thư — Xem báo cáo năm — Chi bộ Thôn 3" in log.text
    assert "report." not in log.text


async def test_member_data_export_and_erase(live_bot: Playground, tmp_path: Path) -> None:
    seeded = await seed_branch(live_bot.services.db, live_bot.clock.now(), members=2)
    person_id, tg = seeded.members[0]
    await live_bot.services.db.execute("UPDATE people SET phone = ? WHERE id = ?",
                                       (PHONE, person_id))
    secretary = live_bot.emu.user(seeded.secretary[1], "Bí thư")
    member = live_bot.emu.user(tg, "An")
    await member.ask("/help")
    await secretary.ask("/meeting 05/12/2026 19:30 | Hội trường | Tháng 12")
    await live_bot.settle()
    await tap(member, "❌ Vắng (có lý do)")
    await member.next_message()
    await member.ask(REASON)

    # The officer's button: the member's data as a JSON file, in the officer's private chat.
    secretary.drain()
    await secretary.ask("/members")
    await tap(secretary, "Đảng viên Số 001")
    secretary.drain()
    await tap(secretary, "📤 Xuất dữ liệu cá nhân")
    exported = await secretary.next_message()
    assert exported.document is not None
    data = json.loads(exported.document.data)
    assert data["person"]["phone"] == PHONE
    assert data["invitations"][0]["reason"] == REASON

    # The command line: export, then erase.
    config = tmp_path / "operator.toml"
    config.write_text(f"[database]\n{database_line(live_bot)}\n", encoding="utf-8")
    out = json.loads(await cli("member", "export", "--person", str(person_id),
                               "--config", str(config)))
    assert out["person"]["full_name"] == "Đảng viên Số 001"
    assert out["invitations"][0]["reason"] == REASON
    said = await cli("member", "erase", "--person", str(person_id), "--yes",
                     "--config", str(config))
    assert "Đảng viên Số 001" in said
    row = await live_bot.services.db.fetch_one(
        "SELECT phone, birth_date, telegram_user_id, erased_at FROM people WHERE id = ?",
        (person_id,))
    assert row is not None and tuple(row)[:3] == (None, None, None) and row[3] is not None
    assert await live_bot.services.db.fetch_value(
        "SELECT reason FROM invitations WHERE person_id = ?", (person_id,)) is None
    kept = await live_bot.services.db.fetch_all(
        "SELECT payload FROM outbox WHERE person_id = ? AND state = 'sent'", (person_id,))
    assert kept and all(REASON not in r[0] and "Đảng viên Số 001" not in r[0] for r in kept)
    member.drain()
    assert "chưa tham gia chi bộ nào" in (await member.ask("/me")).text
