"""The authorization matrix: every command and every button family, tried by seven kinds
of people. Allowed exactly where the roles allow it (docs/rules.md); every refusal is a
polite answer and changes nothing in the database (all tables compared before and after).

Roles: an unregistered user, a member of branch A, an officer of branch B, an officer of
branch A, a committee officer of another committee, the committee officer of A's
committee, and an admin. Buttons name objects of branch A (a member, a meeting, a
household, the branch itself); the data is forged, so only the server-side check stands
between it and the change.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.core.clock import FakeClock
from bot.demo.playground import Playground, playground
from bot.texts import CATALOGS
from emulator import FakeUser, Limits
from storage import assignments, households, meetings, people, units
from tests.conftest import ADMIN_ID

ROLES = ("stranger", "member_a", "officer_b", "officer_a", "committee_other", "committee",
         "admin")
TG = {"stranger": 7001, "member_a": 7002, "officer_b": 7003, "officer_a": 7004,
      "committee_other": 7005, "committee": 7006, "admin": ADMIN_ID}
REFUSALS = [CATALOGS["vi"][k] for k in (
    "officers_only", "admins_only", "committee_only", "reports_officers_only", "denied",
    "not_registered", "me_unregistered", "reports_scope_unknown", "not_found",
    "meeting_not_found", "button_expired", "import_expired", "invite_unknown",
    "unit_not_found", "duty_not_yours",
    "committee_only")] + ["Đồng chí chưa tham gia chi bộ nào"]


def refused(text: str) -> bool:
    """The answer is one of the refusal texts (not a text that merely mentions one)."""
    return any(text.strip().startswith(r.split("{")[0][:40]) for r in REFUSALS)


@dataclass
class World:
    live_bot: Playground
    branch_a: int
    branch_b: int
    committee: int
    member_mid: int  # membership of member_a in A
    member_pid: int
    meeting_a: int
    household_a: int


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    clock = FakeClock(datetime(2026, 12, 1, 1, 0, tzinfo=UTC))
    settings = {"bot": {"admins": [ADMIN_ID], "user_commands_per_minute": 1000},
                "delivery": {"private_chat_interval_seconds": 0}}
    async with playground(tmp_path / "bot.sqlite3", clock=clock, limits=Limits.off(),
                          settings=settings) as live_bot:
        live_bot.emu.strict_private_chats = False
        yield await _seed(live_bot)


async def _seed(live_bot: Playground) -> World:
    db, now = live_bot.services.db, live_bot.clock.now()
    async with db.transaction() as conn:
        c1 = await units.create_unit(conn, kind="committee", name="Đảng ủy 1", parent_id=None,
                                     now=now)
        c2 = await units.create_unit(conn, kind="committee", name="Đảng ủy 2", parent_id=None,
                                     now=now)
        a = await units.create_unit(conn, kind="branch", name="Chi bộ A", parent_id=c1, now=now)
        b = await units.create_unit(conn, kind="branch", name="Chi bộ B", parent_id=c1, now=now)
        d = await units.create_unit(conn, kind="branch", name="Chi bộ D", parent_id=c2, now=now)

        async def person(role: str, name: str) -> int:
            pid = await people.add_person(conn, full_name=name, name_key=name.casefold(),
                                          now=now)
            await people.bind_telegram(conn, pid, TG[role])
            return pid

        member = await person("member_a", "Đảng Viên A")
        member_mid = await people.add_membership(conn, person_id=member, unit_id=a, now=now,
                                                 admitted_on=date(2010, 1, 1))
        for role, unit in (("officer_a", a), ("officer_b", b)):
            pid = await person(role, f"Bí Thư {role}")
            await people.add_membership(conn, person_id=pid, unit_id=unit, now=now,
                                        role="secretary", admitted_on=date(2000, 1, 1),
                                        official_on=date(2001, 1, 1))
        for role, committee, home in (("committee", c1, b), ("committee_other", c2, d)):
            pid = await person(role, f"Thường Trực {role}")
            await people.add_committee_officer(conn, pid, committee, "standing", now)
            await people.add_membership(conn, person_id=pid, unit_id=home, now=now,
                                        admitted_on=date(2000, 1, 1),
                                        official_on=date(2001, 1, 1))
        meeting = await meetings.create(conn, unit_id=a, kind="regular",
                                        starts_at=now + timedelta(days=4), duration_min=90,
                                        place="Hội trường", agenda=None, created_by=None,
                                        now=now)
        assert meeting is not None
        await meetings.invite(conn, meeting, [(member, "member", None)])
        household = await households.add(conn, unit_id=a, head_name="Hộ Một",
                                         name_key="hộ một", now=now)
        await assignments.assign(conn, household, member, date(2026, 11, 1))
    return World(live_bot, a, b, c1, member_mid, member, meeting, household)


async def snapshot(live_bot: Playground) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, once the outbox has sent what earlier actions queued;
    but the updates received (kept until handled, whatever they ask)."""
    await live_bot.sender.drain()
    db = live_bot.services.db
    tables = [r[0] for r in await db.fetch_all(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND name != 'inbound_updates'")]
    return {t: [tuple(r) for r in await db.fetch_all(f"SELECT * FROM {t} ORDER BY 1")]
            for t in tables}


async def command_answer(user: FakeUser, text: str) -> str:
    user.drain()
    reply = await user.ask(text, timeout=10)
    return reply.text


async def button_answer(user: FakeUser, data: str) -> str:
    user.drain()
    anchor = user.chat[-1].message_id if user.chat else (await user.ask("/help")).message_id
    answer = await user.callback_answer(await user.press_data(data, message_id=anchor),
                                        timeout=10)
    texts = [answer] + [m.text for m in user.drain()]
    return "\n".join(texts)


OFFICER_A = {"officer_a"}
BRANCH_OFFICERS = {"officer_a", "officer_b"}
REGISTERED = {"member_a", "officer_a", "officer_b", "committee", "committee_other"}
EVERYONE = set(ROLES)

# (command, roles allowed). Officer commands act on the caller's own branch.
COMMANDS: list[tuple[str, set[str]]] = [
    ("/start", EVERYONE), ("/help", EVERYONE), ("/lang vi", EVERYONE),
    ("/me", REGISTERED), ("/meetings", REGISTERED), ("/duties", REGISTERED),
    ("/invite Người Mới", BRANCH_OFFICERS), ("/members", BRANCH_OFFICERS),
    ("/meeting 20/12/2026 19:30 | Hội trường | Tháng 12", BRANCH_OFFICERS),
    ("/thematic 21/12/2026 19:30 | Hội trường | Nghị quyết", BRANCH_OFFICERS),
    ("/schedule ngày 5 19:30 | Hội trường", BRANCH_OFFICERS),
    ("/attendance", BRANCH_OFFICERS), ("/households", BRANCH_OFFICERS),
    ("/guest Khách Mời | quần chúng ưu tú", BRANCH_OFFICERS),
    ("/assign", BRANCH_OFFICERS), ("/broadcast Thông báo", BRANCH_OFFICERS),
    ("/report", BRANCH_OFFICERS | {"committee", "committee_other"}),
    ("/report year", BRANCH_OFFICERS | {"committee", "committee_other"}),
    ("/follow", {"committee", "committee_other"}), ("/audit", {"committee", "committee_other"}),
    ("/units", {"admin"}), ("/newunit đảng ủy | Đảng ủy 3", {"admin"}),
    ("/appoint 3 | Người Được Mời", {"admin"}), ("/status", {"admin"}),
]


def buttons(w: World) -> list[tuple[str, set[str]]]:
    mid, a, m, h = w.member_mid, w.branch_a, w.meeting_a, w.household_a
    return [
        (f"mem:o:{mid}", OFFICER_A), (f"mem:f:{mid}:away", OFFICER_A),
        (f"mem:rs:{mid}:member", OFFICER_A), (f"mem:inv:{mid}", OFFICER_A),
        (f"mem:p:{a}:0", OFFICER_A), (f"due:t:{mid}:202611", OFFICER_A),
        (f"prv:x:{mid}", OFFICER_A), (f"mt:nudge:{m}", OFFICER_A), (f"mt:cx:{m}", OFFICER_A),
        (f"hh:o:{h}", OFFICER_A), (f"hh:p:{a}:0", OFFICER_A), (f"asg:m:{a}:0", OFFICER_A),
        (f"rsvp:{m}:y", {"member_a"}),
        (f"duty:{h}:202612:ok", {"member_a"}),
        (f"rp:y:b{a}:0", {"officer_a", "committee"}),
        (f"rp:b:c{w.committee}:0", {"committee"}),
        (f"fl:b:{a}", {"committee"}),
        ("nu:committee", {"admin"}), (f"ap:{a}", {"admin"}),
        ("join:AAAAAAAAAAAAAAAAAAAAAAAA", set()), ("imp:ok:deadbeef", set()),
        ("zz:garbage", set()), (f"mem:rmy:{mid}", OFFICER_A), (f"mt:cxy:{m}", OFFICER_A),
        # A correction, someone added at the roll call, guests, a past meeting
        (f"rc:fix:{m}", OFFICER_A), (f"rc:a:{m}", OFFICER_A), (f"rc:g:{m}:1", set()),
        (f"gr:{m}:y", set()), (f"gu:{m}", set()), ("mp:y", set()),
    ]


async def test_every_command_and_button_for_every_role(world: World) -> None:
    live_bot = world.live_bot
    users = {role: live_bot.emu.user(TG[role], role) for role in ROLES}
    checked = refusals = 0
    for command, allowed in COMMANDS:
        for role in ROLES:
            before = await snapshot(live_bot)
            text = await command_answer(users[role], command)
            if role in allowed:
                assert not refused(text), (command, role, text)
            else:
                refusals += 1
                assert refused(text), (command, role, text)
                assert await snapshot(live_bot) == before, (command, role)
            await live_bot.services.db.execute("DELETE FROM pending_inputs")
            checked += 1
    for data, allowed in buttons(world):
        for role in sorted(ROLES, key=lambda r: r in allowed):  # the allowed ones last
            before = await snapshot(live_bot)
            text = await button_answer(users[role], data)
            if role in allowed:
                assert not refused(text), (data, role, text)
            else:
                refusals += 1
                assert text.strip(), (data, role, "no answer at all")
                assert refused(text), (data, role, text)
                assert await snapshot(live_bot) == before, (data, role)
            await live_bot.services.db.execute("DELETE FROM pending_inputs")
            checked += 1
    print(f"authorization matrix: {checked} cases, {refusals} refusals checked")
    assert checked == len(ROLES) * (len(COMMANDS) + len(buttons(world)))
