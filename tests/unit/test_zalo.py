"""The Zalo channel's rules on a real database: codes, linking, replies, the text a
member reads without buttons, and the outbox addressing each person on their channel."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.core.access import Actor
from bot.core.clock import FakeClock
from bot.core.config import Config, ZaloSettings
from bot.core.errors import Invalid
from bot.core.services import Services
from bot.meetings.buttons import RsvpButton
from bot.members.registration import create_unit, issue_invite, redeem
from bot.zalo import codes, linking
from bot.zalo.render import as_texts, split
from bot.zalo.replies import read
from storage import outbox
from storage import zalo as store
from storage.db import Database
from storage.outbox import Button, Envelope, OutgoingMessage

ADMIN = Actor(telegram_user_id=1, is_admin=True)
ZALO_ON = Config(zalo=ZaloSettings(enabled=True, token="1:t0ken-for-tests",
                                   code_attempts_per_hour=3))


@pytest.fixture
def services(db: Database, clock: FakeClock) -> Services:
    return Services(config=ZALO_ON, db=db, clock=clock, bot_username="chibo_bot")


async def branch(services: Services) -> int:
    committee = await create_unit(services, ADMIN, kind="committee", name="Đảng ủy xã",
                                  parent_id=None)
    unit = await create_unit(services, ADMIN, kind="branch", name="Chi bộ 1",
                             parent_id=committee.id)
    return unit.id


def test_codes_are_typed_any_way_and_shown_with_a_dash() -> None:
    code = codes.new_code()
    assert len(code) == 8 and not set(code) & set("01OI")
    shown = codes.shown(code)
    assert shown[4] == "-"
    assert codes.normalize(shown.lower()) == code
    assert codes.normalize(f" {code[:4]} {code[4:]} ") == code
    assert codes.normalize("ABCD-EF2") is None
    assert codes.normalize("2 đi công tác") is None


async def test_invite_carries_a_code_and_only_its_hash_is_stored(services: Services) -> None:
    unit_id = await branch(services)
    issued = await issue_invite(services, unit_id=unit_id, full_name="Nguyễn Văn An")
    assert issued.zalo_code is not None
    dump = str([tuple(r) for r in await services.db.fetch_all("SELECT * FROM zalo_codes")])
    assert issued.zalo_code not in dump and issued.zalo_code.replace("-", "") not in dump
    off = Services(config=Config(), db=services.db, clock=services.clock)
    assert (await issue_invite(off, unit_id=unit_id, full_name="Lê Thị Hoa")).zalo_code is None


async def test_code_links_once_and_spends_the_link(services: Services) -> None:
    unit_id = await branch(services)
    issued = await issue_invite(services, unit_id=unit_id, full_name="Nguyễn Văn An")
    assert issued.zalo_code is not None
    seen = await linking.offer(services, "zalo-an", issued.zalo_code.lower())
    assert (seen.full_name, seen.unit_name) == ("Nguyễn Văn An", "Chi bộ 1")
    done = await linking.confirm(services, "zalo-an")
    assert done is not None and done.person_id == issued.person_id
    person = await store.person_by_zalo(services.db, "zalo-an")
    assert person is not None and person.channel == "zalo"
    with pytest.raises(Invalid) as used:
        await linking.offer(services, "zalo-other", issued.zalo_code)
    assert used.value.key == "zalo_code_used"
    with pytest.raises(Invalid) as link_used:  # the Telegram link of the same invitation
        await redeem(services, issued.token, 777)
    assert link_used.value.key == "invite_used"


async def test_used_link_expired_and_replaced_codes_are_refused(
        services: Services, clock: FakeClock) -> None:
    unit_id = await branch(services)
    first = await issue_invite(services, unit_id=unit_id, full_name="Trần Văn Ba")
    second = await issue_invite(services, unit_id=unit_id, full_name="Trần Văn Ba")
    assert first.zalo_code and second.zalo_code
    with pytest.raises(Invalid) as replaced:
        await linking.offer(services, "z1", first.zalo_code)
    assert replaced.value.key == "zalo_code_revoked"
    await redeem(services, second.token, 888)  # joined on Telegram: the code is spent
    with pytest.raises(Invalid) as used:
        await linking.offer(services, "z1", second.zalo_code)
    assert used.value.key == "zalo_code_used"
    late = await issue_invite(services, unit_id=unit_id, full_name="Phạm Thị Tư")
    assert late.zalo_code
    clock.advance(timedelta(days=services.config.invites.expire_days, seconds=1))
    with pytest.raises(Invalid) as expired:
        await linking.offer(services, "z2", late.zalo_code)
    assert expired.value.key == "zalo_code_expired"


async def test_guessing_is_limited_per_zalo_user(services: Services) -> None:
    unit_id = await branch(services)
    issued = await issue_invite(services, unit_id=unit_id, full_name="Nguyễn Văn An")
    assert issued.zalo_code
    for _ in range(3):
        with pytest.raises(Invalid):
            await linking.offer(services, "guesser", "ABCD-EFGH")
    with pytest.raises(Invalid) as wait:  # even the right code, until the hour is over
        await linking.offer(services, "guesser", issued.zalo_code)
    assert wait.value.key == "zalo_code_wait"
    assert (await linking.offer(services, "someone-else", issued.zalo_code)).full_name


def test_replies_are_read_without_accents_or_case() -> None:
    assert read("Trợ giúp").is_help and read("?").is_help
    assert read("Kênh Telegram").channel == "telegram"
    assert read("OK").all_ok and read("1 Ok").one_ok == 1
    absent = read("13 2 Ốm nặng")
    assert absent.numbers == (13, 2) and absent.rest == "Ốm nặng"
    problem = read("3 mái nhà dột")
    assert problem.numbers == (3,) and problem.rest == "mái nhà dột"


def test_a_message_without_buttons_says_what_to_reply_and_fits_zalo() -> None:
    rows = ((Button("✅", RsvpButton(12, "y").encode()),
             Button("❌", RsvpButton(12, "n").encode())),)
    [text] = as_texts(OutgoingMessage("GIẤY MỜI", rows), "vi")
    assert "Trả lời 1 để tham dự, hoặc 2 kèm lý do" in text and "12 1" in text
    long = "\n".join(f"dòng {n} " + "x" * 90 for n in range(60))
    pieces = split(long)
    assert len(pieces) > 1 and all(len(p) <= 2000 for p in pieces)
    assert "\n".join(pieces) == long  # cut between lines, nothing lost


async def test_outbox_addresses_each_person_on_their_channel(
        services: Services, db: Database) -> None:
    unit_id = await branch(services)
    on_zalo = await issue_invite(services, unit_id=unit_id, full_name="Nguyễn Văn An")
    on_telegram = await issue_invite(services, unit_id=unit_id, full_name="Lê Văn Bình")
    nowhere = await issue_invite(services, unit_id=unit_id, full_name="Hồ Văn Cư")
    await redeem(services, on_telegram.token, 9001)
    assert on_zalo.zalo_code
    await linking.offer(services, "zalo-an", on_zalo.zalo_code)
    await linking.confirm(services, "zalo-an")
    now = services.clock.now()
    async with db.transaction() as conn:
        added = await outbox.enqueue(conn, [
            Envelope("a", 0, "invite", OutgoingMessage("x"), person_id=on_zalo.person_id),
            Envelope("b", 9001, "invite", OutgoingMessage("x"), person_id=on_telegram.person_id),
            Envelope("c", 0, "invite", OutgoingMessage("x"), person_id=nowhere.person_id),
        ], now)
    assert added == 2
    assert [(r.key, r.chat_id) for r in await outbox.due(db, now, 10, "zalo")] == [
        ("a", on_zalo.person_id)]
    assert [r.key for r in await outbox.due(db, now, 10)] == ["b"]


async def test_each_sender_recovers_only_its_own_rows_in_flight(
        services: Services, db: Database) -> None:
    """The Zalo sender starts after the Telegram one: its recovery must not turn the
    Telegram sender's rows in flight into possible duplicates (nor the reverse); a
    recovered row keeps the count of its pieces already sent."""
    unit_id = await branch(services)
    on_zalo = await issue_invite(services, unit_id=unit_id, full_name="Nguyễn Văn An")
    assert on_zalo.zalo_code
    await linking.offer(services, "zalo-an", on_zalo.zalo_code)
    await linking.confirm(services, "zalo-an")
    now = services.clock.now()
    async with db.transaction() as conn:
        await outbox.enqueue(conn, [
            Envelope("z", 0, "invite", OutgoingMessage("x"), person_id=on_zalo.person_id),
            Envelope("t", 9001, "invite", OutgoingMessage("x")),
        ], now)
    [zalo_row] = await outbox.due(db, now, 10, "zalo")
    for row in [zalo_row, *await outbox.due(db, now, 10)]:
        assert await outbox.claim(db, row.id)
    # The Zalo row went out in pieces: two of them before the crash (a late write of
    # the first arriving after the second never lowers the count).
    for count in (1, 2, 1):
        await outbox.piece_sent(db, zalo_row.id, count)
    assert await outbox.recover_in_flight(db, channel="zalo") == 1
    states = {r[0]: r[1] for r in await db.fetch_all(
        "SELECT business_key, state FROM outbox ORDER BY business_key")}
    assert states == {"t": "sending", "z": "pending"}
    assert await outbox.pieces_sent(db, zalo_row.id) == 2  # the retry resumes at piece 3


async def test_erasing_a_person_unlinks_their_zalo_account(services: Services) -> None:
    from bot.members.privacy import erase

    unit_id = await branch(services)
    issued = await issue_invite(services, unit_id=unit_id, full_name="Nguyễn Văn An")
    assert issued.zalo_code
    await linking.offer(services, "zalo-an", issued.zalo_code)
    await linking.confirm(services, "zalo-an")
    await erase(services, issued.person_id, None)
    assert await services.db.fetch_value(
        "SELECT count(*) FROM people WHERE zalo_user_id IS NOT NULL") == 0
    assert await store.person_by_zalo(services.db, "zalo-an") is None


async def test_the_links_file_of_an_import_carries_each_zalo_code(services: Services) -> None:
    import io

    from openpyxl import load_workbook

    from bot.members.member_import import links_workbook

    unit_id = await branch(services)
    issued = [await issue_invite(services, unit_id=unit_id, full_name=name)
              for name in ("Nguyễn Văn An", "Lê Thị Bình")]
    sheet = load_workbook(io.BytesIO(links_workbook(issued, "vi", services))).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][-1] == "Mã Zalo"
    assert [r[-1] for r in rows[1:]] == [i.zalo_code for i in issued]


async def test_the_zalo_budget_is_shared_apart_from_telegrams(db: Database) -> None:
    """On a shared engine both budgets live in send_pace: each in rows of its own, so
    Zalo's sends never spend Telegram's slots (nor the reverse)."""
    from bot.runtime.delivery.limits import Throttle

    telegram, zalo = Throttle(25.0, 1.0, 20), Throttle(10.0, 1.0, 20, namespace="zalo")
    telegram.share(db)
    zalo.share(db)
    await telegram.pacer.acquire()
    await zalo.pacer.acquire()
    assert await telegram.gates.take(42) and await zalo.gates.take(42)  # one chat id each
    keys = {r[0] for r in await db.fetch_all("SELECT pace_key FROM send_pace")}
    assert keys == {"global", "chat:42", "zalo:global", "zalo:chat:42"}


async def test_what_an_officer_receives_reaches_a_zalo_only_officer(
        services: Services, db: Database) -> None:
    """Officers are selected when reachable on either channel, and the
    envelope built for them is addressed on Zalo by the one routing function."""
    from bot.notices.alerts import officers_told_unreachable
    from storage import roles

    unit_id = await branch(services)
    secretary = await issue_invite(services, unit_id=unit_id, full_name="Trần Thị Thu",
                                   role="secretary")
    member = await issue_invite(services, unit_id=unit_id, full_name="Lê Văn Bình")
    await redeem(services, member.token, 9001)
    assert secretary.zalo_code
    await linking.offer(services, "zalo-thu", secretary.zalo_code)
    await linking.confirm(services, "zalo-thu")
    officers = await roles.branch_officers(db, unit_id)
    assert [(o.person_id, o.telegram_user_id) for o in officers] == [(secretary.person_id, 0)]
    now = services.clock.now()
    assert await officers_told_unreachable(services, member.person_id, "blocked", now) == 1
    rows = await outbox.due(db, now, 10, "zalo")
    assert [r.chat_id for r in rows] == [secretary.person_id]
    assert "Lê Văn Bình" in rows[0].message.text


async def test_a_member_only_on_zalo_is_told_of_households_gained_and_lost(
        services: Services, db: Database) -> None:
    """Household notices select members reachable on a channel, not by
    a Telegram id; the envelope reaches the member on Zalo."""
    from bot.duties import notices
    from storage import assignments, households

    unit_id = await branch(services)
    on_zalo = await issue_invite(services, unit_id=unit_id, full_name="Nguyễn Văn An")
    assert on_zalo.zalo_code
    await linking.offer(services, "zalo-an", on_zalo.zalo_code)
    await linking.confirm(services, "zalo-an")
    now = services.clock.now()
    async with db.transaction() as conn:
        hid = await households.add(conn, unit_id=unit_id, head_name="Hộ Lê Văn Tám",
                                   name_key="ho le van tam", now=now, hamlet="Tổ 1")
        aid = await assignments.assign(conn, hid, on_zalo.person_id, now.date())
    moves = {on_zalo.person_id: [(aid, hid)]}
    assert await notices.tell(services, unit_id, gained=moves, lost={}) == 1
    assert await notices.tell(services, unit_id, gained={}, lost=moves) == 1
    rows = await db.fetch_all("SELECT channel, chat_id, payload FROM outbox "
                              "WHERE kind = 'hhnotice' ORDER BY id")
    assert [(r[0], r[1]) for r in rows] == [("zalo", on_zalo.person_id)] * 2
    assert all("Lê Văn Tám" in OutgoingMessage.from_json(r[2]).text for r in rows)


async def test_a_transfer_is_told_on_zalo_to_the_member_and_the_new_officer(
        services: Services, db: Database) -> None:
    """The transfer notice reaches a member and an officer linked only on Zalo."""
    from bot.meetings.membership import after_transfer
    from storage import units

    old_id = await branch(services)
    first = await units.get_unit(db, old_id)
    assert first is not None
    new_id = (await create_unit(services, ADMIN, kind="branch", name="Chi bộ 2",
                                parent_id=first.parent_id)).id
    member = await issue_invite(services, unit_id=old_id, full_name="Nguyễn Văn An")
    officer = await issue_invite(services, unit_id=new_id, full_name="Trần Thị Thu",
                                 role="secretary")
    for issued, zalo_id in ((member, "zalo-an"), (officer, "zalo-thu")):
        assert issued.zalo_code
        await linking.offer(services, zalo_id, issued.zalo_code)
        await linking.confirm(services, zalo_id)
    old, new = await units.get_unit(db, old_id), await units.get_unit(db, new_id)
    assert old is not None and new is not None
    await after_transfer(services, member.person_id, "Nguyễn Văn An", old, new, [])
    rows = await db.fetch_all("SELECT channel, chat_id FROM outbox WHERE kind = 'notice' "
                              "ORDER BY chat_id")
    assert [(r[0], r[1]) for r in rows] == sorted(
        [("zalo", member.person_id), ("zalo", officer.person_id)], key=lambda r: r[1])


async def test_a_follower_only_on_zalo_is_told_of_the_assignment(
        services: Services, db: Database) -> None:
    """A committee member linked only on Zalo, assigned to follow a branch,
    hears of it on Zalo."""
    from bot.members import followers
    from storage import people, units

    branch_id = await branch(services)
    unit = await units.get_unit(db, branch_id)
    assert unit is not None and unit.parent_id is not None
    follower = await issue_invite(services, unit_id=branch_id, full_name="Phạm Văn Hùng")
    assert follower.zalo_code
    await linking.offer(services, "zalo-hung", follower.zalo_code)
    await linking.confirm(services, "zalo-hung")
    async with db.transaction() as conn:  # a branch member who sits on the committee
        await people.add_committee_officer(conn, follower.person_id, unit.parent_id,
                                           "member", services.clock.now())
    standing = Actor(telegram_user_id=7000, committee_roles={unit.parent_id: "standing"})
    await followers.toggle_follow(services, standing, branch_id, follower.person_id)
    rows = await db.fetch_all("SELECT channel, chat_id FROM outbox WHERE kind = 'follow'")
    assert [(r[0], r[1]) for r in rows] == [("zalo", follower.person_id)]


async def test_a_zalo_account_of_one_member_is_not_moved_to_another_branch_invite(
        services: Services, db: Database) -> None:
    """The "213" rule: a second branch's code typed from a Zalo account that
    already belongs to a member is refused clearly; nothing changes, the first link stays."""
    first = await branch(services)
    unit = await units_get(db, first)
    second = (await create_unit(services, ADMIN, kind="branch", name="Chi bộ 2",
                                parent_id=unit)).id
    home = await issue_invite(services, unit_id=first, full_name="Nguyễn Văn An")
    work = await issue_invite(services, unit_id=second, full_name="Nguyễn Văn An")
    assert home.zalo_code and work.zalo_code
    await linking.offer(services, "zalo-an", home.zalo_code)
    await linking.confirm(services, "zalo-an")
    with pytest.raises(Invalid) as refused:
        await linking.offer(services, "zalo-an", work.zalo_code)
    assert refused.value.key == "zalo_account_bound_other"
    assert refused.value.params == {"name": "Nguyễn Văn An"}
    person = await store.person_by_zalo(db, "zalo-an")
    assert person is not None and person.id == home.person_id
    assert await store.pending(db, "zalo-an") is None
    again = await linking.offer(services, "zalo-other", work.zalo_code)  # code not spent
    assert again.person_id == work.person_id


async def units_get(db: Database, unit_id: int) -> int | None:
    from storage import units
    row = await units.get_unit(db, unit_id)
    return None if row is None else row.parent_id


async def test_one_language_per_person_chosen_on_zalo_or_telegram(services: Services) -> None:
    """The language typed on Zalo holds before the code (the prompt answers in it), is the
    person's after linking (carried to their Telegram account), follows /lang from
    Telegram, and goes with the person on erasure."""
    from bot.members.privacy import erase
    from bot.zalo import inbound
    from storage import prefs

    unit_id = await branch(services)
    both = await issue_invite(services, unit_id=unit_id, full_name="Nguyễn Văn An")
    await redeem(services, both.token, 9001)  # on Telegram first, then Zalo
    only = await issue_invite(services, unit_id=unit_id, full_name="Lê Thị Hoa")
    assert await inbound.answer(services, "zalo-an", "  English ") == \
        "Messages now come in English. To start, send the Zalo code from your branch's " \
        "invitation (like ABCD-EF23)."
    assert (await inbound.answer(services, "zalo-an", "?")).startswith("Hello.")
    code = (await linking.code_for(services, await services.actor(9001)))[0]
    assert "This code is for Nguyễn Văn An" in await inbound.answer(services, "zalo-an", code)
    assert (await inbound.answer(services, "zalo-an", "1")).startswith("Zalo is linked")
    assert await services.language(9001) == "en"  # carried to Telegram at linking
    await services.set_language(9001, "vi")  # /lang vi on Telegram: Zalo too
    assert await prefs.zalo_language(services.db, "zalo-an") == "vi"
    assert (await inbound.answer(services, "zalo-an", "?")).startswith("Trả lời thư mời")
    assert only.zalo_code
    await inbound.answer(services, "zalo-hoa", only.zalo_code)
    await inbound.answer(services, "zalo-hoa", "1")
    assert await services.languages_of([both.person_id, only.person_id]) == {
        both.person_id: "vi", only.person_id: "vi"}
    assert await inbound.answer(services, "zalo-hoa", "tiếng Anh") == \
        "Messages now come in English. Write tieng viet to switch back to Vietnamese."
    await inbound.answer(services, "zalo-an", "lang en")
    assert await services.languages_of([both.person_id, only.person_id]) == {
        both.person_id: "en", only.person_id: "en"}
    assert await services.language(9001) == "en"  # chosen on Zalo: Telegram too
    again = await issue_invite(services, unit_id=unit_id, full_name="Lê Thị Hoa",
                               person_id=only.person_id)
    await redeem(services, again.token, 9002)  # on Zalo only, then Telegram too
    assert await services.language(9002) == "en"
    await erase(services, only.person_id, None)
    assert await prefs.zalo_language(services.db, "zalo-hoa") is None
    assert await prefs.zalo_language(services.db, "zalo-an") == "en"


async def test_an_officer_on_zalo_reminds_the_silent_by_replying_nhac(
        services: Services, db: Database) -> None:
    """The digest's nudge button reads on Zalo as what to reply; the reply reminds the
    silent invitees for an officer of the branch and is refused to anyone else."""
    from bot.meetings.buttons import MeetingAction, MeetingButton
    from bot.meetings.service import create_meeting
    from bot.texts import t
    from bot.zalo import inbound

    digest = OutgoingMessage("Cuộc họp 12", ((Button(
        "🔔 Nhắc 3", MeetingButton(MeetingAction.NUDGE, 12).encode()),),))
    [text] = as_texts(digest, "vi")
    assert text.endswith("Để nhắc những đồng chí chưa trả lời, nhắn: nhac 12")
    assert "Telegram" not in text
    unit_id = await branch(services)
    thu = await issue_invite(services, unit_id=unit_id, full_name="Trần Thị Thu",
                             role="secretary")
    hoa = await issue_invite(services, unit_id=unit_id, full_name="Lê Thị Hoa")
    for issued, zalo_id in ((thu, "zalo-thu"), (hoa, "zalo-hoa")):
        assert issued.zalo_code
        await linking.offer(services, zalo_id, issued.zalo_code)
        await linking.confirm(services, zalo_id)
    meeting = await create_meeting(
        services, None, unit_id=unit_id, kind="extraordinary",
        starts_at=services.clock.now() + timedelta(days=3), place="Nhà văn hóa", agenda="Gấp")
    assert meeting is not None
    refused = await inbound.answer(services, "zalo-hoa", f"Nhắc {meeting.id}")
    assert refused == t("vi", "officers_only")
    assert await db.fetch_value("SELECT count(*) FROM outbox WHERE kind = 'nudge'") == 0
    assert await inbound.answer(services, "zalo-thu", f"nhac {meeting.id}") == \
        "Đã nhắc 2 đồng chí."
    rows = await db.fetch_all("SELECT channel, chat_id FROM outbox WHERE kind = 'nudge' "
                              "ORDER BY chat_id")
    assert [tuple(r) for r in rows] == sorted([("zalo", thu.person_id),
                                               ("zalo", hoa.person_id)], key=lambda r: r[1])
