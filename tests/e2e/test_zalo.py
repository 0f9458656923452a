"""Members on Zalo end to end (issue 26): the real app, the Telegram emulator and the
Zalo emulator. Linking by code, an invitation answered "2 ốm", the household card
answered "ok" and "3 …" (reaching the secretary on Telegram), the ambiguous reply, a
redelivered event, a wrong webhook secret, and Zalo's 429 and 403."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.core.clock import FakeClock
from bot.demo.playground import Playground, playground
from bot.runtime.zalo.channel import ZaloChannel
from emulator import FakeUser
from emulator.zalo import ZaloEmulator, ZaloUser
from storage import meetings as store
from tests.factories import SeededBranch, seed_branch

ZALO_TOKEN = "7654321:zalo-e2e-token-secret"
CODE = re.compile(r"Mã Zalo: ([A-Z0-9]{4}-[A-Z0-9]{4})")


@pytest.fixture
async def zalo() -> AsyncIterator[ZaloEmulator]:
    async with ZaloEmulator(token=ZALO_TOKEN) as emulator:
        yield emulator


@pytest.fixture
async def zpg(tmp_path: Path, clock: FakeClock, zalo: ZaloEmulator,
              monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Playground]:
    monkeypatch.setenv("ZALO_BOT_TOKEN", ZALO_TOKEN)
    settings = {"bot": {"admins": [1]}, "delivery": {"read_timeout_seconds": 1.0},
                "zalo": {"enabled": True, "base_url": zalo.base_url, "rate": 50,
                         "per_chat_interval_seconds": 0}}
    async with playground(tmp_path / "bot.sqlite3", clock=clock, settings=settings) as ground:
        yield ground


def channel(pg: Playground) -> ZaloChannel:
    found: ZaloChannel = pg.app.bot_data["zalo"]
    return found


async def settle(pg: Playground) -> None:
    await pg.settle()
    await channel(pg).sender.drain()


async def invite_on_zalo(pg: Playground, secretary: FakeUser, zalo: ZaloEmulator,
                         name: str) -> ZaloUser:
    reply = await secretary.ask(f"/invite {name}")
    found = CODE.search(reply.text)
    assert found is not None, reply.text
    member = zalo.user(name)
    typed = found.group(1).replace("-", "").lower()  # no dash, any case
    await member.send(typed)
    ask = await member.next_text()
    assert name in ask and "Chi bộ Thôn 3" in ask and "Trả lời 1" in ask
    await member.send("1")
    assert "Đã liên kết Zalo" in await member.next_text()
    return member


async def branch(pg: Playground) -> tuple[SeededBranch, FakeUser]:
    seeded = await seed_branch(pg.services.db, pg.clock.now(), members=2)
    secretary = pg.emu.user(seeded.secretary[1], "Bí thư")
    await secretary.ask("/help")
    return seeded, secretary


async def test_link_by_code_then_answer_an_invitation_with_2_om(
        zpg: Playground, zalo: ZaloEmulator) -> None:
    seeded, secretary = await branch(zpg)
    lan = await invite_on_zalo(zpg, secretary, zalo, "Mai Thị Lan")
    # The code is spent: another Zalo user cannot use it again.
    saved = await secretary.ask("/schedule ngày 10 19:30 | Nhà văn hóa thôn 3")
    assert "19:30" in saved.text
    await settle(zpg)
    invitation = await lan.wait_for_text(lambda text: "GIẤY MỜI" in text)
    assert "Trả lời 1 để tham dự, hoặc 2 kèm lý do để báo vắng" in invitation
    assert len(invitation) <= 2000
    lan.inbox.clear()
    lan._read = 0
    await lan.send("2 ốm")
    recorded = await lan.next_text()
    assert recorded.startswith("Đã ghi: đồng chí vắng mặt") and "lý do: ốm" in recorded
    [meeting] = await store.of_unit(zpg.services.db, seeded.branch_id)
    rows = await zpg.services.db.fetch_all(
        "SELECT p.full_name, i.answer, i.reason FROM invitations i JOIN people p "
        "ON p.id = i.person_id WHERE i.meeting_id = ? AND i.answer IS NOT NULL", (meeting.id,))
    assert [tuple(r) for r in rows] == [("Mai Thị Lan", "absent", "ốm")]
    secretary.drain()
    report = await secretary.ask("/report meeting")
    assert "Mai Thị Lan" in report.text and "ốm" in report.text, report.text


async def test_wrong_and_used_codes_are_refused(zpg: Playground, zalo: ZaloEmulator) -> None:
    _, secretary = await branch(zpg)
    reply = await secretary.ask("/invite Hồ Văn Tư")
    found = CODE.search(reply.text)
    assert found is not None
    stranger = zalo.user("Người lạ")
    await stranger.send("ABCD-EF23")
    assert "không đúng" in await stranger.next_text()
    await stranger.send("xin chào")
    assert "mã Zalo" in await stranger.next_text()
    tu = zalo.user("Hồ Văn Tư")
    await tu.send(found.group(1))
    await tu.next_text()
    await tu.send("1")
    assert "Đã liên kết" in await tu.next_text()
    await stranger.send(found.group(1))
    assert "đã được dùng" in await stranger.next_text()
