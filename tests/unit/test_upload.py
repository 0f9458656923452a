"""/import's one door: any file is planned as what it holds, kept under its nonce,
taken once, and applied with the answer to give (the handler chooses nothing)."""

from __future__ import annotations

import pytest

from bot.core.clock import FakeClock
from bot.core.config import Config
from bot.core.errors import Invalid
from bot.core.services import Services
from bot.duties.household_import import HouseholdImportPlan
from bot.members.dues import DuesImportPlan
from bot.members.member_import import MemberImportPlan
from bot.uploads import (
    Imported,
    apply_upload,
    plan_upload,
    remember_upload,
    take_upload,
    working_key,
)
from storage import people
from storage.db import Database
from tests.factories import SeededBranch, seed_branch

SECRETARY = 4000
MEMBERS = ("Họ và tên,Ngày sinh,Ngày vào Đảng,Ngày chính thức,Chức vụ,Điện thoại\n"
           "Nguyễn Văn Mới,01/02/1980,03/02/2010,03/02/2011,,\n"
           "Trần Thị Hai,05/06/1985,07/06/2012,,,\n").encode()
HOUSEHOLDS = ("Chủ hộ,Thôn/Tổ,Số nhà,Địa chỉ,Đảng viên phụ trách,Ghi chú\n"
              "Lê Văn Hộ,Tổ 1,5,ngõ 2,Đảng viên Số 001,\n"
              "Phạm Thị Nhà,Tổ 1,7,ngõ 2,Người Không Có,\n").encode()
DUES = ("Họ và tên,Tháng,Số tiền\n"
        "Đảng viên Số 001,11/2026,20000\n"
        "Đảng viên Số 002,11/2026,20000\n").encode()


@pytest.fixture
def services(db: Database, clock: FakeClock) -> Services:
    return Services(config=Config(), db=db, clock=clock, bot_username="chibo_bot")


@pytest.fixture
async def branch(services: Services) -> SeededBranch:
    return await seed_branch(services.db, services.clock.now(), members=2,
                             secretary_telegram_id=SECRETARY)


@pytest.mark.parametrize(("name", "data", "kind", "working"), [
    ("ds.csv", MEMBERS, MemberImportPlan, "import_working"),
    ("ho.csv", HOUSEHOLDS, HouseholdImportPlan, "himp_working"),
    ("dangphi.csv", DUES, DuesImportPlan, "dimp_working"),
])
async def test_each_file_is_planned_as_what_it_holds(
        services: Services, branch: SeededBranch, name: str, data: bytes, kind: type,
        working: str) -> None:
    officer = await services.actor(SECRETARY)
    plan = await plan_upload(services, officer, branch.branch_id, name, data, "vi",
                             max_bytes=100_000)
    assert type(plan) is kind
    assert working_key(plan) == working
    await remember_upload(services, SECRETARY, plan)
    taken = await take_upload(services, SECRETARY, plan.nonce)
    assert type(taken) is kind
    assert [line for line, _ in taken.valid] == [line for line, _ in plan.valid]
    with pytest.raises(Invalid) as spent:  # a second tap finds nothing
        await take_upload(services, SECRETARY, plan.nonce)
    assert spent.value.key == "import_expired"


async def test_households_apply_says_what_was_done(
        services: Services, branch: SeededBranch) -> None:
    officer = await services.actor(SECRETARY)
    plan = await plan_upload(services, officer, branch.branch_id, "ho.csv", HOUSEHOLDS, "vi",
                             max_bytes=100_000)
    assert len(plan.problems) == 1  # the member nobody knows
    done = await apply_upload(services, officer, plan, "vi")
    assert done == Imported("himp_done", {"imported": 1, "assigned": 1, "skipped": 1},
                            unit_id=branch.branch_id)


async def test_members_apply_hands_back_the_links_workbook(
        services: Services, branch: SeededBranch) -> None:
    officer = await services.actor(SECRETARY)
    plan = await plan_upload(services, officer, branch.branch_id, "ds.csv", MEMBERS, "vi",
                             max_bytes=100_000)
    assert plan.clean
    done = await apply_upload(services, officer, plan, "vi")
    assert (done.key, done.counts, done.unit_id) == (
        "import_done", {"imported": 2, "skipped": 0}, branch.branch_id)
    assert done.links is not None and done.links.startswith(b"PK")  # an .xlsx
    assert await people.count_members(services.db, branch.branch_id) == 5


async def test_a_stale_nonce_is_refused(services: Services, branch: SeededBranch) -> None:
    officer = await services.actor(SECRETARY)
    plan = await plan_upload(services, officer, branch.branch_id, "dangphi.csv", DUES, "vi",
                             max_bytes=100_000)
    await remember_upload(services, SECRETARY, plan)
    with pytest.raises(Invalid) as refused:
        await take_upload(services, SECRETARY, "older")
    assert refused.value.key == "import_expired"
    assert type(await take_upload(services, SECRETARY, plan.nonce)) is DuesImportPlan


FORMULA_NAMES = ('=HYPERLINK("http://evil.example/x","Nguyễn Văn A")', "=cmd|' /C calc'!A0",
                 "+Lê Văn Cộng", "-Trần Văn Trừ", "@Phạm Thị A")


async def test_formula_like_names_stay_text_in_the_links_workbook(
        services: Services, branch: SeededBranch) -> None:
    """A name that starts like a formula is written as the text
    typed, never as a live formula the spreadsheet would run."""
    from io import BytesIO

    from openpyxl import load_workbook

    lines = "".join(f'"{name.replace(chr(34), chr(34) * 2)}",01/02/1980,03/02/2010,,,\n'
                    for name in FORMULA_NAMES)
    data = ("Họ và tên,Ngày sinh,Ngày vào Đảng,Ngày chính thức,Chức vụ,Điện thoại\n"
            + lines).encode()
    officer = await services.actor(SECRETARY)
    plan = await plan_upload(services, officer, branch.branch_id, "ds.csv", data, "vi",
                             max_bytes=100_000)
    assert plan.clean, plan.problems
    done = await apply_upload(services, officer, plan, "vi")
    assert done.links is not None
    sheet = load_workbook(BytesIO(done.links)).worksheets[0]
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert [c.value for c in cells] == list(FORMULA_NAMES)
    assert {c.data_type for c in cells} == {"s"}


async def _live_invites(services: Services) -> int:
    return int(await services.db.fetch_value(
        "SELECT count(*) FROM invites WHERE used_at IS NULL AND revoked_at IS NULL"))


async def test_a_failure_mid_import_leaves_nothing_half_written(
        services: Services, branch: SeededBranch, monkeypatch: pytest.MonkeyPatch) -> None:
    """The import is one transaction; a failure at the second row
    (a full disk, a killed process) leaves neither the first member nor their link."""
    officer = await services.actor(SECRETARY)
    plan = await plan_upload(services, officer, branch.branch_id, "ds.csv", MEMBERS, "vi",
                             max_bytes=100_000)
    real = people.add_membership
    calls = 0

    async def failing_second(*args: object, **kwargs: object) -> int:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise OSError("database or disk is full")
        return await real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(people, "add_membership", failing_second)
    with pytest.raises(OSError):
        await apply_upload(services, officer, plan, "vi")
    assert await people.count_members(services.db, branch.branch_id) == 3
    assert await _live_invites(services) == 0
    assert await services.db.fetch_value(
        "SELECT count(*) FROM people WHERE full_name = 'Nguyễn Văn Mới'") == 0


async def test_a_reimport_offers_new_links_to_members_who_never_joined(
        services: Services, branch: SeededBranch) -> None:
    """The links of a first import never reached the secretary (the
    bot died before sending them); sending the same list again gives new links for the
    members who exist but never joined, says how many, and revokes the lost ones."""
    officer = await services.actor(SECRETARY)
    first = await plan_upload(services, officer, branch.branch_id, "ds.csv", MEMBERS, "vi",
                              max_bytes=100_000)
    await apply_upload(services, officer, first, "vi")  # its links are lost
    assert await _live_invites(services) == 2
    again = await plan_upload(services, officer, branch.branch_id, "ds.csv", MEMBERS, "vi",
                              max_bytes=100_000)
    assert (len(again.valid), again.unchanged, len(again.relinks)) == (0, 2, 2)
    done = await apply_upload(services, officer, again, "vi")
    assert ("rimp_relinked", {"count": 2}) in done.before
    assert done.links is not None
    from io import BytesIO

    from openpyxl import load_workbook
    sheet = load_workbook(BytesIO(done.links)).worksheets[0]
    names = sorted(str(row[0]) for row in sheet.iter_rows(min_row=2, values_only=True))
    assert names == ["Nguyễn Văn Mới", "Trần Thị Hai"]
    assert await _live_invites(services) == 2  # the lost links no longer work
    assert await people.count_members(services.db, branch.branch_id) == 5


async def test_a_member_who_joined_gets_no_new_link(
        services: Services, branch: SeededBranch) -> None:
    officer = await services.actor(SECRETARY)
    seeded = ",".join(["Đảng viên Số 001", "", "03/02/2010", "", "", ""])
    data = ("Họ và tên,Ngày sinh,Ngày vào Đảng,Ngày chính thức,Chức vụ,Điện thoại\n"
            + seeded + "\n").encode()
    plan = await plan_upload(services, officer, branch.branch_id, "ds.csv", data, "vi",
                             max_bytes=100_000)
    assert plan.relinks == []


async def test_a_household_import_failing_half_way_leaves_nothing(
        services: Services, branch: SeededBranch, monkeypatch: pytest.MonkeyPatch) -> None:
    from storage import households

    officer = await services.actor(SECRETARY)
    data = ("Chủ hộ,Thôn/Tổ,Số nhà,Địa chỉ,Đảng viên phụ trách,Ghi chú\n" + "".join(
        f"Hộ Số {i:03d},Tổ 1,{i},ngõ 2,Đảng viên Số 001,\n" for i in range(1, 251))).encode()
    plan = await plan_upload(services, officer, branch.branch_id, "ho.csv", data, "vi",
                             max_bytes=100_000)
    real = households.add
    calls = 0

    async def failing_second(*args: object, **kwargs: object) -> int:
        nonlocal calls
        calls += 1
        if calls == 230:  # past the first 200 rows
            raise OSError("database or disk is full")
        return await real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(households, "add", failing_second)
    with pytest.raises(OSError):
        await apply_upload(services, officer, plan, "vi")
    assert await services.db.fetch_value("SELECT count(*) FROM households") == 0
    assert await services.db.fetch_value("SELECT count(*) FROM assignments") == 0


async def test_links_that_reached_the_officer_are_not_reissued(
        services: Services, branch: SeededBranch) -> None:
    from bot.uploads import links_sent

    officer = await services.actor(SECRETARY)
    first = await plan_upload(services, officer, branch.branch_id, "ds.csv", MEMBERS, "vi",
                              max_bytes=100_000)
    await links_sent(services, await apply_upload(services, officer, first, "vi"))
    again = await plan_upload(services, officer, branch.branch_id, "ds.csv", MEMBERS, "vi",
                              max_bytes=100_000)
    assert (again.unchanged, again.relinks) == (2, [])


async def test_the_officer_is_told_once_when_the_links_never_reached_them(
        services: Services, branch: SeededBranch, clock: FakeClock) -> None:
    """The bot stopped between writing the import and sending its
    file: after the restart the secretary gets a word (once) to send the list again."""
    from datetime import timedelta

    from bot.members.member_import import tell_stranded

    officer = await services.actor(SECRETARY)
    plan = await plan_upload(services, officer, branch.branch_id, "ds.csv", MEMBERS, "vi",
                             max_bytes=100_000)
    await apply_upload(services, officer, plan, "vi")  # ... and the process died here
    assert await tell_stranded(services) == 0  # the file may still be on its way
    clock.advance(timedelta(minutes=11))
    assert await tell_stranded(services) == 1
    assert await tell_stranded(services) == 0
    [(chat, payload)] = await services.db.fetch_all(
        "SELECT chat_id, payload FROM outbox WHERE kind = 'import'")
    assert chat == SECRETARY
    assert "bot dừng trước khi gửi tệp link mời của 2 đồng chí" in payload
    assert "gửi lại đúng tệp đó kèm chú thích /import" in payload
    again = await plan_upload(services, officer, branch.branch_id, "ds.csv", MEMBERS, "vi",
                              max_bytes=100_000)
    assert len(again.relinks) == 2  # and sending it again hands out new links


async def test_an_officer_now_only_on_zalo_is_told_of_stranded_links_there(
        services: Services, branch: SeededBranch, clock: FakeClock) -> None:
    """The stranded-links word reaches an officer reachable only on
    Zalo (the outbox addresses it by the officer's person id)."""
    from datetime import timedelta

    from bot.members.member_import import tell_stranded
    from storage import people
    from storage import zalo as zalo_store

    officer = await services.actor(SECRETARY)
    assert officer.person_id is not None
    plan = await plan_upload(services, officer, branch.branch_id, "ds.csv", MEMBERS, "vi",
                             max_bytes=100_000)
    await apply_upload(services, officer, plan, "vi")
    async with services.db.transaction() as conn:  # Telegram gone, Zalo linked
        await people.release_account(conn, telegram_user_id=SECRETARY, keeper_id=-1)
        await zalo_store.bind(conn, officer.person_id, "zalo-secretary")
    clock.advance(timedelta(minutes=11))
    assert await tell_stranded(services) == 1
    [(channel, chat)] = await services.db.fetch_all(
        "SELECT channel, chat_id FROM outbox WHERE kind = 'import'")
    assert (channel, chat) == ("zalo", officer.person_id)
