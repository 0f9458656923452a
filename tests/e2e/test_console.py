"""The officers' console in headless Chromium against the real bot: who may
open it, a 150-member roll call through the grid recorded as the chat records it."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

from playwright.async_api import Browser, Page, Request

from bot.demo.playground import Playground
from storage import meetings as store
from storage import people
from tests.conftest import START
from tests.e2e.console_helpers import (
    PUBLIC_URL,
    init_data,
    open_page,
    screenshot,
)
from tests.factories import seed_branch

DEC5 = datetime(2026, 12, 5, 12, 30, tzinfo=UTC)  # 05/12/2026 19:30 in Hanoi




async def held_meeting(live_bot: Playground, members: int, **seed: object) -> tuple[int, int, int]:
    """A branch of ``members`` + its secretary, a meeting that began two hours ago:
    (branch id, meeting id, secretary's Telegram id)."""
    seeded = await seed_branch(live_bot.services.db, live_bot.clock.now(), members=members,
                               **seed)  # type: ignore[arg-type]
    # Only the secretary is on Telegram: invitations to chats never opened would each
    # tell the officers (as in the chat's own 150-name roll-call test).
    await live_bot.services.db.execute("UPDATE people SET telegram_user_id = NULL WHERE id != ? "
                                 "AND telegram_user_id IS NOT NULL AND id IN (SELECT "
                                 "person_id FROM memberships WHERE unit_id = ?)",
                                 (seeded.secretary[0], seeded.branch_id))
    secretary = live_bot.emu.user(seeded.secretary[1], "Bí thư")
    await secretary.send("/help")
    await secretary.next_message()
    await secretary.ask("/meeting 05/12/2026 19:30 | Hội trường | Nội dung")
    live_bot.clock.set(DEC5 + timedelta(hours=2))  # type: ignore[attr-defined]
    await live_bot.settle()
    secretary.drain()
    [meeting] = await store.of_unit(live_bot.services.db, seeded.branch_id)
    return seeded.branch_id, meeting.id, seeded.secretary[1]


async def refusal(page: Page) -> str:
    return await page.locator("#refused").inner_text(timeout=20_000)


async def test_refused_member_other_officer_forged_and_expired(
        cg: Playground, browser: Browser) -> None:
    branch_a, meeting_a, secretary_a = await held_meeting(cg, 3)
    other = await seed_branch(cg.services.db, cg.clock.now(), members=1,
                              branch_name="Chi bộ Thôn 5", secretary_telegram_id=4100,
                              first_telegram_id=6000)
    member_tg = 7777
    await cg.services.db.execute("UPDATE people SET telegram_user_id = ? WHERE id = ?",
                                 (member_tg, other.members[0][0]))
    before = await store.attendance(cg.services.db, meeting_a)
    invited = (await store.invitations(cg.services.db, meeting_a))[0].person_id

    # A member who holds no office: the Vietnamese refusal page, nothing else.
    page = await open_page(browser, cg, init_data(cg, member_tg))
    assert "không có quyền" in await refusal(page)
    # An officer of another branch sees their own branch only, and the meeting of
    # branch A is refused.
    page = await open_page(browser, cg, init_data(cg, 4100))
    await page.locator("[data-unit]").first.wait_for()
    assert await page.locator("[data-meeting]").count() == 0
    assert "Chi bộ Thôn 3" not in await page.locator("main").inner_text()
    page = await open_page(browser, cg, init_data(cg, 4100), f"?s=rollcall&m={meeting_a}")
    assert "cấp ủy chi bộ" in await refusal(page)
    response = await page.request.post(
        page.url.split("?")[0] + f"api/rollcall/{meeting_a}/tap",
        data=json.dumps({"person": invited}),
        headers={"Authorization": "tma " + init_data(cg, 4100),
                 "Content-Type": "application/json"})
    assert response.status == 403
    # Forged: the signed data of branch A's secretary with another user put in.
    good = init_data(cg, secretary_a)
    forged = good.replace("%22id%22%3A" + str(secretary_a), "%22id%22%3A4100")
    assert forged != good
    page = await open_page(browser, cg, forged, f"?s=rollcall&m={meeting_a}")
    assert "Không xác thực được" in await refusal(page)
    # Expired: signed correctly, 25 hours ago (the default allows 24).
    page = await open_page(browser, cg, init_data(cg, secretary_a, age_seconds=25 * 3600),
                           f"?s=rollcall&m={meeting_a}")
    assert "Không xác thực được" in await refusal(page)
    response = await page.request.get(page.url.split("?")[0] + "api/me")
    assert response.status == 401  # no init data at all
    assert await store.attendance(cg.services.db, meeting_a) == before
    # The rightful secretary, within the 24 hours, gets in.
    page = await open_page(browser, cg, init_data(cg, secretary_a, age_seconds=23 * 3600),
                           f"?s=rollcall&m={meeting_a}")
    await page.locator("#count-present").wait_for()
    assert branch_a


async def test_a_150_member_roll_call_through_the_grid(cg: Playground, browser: Browser
                                                       ) -> None:
    branch_id, meeting_id, secretary_tg = await held_meeting(cg, 149)
    loaded: list[Request] = []
    page = await open_page(browser, cg, init_data(cg, secretary_tg),
                           f"?s=rollcall&m={meeting_id}", on_request=loaded.append)
    counts = page.locator("#count-present")
    # The officer taking the roll call starts present (as in the chat).
    assert await counts.inner_text(timeout=20_000) == "Có mặt 1/150"
    # The first load: page, style, script, who am I, the roll call; nothing external.
    sizes = [await r.sizes() for r in loaded]
    transfer = sum(s["responseBodySize"] + s["responseHeadersSize"] for s in sizes)
    print(f"console first load: {len(loaded)} requests, {transfer} bytes transferred")
    assert len(loaded) == 5 and all(r.url.startswith("http://127.0.0.1:") for r in loaded)
    assert transfer < 200_000
    assert await page.locator("button.row").count() == 150
    await screenshot(page, "rollcall-360.png")

    api_calls: list[str] = []

    def count(request: Request) -> None:
        if "/api/" in request.url:
            api_calls.append(request.method + " " + request.url.split("/api/")[1])

    page.on("request", count)
    rows = await store.attendance(cg.services.db, meeting_id)
    people = {r.full_name: r.person_id for r in rows}
    # Everyone came but three: one tap each (❌ → ✅).
    absent = {"Đảng viên Số 010", "Đảng viên Số 020", "Đảng viên Số 030"}
    for name, person in people.items():
        if name in absent or name == "Trần Thị Bí Thư":
            continue
        await page.locator(f'button[data-person="{person}"]').click()
        await page.locator(f'button[data-person="{person}"][data-status="present"]').wait_for()
    assert await counts.inner_text() == "Có mặt 147/150"
    assert len(api_calls) == 146 and all(c.endswith("/tap") for c in api_calls)
    print(f"console roll call: 146 taps, {len(api_calls)} requests")
    # 010 had a reason: ❌ → ✅ → 🟡, which asks for it.
    ten = people["Đảng viên Số 010"]
    await page.locator(f'button[data-person="{ten}"]').click()
    await page.locator(f'button[data-person="{ten}"][data-status="present"]').wait_for()
    await page.locator(f'button[data-person="{ten}"]').click()
    await page.locator("#modal-input").fill("Ốm, có giấy")
    await page.locator("#modal-ok").click()
    await page.get_by_text("Ốm, có giấy").wait_for()
    # Search by name typed without accents.
    await page.locator("#search").fill("dang vien so 02")
    visible = await page.locator("button.row").all_inner_texts()
    assert len(visible) == 10 and all("Đảng viên Số 02" in v for v in visible)
    await page.locator("#search").fill("")
    # The actual times and the chair, as the chat's ⌨️ Giờ họp and 👤 Chủ trì take them.
    await page.locator("#edit-times").click()
    await page.locator("#modal-input").fill("19:30-21:15")
    await page.locator("#modal-ok").click()
    await page.get_by_text("19:30–21:15 (105 phút)").wait_for()
    await page.locator("#edit-chair").click()
    await page.locator("#modal-input").fill("đảng viên số 001")
    await page.locator("#modal-ok").click()
    await page.get_by_text("Chủ trì: Đảng viên Số 001").wait_for()
    await screenshot(page, "rollcall-360-marked.png")
    page.remove_listener("request", count)
    await page.set_viewport_size({"width": 1280, "height": 800})
    await screenshot(page, "rollcall-1280.png")
    await page.locator("#close").click()
    # As in the chat: those still unmarked are listed, and the officer confirms.
    await page.get_by_text("Còn 2 đồng chí").wait_for()
    question = await page.locator("#modal-label").inner_text()
    assert "Còn 2 đồng chí" in question
    assert "Đảng viên Số 020" in question and "Đảng viên Số 030" in question
    await page.locator("#modal-ok").click()
    closed = await page.locator("#closed").inner_text(timeout=20_000)
    assert "Có mặt 147/150 đồng chí; vắng 3 đồng chí." in closed

    # The database holds what the chat roll call would have recorded.
    meeting = await store.get(cg.services.db, meeting_id)
    assert meeting is not None and meeting.state == "closed"
    assert meeting.length_min == 105
    final = {r.full_name: r for r in await store.attendance(cg.services.db, meeting_id)}
    assert sum(r.status == "present" for r in final.values()) == 147
    assert final["Đảng viên Số 010"].status == "excused"
    assert final["Đảng viên Số 010"].reason == "Ốm, có giấy"
    assert final["Đảng viên Số 020"].status == "unexcused"
    audited = await cg.services.db.fetch_all(
        "SELECT action, actor_id FROM audit_log WHERE action = 'meeting.close'")
    assert [(a["action"], a["actor_id"]) for a in audited] == [("meeting.close", secretary_tg)]
    # And the chat's /report meeting reads it.
    secretary = cg.emu.user(secretary_tg, "Bí thư")
    secretary.drain()
    report = await secretary.ask("/report meeting")
    while report.text.startswith("⏳"):
        report = await secretary.next_message(timeout=20)
    assert "Có mặt 147/150 đồng chí; vắng 3 đồng chí." in report.text
    assert "Đảng viên Số 010: Ốm, có giấy" in report.text
    assert branch_id


def web_apps(message: object) -> dict[str, str]:
    return {b.text: b.web_app for row in message.buttons  # type: ignore[attr-defined]
            for b in row if b.web_app}


async def test_officers_get_console_buttons_and_members_none(cg: Playground) -> None:
    branch_id, meeting_id, secretary_tg = await held_meeting(cg, 2)
    secretary = cg.emu.user(secretary_tg, "Bí thư")
    roll = await secretary.ask("/attendance")
    assert web_apps(roll) == {"📋 Mở bảng điểm danh":
                              f"{PUBLIC_URL}/console/?s=rollcall&m={meeting_id}"}
    listed = await secretary.ask("/members")
    assert web_apps(listed) == {"👥 Mở danh sách trên bảng điều khiển":
                                f"{PUBLIC_URL}/console/?s=members&u={branch_id}"}
    menu = await secretary.ask("/report")
    assert web_apps(menu) == {"📊 Xem trên bảng điều khiển":
                              f"{PUBLIC_URL}/console/?s=year&c=b{branch_id}"}
    button = cg.emu.menu_buttons[secretary_tg]
    assert button["type"] == "web_app" and button["web_app"]["url"] == f"{PUBLIC_URL}/console/"
    # A member who holds no office: no menu button, no console button anywhere.
    member_id = (await store.invitations(cg.services.db, meeting_id))[-1].person_id
    await cg.services.db.execute("UPDATE people SET telegram_user_id = 7001 WHERE id = ?",
                                 (member_id,))
    member = cg.emu.user(7001, "Đảng viên")
    for command in ("/help", "/report", "/attendance", "/members"):
        answer = await member.ask(command)
        assert web_apps(answer) == {}, command
    assert 7001 not in cg.emu.menu_buttons


async def test_no_console_button_when_the_console_is_off(live_bot: Playground) -> None:
    seeded = await seed_branch(live_bot.services.db, live_bot.clock.now(), members=1)
    secretary = live_bot.emu.user(seeded.secretary[1], "Bí thư")
    assert web_apps(await secretary.ask("/members")) == {}
    assert web_apps(await secretary.ask("/report")) == {}
    assert live_bot.emu.menu_buttons == {}


async def test_add_who_came_then_reopen_and_correct(cg: Playground, browser: Browser) -> None:
    """The roll call's life through the console: a guest and a member who were
    not invited are added present; closed, reopened with a reason, corrected, audited."""
    branch_id, meeting_id, secretary_tg = await held_meeting(cg, 3)
    async with cg.services.db.transaction() as conn:
        late = await people.add_person(conn, full_name="Vũ Văn Đến Sau",
                                       name_key="vũ văn đến sau", now=START)
        await people.add_membership(conn, person_id=late, unit_id=branch_id, now=START,
                                    admitted_on=date(2015, 1, 1), official_on=date(2016, 1, 1))
    page = await open_page(browser, cg, init_data(cg, secretary_tg),
                           f"?s=rollcall&m={meeting_id}")
    counts = page.locator("#count-present")
    assert await counts.inner_text(timeout=20_000) == "Có mặt 1/4"
    for name in ("Vũ Văn Đến Sau", "Nguyễn Thị Khách Mời"):
        await page.locator("#add").click()
        await page.locator("#modal-input").fill(name)
        await page.locator("#modal-ok").click()
        await page.locator("button.row", has_text=name).wait_for()
    assert await counts.inner_text() == "Có mặt 2/5"
    assert await page.locator("#guests").inner_text() == "Khách mời\n👤\nNguyễn Thị Khách Mời"
    await page.locator("#close").click()
    await page.locator("#modal-ok").click()  # three members still unmarked: confirmed
    await page.locator("#closed").wait_for()
    # Reopened with a reason: the member who phoned in sick is corrected.
    [sick] = [r for r in await store.attendance(cg.services.db, meeting_id)
              if r.full_name == "Đảng viên Số 001"]
    await page.locator("#reopen").click()
    await page.locator("#modal-input").fill("Đã gọi điện báo ốm")
    await page.locator("#modal-ok").click()
    await page.get_by_text("lý do: Đã gọi điện báo ốm").wait_for()
    row = page.locator(f'button[data-person="{sick.person_id}"]')
    await row.click()  # ❌ → ✅
    await page.locator(f'button[data-person="{sick.person_id}"][data-status="present"]').wait_for()
    await row.click()  # ✅ → 🟡, with its reason
    await page.locator("#modal-input").fill("Ốm")
    await page.locator("#modal-ok").click()
    await page.get_by_text("Ốm", exact=True).wait_for()
    await page.locator("#close").click()
    await page.locator("#modal-ok").click()
    await page.locator("#closed").wait_for()
    meeting = await store.get(cg.services.db, meeting_id)
    assert meeting is not None and meeting.state == "closed"
    assert meeting.correction_reason is None
    final = {r.person_id: r for r in await store.attendance(cg.services.db, meeting_id)}
    assert (final[sick.person_id].status, final[sick.person_id].reason) == ("excused", "Ốm")
    assert final[late].status == "present"
    actions = [a["action"] for a in await cg.services.db.fetch_all(
        "SELECT action FROM audit_log ORDER BY id")]
    assert actions.count("attendance.correct") == 3  # ❌ → ✅, ✅ → 🟡, the reason
    for action in ("attendance.add", "guest.add", "meeting.close", "meeting.reopen",
                   "meeting.correct.close"):
        assert action in actions, action
