"""Meetings as held, the rules underneath: the length the rules check, kinds in
the one-line /meeting, the typed actual times, accepted documents, the minutes' header,
and a move that keeps answers, on a real SQLite file."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.core.errors import Invalid
from bot.meetings import minutes, rollcall, service
from bot.reports import figures, ledger
from storage import meetings as store
from storage.db import Database
from storage.ledger import LedgerRows, MeetingRecord
from storage.meetings import MeetingRow, held_length
from tests.factories import seed_branch

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
START = datetime(2026, 12, 5, 12, 30, tzinfo=UTC)


def meeting(kind: str = "regular") -> MeetingRow:
    return MeetingRow(1, 1, kind, START, 90, "Hội trường", None, "scheduled", None, START)


def test_length_is_the_actual_one_once_recorded() -> None:
    assert held_length(None, None, 90) == 90  # older records: the plan
    assert held_length(START, START + timedelta(minutes=75), 90) == 75
    held = MeetingRow(1, 1, "regular", START, 90, None, None, "closed", None, START,
                      START, START + timedelta(minutes=75))
    assert held.length_min == 75


@pytest.mark.parametrize(("kind", "length", "short"), [
    ("regular", 89, True), ("regular", 90, False), ("thematic", 75, True),
    ("combined", 119, True), ("combined", 120, False), ("extraordinary", 30, False),
])
def test_short_on_the_actual_length(kind: str, length: int, short: bool) -> None:
    assert figures.is_short(kind, length, 90, 120) is short


def test_extraordinary_never_counts_as_the_regular_meeting() -> None:
    earlier = START - timedelta(days=40)
    facts = [MeetingRecord(1, 7, "extraordinary", START, "closed", 90, START,
                           START + timedelta(minutes=60), None, None),
             MeetingRecord(2, 7, "regular", earlier, "closed", 90, earlier,
                           earlier + timedelta(minutes=75), None, None)]
    book = ledger.build(LedgerRows([], facts, [], set(), set()), [], 2026,
                        datetime(2026, 12, 20, 12, tzinfo=TZ), TZ, 10)
    [year] = figures.branch_years(book, [(7, "Chi bộ", 10, None)], 90, 120)
    assert year.regular_by_month["2026-12"] == 0
    assert year.regular_by_month["2026-10"] == 1
    assert year.extraordinary == [date(2026, 12, 5)]
    assert year.short_list == [(date(2026, 10, 26), "regular", 75)]


@pytest.mark.parametrize(("line", "kind", "rest"), [
    ("bất thường 05/12/2026 19:30 | Hội trường | Xét kết nạp",
     "extraordinary", "05/12/2026 19:30 | Hội trường | Xét kết nạp"),
    ("Bất Thường 5/12 19h30", "extraordinary", "5/12 19h30"),
    ("chuyên đề 20/12/2026 19:30 | | Nghị quyết", "thematic", "20/12/2026 19:30 | | Nghị quyết"),
    ("kết hợp 20/12/2026 19:30", "combined", "20/12/2026 19:30"),
    ("thường kỳ", "regular", ""),
    ("05/12/2026 19:30 | Hội trường | Họp bất thường", None,
     "05/12/2026 19:30 | Hội trường | Họp bất thường"),
])
def test_kind_words_of_the_one_line_form(line: str, kind: str | None, rest: str) -> None:
    assert service.split_kind(line) == (kind, rest)


def test_typed_actual_times() -> None:
    start, end = rollcall.parse_span("19:30-21:15", meeting(), TZ)
    assert (start.astimezone(TZ).strftime("%H:%M"), end.astimezone(TZ).strftime("%H:%M")) == \
        ("19:30", "21:15")
    assert (end - start) == timedelta(minutes=105)
    start, end = rollcall.parse_span("22:00 – 0:30", meeting(), TZ)  # past midnight
    assert end - start == timedelta(minutes=150)
    assert rollcall.parse_span("19h30 đến 21h", meeting(), TZ)[1].hour == 21
    for bad in ("19:30", "abc", "19:30-25:00", "07:00-20:00"):
        with pytest.raises(Invalid):
            rollcall.parse_span(bad, meeting(), TZ)


def test_accepted_documents() -> None:
    for name in ("Dự thảo.PDF", "ke-hoach.docx", "bang-tong-hop.xlsx", "anh.jpg"):
        assert service.document_kind(name, None, photo=False) == "document"
    assert service.document_kind("x", None, photo=True) == "photo"
    assert service.document_kind("no-suffix", "application/pdf", photo=False) == "document"
    for name in ("virus.exe", "macro.docm", "ghi-chu.txt"):
        with pytest.raises(Invalid):
            service.document_kind(name, "application/octet-stream", photo=False)


def test_minutes_header_names() -> None:
    assert minutes.committee_header("Đảng ủy xã Tân Lập") == "ĐẢNG BỘ XÃ TÂN LẬP"
    assert minutes.committee_header("Đảng bộ phường Hòa Bình") == "ĐẢNG BỘ PHƯỜNG HÒA BÌNH"
    assert minutes.branch_header("Chi bộ Thôn 3") == "CHI BỘ THÔN 3"
    assert minutes.branch_header("Thôn 5") == "CHI BỘ THÔN 5"
    assert minutes.locality("Đảng ủy xã Tân Lập", "Nhà văn hóa") == "Tân Lập"
    assert minutes.locality(None, "Nhà văn hóa") == "Nhà văn hóa"


async def test_answers_survive_a_change_of_details(db: Database) -> None:
    now = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
    seeded = await seed_branch(db, now, members=3)
    async with db.transaction() as conn:
        mid = await store.create(conn, unit_id=seeded.branch_id, kind="regular",
                                 starts_at=START, duration_min=90, place="A", agenda="B",
                                 created_by=None, now=now)
        assert mid is not None
        await store.invite(conn, mid, [(p, "member", None) for p, _ in seeded.members])
    pid = seeded.members[0][0]
    assert await store.record_answer(db, mid, pid, "absent", "Đi công tác", now)
    async with db.transaction() as conn:
        await store.set_details(conn, mid, starts_at=START + timedelta(days=1), place="C",
                                agenda="D", now=now)
        await store.record_answer_for(conn, mid, seeded.members[1][0], "absent", "ốm",
                                      seeded.secretary[0], now)
    moved = await store.get(db, mid)
    assert moved is not None and (moved.place, moved.agenda) == ("C", "D")
    rows = {i.person_id: i for i in await store.invitations(db, mid)}
    assert (rows[pid].answer, rows[pid].reason, rows[pid].recorded_by_name) == \
        ("absent", "Đi công tác", None)
    assert rows[seeded.members[1][0]].recorded_by_name == "Trần Thị Bí Thư"
    # The member's own answer clears who recorded it.
    assert await store.record_answer(db, mid, seeded.members[1][0], "absent", "ốm", now)
    again = await store.invitation(db, mid, seeded.members[1][0])
    assert again is not None and again.recorded_by_name is None
