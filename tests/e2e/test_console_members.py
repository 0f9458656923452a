"""Members of a branch in the console: the list with standing, dates, channel
and dues; a record corrected field by field with the import's validation, audited."""

from __future__ import annotations

from datetime import date

from playwright.async_api import Browser

from bot.demo.playground import Playground
from storage import people
from tests.e2e.console_helpers import init_data, open_page, screenshot
from tests.factories import seed_branch


async def test_members_list_and_a_record_corrected(cg: Playground, browser: Browser) -> None:
    seeded = await seed_branch(cg.services.db, cg.clock.now(), members=3)
    async with cg.services.db.transaction() as conn:
        pid = await people.add_person(conn, full_name="Phạm Văn Dự Bị",
                                      name_key="phạm văn dự bị", now=cg.clock.now())
        await people.add_membership(conn, person_id=pid, unit_id=seeded.branch_id,
                                    now=cg.clock.now(), admitted_on=date(2026, 3, 2))
    page = await open_page(browser, cg, init_data(cg, seeded.secretary[1]),
                           f"?s=members&u={seeded.branch_id}")
    rows = page.locator("tr[data-membership]")
    await rows.first.wait_for(timeout=20_000)
    assert await rows.count() == 5
    probation = await page.locator("tr", has_text="Phạm Văn Dự Bị").inner_text()
    assert "dự bị" in probation and "02/03/2026" in probation
    assert "không có Telegram" in probation
    full = await page.locator("tr", has_text="Đảng viên Số 001").inner_text()
    assert "chính thức" in full and "01/01/2010" in full and "Telegram" in full
    await screenshot(page, "members-360.png")
    await page.set_viewport_size({"width": 1280, "height": 800})
    await screenshot(page, "members-1280.png")
    await page.set_viewport_size({"width": 360, "height": 800})

    await page.get_by_role("button", name="Đảng viên Số 001").click()
    birth = page.locator('[data-field="birth_date"]')
    await birth.wait_for()
    # A date that does not exist: the import's answer, nothing written.
    await birth.get_by_role("button").click()
    await page.locator("#modal-input").fill("31/02/1990")
    await page.locator("#modal-ok").click()
    await page.locator("#toast").get_by_text("31/02/1990").wait_for()
    member = seeded.members[0][0]
    audited = await cg.services.db.fetch_all(
        "SELECT action FROM audit_log WHERE action LIKE 'member.edit.%'")
    assert audited == []
    await birth.get_by_role("button").click()
    await page.locator("#modal-input").fill("15/03/1990")
    await page.locator("#modal-ok").click()
    await birth.get_by_text("15/03/1990").wait_for()
    audited = await cg.services.db.fetch_all(
        "SELECT action, actor_id FROM audit_log WHERE action LIKE 'member.edit.%'")
    assert [(a["action"], a["actor_id"]) for a in audited] == [
        ("member.edit.birth_date", seeded.secretary[1])]
    found = [m for m in await people.members_of(cg.services.db, seeded.branch_id)
             if m.person_id == member]
    assert found[0].birth_date == date(1990, 3, 15)


async def test_the_console_speaks_english_to_who_chose_it(cg: Playground, browser: Browser
                                                         ) -> None:
    seeded = await seed_branch(cg.services.db, cg.clock.now(), members=1)
    secretary = cg.emu.user(seeded.secretary[1], "Bí thư")
    assert "English" in (await secretary.ask("/lang en")).text
    page = await open_page(browser, cg, init_data(cg, seeded.secretary[1]),
                           f"?s=members&u={seeded.branch_id}")
    await page.locator("tr[data-membership]").first.wait_for(timeout=20_000)
    header = await page.locator("thead").inner_text()
    assert "Standing" in header and "Dues" in header
    assert "full member" in await page.locator("tbody").inner_text()
    assert await page.evaluate("document.documentElement.lang") == "en"
