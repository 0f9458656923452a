"""The flows of a branch's life on real databases with the injected clock:
a roll call corrected after closing withdraws the 3-month warning it caused."""

from __future__ import annotations

from datetime import date

from bot.core.clock import FakeClock
from bot.core.hooks import MeetingCounts
from bot.core.services import Services
from bot.meetings import corrections, rollcall
from bot.reports import jobs
from storage.guests import GuestRow
from storage.meetings import AttendanceRow
from tests.factories import seed_branch
from tests.unit.test_figures import (
    at,
    held,
    months,
    pay,
    secretary_of,
    services,
    warnings_sent,
)

__all__ = ["services"]  # the fixture, shared with test_figures


async def test_a_corrected_roll_call_withdraws_the_flag_it_caused(
        services: Services, clock: FakeClock) -> None:
    """Cường, marked ❌ at three meetings, had phoned in sick for the last one;
    the correction withdraws the 🚩 with the existing notice."""
    clock.set(at(date(2026, 1, 5)))
    seeded = await seed_branch(services.db, clock.now(), members=2)
    cuong = seeded.members[0][0]
    everyone = [seeded.secretary[0], *(p for p, _ in seeded.members)]
    last = 0
    for month in range(1, 4):
        last = await held(services, seeded.branch_id, date(2026, month, 5),
                          {cuong: "unexcused"})
    clock.set(at(date(2026, 3, 6)))
    await pay(services, seeded.branch_id, everyone, months(2026, 1, 3))
    await jobs.due_work(services)
    [flag] = await warnings_sent(services)
    assert flag.startswith("🚩 Đồng chí Đảng viên Số 001 (Chi bộ Thôn 3) đã có 3 tháng")

    clock.set(at(date(2026, 3, 20)))
    secretary = secretary_of(seeded)
    await corrections.reopen(services, secretary, last, "Đã gọi điện báo ốm")
    await rollcall.set_reason(services, secretary, last, cuong, "ốm")
    assert len(await warnings_sent(services)) == 1  # nothing changes until it closes again
    await corrections.close(services, secretary, last)
    withdrawn = [s for s in (await warnings_sent(services))[1:] if s.startswith("✅")]
    assert len(withdrawn) == 1
    assert withdrawn[0].startswith("✅ Rút cảnh báo xem xét xóa tên: đồng chí Đảng viên Số 001 "
                                   "(Chi bộ Thôn 3) nay còn 2 tháng")


def test_a_follower_or_guest_who_does_not_come_is_khong_du() -> None:
    """A committee follower or a guest who did not come is "không dự" in the minutes,
    never "vắng không lý do", and never counted with the branch's members."""
    rows = [AttendanceRow(1, "Đảng Viên Một", "member", None, "present", None),
            AttendanceRow(2, "Đảng Viên Hai", "member", None, "unexcused", None),
            AttendanceRow(3, "Cấp Ủy Theo Dõi", "follower", None, "unexcused", None)]
    guests = [GuestRow(1, 9, "Nguyễn Văn Khách", "quần chúng ưu tú", None, None, False)]
    block = rollcall.minutes_block(rows, MeetingCounts(present=1, unexcused=1), "vi", guests)
    assert block.startswith("Có mặt 1/2 đồng chí; vắng 1 đồng chí.")
    assert "Vắng không có lý do (1):\n  - Đảng Viên Hai\n" in block
    assert "Đồng chí cấp ủy viên phụ trách chi bộ không dự: Cấp Ủy Theo Dõi." in block
    assert "Khách mời không dự: Nguyễn Văn Khách (quần chúng ưu tú)." in block
