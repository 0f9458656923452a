"""Records over time on a real SQLite file: corrections validated like an
import row and audited, the start in this branch from an import, Vietnamese order."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import Workbook

from bot.core.access import Actor
from bot.core.clock import FakeClock
from bot.core.config import Config
from bot.core.errors import Denied, Invalid
from bot.core.names import title_case_capitals, vi_sort_key
from bot.core.services import Services
from bot.members.member_import import apply_member_import, parse_members, plan_member_import
from bot.members.records import correct_field
from bot.members.service import members_page
from storage import people
from storage.db import Database
from tests.factories import seed_branch


@pytest.fixture
def services(db: Database, clock: FakeClock) -> Services:
    return Services(config=Config(), db=db, clock=clock)


def xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_vietnamese_order_given_name_first_with_vietnamese_collation() -> None:
    names = ["Trần Văn Đức", "Nguyễn Thị Dung", "Lê Văn Dũng", "Phạm Thị Anh", "Vũ Văn Ánh",
             "Hoàng Văn Ăn", "Bùi Thị Ân", "Đỗ Văn Bình", "Nguyễn Văn Anh", "Ngô Thị Ba"]
    assert sorted(names, key=vi_sort_key) == [
        "Phạm Thị Anh", "Nguyễn Văn Anh",  # same given name: then middle name (Thị < Văn)
        "Vũ Văn Ánh",  # the level tone before sắc
        "Hoàng Văn Ăn", "Bùi Thị Ân",  # ă, â after a
        "Ngô Thị Ba", "Đỗ Văn Bình",
        "Nguyễn Thị Dung", "Lê Văn Dũng",  # same letters: level before ngã
        "Trần Văn Đức",  # đ after d
    ]


def test_names_in_capitals_become_title_case() -> None:
    assert title_case_capitals("NGUYỄN VĂN ĐỨC") == "Nguyễn Văn Đức"
    assert title_case_capitals("Nguyễn văn AN") == "Nguyễn văn AN"  # not all capitals


async def setup(services: Services) -> tuple[Actor, int, int]:
    seeded = await seed_branch(services.db, services.clock.now(), members=0)
    async with services.db.transaction() as conn:
        pid = await people.add_person(conn, full_name="Phạm Văn Cường",
                                      name_key="phạm văn cường", now=services.clock.now(),
                                      birth_date=date(1970, 4, 12))
        mid = await people.add_membership(conn, person_id=pid, unit_id=seeded.branch_id,
                                          now=services.clock.now(),
                                          admitted_on=date(2025, 3, 1))
        other = await people.add_person(conn, full_name="Lê Văn Nam", name_key="lê văn nam",
                                        now=services.clock.now(), birth_date=date(1980, 1, 1))
        await people.add_membership(conn, person_id=other, unit_id=seeded.branch_id,
                                    now=services.clock.now(), admitted_on=date(2005, 1, 1))
    secretary = await services.actor(seeded.secretary[1])
    return secretary, mid, seeded.branch_id


async def test_corrections_are_validated_like_an_import_row(services: Services) -> None:
    secretary, mid, branch = await setup(services)
    with pytest.raises(Invalid) as refused:
        await correct_field(services, secretary, mid, "official_on", "01/01/2025", "vi")
    assert refused.value.params["reason"] == (
        "Ngày chính thức 01/01/2025 trước ngày vào Đảng 01/03/2025")
    with pytest.raises(Invalid) as refused:
        await correct_field(services, secretary, mid, "birth_date", "01/01/2010", "vi")
    assert refused.value.params["reason"] == (
        "Chưa đủ 18 tuổi khi vào Đảng (sinh 01/01/2010, vào Đảng 01/03/2025)")
    with pytest.raises(Invalid) as refused:
        await correct_field(services, secretary, mid, "admitted_on", "05/12/2026", "vi")
    assert "tương lai" in refused.value.params["reason"]
    with pytest.raises(Invalid) as refused:
        await correct_field(services, secretary, mid, "admitted_on", "-", "vi")
    assert refused.value.params["reason"] == "Thiếu ngày vào Đảng"
    await correct_field(services, secretary, mid, "birth_date", "1/1/1980", "vi")
    with pytest.raises(Invalid) as refused:  # would be Lê Văn Nam, born the same day
        await correct_field(services, secretary, mid, "full_name", "Lê Văn Nam", "vi")
    assert refused.value.key == "rec_duplicate"
    row = await people.membership(services.db, mid)
    assert row is not None and row.full_name == "Phạm Văn Cường"

    done = await correct_field(services, secretary, mid, "full_name", "PHẠM VĂN CƯỜNG  ", "vi")
    assert not done.changed  # capitals become title case: the same name
    done = await correct_field(services, secretary, mid, "phone", "+84 912.345.678", "vi")
    assert (done.old, done.new) == (None, "0912345678")
    done = await correct_field(services, secretary, mid, "official_on", "02/03/2026", "vi")
    assert done.row.official_on == date(2026, 3, 2)
    done = await correct_field(services, secretary, mid, "official_on", "-", "vi")
    assert done.row.official_on is None  # back to probationary
    audit = await services.db.fetch_all(
        "SELECT action, detail FROM audit_log WHERE action LIKE 'member.edit.%' ORDER BY id")
    person = done.row.person_id
    assert [tuple(r) for r in audit] == [
        ("member.edit.birth_date", f"person {person}: 12/04/1970 → 01/01/1980"),
        ("member.edit.phone", f"person {person}: — → 0912345678"),
        ("member.edit.official_on", f"person {person}: — → 02/03/2026"),
        ("member.edit.official_on", f"person {person}: 02/03/2026 → —"),
    ]
    member = Actor(telegram_user_id=1, person_id=None, branch_roles={branch: "member"})
    with pytest.raises(Denied):
        await correct_field(services, member, mid, "phone", "0912345678", "vi")


async def test_import_writes_the_start_in_this_branch(services: Services) -> None:
    seeded = await seed_branch(services.db, services.clock.now(), members=0)
    secretary = await services.actor(seeded.secretary[1])
    data = xlsx([["Họ và tên", "Ngày vào Đảng", "Ngày chuyển đến"],
                 ["Nguyễn Văn An", "19/05/2000", "15/06/2024"],
                 ["Trần Thị Bình", "19/05/2001", None]])
    parsed = parse_members("dv.xlsx", data, date(2026, 12, 1))
    plan = await plan_member_import(services, secretary, seeded.branch_id, parsed, "vi")
    await apply_member_import(services, secretary, plan)
    starts = {r[0]: r[1] for r in await services.db.fetch_all(
        "SELECT p.full_name, m.joined_at FROM memberships m JOIN people p "
        "ON p.id = m.person_id WHERE m.unit_id = ?", (seeded.branch_id,))}
    # Local midnight (UTC+7) of 15/06/2024; without the column, the day of the import.
    assert starts["Nguyễn Văn An"] == "2024-06-14T17:00:00+00:00"
    assert starts["Trần Thị Bình"] == "2026-12-01T01:00:00+00:00"
    listed = await members_page(services, secretary, seeded.branch_id, 0)
    assert [m.full_name for m in listed.members] == [
        "Nguyễn Văn An", "Trần Thị Bình", "Trần Thị Bí Thư"]
