"""The one ledger through the emulator, as members and officers would: one person in two
branches ("213") is counted, judged and owes dues in exactly one of them."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.demo.playground import Playground
from emulator import FakeUser
from storage import meetings, people
from tests.factories import seed_branch
from tests.unit.test_figures import TZ


async def tap(user: FakeUser, label: str, message_id: int | None = None) -> str:
    return await user.callback_answer(await user.press(label, message_id=message_id))


async def test_a_213_member_of_her_home_branch_joins_her_workplace_as_official(
    live_bot: Playground
) -> None:
    """Dung, "213" in Thôn 3 where she lives, joins Chi bộ Trường học where she
    works: that membership is the official one (counted, judged, owes dues); Thôn 3 shows
    her attendance, outside its rate."""
    db = live_bot.services.db
    home = await seed_branch(db, live_bot.clock.now(), members=1)
    work = await seed_branch(db, live_bot.clock.now(), members=0, committee_id=home.committee_id,
                             branch_name="Chi bộ Trường học", secretary_telegram_id=4100,
                             first_telegram_id=5100)
    dung_id = home.members[0][0]
    async with db.transaction() as conn:
        row = await people.member(db, home.branch_id, dung_id)
        assert row is not None
        await people.set_flag(conn, row.membership_id, "213", True)
    dung = live_bot.emu.user(home.members[0][1], "Dung")
    await dung.ask("/start")
    work_secretary = live_bot.emu.user(work.secretary[1], "Bí thư trường")
    issued = await work_secretary.ask("/invite Đảng viên Số 001")
    token = issued.text.split("start=")[1].split()[0]
    offer = await dung.ask(f"/start {token}")
    assert offer.text.startswith("Đồng chí Đảng viên Số 001 là đảng viên 213 tại Chi bộ Thôn 3. "
                                 "Tham gia Chi bộ Trường học là nơi sinh hoạt chính thức")
    await tap(dung, "✅ Xác nhận", offer.message_id)
    assert "đã tham gia Chi bộ Trường học, nơi sinh hoạt chính thức" in dung.chat[-1].text
    rows = {r[0]: r[1] for r in await db.fetch_all(
        "SELECT unit_id, is_213 FROM memberships WHERE person_id = ?", (dung_id,))}
    assert rows == {home.branch_id: 1, work.branch_id: 0}  # exactly one official

    # A meeting in each branch, each closed with her absent without a reason.
    for branch, day in ((home.branch_id, 3), (work.branch_id, 4)):
        starts = datetime(2026, 12, day, 19, 30, tzinfo=TZ)
        async with db.transaction() as conn:
            mid = await meetings.create(conn, unit_id=branch, kind="regular", starts_at=starts,
                                        duration_min=90, place="Hội trường", agenda="Nội dung",
                                        created_by=None, now=starts - timedelta(days=2))
            assert mid is not None
            members = await people.members_of(db, branch)
            await meetings.invite(conn, mid, [(m.person_id, "member", m.standing)
                                              for m in members])
            await meetings.put_attendance(
                conn, mid, [(m.person_id, "unexcused" if m.person_id == dung_id else "present",
                             None) for m in members], None, starts, overwrite=True)
            await meetings.set_state(conn, mid, "closed", starts + timedelta(hours=2))
    live_bot.clock.set(datetime(2026, 12, 6, 9, tzinfo=TZ))
    home_secretary = live_bot.emu.user(home.secretary[1], "Bí thư thôn")
    home_year = await home_secretary.ask("/report year")
    work_year = await work_secretary.ask("/report year")
    # Home: her absence is shown, outside the rate (the secretary alone is counted).
    assert "Tỷ lệ dự họp: 1/1 lượt (100,0%)" in home_year.text
    assert "Đảng viên Số 001 (đảng viên 213) — 0/0/1" in home_year.text
    # Work: counted in the rate, and her month is judged there, naming that branch only.
    assert "Tỷ lệ dự họp: 1/2 lượt (50,0%)" in work_year.text
    assert "tháng vi phạm: 12/2026: vắng không lý do buổi 04/12" in work_year.text


async def test_a_member_who_left_and_comes_back_is_one_person(live_bot: Playground) -> None:
    """Gấm, removed on 15/04, gets a new link on 01/09 and opens it with her
    Telegram account: the same person, her dates and account, a new period; her
    January–April stays in the year, and `/report member` finds one Gấm."""
    db = live_bot.services.db
    live_bot.clock.set(datetime(2026, 1, 5, 9, tzinfo=TZ))
    seeded = await seed_branch(db, live_bot.clock.now(), members=1)
    secretary = live_bot.emu.user(seeded.secretary[1], "Bí thư")
    issued = await secretary.ask("/invite Đỗ Thị Gấm")
    token = issued.text.split("start=")[1].split()[0]
    gam = live_bot.emu.user(6200, "Gấm")
    offer = await gam.ask(f"/start {token}")
    await tap(gam, "✅ Xác nhận", offer.message_id)
    gam_id = await db.fetch_value("SELECT id FROM people WHERE telegram_user_id = 6200")
    async with db.transaction() as conn:
        await conn.execute("UPDATE people SET birth_date = '1980-03-08' WHERE id = ?",
                           (gam_id,))
    for month in (1, 2, 3):
        starts = datetime(2026, month, 10, 19, 30, tzinfo=TZ)
        async with db.transaction() as conn:
            mid = await meetings.create(conn, unit_id=seeded.branch_id, kind="regular",
                                        starts_at=starts, duration_min=90, place="Hội trường",
                                        agenda="Nội dung", created_by=None,
                                        now=starts - timedelta(days=5))
            assert mid is not None
            members = await people.members_of(db, seeded.branch_id)
            await meetings.invite(conn, mid, [(m.person_id, "member", m.standing)
                                              for m in members])
            await meetings.put_attendance(conn, mid, [(m.person_id, "present", None)
                                                      for m in members], None, starts,
                                          overwrite=True)
            await meetings.set_state(conn, mid, "closed", starts + timedelta(hours=2))
    live_bot.clock.set(datetime(2026, 4, 15, 9, tzinfo=TZ))
    row = await people.member(db, seeded.branch_id, gam_id)
    assert row is not None
    async with db.transaction() as conn:
        await people.end_membership(conn, row.membership_id, "left", live_bot.clock.now())

    live_bot.clock.set(datetime(2026, 9, 1, 9, tzinfo=TZ))
    issued = await secretary.ask("/invite Đỗ Thị Gấm")
    token = issued.text.split("start=")[1].split()[0]
    offer = await gam.ask(f"/start {token}")
    assert "đã gắn với đồng chí" not in offer.text
    await tap(gam, "✅ Xác nhận", offer.message_id)
    assert await db.fetch_value(
        "SELECT count(*) FROM people WHERE name_key = 'đỗ thị gấm'") == 1
    periods = await db.fetch_all(
        "SELECT state, ended_at IS NULL FROM memberships WHERE person_id = ? ORDER BY id",
        (gam_id,))
    assert [tuple(p) for p in periods] == [("left", 0), ("active", 1)]
    assert await db.fetch_value("SELECT birth_date FROM people WHERE id = ?",
                                (gam_id,)) == "1980-03-08"
    me = await gam.ask("/me")
    assert "Chi bộ Thôn 3" in me.text

    report = await secretary.ask("/report member Đỗ Thị Gấm")
    assert report.text.startswith("👤 Đỗ Thị Gấm — Chi bộ Thôn 3 — năm 2026")
    assert report.text.count("có mặt") == 3  # January–March stay in her year
    year = await secretary.ask("/report year")
    assert year.text.count("Đỗ Thị Gấm") == 1
    assert "Đỗ Thị Gấm — 3/0/0 — 100,0%" in year.text
