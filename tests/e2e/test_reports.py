"""/report end to end on a seeded history: every figure equals one computed here,
independently, from the raw rows; the export opens with openpyxl; the chart is a PNG;
members and officers of other branches are refused."""

from __future__ import annotations

import io
from collections import defaultdict
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from bot.core import formatting as fmt
from bot.core.probation import probation_ends
from bot.demo.playground import Playground
from emulator import FakeUser
from tests.history import History, seed_history

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = date(2026, 12, 1)


@pytest.fixture
async def history(live_bot: Playground) -> History:
    return await seed_history(live_bot.services.db, branches=2, members_per_branch=8,
                              first_month=date(2026, 6, 1), months=6, seed=11)


async def read_report(user: FakeUser, command: str) -> str:
    """Send a /report command; return the full text (all pages, or the file)."""
    user.drain()
    await user.send(command)
    message = await user.next_message(timeout=20)
    while message.text.startswith("⏳"):
        message = await user.next_message(timeout=20)
    if message.document is not None:
        return message.document.data.decode()
    text = message.text
    while "Sau »" in message.button_labels:
        await user.callback_answer(await user.press("Sau »", message_id=message.message_id))
        message = next(m for m in user.chat if m.message_id == message.message_id)
        text += "\n" + message.text
    return text


async def raw_member_year(live_bot: Playground, branch: int,
                          year: int) -> dict[str, dict[str, object]]:
    """Per member name: present/excused/unexcused, rate and violation months, from raw rows."""
    db = live_bot.services.db
    names = {r[0]: r[1] for r in await db.fetch_all(
        "SELECT p.id, p.full_name FROM people p JOIN memberships m ON m.person_id = p.id "
        "WHERE m.unit_id = ?", (branch,))}
    standing = {r[0]: r[1] for r in await db.fetch_all(
        "SELECT person_id, CASE WHEN is_away = 1 THEN 'away' WHEN is_213 = 1 THEN '213' END "
        "FROM memberships WHERE unit_id = ?", (branch,))}
    rows = await db.fetch_all(
        "SELECT a.person_id, a.status, m.starts_at, i.standing FROM attendance a "
        "JOIN meetings m ON m.id = a.meeting_id JOIN invitations i ON "
        "i.meeting_id = a.meeting_id AND i.person_id = a.person_id "
        "WHERE m.unit_id = ? AND m.state = 'closed' AND i.capacity = 'member'", (branch,))
    result: dict[str, dict[str, object]] = {}
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    months: dict[int, set[str]] = defaultdict(set)
    for person, status, starts, inv_standing in rows:
        local = datetime.fromisoformat(starts).astimezone(TZ)
        if local.year != year:
            continue
        counts[person][status] += 1
        if inv_standing is None:
            counts[person]["counted"] += 1
            counts[person]["counted_present"] += status == "present"
        if status == "unexcused":
            months[person].add(local.strftime("%Y-%m"))
    dues = await db.fetch_all("SELECT person_id, period FROM dues WHERE unit_id = ?", (branch,))
    # A month's dues are unpaid only after the 10th of the next month (on 01/12: up to 10/2026).
    def due(period: str) -> bool:
        y, m = int(period[:4]), int(period[5:7])
        return (date(y + 1, 1, 10) if m == 12 else date(y, m + 1, 10)) < TODAY

    tracked = {p for _, p in dues if p.startswith(str(year)) and due(p)}
    paid = {(person, p) for person, p in dues}
    for person, name in names.items():
        if standing[person] is None:
            months[person] |= {p for p in tracked if (person, p) not in paid}
        c = counts[person]
        rate = c["counted_present"] / c["counted"] if c["counted"] else None
        result[name] = {"present": c["present"], "excused": c["excused"],
                        "unexcused": c["unexcused"], "rate": fmt.percent(rate),
                        "months": len(months[person])}
    return result


async def test_year_report_figures_match_the_raw_rows(live_bot: Playground,
                                                      history: History) -> None:
    branch = history.branch_ids[0]
    secretary = live_bot.emu.user(history.secretary_tg[branch], "Bí thư")
    text = await read_report(secretary, "/report year 2026")
    expected = await raw_member_year(live_bot, branch, 2026)
    assert len(expected) == 8
    for name, figures in expected.items():
        line = next(line for line in text.split("\n") if f" {name}" in line and "—" in line)
        assert (f"— {figures['present']}/{figures['excused']}/{figures['unexcused']} — "
                f"{figures['rate']}") in line, (name, line, figures)
        months = figures["months"]
        assert isinstance(months, int)
        assert ("🚩" in line) == (months >= 3), (name, line)
        assert ("⚠️" in line) == (months == 2), (name, line)
    # Only this branch: nobody of the other branch appears.
    assert "Đảng viên 02-" not in text
    audit = await live_bot.services.db.fetch_value(
        "SELECT count(*) FROM audit_log WHERE action = 'report.year' AND actor_id = ?",
        (history.secretary_tg[branch],))
    assert audit == 1


async def test_branches_report_for_the_committee(live_bot: Playground, history: History) -> None:
    officer = live_bot.emu.user(history.committee_officer_tg, "Thường trực")
    text = await read_report(officer, "/report branches")
    db = live_bot.services.db
    total_fp = total_fi = 0
    for branch in history.branch_ids:
        name = await db.fetch_value("SELECT name FROM units WHERE id = ?", (branch,))
        rows = await db.fetch_all(
            "SELECT i.capacity, i.standing, a.status FROM attendance a JOIN meetings m ON "
            "m.id = a.meeting_id JOIN invitations i ON i.meeting_id = a.meeting_id AND "
            "i.person_id = a.person_id WHERE m.unit_id = ? AND m.state = 'closed'", (branch,))
        counted = [r for r in rows if r[0] == "member" and r[1] is None]
        present = sum(1 for r in counted if r[2] == "present")
        fp = sum(1 for r in rows if r[0] == "follower" and r[2] == "present")
        fi = sum(1 for r in rows if r[0] == "follower")
        total_fp, total_fi = total_fp + fp, total_fi + fi
        section = text.split(f"▪ {name}")[1].split("▪")[0]
        assert f"Dự họp: {fmt.ratio(present, len(counted))} " \
               f"({fmt.percent(present / len(counted))})" in section
        assert f"cấp ủy viên phụ trách dự {fmt.ratio(fp, fi)} buổi" in section
        held = {datetime.fromisoformat(r[0]).astimezone(TZ).strftime("%m/%Y") for r in
                await db.fetch_all("SELECT starts_at FROM meetings WHERE unit_id = ? AND "
                                   "kind = 'regular'", (branch,))}
        # The history is recorded from 01/06/2026: months before it are no data, not missing.
        missing = [f"{m:02d}/2026" for m in range(6, 12) if f"{m:02d}/2026" not in held]
        assert f"thiếu: {', '.join(missing) or '—'}" in section
        assert "01/2026 – 05/2026: — (chưa có dữ liệu)" in section
        # December is not over and its meeting not held yet: not due, not missing.
        assert "12/2026" not in held
        assert f"{len(held & {f'{m:02d}/2026' for m in range(6, 12)})}/6 tháng" in section
        assert "tháng 12 chưa đến hạn" in section
    assert f"dự sinh hoạt chi bộ: {fmt.ratio(total_fp, total_fi)} buổi" in text


async def test_duties_probation_member_and_meeting_reports(
    live_bot: Playground, history: History
) -> None:
    branch = history.branch_ids[1]
    secretary = live_bot.emu.user(history.secretary_tg[branch], "Bí thư")
    db = live_bot.services.db
    duties = await read_report(secretary, "/report duties 11/2026")
    for person, name, done, problems in await db.fetch_all(
        "SELECT p.id, p.full_name, count(d.household_id), "
        "sum(CASE WHEN d.status = 'problem' THEN 1 ELSE 0 END) "
        "FROM assignments a JOIN households h ON h.id = a.household_id "
        "JOIN people p ON p.id = a.person_id LEFT JOIN duty_reports d ON "
        "d.household_id = h.id AND d.period = '2026-11' WHERE h.unit_id = ? GROUP BY p.id",
        (branch,)):
        assert f"{name}: {done}/1 hộ, {problems or 0} vấn đề" in duties, person
    probation = await read_report(secretary, "/report probation")
    for name, admitted in await db.fetch_all(
        "SELECT p.full_name, m.admitted_on FROM memberships m JOIN people p ON "
        "p.id = m.person_id WHERE m.unit_id = ? AND m.official_on IS NULL", (branch,)):
        ends = probation_ends(date.fromisoformat(admitted))
        assert f"{name}: vào Đảng {fmt.day(date.fromisoformat(admitted))}, hết dự bị " \
               f"{fmt.day(ends)}" in probation
        assert ("quá hạn" in probation.split(name)[1].split("\n")[0]) == (ends < TODAY)
    member_name = await db.fetch_value(
        "SELECT p.full_name FROM people p JOIN memberships m ON m.person_id = p.id "
        "WHERE m.unit_id = ? AND m.role = 'member' ORDER BY p.id LIMIT 1", (branch,))
    one = await read_report(secretary, f"/report member {member_name.upper()}")
    assert one.startswith(f"👤 {member_name} — Chi bộ Thôn 02 — năm 2026")
    meetings_held = await db.fetch_value(
        "SELECT count(*) FROM invitations i JOIN meetings m ON m.id = i.meeting_id WHERE "
        "i.person_id = (SELECT id FROM people WHERE full_name = ?)", (member_name,))
    assert one.count("— thường kỳ:") + one.count("— chuyên đề:") == meetings_held
    latest = await read_report(secretary, "/report meeting")
    assert "Báo cáo cuộc họp" in latest and "Điểm danh thực tế:" in latest


async def test_export_workbook_and_chart(live_bot: Playground, history: History) -> None:
    officer = live_bot.emu.user(history.committee_officer_tg, "Thường trực")
    officer.drain()
    await officer.send("/report export")
    got = []
    while len([m for m in got if m.document or m.photo]) < 2:
        got.append(await officer.next_message(timeout=30))
    assert got[0].text == "⏳ Đang tạo báo cáo…"
    workbook = next(m for m in got if m.document is not None)
    chart = next(m for m in got if m.photo is not None)
    assert chart.photo is not None and chart.photo[:8] == b"\x89PNG\r\n\x1a\n"
    assert workbook.document is not None
    book = load_workbook(io.BytesIO(workbook.document.data))
    assert book.sheetnames == ["Đảng viên", "Cuộc họp", "Điểm danh", "Theo dõi hộ", "Đảng phí",
                               "Theo tháng", "Cấp ủy viên phụ trách"]
    # Each branch's months: before the record start (01/06/2026) "—", never 0 or missing.
    months = [r for r in book["Theo tháng"].iter_rows(min_row=2, values_only=True)]
    assert len(months) == 2 * 12
    assert all(r[2] == "—" and r[3] == "—" for r in months if r[1] < "06/2026")
    assert all(r[2] != "—" for r in months if "06/2026" <= r[1] <= "12/2026")
    # The follower, counted once across both branches.
    followers = list(book["Cấp ủy viên phụ trách"].iter_rows(min_row=2, values_only=True))
    fp, fi = await live_bot.services.db.fetch_one(
        "SELECT sum(CASE WHEN a.status = 'present' THEN 1 ELSE 0 END), count(*) "
        "FROM invitations i JOIN attendance a ON "
        "a.meeting_id = i.meeting_id AND a.person_id = i.person_id WHERE i.capacity = 'follower'")
    assert followers == [("Lê Văn Thường Trực", fp, fi, f"dự {fmt.ratio(fp, fi)} buổi")]
    db = live_bot.services.db
    expected = {
        "Đảng viên": await db.fetch_value("SELECT count(*) FROM memberships WHERE state = "
                                          "'active'"),
        "Cuộc họp": await db.fetch_value("SELECT count(*) FROM meetings"),
        "Điểm danh": await db.fetch_value("SELECT count(*) FROM attendance"),
        "Theo dõi hộ": await db.fetch_value("SELECT count(*) FROM duty_reports"),
        "Đảng phí": await db.fetch_value("SELECT count(*) FROM dues"),
    }
    for sheet, rows in expected.items():
        assert book[sheet].max_row - 1 == rows, sheet
        assert book[sheet].freeze_panes == "A2"
    first_meeting = book["Cuộc họp"]["C2"].value
    assert isinstance(first_meeting, datetime) and first_meeting.hour == 19
    assert book["Cuộc họp"]["C2"].number_format == "dd/mm/yyyy hh:mm"


async def test_members_and_other_branches_are_refused(live_bot: Playground,
                                                      history: History) -> None:
    a, b = history.branch_ids
    member_tg = await live_bot.services.db.fetch_value(
        "SELECT p.telegram_user_id FROM people p JOIN memberships m ON m.person_id = p.id "
        "WHERE m.unit_id = ? AND m.role = 'member' LIMIT 1", (a,))
    member = live_bot.emu.user(member_tg, "ĐV")
    assert "dành cho cấp ủy" in (await member.ask("/report year")).text
    stranger = live_bot.emu.user(99_999, "Lạ")
    assert "dành cho cấp ủy" in (await stranger.ask("/report")).text
    officer_b = live_bot.emu.user(history.secretary_tg[b], "Bí thư B")
    menu = await officer_b.ask("/report")
    cq = await officer_b.press_data(f"rp:y:b{a}:0", message_id=menu.message_id)
    assert "Không có quyền" in await officer_b.callback_answer(cq)
    cq = await officer_b.press_data(f"rp:x:c{history.committee_id}:0", message_id=menu.message_id)
    assert "Không có quyền" in await officer_b.callback_answer(cq)
    assert "Chi bộ Thôn 01" not in (await read_report(officer_b, "/report year"))


async def test_daily_warnings_reach_the_officers_once(live_bot: Playground,
                                                      history: History) -> None:
    live_bot.emu.strict_private_chats = False
    branch = history.branch_ids[0]
    secretary = live_bot.emu.user(history.secretary_tg[branch], "Bí thư")
    # Make sure someone crosses the line: three months of unexcused absence.
    person = history.members[branch][3]
    await live_bot.services.db.execute(
        "UPDATE attendance SET status = 'unexcused' WHERE person_id = ? AND meeting_id IN "
        "(SELECT id FROM meetings WHERE unit_id = ? AND kind = 'regular' AND starts_at < "
        "'2026-10-01')", (person, branch))
    expected = await raw_member_year(live_bot, branch, 2026)
    flagged = sorted(n for n, f in expected.items() if f["months"] >= 3)  # type: ignore[operator]
    warned = sorted(n for n, f in expected.items() if f["months"] == 2)
    soon = [name for name, admitted in await live_bot.services.db.fetch_all(
        "SELECT p.full_name, m.admitted_on FROM memberships m JOIN people p ON p.id = "
        "m.person_id WHERE m.unit_id = ? AND m.official_on IS NULL", (branch,))
        if 0 <= (probation_ends(date.fromisoformat(admitted)) - TODAY).days <= 30]
    assert "Đảng viên 01-004" in flagged
    await live_bot.settle()
    await live_bot.settle()
    got = [m.text for m in secretary.drain()]
    assert sorted(t.split("Đồng chí ")[1].split(" (")[0] for t in got
                  if t.startswith("🚩")) == flagged
    assert sorted(t.split("Đồng chí ")[1].split(" (")[0] for t in got
                  if t.startswith("⚠️ Đồng chí")) == warned
    assert len([t for t in got if t.startswith("🌱")]) == len(soon)
    live_bot.clock.advance(timedelta(days=1))  # type: ignore[attr-defined]
    await live_bot.settle()
    assert [m.text for m in secretary.drain() if m.text[:1] in "🚩⚠🌱"] == []
