"""Figures that are never wrong: worked examples with the injected clock moved
through 2026–2027, on real SQLite files. Each test is one line of "What was seen"."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.core.access import Actor
from bot.core.clock import FakeClock
from bot.core.config import Config
from bot.core.errors import Invalid
from bot.core.services import Services
from bot.meetings import rollcall
from bot.meetings.service import create_meeting
from bot.members import dues, followers
from bot.members.service import recognise_official, remove_member
from bot.reports import jobs, render, service
from bot.reports.export import heatmap_data, render_heatmap
from bot.reports.record import set_record_start
from bot.reports.scope import Scope
from bot.texts import Texts
from storage import meetings, people, units
from storage.db import Database
from tests.factories import SeededBranch, seed_branch
from tests.history import seed_history

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
VI = Texts("vi")


def at(day: date, hour: int = 8, minute: int = 0) -> datetime:
    """A local time in Hanoi, as an aware instant."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


@pytest.fixture
def services(db: Database, clock: FakeClock) -> Services:
    return Services(config=Config(), db=db, clock=clock)


def secretary_of(seeded: SeededBranch) -> Actor:
    return Actor(telegram_user_id=seeded.secretary[1], person_id=seeded.secretary[0],
                 branch_roles={seeded.branch_id: "secretary"})


async def add_member(services: Services, unit_id: int, name: str, when: datetime,
                     telegram_id: int | None = None, *, admitted: date | None = date(2010, 1, 1),
                     official: date | None = date(2011, 1, 1)) -> int:
    async with services.db.transaction() as conn:
        pid = await people.add_person(conn, full_name=name, name_key=name.casefold(), now=when)
        await people.add_membership(conn, person_id=pid, unit_id=unit_id, now=when,
                                    admitted_on=admitted, official_on=official)
        if telegram_id is not None:
            await people.bind_telegram(conn, pid, telegram_id)
    return pid


async def held(services: Services, unit_id: int, day: date,
               statuses: dict[int, str] | None = None, kind: str = "regular") -> int:
    """A closed meeting at 19:30 on ``day``: every member of the branch at that time is
    invited; present unless ``statuses`` says otherwise."""
    starts = at(day, 19, 30)
    async with services.db.transaction() as conn:
        mid = await meetings.create(conn, unit_id=unit_id, kind=kind, starts_at=starts,
                                    duration_min=90, place="Hội trường", agenda="Nội dung",
                                    created_by=None, now=starts - timedelta(days=10))
        assert mid is not None
        members = await people.members_of(services.db, unit_id)
        await meetings.invite(conn, mid, [(m.person_id, "member", m.standing)
                                          for m in members])
        await meetings.put_attendance(
            conn, mid, [(m.person_id, (statuses or {}).get(m.person_id, "present"), None)
                        for m in members], None, starts, overwrite=True)
        await meetings.set_state(conn, mid, "closed", starts + timedelta(hours=2))
    return mid


async def pay(services: Services, unit_id: int, person_ids: list[int],
              periods: list[str]) -> None:
    from storage import dues as dues_store

    async with services.db.transaction() as conn:
        await dues_store.record(conn, [(p, unit_id, period, 20_000) for p in person_ids
                                       for period in periods], services.clock.now(), None)


async def warnings_sent(services: Services) -> list[str]:
    rows = await services.db.fetch_all(
        "SELECT payload FROM outbox WHERE kind = 'warning' ORDER BY id")
    return [json.loads(r[0])["text"] for r in rows]


async def branch_scope(services: Services, unit_id: int) -> Scope:
    unit = await units.get_unit(services.db, unit_id)
    assert unit is not None
    return Scope([unit], None, unit.name)


def months(year: int, first: int, last: int) -> list[str]:
    return [f"{year}-{m:02d}" for m in range(first, last + 1)]


# --- membership periods and dues months --------------------------------------------------------


async def a_branch_recording_since_january(services: Services) -> SeededBranch:
    """A branch created on 05/01/2026 (recording from 01/01/2026), three members and the
    secretary, a meeting a month and every month's dues paid until November."""
    clock = services.clock
    assert isinstance(clock, FakeClock)
    clock.set(at(date(2026, 1, 5)))
    seeded = await seed_branch(services.db, clock.now(), members=3)
    everyone = [seeded.secretary[0]] + [p for p, _ in seeded.members]
    for month in range(1, 12):
        await held(services, seeded.branch_id, date(2026, month, 5))
    await pay(services, seeded.branch_id, everyone, months(2026, 1, 11))
    return seeded


async def test_a_member_who_joined_on_0112_is_never_flagged_for_earlier_months(
    services: Services, clock: FakeClock
) -> None:
    seeded = await a_branch_recording_since_january(services)
    clock.set(at(date(2026, 12, 1)))
    binh = await add_member(services, seeded.branch_id, "Lê Thị Bình", clock.now())
    for day in (date(2026, 12, 2), date(2026, 12, 3), date(2027, 1, 11)):
        clock.set(at(day, 9))
        await jobs.due_work(services)
    assert await warnings_sent(services) == []
    report = await service.compute_year(services, await branch_scope(services,
                                                                     seeded.branch_id), 2026)
    mine = next(m for m in report.members if m.person_id == binh)
    assert mine.violation_months == [] and mine.level == "ok"


async def test_december_is_not_unpaid_on_0312_when_someone_paid_it_on_0212(
    services: Services, clock: FakeClock
) -> None:
    seeded = await a_branch_recording_since_january(services)
    clock.set(at(date(2026, 12, 2)))
    await pay(services, seeded.branch_id, [seeded.members[0][0]], ["2026-12"])
    clock.set(at(date(2026, 12, 3)))
    await jobs.due_work(services)
    scope = await branch_scope(services, seeded.branch_id)
    report = await service.compute_year(services, scope, 2026)
    assert all("2026-12" not in m.unpaid_months for m in report.members)
    assert all(m.level == "ok" for m in report.members)
    assert await warnings_sent(services) == []
    # December's dues fall due after 10/01/2027; in January they can be recorded by tap.
    clock.set(at(date(2027, 1, 11)))
    report = await service.compute_year(services, scope, 2026)
    unpaid = {m.full_name: m.unpaid_months for m in report.members}
    assert unpaid["Đảng viên Số 001"] == []
    assert unpaid["Đảng viên Số 002"] == ["2026-12"]
    second = await people.member(services.db, seeded.branch_id, seeded.members[1][0])
    assert second is not None
    card = await dues.toggle(services, secretary_of(seeded), second.membership_id, "2026-12")
    assert card.year == 2026 and "2026-12" in card.paid


async def test_causes_listed_at_2_and_3_and_the_flag_withdrawn_when_dues_are_recorded(
    services: Services, clock: FakeClock
) -> None:
    clock.set(at(date(2026, 1, 5)))
    seeded = await seed_branch(services.db, clock.now(), members=2)
    cuong = seeded.members[0][0]
    others = [seeded.secretary[0], seeded.members[1][0]]
    for month in range(1, 5):
        await held(services, seeded.branch_id, date(2026, month, 5),
                   {cuong: "unexcused"} if month in (3, 4) else None)
    clock.set(at(date(2026, 4, 6)))
    await pay(services, seeded.branch_id, [*others, cuong], months(2026, 1, 4))
    await jobs.due_work(services)
    sent = await warnings_sent(services)
    assert len(sent) == 1
    assert sent[0].startswith("⚠️ Đồng chí Đảng viên Số 001 (Chi bộ Thôn 3) đã có 2 tháng")
    assert ("03/2026: vắng không lý do buổi 05/03 · 04/2026: vắng không lý do buổi 05/04"
            in sent[0])
    # May: held, present, but his dues stay unpaid while the others pay.
    await held(services, seeded.branch_id, date(2026, 5, 5))
    await pay(services, seeded.branch_id, others, ["2026-05"])
    clock.set(at(date(2026, 6, 10)))  # due day: not yet unpaid
    await jobs.due_work(services)
    assert len(await warnings_sent(services)) == 1
    clock.set(at(date(2026, 6, 11)))
    await jobs.due_work(services)
    sent = await warnings_sent(services)
    assert len(sent) == 2
    assert sent[1].startswith("🚩 Đồng chí Đảng viên Số 001 (Chi bộ Thôn 3) đã có 3 tháng")
    assert ("03/2026: vắng không lý do buổi 05/03 · 04/2026: vắng không lý do buổi 05/04 · "
            "05/2026: chưa đóng đảng phí") in sent[1]
    assert "Quy định 24-QĐ/TW" in sent[1]
    # The treasurer records May's dues late: the flag is withdrawn at once, with a notice.
    membership = await people.member(services.db, seeded.branch_id, cuong)
    assert membership is not None
    await dues.toggle(services, secretary_of(seeded), membership.membership_id, "2026-05")
    sent = await warnings_sent(services)
    assert len(sent) == 3
    assert sent[2].startswith("✅ Rút cảnh báo xem xét xóa tên: đồng chí Đảng viên Số 001")
    assert "nay còn 2 tháng" in sent[2]
    assert "Còn lại: 03/2026: vắng không lý do buổi 05/03 · 04/2026" in sent[2]
    # Nothing more the next day: the warning at 2 still stands, once.
    clock.set(at(date(2026, 6, 12)))
    await jobs.due_work(services)
    assert len(await warnings_sent(services)) == 3
    # And it is never counted twice: a month with both causes is one month.
    report = await service.compute_year(services, await branch_scope(services,
                                                                     seeded.branch_id), 2026)
    mine = next(m for m in report.members if m.person_id == cuong)
    assert mine.violation_months == ["2026-03", "2026-04"]


async def test_one_month_with_both_causes_counts_once(services: Services,
                                                      clock: FakeClock) -> None:
    clock.set(at(date(2026, 1, 5)))
    seeded = await seed_branch(services.db, clock.now(), members=2)
    an = seeded.members[0][0]
    await held(services, seeded.branch_id, date(2026, 3, 5), {an: "unexcused"})
    await pay(services, seeded.branch_id, [seeded.members[1][0]], ["2026-03"])
    clock.set(at(date(2026, 5, 1)))
    report = await service.compute_year(services, await branch_scope(services,
                                                                     seeded.branch_id), 2026)
    mine = next(m for m in report.members if m.person_id == an)
    assert mine.violation_months == ["2026-03"] and mine.level == "ok"
    assert render.causes_text(mine, "vi") == ("03/2026: vắng không lý do buổi 05/03, "
                                              "chưa đóng đảng phí")


# --- the record start --------------------------------------------------------------------------


async def test_a_branch_recording_from_0112_has_no_missing_month_before_it(
    services: Services, clock: FakeClock
) -> None:
    seeded = await seed_branch(services.db, clock.now(), members=2)  # created 01/12/2026
    await held(services, seeded.branch_id, date(2026, 12, 5))
    clock.set(at(date(2027, 1, 2)))
    scope = await branch_scope(services, seeded.branch_id)
    rows = await service.compute_branches(services, scope, 2026)
    assert rows[0].missing_months == [] and rows[0].missing_quarters == []
    assert rows[0].no_data_months == months(2026, 1, 11)
    assert rows[0].regular_by_month == {"2026-12": 1}
    text = render.branches_text(scope.label, 2026, rows, VI)
    assert "Sinh hoạt thường kỳ: 1/1 tháng; thiếu: —" in text
    assert "Ghi nhận từ 01/12/2026; 01/2026 – 11/2026: — (chưa có dữ liệu)" in text
    # Q4 began before the record: shown, never judged missing; earlier quarters no data.
    assert "Chuyên đề theo quý: Q1:— Q2:— Q3:— Q4:0; thiếu: —" in text


async def test_moving_the_record_start_back_brings_in_history(
    services: Services, clock: FakeClock
) -> None:
    seeded = await seed_branch(services.db, clock.now(), members=2)  # created 01/12/2026
    clock.set(at(date(2026, 12, 20)))
    late = await add_member(services, seeded.branch_id, "Người Đến Sau", clock.now())
    unit, moved = await set_record_start(services, secretary_of(seeded), date(2026, 1, 1))
    assert unit.record_start == date(2026, 1, 1)
    assert moved == 3  # the secretary and the two members there from the start; not the late one
    for month in range(1, 12):
        await held(services, seeded.branch_id, date(2026, month, 5))
    scope = await branch_scope(services, seeded.branch_id)
    rows = await service.compute_branches(services, scope, 2026)
    assert rows[0].no_data_months == [] and rows[0].missing_months == []
    report = await service.compute_year(services, scope, 2026)
    by_id = {m.person_id: m for m in report.members}
    assert by_id[seeded.members[0][0]].present == 11
    assert by_id[late].present == 0 and by_id[late].counted_invited == 0
    with pytest.raises(Invalid):
        await set_record_start(services, secretary_of(seeded), date(2026, 1, 15))


async def test_a_committee_moving_back_brings_its_branches_along(
    services: Services, clock: FakeClock
) -> None:
    first = await seed_branch(services.db, clock.now(), members=1)
    second = await seed_branch(services.db, clock.now(), members=1, committee_id=first.committee_id,
                               branch_name="Chi bộ Thôn 4", first_telegram_id=5100,
                               secretary_telegram_id=4100)
    chief = Actor(telegram_user_id=7000, committee_roles={first.committee_id: "standing"})
    unit, moved = await set_record_start(services, chief, date(2026, 6, 1))
    assert unit.id == first.committee_id and unit.record_start == date(2026, 6, 1)
    assert moved == 4
    for seeded in (first, second):
        branch = await units.get_unit(services.db, seeded.branch_id)
        assert branch is not None and branch.record_start == date(2026, 6, 1)


# --- removed and moved members ----------------------------------------------------------------


async def test_a_member_removed_on_1012_is_not_in_the_minutes_of_the_1512_meeting(
    services: Services, clock: FakeClock
) -> None:
    seeded = await seed_branch(services.db, clock.now(), members=4)
    secretary = secretary_of(seeded)
    binh = await add_member(services, seeded.branch_id, "Lê Thị Bình", clock.now())
    clock.set(at(date(2026, 12, 5)))
    meeting = await create_meeting(services, secretary, unit_id=seeded.branch_id,
                                   kind="regular", starts_at=at(date(2026, 12, 15), 19, 30),
                                   place=None, agenda=None)
    assert meeting is not None
    clock.set(at(date(2026, 12, 10)))
    row = await people.member(services.db, seeded.branch_id, binh)
    assert row is not None
    removed, unit = await remove_member(services, secretary, row.membership_id)
    assert VI("remove_done", name=removed.full_name, unit=unit.name) == (
        "Đã xóa Lê Thị Bình khỏi Chi bộ Thôn 3. Lịch sử vẫn được giữ.")
    clock.set(at(date(2026, 12, 15), 21))
    roll = await rollcall.open_rollcall(services, secretary, meeting.id)
    assert binh not in {r.person_id for r in roll.rows}
    closed = await rollcall.close_rollcall(services, secretary, meeting.id)
    block = rollcall.minutes_block(closed.rows, await rollcall.counts(services, meeting.id),
                                   "vi")
    assert "Lê Thị Bình" not in block
    assert block.startswith("Có mặt 1/5 đồng chí")  # the secretary (present) and four
    report = await service.compute_year(services, await branch_scope(services,
                                                                     seeded.branch_id), 2026)
    # She stays in the year she belonged to, marked removed, with no meeting.
    [row] = [m for m in report.members if m.person_id == binh]
    assert (row.left, row.left_on) == ("left", date(2026, 12, 10))
    assert (row.present, row.excused, row.unexcused) == (0, 0, 0)


# --- probation --------------------------------------------------------------------------------


async def test_recognition_before_12_months_is_refused(services: Services,
                                                       clock: FakeClock) -> None:
    seeded = await seed_branch(services.db, clock.now(), members=0)
    pid = await add_member(services, seeded.branch_id, "Trần Văn Dự Bị", clock.now(),
                           admitted=date(2026, 9, 15), official=None)
    row = await people.member(services.db, seeded.branch_id, pid)
    assert row is not None and row.probationary
    with pytest.raises(Invalid) as refused:
        await recognise_official(services, secretary_of(seeded), row.membership_id,
                                 date(2026, 12, 1))
    assert refused.value.key == "official_too_early"
    assert VI(refused.value.key, **refused.value.params) == (
        "Chưa thể công nhận chính thức: đồng chí Trần Văn Dự Bị vào Đảng ngày 15/09/2026, "
        "đủ 12 tháng dự bị từ ngày 15/09/2027.")
    done = await recognise_official(services, secretary_of(seeded), row.membership_id,
                                    date(2027, 9, 15))
    assert done.official_on == date(2027, 9, 15)


async def test_overdue_probation_is_warned_weekly_and_shown_apart(
    services: Services, clock: FakeClock
) -> None:
    seeded = await seed_branch(services.db, clock.now(), members=0)
    await add_member(services, seeded.branch_id, "Quá Hạn", clock.now(),
                     admitted=date(2025, 10, 1), official=None)
    await add_member(services, seeded.branch_id, "Sắp Hết", clock.now(),
                     admitted=date(2026, 1, 20), official=None)
    unknown = await add_member(services, seeded.branch_id, "Chưa Rõ", clock.now(),
                               admitted=None, official=None)
    for day in range(0, 15):
        clock.set(at(date(2026, 12, 1) + timedelta(days=day), 9))
        await jobs.due_work(services)
    overdue = [t for t in await warnings_sent(services) if "Quá Hạn" in t]
    assert len(overdue) == 3  # weeks 49, 50 and 51 of 2026
    assert overdue[0].startswith("⚠️ Đồng chí Quá Hạn (Chi bộ Thôn 3) đã hết thời gian dự bị "
                                 "từ ngày 01/10/2026 (quá hạn 61 ngày)")
    scope = await branch_scope(services, seeded.branch_id)
    _, rows = await service.probation_report(services, secretary_of(seeded), scope.key)
    text = render.probation_text(scope.label, rows, VI)
    assert text.index("Quá hạn, cần xét ngay (1)") < text.index("Quá Hạn")
    assert text.index("Hết dự bị trong 60 ngày tới (1)") < text.index("Sắp Hết")
    assert "Chưa Rõ" not in text
    row = await people.member(services.db, seeded.branch_id, unknown)
    assert row is not None and not row.probationary and row.standing_unknown


# --- followers --------------------------------------------------------------------------------


async def test_a_follower_assigned_after_a_meeting_was_created_is_invited_and_counted(
    services: Services, clock: FakeClock
) -> None:
    seeded = await seed_branch(services.db, clock.now(), members=2)
    secretary = secretary_of(seeded)
    async with services.db.transaction() as conn:
        hung = await people.add_person(conn, full_name="Phạm Văn Hùng",
                                       name_key="phạm văn hùng", now=clock.now())
        await people.bind_telegram(conn, hung, 7001)
        await people.add_committee_officer(conn, hung, seeded.committee_id, "member",
                                           clock.now())
        chief = await people.add_person(conn, full_name="Thường Trực", name_key="thường trực",
                                        now=clock.now())
        await people.bind_telegram(conn, chief, 7000)
        await people.add_committee_officer(conn, chief, seeded.committee_id, "standing",
                                           clock.now())
    committee = Actor(telegram_user_id=7000, person_id=chief,
                      committee_roles={seeded.committee_id: "standing"})
    clock.set(at(date(2027, 1, 5)))
    meeting = await create_meeting(services, secretary, unit_id=seeded.branch_id,
                                   kind="regular", starts_at=at(date(2027, 1, 15), 19, 30),
                                   place=None, agenda=None)
    assert meeting is not None
    clock.set(at(date(2027, 1, 12)))
    await followers.toggle_follow(services, committee, seeded.branch_id, hung)
    told = await services.db.fetch_all(
        "SELECT kind, payload FROM outbox WHERE chat_id = 7001 ORDER BY id")
    assert [r[0] for r in told] == ["follow", "invite"]
    assert json.loads(told[0][1])["text"].startswith(
        "📌 Đồng chí được phân công phụ trách Chi bộ Thôn 3.")
    invitation = await meetings.invitation(services.db, meeting.id, hung)
    assert invitation is not None and invitation.capacity == "follower"
    clock.set(at(date(2027, 1, 15), 21))
    await rollcall.open_rollcall(services, secretary, meeting.id)
    async with services.db.transaction() as conn:
        await meetings.put_attendance(conn, meeting.id, [(hung, "present", None)], None,
                                      clock.now(), overwrite=True)
    await rollcall.close_rollcall(services, secretary, meeting.id)
    report = await service.branches_report(services, committee, None, 2027)
    assert [(f.full_name, f.present, f.invited) for f in report.followers] == [
        ("Phạm Văn Hùng", 1, 1)]
    text = render.branches_text(report.scope.label, 2027, report.branches, VI,
                                report.followers)
    assert "• Phạm Văn Hùng: dự 1/1 buổi sinh hoạt chi bộ (100,0%)" in text
    # Unassigned: told, and no longer invited to what comes next.
    await followers.toggle_follow(services, committee, seeded.branch_id, hung)
    last = await services.db.fetch_value(
        "SELECT payload FROM outbox WHERE chat_id = 7001 ORDER BY id DESC LIMIT 1")
    assert json.loads(last)["text"].startswith("📌 Đồng chí thôi phụ trách Chi bộ Thôn 3.")


# --- committee views --------------------------------------------------------------------------


async def test_the_committee_year_report_is_grouped_by_branch(services: Services,
                                                              clock: FakeClock) -> None:
    history = await seed_history(services.db, branches=3, members_per_branch=5,
                                 first_month=date(2026, 6, 1), months=6, seed=3)
    committee = await units.get_unit(services.db, history.committee_id)
    assert committee is not None
    branches = await units.branches_of_committee(services.db, history.committee_id)
    report = await service.compute_year(services, Scope(branches, committee, committee.name),
                                        2026)
    text = render.year_text(report, VI)
    for branch in branches:
        head = next(line for line in text.split("\n") if line.startswith(f"▪ {branch.name}:"))
        assert "5 đảng viên · dự họp " in head and "⚠️" in head and "🚩" in head
        section = text.split(head)[1].split("▪")[0]
        number = branch.name[-2:]
        assert f"Đảng viên {number}-001" in section
        assert all(f"Đảng viên {other.name[-2:]}-" not in section for other in branches
                   if other.id != branch.id)


async def test_member_report_for_a_past_year_and_a_name_without_accents(
    services: Services, clock: FakeClock
) -> None:
    clock.set(at(date(2025, 1, 2)))
    seeded = await seed_branch(services.db, clock.now(), members=0)
    binh = await add_member(services, seeded.branch_id, "Lê Thị Bình", clock.now())
    cuong = await add_member(services, seeded.branch_id, "Phạm Văn Cường", clock.now())
    for name in ("Nguyễn Văn An", "Nguyễn Văn An"):
        await add_member(services, seeded.branch_id, name, clock.now())
    await held(services, seeded.branch_id, date(2025, 3, 5), {binh: "unexcused"})
    clock.set(at(date(2026, 12, 2)))
    secretary = secretary_of(seeded)
    past = await service.member_report(services, secretary, None, "Lê Thị Bình 2025", None)
    assert past.year == 2025 and past.member.person_id == binh
    assert past.figures is not None and past.figures.unexcused == 1
    assert "vắng không lý do buổi 05/03" in render.member_text(past, VI, TZ)
    typed = await service.member_report(services, secretary, None, "pham van cuong", None)
    assert typed.member.person_id == cuong
    with pytest.raises(service.AmbiguousMember) as several:
        await service.member_report(services, secretary, None, "nguyen van an", None)
    assert len(several.value.matches) == 2


async def test_the_committee_heatmap_is_produced_for_30_branches(
    services: Services, clock: FakeClock
) -> None:
    history = await seed_history(services.db, branches=30, members_per_branch=3,
                                 first_month=date(2026, 3, 1), months=9, seed=5)
    # One branch began recording later: its first months are greyed, not red.
    await services.db.execute("UPDATE units SET record_start = '2026-09-01' WHERE id = ?",
                              (history.branch_ids[0],))
    committee = await units.get_unit(services.db, history.committee_id)
    assert committee is not None
    branches = await units.branches_of_committee(services.db, history.committee_id)
    scope = Scope(branches, committee, committee.name)
    data = await heatmap_data(services, scope, 2026)
    assert len(data.names) == 30 and all(len(row) == 12 for row in data.rates)
    first = data.names.index("Chi bộ Thôn 01")
    assert {(first, m) for m in range(8)} <= data.no_data
    assert all((first, m) not in data.missing for m in range(8))
    png = render_heatmap(data, "Tỷ lệ dự họp theo tháng", VI)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    height = int.from_bytes(png[20:24], "big")
    assert height >= 30 * 25  # about 32 pixels a row: each branch readable

