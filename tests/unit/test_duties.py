"""Household duties on a real SQLite file: import and name matching, assignments with
history, who may report, problem alerts, the monthly reminder, the nudge and the
January review, each idempotent."""

from __future__ import annotations

import unicodedata
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.core.clock import FakeClock
from bot.core.config import Config
from bot.core.errors import Denied, Invalid, NotFound
from bot.core.services import Services
from bot.duties import assignments
from bot.duties import households as hh
from bot.duties import reminders as duties
from bot.duties.card import DutyLine, DutyView, card
from bot.duties.household_import import (
    apply_household_import,
    plan_household_import,
    recall_plan,
    remember_plan,
)
from bot.duties.reports import MAX_NOTE, report, view_of
from bot.imports import parse_upload
from storage import assignments as assignment_store
from storage import households, people
from storage.db import Database, IntegrityError
from storage.duties import DutyReport
from storage.households import Household
from tests.factories import SeededBranch, seed_branch

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def at(year: int, month: int, day: int, hour: int = 8, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=TZ).astimezone(UTC)


@pytest.fixture
def services(db: Database, clock: FakeClock) -> Services:
    return Services(config=Config(), db=db, clock=clock)


def csv(rows: list[list[str]]) -> bytes:
    return "\n".join(",".join(row) for row in rows).encode("utf-8")


async def give(services: Services, seeded: SeededBranch, per_member: int) -> list[int]:
    """``per_member`` households for every seeded member; returns the household ids."""
    ids = []
    today = services.clock.now().astimezone(TZ).date()
    async with services.db.transaction() as conn:
        for m, (person_id, _) in enumerate(seeded.members):
            for i in range(per_member):
                head = f"Hộ {m:02d}-{i}"
                hid = await households.add(conn, unit_id=seeded.branch_id, head_name=head,
                                           name_key=head.casefold(), now=services.clock.now(),
                                           hamlet="Tổ 1", house_number=str(i + 1))
                await assignment_store.assign(conn, hid, person_id, today)
                ids.append(hid)
    return ids


async def outbox_keys(db: Database, prefix: str) -> list[str]:
    rows = await db.fetch_all("SELECT business_key FROM outbox WHERE business_key LIKE ? "
                              "ORDER BY business_key", (prefix + "%",))
    return [r[0] for r in rows]


async def send_all(db: Database, when: datetime) -> None:
    """What the sender would do: mark every pending row sent at ``when``."""
    await db.execute("UPDATE outbox SET state = 'sent', sent_at = ? WHERE state = 'pending'",
                     (when.isoformat(timespec="seconds"),))


# --- when the month's reminder fires -------------------------------------------------------


def test_month_fire_is_the_first_fire_of_the_current_month() -> None:
    monthly = "0 8 1 * *"
    assert duties.month_fire(monthly, TZ, at(2027, 1, 1, 7, 59)) is None
    assert duties.month_fire(monthly, TZ, at(2027, 1, 1)) == at(2027, 1, 1)
    assert duties.month_fire(monthly, TZ, at(2027, 1, 20)) == at(2027, 1, 1)
    # Weekly (Mondays in APScheduler's numbering): the month's first one, not the latest.
    assert duties.month_fire("0 8 * * 0", TZ, at(2027, 2, 20)) == at(2027, 2, 1)
    # Quarterly: a month without a fire has no reminder.
    assert duties.month_fire("0 8 5 1,4,7,10 *", TZ, at(2027, 2, 20)) is None
    assert duties.month_fire("0 8 5 1,4,7,10 *", TZ, at(2027, 4, 5, 9)) == at(2027, 4, 5)


# --- import ----------------------------------------------------------------------------------


async def test_import_matches_members_by_name_and_reports_problems_by_line(
    services: Services,
) -> None:
    seeded = await seed_branch(services.db, services.clock.now(), members=3)
    now = services.clock.now()
    async with services.db.transaction() as conn:  # two members with the same name
        for _ in range(2):
            pid = await people.add_person(conn, full_name="Lê Văn Trùng", name_key="lê văn trùng",
                                          now=now)
            await people.add_membership(conn, person_id=pid, unit_id=seeded.branch_id, now=now)
        await households.add(conn, unit_id=seeded.branch_id, head_name="Hộ Đã Có",
                             name_key="hộ đã có", now=now, address="Xóm 1")
    nfd = unicodedata.normalize("NFD", "ĐẢNG VIÊN SỐ 002")
    data = csv([
        ["Chủ hộ", "Địa chỉ", "Đảng viên phụ trách", "Ghi chú"],
        ["Nguyễn Văn Một", "Xóm 2", "Đảng viên Số 001", "hộ nghèo"],  # line 2: exact
        ["Trần Thị Hai", "Xóm 2", nfd, ""],  # line 3: upper case, decomposed
        ["Phạm Văn Ba", "Xóm 3", "Dang vien So 003", ""],  # line 4: no accents: unknown
        ["Hoàng Thị Bốn", "Xóm 3", "Lê Văn Trùng", ""],  # line 5: ambiguous
        ["hộ đã có", "xóm 1", "", ""],  # line 6: already in the branch, nothing new
        ["Vũ Văn Sáu", "", "", ""],  # line 7: nobody assigned yet
    ])
    parsed = parse_upload("ho.csv", data, today=date(2026, 12, 1))
    secretary = await services.actor(seeded.secretary[1])
    plan = await plan_household_import(services, secretary, seeded.branch_id, parsed, "vi")
    assert [line for line, _ in plan.valid] == [2, 3, 7]
    assert plan.problems == [
        "Dòng 4: không có đảng viên tên 'Dang vien So 003' trong chi bộ.",
        "Dòng 5: có 2 đảng viên tên 'Lê Văn Trùng' trong chi bộ; hãy để trống cột này rồi "
        "phân công bằng /assign.",
    ]
    # A household already kept is matched by head and address: unchanged.
    assert (plan.unchanged, plan.updates) == (1, [])
    assert plan.assignees == {2: seeded.members[0][0], 3: seeded.members[1][0]}
    # Kept until the officer confirms; a member cannot apply it.
    await remember_plan(services, seeded.secretary[1], plan)
    again = await recall_plan(services, seeded.secretary[1], plan.nonce)
    with pytest.raises(Invalid):
        await recall_plan(services, seeded.secretary[1], "other")
    member = await services.actor(seeded.members[0][1])
    with pytest.raises(Denied):
        await apply_household_import(services, member, again)
    done = await apply_household_import(services, secretary, again)
    assert (done.imported, done.assigned, done.skipped) == (3, 2, 2)
    listed = {h.head_name: h for h in await households.of_unit(services.db, seeded.branch_id)}
    assert listed["Nguyễn Văn Một"].member_id == seeded.members[0][0]
    assert listed["Nguyễn Văn Một"].notes == "hộ nghèo"
    assert listed["Vũ Văn Sáu"].member_id is None
    # Applying the same plan twice adds nothing.
    assert (await apply_household_import(services, secretary, again)).imported == 0


# --- assignments -----------------------------------------------------------------------------


async def test_one_member_at_a_time_with_history(services: Services, clock: FakeClock) -> None:
    seeded = await seed_branch(services.db, clock.now(), members=2)
    secretary = await services.actor(seeded.secretary[1])
    household = await hh.add_household(services, secretary, seeded.branch_id,
                                       "Nguyễn Văn Hộ | Tổ 5 | 12 | ngõ 3 | hộ nghèo")
    (a, _), (b, _) = seeded.members
    await assignments.assign(services, secretary, household.id, a)
    clock.advance(timedelta(days=40))
    moved, member = await assignments.assign(services, secretary, household.id, b)
    assert moved.member_id == b and member.person_id == b
    history = await assignment_store.history(services.db, household.id)
    assert [(h.person_id, h.from_date, h.to_date) for h in history] == [
        (a, date(2026, 12, 1), date(2027, 1, 10)), (b, date(2027, 1, 10), None)]
    with pytest.raises(IntegrityError):  # the schema forbids two open rows
        await services.db.execute(
            "INSERT INTO assignments (household_id, person_id, from_date) VALUES (?, ?, ?)",
            (household.id, a, "2027-01-10"))
    # Ticking the same member again takes the household back.
    untied, _ = await assignments.toggle(services, secretary, household.id, b)
    assert untied.member_id is None
    # A member cannot assign; nobody can assign to a person outside the branch.
    with pytest.raises(Denied):
        await assignments.assign(services, await services.actor(seeded.members[0][1]),
                                 household.id, a)
    other = await seed_branch(services.db, clock.now(), members=1, first_telegram_id=7000,
                              secretary_telegram_id=7100, committee_id=seeded.committee_id,
                              branch_name="Chi bộ Thôn 4")
    with pytest.raises(Invalid):
        await assignments.assign(services, secretary, household.id, other.members[0][0])
    with pytest.raises(Denied):  # the other branch's secretary
        await assignments.assign(services, await services.actor(7100), household.id, a)


async def test_households_by_hand(services: Services) -> None:
    seeded = await seed_branch(services.db, services.clock.now(), members=1)
    secretary = await services.actor(seeded.secretary[1])
    household = await hh.add_household(services, secretary, seeded.branch_id,
                                       "  Nguyễn  Văn Hộ |Tổ 5| 12 ")
    assert (household.head_name, household.hamlet, household.house_number,
            household.address) == ("Nguyễn Văn Hộ", "Tổ 5", "12", None)
    with pytest.raises(Invalid) as dup:
        await hh.add_household(services, secretary, seeded.branch_id, "NGUYỄN VĂN HỘ")
    assert dup.value.key == "hh_duplicate"
    with pytest.raises(Invalid):
        await hh.add_household(services, secretary, seeded.branch_id, "a | b | c | d | e | f")
    edited = await hh.edit_household(services, secretary, household.id, "address", "ngõ 3")
    assert edited.address == "ngõ 3"
    cleared = await hh.edit_household(services, secretary, household.id, "hamlet", "-")
    assert cleared.hamlet is None
    with pytest.raises(Invalid):
        await hh.edit_household(services, secretary, household.id, "notes", "x" * 501)
    with pytest.raises(Invalid):
        await hh.edit_household(services, secretary, household.id, "head", "  ")
    member = await services.actor(seeded.members[0][1])
    with pytest.raises(Denied):
        await hh.edit_household(services, member, household.id, "notes", "ghi chú")
    await assignments.assign(services, secretary, household.id, seeded.members[0][0])
    await hh.remove_household(services, secretary, household.id)
    with pytest.raises(NotFound):
        await hh.open_household(services, secretary, household.id)
    history = await assignment_store.history(services.db, household.id)
    assert history[-1].to_date == date(2026, 12, 1)  # the assignment ended with it


# --- reporting -------------------------------------------------------------------------------


async def test_only_the_assigned_member_reports_for_this_month(services: Services) -> None:
    seeded = await seed_branch(services.db, services.clock.now(), members=2)
    ids = await give(services, seeded, 2)
    mine, theirs = ids[0], ids[2]
    member = await services.actor(seeded.members[0][1])
    view, _ = await report(services, member, mine, "2026-12", "normal")
    assert (view.reported, view.total) == (1, 2)
    for household_id, period, error in (
        (theirs, "2026-12", Denied), (mine, "2026-11", Invalid), (mine, "2027-01", Invalid),
        (999_999, "2026-12", NotFound),
    ):
        with pytest.raises(error):
            await report(services, member, household_id, period, "normal")
    with pytest.raises(Denied):  # not registered at all
        await report(services, await services.actor(123), mine, "2026-12", "normal")
    rows = await services.db.fetch_all("SELECT household_id FROM duty_reports")
    assert [r[0] for r in rows] == [mine]


async def test_a_problem_reaches_each_officer_once(services: Services) -> None:
    seeded = await seed_branch(services.db, services.clock.now(), members=1)
    now = services.clock.now()
    async with services.db.transaction() as conn:
        deputy = await people.add_person(conn, full_name="Phó Bí Thư", name_key="phó bí thư",
                                         now=now)
        await people.add_membership(conn, person_id=deputy, unit_id=seeded.branch_id, now=now,
                                    role="deputy")
        await people.bind_telegram(conn, deputy, 4001)
    ids = await give(services, seeded, 1)
    member = await services.actor(seeded.members[0][1])
    with pytest.raises(Invalid) as long:
        await report(services, member, ids[0], "2026-12", "problem", "x" * (MAX_NOTE + 1))
    assert long.value.key == "duty_note_too_long"
    with pytest.raises(Invalid):
        await report(services, member, ids[0], "2026-12", "problem", "   ")
    assert await services.db.fetch_value("SELECT count(*) FROM duty_reports") == 0
    assert await outbox_keys(services.db, "problem:") == []

    await report(services, member, ids[0], "2026-12", "problem", "Nhà bị dột sau bão")
    keys = await outbox_keys(services.db, "problem:")
    assert len(keys) == 2
    assert {k.split(":")[3] for k in keys} == {str(seeded.secretary[0]), str(deputy)}
    alert = await services.db.fetch_one(
        "SELECT chat_id, payload FROM outbox WHERE business_key = ?", (keys[0],))
    assert alert is not None and alert["chat_id"] in (4000, 4001)
    assert "Nhà bị dột sau bão" in alert["payload"] and "Đảng viên Số 001" in alert["payload"]
    # The same note twice is one alert; a corrected note is a new one.
    await report(services, member, ids[0], "2026-12", "problem", "Nhà bị dột sau bão")
    assert len(await outbox_keys(services.db, "problem:")) == 2
    await report(services, member, ids[0], "2026-12", "problem", "Nhà bị dột, cần hỗ trợ")
    assert len(await outbox_keys(services.db, "problem:")) == 4
    view = await view_of(services, seeded.members[0][0], "2026-12")
    assert view.complete and view.lines[0].report is not None
    assert view.lines[0].report.note == "Nhà bị dột, cần hỗ trợ"


# --- the monthly cycle -----------------------------------------------------------------------


async def test_reminder_once_per_member_and_month(services: Services, clock: FakeClock) -> None:
    clock.set(at(2027, 1, 1, 7, 0))
    seeded = await seed_branch(services.db, clock.now(), members=4)
    await give(services, seeded, 2)
    async with services.db.transaction() as conn:  # not on Telegram: no reminder
        await conn.execute("UPDATE people SET telegram_user_id = NULL WHERE id = ?",
                           (seeded.members[3][0],))
    # The third member reported everything before the reminder: nothing to remind.
    third = await services.actor(seeded.members[2][1])
    for line in (await view_of(services, seeded.members[2][0], "2027-01")).lines:
        await report(services, third, line.household.id, "2027-01", "normal")
    await duties.due_work(services)
    assert await outbox_keys(services.db, "duty:") == []  # 07:00, not due yet
    clock.set(at(2027, 1, 1, 8, 0))
    for _ in range(3):
        await duties.due_work(services)
    keys = await outbox_keys(services.db, "duty:")
    assert keys == [f"duty:2027-01:{seeded.members[i][0]}" for i in (0, 1)]
    row = await services.db.fetch_one(
        "SELECT chat_id, payload, stale_after FROM outbox WHERE business_key = ?", (keys[0],))
    assert row is not None and row["chat_id"] == seeded.members[0][1]
    assert "Hộ 00-0" in row["payload"] and "Hộ 01-0" not in row["payload"]
    assert row["stale_after"] == "2027-01-31T17:00:00+00:00"  # the month's end, in Hanoi
    # Assigned later in the month: no reminder this month (the next one will have it).
    clock.set(at(2027, 1, 3))
    await give(services, await seed_branch(services.db, clock.now(), members=1,
                                           first_telegram_id=7000, secretary_telegram_id=7100,
                                           committee_id=seeded.committee_id,
                                           branch_name="Chi bộ 2"), 1)
    await duties.due_work(services)
    assert len(await outbox_keys(services.db, "duty:")) == 2
    clock.set(at(2027, 2, 1))
    await duties.due_work(services)
    assert len(await outbox_keys(services.db, "duty:2027-02:")) == 4


async def test_nudge_once_after_the_days_to_who_has_not_reported_all(
    services: Services, clock: FakeClock,
) -> None:
    clock.set(at(2027, 1, 1))
    seeded = await seed_branch(services.db, clock.now(), members=3)
    ids = await give(services, seeded, 2)
    await duties.due_work(services)
    await send_all(services.db, clock.now())
    first = await services.actor(seeded.members[0][1])
    second = await services.actor(seeded.members[1][1])
    await report(services, first, ids[0], "2027-01", "normal")
    await report(services, first, ids[1], "2027-01", "problem", "Ốm đau")
    await report(services, second, ids[2], "2027-01", "normal")  # one of two
    clock.set(at(2027, 1, 7, 23))
    await duties.due_work(services)
    assert await outbox_keys(services.db, "dutynudge:") == []
    clock.set(at(2027, 1, 8))
    for _ in range(2):
        await duties.due_work(services)
    assert await outbox_keys(services.db, "dutynudge:") == [
        f"dutynudge:2027-01:{seeded.members[i][0]}" for i in (1, 2)]
    payload = await services.db.fetch_value(
        "SELECT payload FROM outbox WHERE business_key = ?",
        (f"dutynudge:2027-01:{seeded.members[1][0]}",))
    assert "còn 1 hộ chưa báo cáo" in payload


async def test_a_late_reminder_gets_its_nudge_days_after_it_left(
    services: Services, clock: FakeClock,
) -> None:
    clock.set(at(2027, 1, 1))
    seeded = await seed_branch(services.db, clock.now(), members=2)
    await give(services, seeded, 1)
    await duties.due_work(services)
    await services.db.execute(  # the first left at once, the second only on the 5th
        "UPDATE outbox SET state = 'sent', sent_at = ? WHERE business_key = ?",
        ("2027-01-01T01:00:00+00:00", f"duty:2027-01:{seeded.members[0][0]}"))
    clock.set(at(2027, 1, 8))
    await duties.due_work(services)
    assert await outbox_keys(services.db, "dutynudge:") == [
        f"dutynudge:2027-01:{seeded.members[0][0]}"]
    await services.db.execute(
        "UPDATE outbox SET state = 'sent', sent_at = ? WHERE business_key = ?",
        ("2027-01-05T01:00:00+00:00", f"duty:2027-01:{seeded.members[1][0]}"))
    clock.set(at(2027, 1, 12))
    await duties.due_work(services)
    assert len(await outbox_keys(services.db, "dutynudge:")) == 2
    assert await services.db.fetch_value("SELECT 1 FROM marks WHERE key = 'dutynudge:2027-01'")


async def test_january_review_reaches_officers_once_a_year(
    services: Services, clock: FakeClock,
) -> None:
    seeded = await seed_branch(services.db, clock.now(), members=2)
    await give(services, seeded, 1)
    secretary = await services.actor(seeded.secretary[1])
    await hh.add_household(services, secretary, seeded.branch_id, "Hộ Chưa Giao")
    await duties.due_work(services)  # December: no review
    assert await outbox_keys(services.db, "assignreview:") == []
    clock.set(at(2027, 1, 1))
    for _ in range(2):
        await duties.due_work(services)
    assert await outbox_keys(services.db, "assignreview:") == [
        f"assignreview:2027:{seeded.branch_id}:{seeded.secretary[0]}"]
    text = await services.db.fetch_value("SELECT payload FROM outbox WHERE kind = 'assignreview'")
    assert "3 hộ, 2 đảng viên theo dõi, 1 hộ chưa phân công" in text
    clock.set(at(2027, 2, 1))
    await duties.due_work(services)
    assert len(await outbox_keys(services.db, "assignreview:")) == 1


async def test_officers_see_the_month_status_per_member(services: Services) -> None:
    seeded = await seed_branch(services.db, services.clock.now(), members=2)
    ids = await give(services, seeded, 2)
    first = await services.actor(seeded.members[0][1])
    await report(services, first, ids[0], "2026-12", "normal")
    await report(services, first, ids[1], "2026-12", "problem", "Mất việc làm")
    secretary = await services.actor(seeded.secretary[1])
    status = await hh.month_status(services, secretary, seeded.branch_id)
    assert status.period == "2026-12" and status.households == 4 and status.unassigned == 0
    assert [(m.full_name, m.reported, m.households, m.problems) for m in status.members] == [
        ("Đảng viên Số 001", 2, 2, 1), ("Đảng viên Số 002", 0, 2, 0)]
    assert [m.full_name for m in status.missing] == ["Đảng viên Số 002"]
    with pytest.raises(Denied):
        await hh.month_status(services, first, seeded.branch_id)


def test_a_long_card_still_fits_one_message() -> None:
    lines = [
        DutyLine(Household(id=10**11 + i, unit_id=1, head_name=f"Nguyễn Văn Chủ Hộ {i}",
                           hamlet="Tổ dân phố số 12" * 3, house_number="123/45/6",
                           address="đường Nguyễn Văn Cừ kéo dài" * 3, notes=None,
                           removed=False, member_id=1, member_name="A"),
                 DutyReport(10**11 + i, "2026-12", 1, "problem", "x" * MAX_NOTE,
                            at(2026, 12, 2)) if i % 2 else None)
        for i in range(40)
    ]
    text, rows = card(DutyView(1, "2026-12", lines), "vi", "reminder")
    assert len(text) <= 4000 and text.startswith("📋 Theo dõi hộ gia đình — tháng 12/2026")
    assert len(rows) == 40
    assert all(len(data.encode()) <= 64 for row in rows for _, data in row)
