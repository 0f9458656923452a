"""What officers saw go wrong in the figures, each as a scenario driven through
the domain services with the injected clock, on real database files. Each failed before
the one ledger (bot/reports/ledger.py) and passes now."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from openpyxl import load_workbook

from bot.core.access import Actor
from bot.core.clock import FakeClock
from bot.core.config import Config
from bot.core.services import Services
from bot.meetings import rollcall
from bot.meetings.service import create_meeting
from bot.members import dues
from bot.members.service import move_member, remove_member
from bot.reports import export, jobs, render, service
from bot.reports.scope import Scope
from bot.texts import Texts
from storage import followers as follower_store
from storage import people, units
from storage.db import Database
from tests.factories import SeededBranch, seed_branch
from tests.unit.test_figures import (
    TZ,
    add_member,
    at,
    branch_scope,
    held,
    months,
    pay,
    secretary_of,
)

VI = Texts("vi")


@pytest.fixture
def services(db: Database, clock: FakeClock) -> Services:
    return Services(config=Config(), db=db, clock=clock)


async def warnings_to(services: Services, chat_id: int) -> list[str]:
    rows = await services.db.fetch_all(
        "SELECT payload FROM outbox WHERE kind = 'warning' AND chat_id = ? ORDER BY id",
        (chat_id,))
    return [json.loads(r[0])["text"] for r in rows]


async def two_branches(services: Services) -> tuple[SeededBranch, SeededBranch]:
    thon5 = await seed_branch(services.db, services.clock.now(), members=1,
                              branch_name="Chi bộ Thôn 5")
    thon3 = await seed_branch(services.db, services.clock.now(), members=1,
                              committee_id=thon5.committee_id, branch_name="Chi bộ Thôn 3",
                              secretary_telegram_id=4100, first_telegram_id=5100)
    return thon5, thon3


# --- the 3-month rule does not stop at a branch's border ----------------------------


async def test_months_in_the_earlier_branch_count_after_a_transfer(
    services: Services, clock: FakeClock
) -> None:
    clock.set(at(date(2026, 1, 2)))
    thon5, thon3 = await two_branches(services)
    lan = await add_member(services, thon5.branch_id, "Mai Thị Lan", clock.now())
    await held(services, thon5.branch_id, date(2026, 1, 15), {lan: "unexcused"})
    await held(services, thon5.branch_id, date(2026, 2, 15), {lan: "unexcused"})
    clock.set(at(date(2026, 2, 16)))
    await jobs.due_work(services)
    [warned] = await warnings_to(services, thon5.secretary[1])
    assert warned.startswith("⚠️ Đồng chí Mai Thị Lan (Chi bộ Thôn 5) đã có 2 tháng")
    clock.set(at(date(2026, 3, 1)))
    row = await people.member(services.db, thon5.branch_id, lan)
    assert row is not None
    await move_member(services, secretary_of(thon5), row.membership_id, thon3.branch_id)
    await held(services, thon3.branch_id, date(2026, 3, 10), {lan: "unexcused"})
    clock.set(at(date(2026, 3, 11)))
    await jobs.due_work(services)
    # The receiving branch is told, with the months brought from the earlier branch.
    [flagged] = await warnings_to(services, thon3.secretary[1])
    assert flagged.startswith("🚩 Đồng chí Mai Thị Lan (Chi bộ Thôn 3) đã có 3 tháng")
    assert ("01/2026 (Chi bộ Thôn 5): vắng không lý do buổi 15/01 · "
            "02/2026 (Chi bộ Thôn 5): vắng không lý do buổi 15/02 · "
            "03/2026 (Chi bộ Thôn 3): vắng không lý do buổi 10/03") in flagged
    assert len(await warnings_to(services, thon5.secretary[1])) == 1  # she left Thôn 5
    report = await service.compute_year(services, await branch_scope(services,
                                                                     thon3.branch_id), 2026)
    mine = next(m for m in report.members if m.person_id == lan)
    assert mine.violation_months == ["2026-01", "2026-02", "2026-03"] and mine.level == "flag"
    assert (mine.unexcused, mine.counted_invited) == (1, 1)  # Thôn 3's own meetings
    officer = Actor(telegram_user_id=thon3.secretary[1], person_id=thon3.secretary[0],
                    branch_roles={thon3.branch_id: "secretary"})
    member = await service.member_report(services, officer, None, "Mai Thị Lan", 2026)
    text = render.member_text(member, VI, TZ)
    assert "(3)" in text and "01/2026 (Chi bộ Thôn 5)" in text
    assert text.count("vắng không lý do") >= 3  # the three meetings, each listed


# --- December warns in January ------------------------------------------------------


async def test_november_and_december_unpaid_warn_on_the_day_after_decembers_due_day(
    services: Services, clock: FakeClock
) -> None:
    clock.set(at(date(2026, 1, 5)))
    seeded = await seed_branch(services.db, clock.now(), members=2)
    binh = seeded.members[0][0]
    others = [seeded.secretary[0], seeded.members[1][0]]
    await pay(services, seeded.branch_id, [binh, *others], months(2026, 1, 10))
    await pay(services, seeded.branch_id, others, months(2026, 11, 12))
    clock.set(at(date(2027, 1, 10), 9))  # December's due day: not unpaid yet
    await jobs.due_work(services)
    assert await warnings_to(services, seeded.secretary[1]) == []
    clock.set(at(date(2027, 1, 11), 9))
    await jobs.due_work(services)
    [warned] = await warnings_to(services, seeded.secretary[1])
    assert warned.startswith("⚠️ Đồng chí Đảng viên Số 001 (Chi bộ Thôn 3) đã có 2 tháng "
                             "trong năm 2026")
    assert "11/2026: chưa đóng đảng phí · 12/2026: chưa đóng đảng phí" in warned
    assert jobs.years_under_review(date(2027, 1, 11), 10) == [2026, 2027]
    assert jobs.years_under_review(date(2027, 1, 12), 10) == [2027]


# --- one rate; members who left stay in their year -----------------


async def test_the_year_report_and_the_branches_report_give_one_rate(
    services: Services, clock: FakeClock
) -> None:
    clock.set(at(date(2026, 1, 5)))
    seeded = await seed_branch(services.db, clock.now(), members=3)
    gone = seeded.members[2][0]
    for month in (1, 2, 3):
        await held(services, seeded.branch_id, date(2026, month, 10), {gone: "unexcused"})
    clock.set(at(date(2026, 4, 2)))
    row = await people.member(services.db, seeded.branch_id, gone)
    assert row is not None
    await remove_member(services, secretary_of(seeded), row.membership_id)
    await held(services, seeded.branch_id, date(2026, 4, 10))
    clock.set(at(date(2027, 1, 12)))
    scope = await branch_scope(services, seeded.branch_id)
    year = await service.compute_year(services, scope, 2026)
    year.branches = await service.compute_branches(services, scope, 2026)
    text = render.year_text(year, VI)
    [branch] = year.branches
    assert "Tỷ lệ dự họp: 12/15 lượt (80,0%)" in text
    assert (branch.counted_present, branch.counted_invited) == (12, 15)
    branches = render.branches_text(scope.label, 2026, year.branches, VI)
    assert "Dự họp: 12/15 (80,0%)" in branches
    # Struck off in April, she stays in the year that justified it, with her months.
    line = next(x for x in text.split("\n") if "Đảng viên Số 003" in x and "—" in x)
    assert "0/0/3" in line and "🚩" in line and "đã xóa tên ngày 02/04/2026" in line


# --- a meeting whose roll call was never taken is not held -------------------------


async def test_meetings_without_a_closed_roll_call_are_not_confirmed_in_every_view(
    services: Services, clock: FakeClock
) -> None:
    clock.set(at(date(2026, 1, 5)))
    seeded = await seed_branch(services.db, clock.now(), members=2)
    officer = secretary_of(seeded)
    for month in (1, 2, 3):
        clock.set(at(date(2026, month, 6)))
        await create_meeting(services, officer, unit_id=seeded.branch_id, kind="regular",
                             starts_at=at(date(2026, month, 10), 19, 30), place=None,
                             agenda=None)
    clock.set(at(date(2026, 4, 2)))
    scope = await branch_scope(services, seeded.branch_id)
    [branch] = await service.compute_branches(services, scope, 2026)
    text = render.branches_text(scope.label, 2026, [branch], VI)
    assert "Sinh hoạt thường kỳ: 0/3 tháng; thiếu: 01/2026, 02/2026, 03/2026" in text
    assert ("Chưa xác nhận (chưa chốt điểm danh, không tính là đã họp): 3 buổi — "
            "10/01/2026, 10/02/2026, 10/03/2026") in text
    assert "Dự họp: 0/0" in text
    heat = await export.heatmap_data(services, Scope([await units.get_unit(
        services.db, seeded.branch_id)], None, ""), 2026)  # type: ignore[list-item]
    assert heat.unconfirmed == {(0, 0), (0, 1), (0, 2)} and heat.missing >= {(0, 0)}
    book = await service.book_of(services, scope, 2026)
    states = [r[6] for r in export.meeting_rows(book, scope)]
    assert states == ["unconfirmed"] * 3
    assert VI("xl_state_unconfirmed") == "chưa xác nhận"
    mine = [s.outcome for s in book.seats if s.person_id == seeded.members[0][0]]
    assert mine == ["unconfirmed"] * 3
    report = await service.compute_year(services, scope, 2026)
    assert all(m.level == "ok" and m.unexcused == 0 for m in report.members)


# --- the current month is not missing before it ends -------------------


async def test_the_current_month_is_not_due_until_it_is_over(
    services: Services, clock: FakeClock
) -> None:
    clock.set(at(date(2026, 1, 5)))
    seeded = await seed_branch(services.db, clock.now(), members=1)
    for month in (1, 2, 3, 4, 6):
        await held(services, seeded.branch_id, date(2026, month, 5))
    clock.set(at(date(2026, 7, 1)))
    scope = await branch_scope(services, seeded.branch_id)
    [branch] = await service.compute_branches(services, scope, 2026)
    text = render.branches_text(scope.label, 2026, [branch], VI)
    assert "Sinh hoạt thường kỳ: 5/6 tháng; thiếu: 05/2026, tháng 7 chưa đến hạn" in text
    await held(services, seeded.branch_id, date(2026, 7, 1))
    [branch] = await service.compute_branches(services, scope, 2026)
    text = render.branches_text(scope.label, 2026, [branch], VI)
    assert "Sinh hoạt thường kỳ: 6/7 tháng; thiếu: 05/2026" in text
    assert "chưa đến hạn" not in text


# --- the dues card and /me follow the rule ------------------------------------------


async def test_a_member_who_joined_on_0112_owes_nothing_before_and_nothing_not_yet_due(
    services: Services, clock: FakeClock
) -> None:
    clock.set(at(date(2026, 1, 5)))
    seeded = await seed_branch(services.db, clock.now(), members=1)
    clock.set(at(date(2026, 12, 1)))
    newcomer = await add_member(services, seeded.branch_id, "Lê Văn Mới", clock.now(), 6100)
    clock.set(at(date(2026, 12, 2)))
    row = await people.member(services.db, seeded.branch_id, newcomer)
    assert row is not None
    card = await dues.card(services, secretary_of(seeded), row.membership_id)
    assert card.months_in("paid", "unpaid", "unrecorded") == []
    assert card.months_in("not_due") == ["2026-12"]
    clock.set(at(date(2027, 2, 3)))
    mine = await dues.my_dues(services, Actor(telegram_user_id=6100, person_id=newcomer))
    assert (mine.paid, mine.unpaid, mine.not_due) == ([], [], ["2027-01", "2027-02"])
    clock.set(at(date(2027, 2, 11)))
    mine = await dues.my_dues(services, Actor(telegram_user_id=6100, person_id=newcomer))
    assert (mine.unpaid, mine.not_due) == (["2027-01"], ["2027-02"])


# --- a follower who does not come is "không dự" --------------------------


async def test_a_follower_who_did_not_come_is_not_attending_in_the_export(
    services: Services, clock: FakeClock
) -> None:
    clock.set(at(date(2026, 1, 5)))
    seeded = await seed_branch(services.db, clock.now(), members=1)
    async with services.db.transaction() as conn:
        follower = await people.add_person(conn, full_name="Lê Văn Phụ Trách",
                                           name_key="lê văn phụ trách", now=clock.now())
        await follower_store.start(conn, person_id=follower, unit_id=seeded.branch_id,
                                   now=clock.now())
    officer = secretary_of(seeded)
    for month in (1, 2):
        clock.set(at(date(2026, month, 6)))
        meeting = await create_meeting(services, officer, unit_id=seeded.branch_id,
                                       kind="regular",
                                       starts_at=at(date(2026, month, 10), 19, 30),
                                       place=None, agenda=None)
        assert meeting is not None
        clock.set(at(date(2026, month, 10), 21))
        await rollcall.open_rollcall(services, officer, meeting.id)
        await rollcall.close_rollcall(services, officer, meeting.id)
    made = await export.export(services, officer, None, 2026, VI)
    sheet = load_workbook(io.BytesIO(made.workbook))[VI("xl_sheet_attendance")]
    statuses = [(r[2], r[5]) for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert ("Lê Văn Phụ Trách", "không dự") in statuses
    assert ("Lê Văn Phụ Trách", "vắng không lý do") not in statuses


# --- item 4: officers are reminded of meetings not confirmed ----------------------------------


async def test_officers_are_reminded_the_next_morning_and_three_days_later(
    services: Services, clock: FakeClock
) -> None:
    clock.set(at(date(2026, 3, 1)))
    seeded = await seed_branch(services.db, clock.now(), members=1)
    meeting = await create_meeting(services, secretary_of(seeded), unit_id=seeded.branch_id,
                                   kind="regular", starts_at=at(date(2026, 3, 10), 19, 30),
                                   place=None, agenda=None)
    assert meeting is not None
    sent: list[int] = []
    for day, hour in ((10, 22), (11, 6), (11, 7), (11, 9), (12, 8), (13, 7), (14, 8)):
        clock.set(at(date(2026, 3, day), hour))
        await jobs.due_work(services)
        # A restart (new services on the same database) never repeats a reminder.
        await jobs.due_work(Services(config=Config(), db=services.db, clock=clock))
        sent.append(len(await warnings_to(services, seeded.secretary[1])))
    assert sent == [0, 0, 1, 1, 1, 2, 2]
    first, again = await warnings_to(services, seeded.secretary[1])
    assert first == ("📝 Buổi sinh hoạt (thường kỳ) ngày 10/03/2026 của Chi bộ Thôn 3 chưa "
                     "chốt điểm danh nên chưa được xác nhận và không được tính là đã họp. Xin "
                     "vào /attendance để ghi nhận và chốt điểm danh.")
    assert again.startswith("📝 Nhắc lại: buổi sinh hoạt (thường kỳ) ngày 10/03/2026")


async def test_a_roll_call_reopened_for_a_correction_stays_held_and_is_not_reminded(
    services: Services, clock: FakeClock
) -> None:
    from bot.meetings import corrections

    clock.set(at(date(2026, 3, 1)))
    seeded = await seed_branch(services.db, clock.now(), members=1)
    officer = secretary_of(seeded)
    meeting = await create_meeting(services, officer, unit_id=seeded.branch_id,
                                   kind="regular", starts_at=at(date(2026, 3, 10), 19, 30),
                                   place=None, agenda=None)
    assert meeting is not None
    clock.set(at(date(2026, 3, 10), 21))
    await rollcall.open_rollcall(services, officer, meeting.id)
    await rollcall.close_rollcall(services, officer, meeting.id)
    clock.set(at(date(2026, 3, 12), 9))
    await corrections.reopen(services, officer, meeting.id, "Cường đã gọi điện báo ốm")
    clock.set(at(date(2026, 3, 14), 9))
    await jobs.due_work(services)
    assert await warnings_to(services, seeded.secretary[1]) == []  # not "unconfirmed"
    scope = await branch_scope(services, seeded.branch_id)
    [branch] = await service.compute_branches(services, scope, 2026)
    assert branch.regular_by_month["2026-03"] == 1 and branch.unconfirmed == []
