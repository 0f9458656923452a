"""The committee's year in the console: the heatmap of a 30-branch committee
from the figures of /report branches, a branch's own year, the 3-month rule list with
its causes, probations ending and overdue, the export downloaded."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from playwright.async_api import Browser

from bot.core import formatting as fmt
from bot.demo.playground import Playground
from bot.reports import service as reports
from storage import meetings as store
from storage import people
from tests.e2e.console_helpers import init_data, open_page, screenshot
from tests.factories import seed_branch

SINCE = datetime(2026, 1, 1, 1, 0, tzinfo=UTC)
CHAIRWOMAN = 880001
BRANCHES = 30




async def committee(live_bot: Playground) -> tuple[int, list[int], list[list[int]]]:
    """30 branches of 4 members since January; regular meetings June to November, where
    in branch ``i`` the last ``i % 4`` members stay away without a reason; a committee
    officer; one probation ending soon, one overdue."""
    db = live_bot.services.db
    first = await seed_branch(db, SINCE, members=3, branch_name="Chi bộ số 01")
    branches, members = [first.branch_id], [[first.secretary[0]] + [p for p, _ in first.members]]
    for i in range(2, BRANCHES + 1):
        seeded = await seed_branch(db, SINCE, members=3, branch_name=f"Chi bộ số {i:02d}",
                                   committee_id=first.committee_id,
                                   secretary_telegram_id=4000 + i,
                                   first_telegram_id=10000 + 10 * i)
        branches.append(seeded.branch_id)
        members.append([seeded.secretary[0]] + [p for p, _ in seeded.members])
    async with db.transaction() as conn:
        boss = await people.add_person(conn, full_name="Lê Thị Thường Trực",
                                       name_key="lê thị thường trực", now=SINCE)
        await people.bind_telegram(conn, boss, CHAIRWOMAN)
        await people.add_committee_officer(conn, boss, first.committee_id, "standing", SINCE)
        for name, admitted in (("Phạm Dự Bị Sắp", date(2026, 1, 20)),
                               ("Phạm Dự Bị Quá", date(2025, 10, 1))):
            pid = await people.add_person(conn, full_name=name, name_key=name.casefold(),
                                          now=SINCE)
            await people.add_membership(conn, person_id=pid, unit_id=branches[1], now=SINCE,
                                        admitted_on=admitted)
        for b, unit_id in enumerate(branches):
            for month in range(6, 12):
                starts = datetime(2026, month, 15, 12, 30, tzinfo=UTC)
                meeting = await store.create(conn, unit_id=unit_id, kind="regular",
                                             starts_at=starts, duration_min=90, place=None,
                                             agenda=None, created_by=None, now=starts)
                assert meeting is not None
                await store.invite(conn, meeting, [(p, "member", None) for p in members[b]])
                away = b % 4
                await store.put_attendance(conn, meeting, [
                    (p, "unexcused" if k >= 4 - away else "present", None)
                    for k, p in enumerate(members[b])], None, starts, overwrite=True)
                await store.set_held(conn, meeting, starts, starts + timedelta(minutes=90))
                await store.set_state(conn, meeting, "closed", starts + timedelta(hours=2))
    return first.committee_id, branches, members


async def test_the_heatmap_of_a_30_branch_committee(cg: Playground, browser: Browser) -> None:
    committee_id, branches, _ = await committee(cg)
    page = await open_page(browser, cg, init_data(cg, CHAIRWOMAN), f"?s=year&c=c{committee_id}")
    rows = page.locator("#heatmap tr[data-branch-row]")
    await rows.first.wait_for(timeout=30_000)
    assert await rows.count() == BRANCHES
    # The same figures as /report branches: each branch's year rate, cell for cell.
    actor = await cg.services.actor(CHAIRWOMAN)
    figures = await reports.branches_report(cg.services, actor, f"c{committee_id}", None)
    for i, branch in enumerate(figures.branches):
        cells = await rows.nth(i).locator("td").all_inner_texts()
        assert cells[-1] == fmt.percent(branch.rate, "vi"), branch.name
        assert cells[0] == "×"  # January: no regular meeting
        assert cells[5] == str(round(branch.rate * 100))  # June, every month alike
    assert [c for c in await rows.nth(2).locator("td").all_inner_texts()][5:11] == ["50"] * 6
    # The 3-month rule: branch 3's last member stayed away without a reason 6 months.
    main = await page.locator("main").inner_text()
    assert "vắng không lý do buổi 15/06" in main
    assert "Phạm Dự Bị Sắp" in main and "sắp hết hạn" in main
    assert "Phạm Dự Bị Quá" in main and "quá hạn" in main
    await screenshot(page, "year-360.png")
    await page.set_viewport_size({"width": 1280, "height": 900})
    await screenshot(page, "year-1280.png")
    # The export, downloaded as /report export sends it.
    async with page.expect_download() as download_info:
        await page.locator("#export").click()
    download = await download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    saved = Path(await download.path())
    assert (await asyncio.to_thread(saved.read_bytes))[:2] == b"PK"
    # A click on a branch opens its year.
    await page.locator(f'button[data-branch="{branches[3]}"]').click()
    await page.get_by_text("Chi bộ số 04 · 2026").wait_for()
    assert await page.locator("#heatmap tr[data-branch-row]").count() == 1
    # A branch secretary sees their branch only, never the committee's.
    page = await open_page(browser, cg, init_data(cg, 4002), f"?s=year&c=c{committee_id}")
    await page.get_by_text("Không có quyền xem báo cáo của đơn vị này.").wait_for()
    assert await page.locator("#heatmap").count() == 0
