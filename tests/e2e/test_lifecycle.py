"""The life of a branch as it really goes (issue 20, the flows), end to end through the
emulator with the injected clock: a roll call confirmed before it closes and corrected
after; late joiners invited and added at the roll call; transfers told and withdrawn;
past meetings entered after the fact; guests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.demo.playground import Playground
from storage import meetings as store
from tests.e2e.test_meetings_held import branch, drain, message, tap

# 05/12/2026 19:30 in Hanoi = 12:30 UTC.
DEC5 = datetime(2026, 12, 5, 12, 30, tzinfo=UTC)
SECRETARY = "Trần Thị Bí Thư"


async def audit_details(pg: Playground, action: str) -> list[str]:
    rows = await pg.services.db.fetch_all(
        "SELECT detail FROM audit_log WHERE action = ? ORDER BY id", (action,))
    return [str(r[0]) for r in rows]


async def held_meeting(pg: Playground, members: int):  # type: ignore[no-untyped-def]
    seeded, secretary, users = await branch(pg, members)
    await secretary.ask("/meeting 05/12/2026 19:30 | Hội trường | Nội dung tháng 12")
    await pg.settle()
    pg.clock.set(DEC5 + timedelta(hours=2))  # type: ignore[attr-defined]
    await pg.settle()
    drain([secretary, *users])
    return seeded, secretary, users


async def test_closing_asks_first_and_the_officer_starts_present(pg: Playground) -> None:
    """Finding 1: "Chốt điểm danh" at once recorded 0/5 present, the secretary herself
    among the absent, without asking."""
    seeded, secretary, _ = await held_meeting(pg, 4)
    roll = await secretary.ask("/attendance")
    assert f"✅ {SECRETARY}" in roll.button_labels
    assert "❌ Đảng viên Số 001" in roll.button_labels
    await tap(secretary, "📝 Chốt điểm danh", message_id=roll.message_id)
    asked = message(secretary, roll.message_id)
    assert "Còn 4 đồng chí chưa được ghi có mặt hay vắng có lý do" in asked.text
    assert "  - Đảng viên Số 004" in asked.text and SECRETARY not in asked.text
    [meeting] = await store.of_unit(pg.services.db, seeded.branch_id,
                                    states=("scheduled", "closed"))
    assert meeting.state == "scheduled"  # nothing closed yet
    await tap(secretary, "↩️ Quay lại điểm danh", message_id=roll.message_id)
    assert "📝 Chốt điểm danh" in message(secretary, roll.message_id).button_labels
    await tap(secretary, "📝 Chốt điểm danh", message_id=roll.message_id)
    await tap(secretary, "✅ Vẫn chốt", message_id=roll.message_id)
    closed = message(secretary, roll.message_id).text
    assert "Có mặt 1/5 đồng chí; vắng 4 đồng chí." in closed


async def test_a_closed_roll_call_is_corrected_with_a_reason_and_audited(
        pg: Playground) -> None:
    """Finding 1: on 11/06 the secretary learns that a member marked ❌ had phoned in
    sick; the closed roll call offered no way to change an entry."""
    seeded, secretary, _ = await held_meeting(pg, 2)
    roll = await secretary.ask("/attendance")
    await tap(secretary, "📝 Chốt điểm danh", message_id=roll.message_id)
    await tap(secretary, "✅ Vẫn chốt", message_id=roll.message_id)
    pg.clock.set(DEC5 + timedelta(days=20))  # type: ignore[attr-defined]
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
    [meeting] = await store.of_unit(pg.services.db, seeded.branch_id, states=("closed",))
    assert meeting.correction_reason is None
    changes = await audit_details(pg, "attendance.correct")
    assert [c.split(": ", 1)[1] for c in changes] == [
        "unexcused → present; lý do: Đồng chí Số 001 đã gọi điện báo ốm",
        "present → excused; lý do: Đồng chí Số 001 đã gọi điện báo ốm",
        "excused → excused (ốm); lý do: Đồng chí Số 001 đã gọi điện báo ốm",
    ]
    assert await audit_details(pg, "meeting.reopen") == [
        f"meeting {meeting.id}; lý do: Đồng chí Số 001 đã gọi điện báo ốm"]
