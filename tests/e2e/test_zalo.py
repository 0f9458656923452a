"""Members on Zalo end to end: the real app, the Telegram emulator and the
Zalo emulator. Linking by code, an invitation answered "2 ốm", the household card
answered "ok" and "3 …" (reaching the secretary on Telegram), the ambiguous reply, a
redelivered event, a wrong webhook secret, and Zalo's 429 and 403."""

from __future__ import annotations

import asyncio
import logging
import re
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.core.clock import FakeClock
from bot.demo.playground import Playground, playground
from bot.runtime.zalo import client as client_module
from bot.runtime.zalo.channel import ZaloChannel
from emulator import FakeUser
from emulator.zalo import ZaloApiError, ZaloEmulator, ZaloUser
from storage import assignments, households
from storage import meetings as store
from tests.engines import E2E_ON_POSTGRES, fresh_postgres
from tests.factories import SeededBranch, seed_branch

ZALO_TOKEN = "7654321:zalo-e2e-token-secret"
HOOK_SECRET = "hook-e2e-secret-42"
CODE = re.compile(r"Mã Zalo: ([A-Z0-9]{4}-[A-Z0-9]{4})")


@asynccontextmanager
async def database(tmp_path: Path) -> AsyncIterator[Path | str]:
    """A SQLite file, or with CHIBO_TEST_E2E_POSTGRES=1 a fresh PostgreSQL database."""
    if not E2E_ON_POSTGRES:
        yield tmp_path / "bot.sqlite3"
        return
    async with fresh_postgres() as url:
        yield url


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
    async with database(tmp_path) as target, \
            playground(target, clock=clock, settings=settings) as ground:
        yield ground


def channel(live_bot: Playground) -> ZaloChannel:
    found: ZaloChannel = live_bot.app.bot_data.zalo
    return found


async def settle(live_bot: Playground) -> None:
    await live_bot.settle()
    await channel(live_bot).sender.drain()


async def invite_on_zalo(live_bot: Playground, secretary: FakeUser, zalo: ZaloEmulator,
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


async def branch(live_bot: Playground) -> tuple[SeededBranch, FakeUser]:
    seeded = await seed_branch(live_bot.services.db, live_bot.clock.now(), members=2)
    secretary = live_bot.emu.user(seeded.secretary[1], "Bí thư")
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


async def person_id_of(live_bot: Playground, user: ZaloUser) -> int:
    value = await live_bot.services.db.fetch_value(
        "SELECT id FROM people WHERE zalo_user_id = ?", (user.id,))
    assert value is not None
    return int(value)


async def give_households(live_bot: Playground, unit_id: int, person_id: int, count: int) -> None:
    async with live_bot.services.db.transaction() as conn:
        for n in range(count):
            head = f"Chủ hộ {n + 1}"
            household = await households.add(conn, unit_id=unit_id, head_name=head,
                                             name_key=head.casefold(), now=live_bot.clock.now(),
                                             hamlet="Thôn 3")
            await assignments.assign(conn, household, person_id, date(2026, 11, 1))


async def test_household_card_ok_and_a_problem_reaching_the_secretary(
        zpg: Playground, zalo: ZaloEmulator) -> None:
    seeded, secretary = await branch(zpg)
    lan = await invite_on_zalo(zpg, secretary, zalo, "Mai Thị Lan")
    await give_households(zpg, seeded.branch_id, await person_id_of(zpg, lan), 3)
    await settle(zpg)  # 1 December, 08:00: the month's household card
    card = await lan.wait_for_text(lambda text: "Theo dõi hộ gia đình" in text)
    assert "Chủ hộ 3" in card and "Trả lời ok" in card
    await lan.send("3 mái nhà dột")
    problem = await lan.wait_for_text(lambda text: "hộ số 3" in text)
    assert "Chủ hộ 3" in problem and "cấp ủy" in problem
    await settle(zpg)
    [alert] = [m.text for m in secretary.drain() if "mái nhà dột" in m.text]
    assert "Mai Thị Lan" in alert and "Chủ hộ 3" in alert
    await lan.send("OK")
    done = await lan.wait_for_text(lambda text: "bình thường trong tháng" in text)
    assert "2 hộ" in done
    rows = await zpg.services.db.fetch_all(
        "SELECT h.head_name, r.status, r.note FROM duty_reports r JOIN households h "
        "ON h.id = r.household_id ORDER BY h.head_name")
    assert [tuple(r) for r in rows] == [("Chủ hộ 1", "normal", None),
                                        ("Chủ hộ 2", "normal", None),
                                        ("Chủ hộ 3", "problem", "mái nhà dột")]
    await lan.send("3 ok")
    assert "hộ số 3" in await lan.wait_for_text(lambda text: "bình thường." in text)


async def test_an_unnamed_reply_with_two_meetings_open_gets_the_list(
        zpg: Playground, zalo: ZaloEmulator) -> None:
    from bot.meetings.service import create_meeting

    seeded, secretary = await branch(zpg)
    lan = await invite_on_zalo(zpg, secretary, zalo, "Mai Thị Lan")
    first = second = None
    for day in (5, 6):
        made = await create_meeting(
            zpg.services, None, unit_id=seeded.branch_id, kind="extraordinary",
            starts_at=datetime(2026, 12, day, 12, 30, tzinfo=UTC), place="Nhà văn hóa",
            agenda="Việc gấp")
        assert made is not None
        first, second = (made, second) if first is None else (first, made)
    assert first is not None and second is not None
    await settle(zpg)
    lan.inbox.clear()
    lan._read = 0
    await lan.send("2 ốm")
    listing = await lan.next_text()
    assert f"{first.id}: " in listing and f"{second.id}: " in listing
    answered = await zpg.services.db.fetch_value(
        "SELECT count(*) FROM invitations WHERE answer IS NOT NULL")
    assert answered == 0  # never guessed
    await lan.send(f"{second.id} 2 ốm")
    assert "lý do: ốm" in await lan.next_text()
    await lan.send(f"{first.id} 1")
    assert (await lan.next_text()).startswith("Đã ghi: đồng chí tham dự")
    rows = await zpg.services.db.fetch_all(
        "SELECT meeting_id, answer, reason FROM invitations WHERE answer IS NOT NULL "
        "ORDER BY meeting_id")
    assert [tuple(r) for r in rows] == [(first.id, "attend", None),
                                        (second.id, "absent", "ốm")]


async def test_a_redelivered_event_changes_nothing(
        zpg: Playground, zalo: ZaloEmulator, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(client_module, "QUOTA_BACKOFF", 0.2)
    _, secretary = await branch(zpg)
    lan = await invite_on_zalo(zpg, secretary, zalo, "Mai Thị Lan")
    event = await lan.send("kenh zalo")
    assert await lan.next_text() == "Từ nay thông báo sẽ gửi qua Zalo."
    await zalo.push(event)  # Zalo delivers the same event again
    await lan.send("?")
    assert "Trả lời thư mời" in await lan.next_text()  # the next answer is to "?"
    assert lan.texts().count("Từ nay thông báo sẽ gửi qua Zalo.") == 1
    await lan.send("hello there")
    assert await lan.next_text() == "Chưa hiểu tin nhắn. Nhắn ? để xem cách trả lời."
    await lan.send_unsupported()
    assert "chưa đọc được" in await lan.next_text()
    zalo.fail_next.append(ZaloApiError(429, "Quota exceeded"))  # the answer waits, then goes
    await lan.send("1")  # no meeting awaits an answer
    assert await lan.next_text() == "Đồng chí không có cuộc họp nào đang chờ trả lời."


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
async def hooked(tmp_path: Path, clock: FakeClock, zalo: ZaloEmulator,
                 monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Playground]:
    """The bot with a Zalo webhook instead of polling."""
    monkeypatch.setenv("ZALO_BOT_TOKEN", ZALO_TOKEN)
    monkeypatch.setenv("ZALO_WEBHOOK_SECRET", HOOK_SECRET)
    port = free_port()
    settings = {"bot": {"admins": [1]}, "delivery": {"read_timeout_seconds": 1.0},
                "zalo": {"enabled": True, "base_url": zalo.base_url, "port": port,
                         "webhook_url": f"http://127.0.0.1:{port}/zalo-hook",
                         "per_chat_interval_seconds": 0}}
    async with database(tmp_path) as target, \
            playground(target, clock=clock, settings=settings) as ground:
        await asyncio.wait_for(channel(ground).connected.wait(), 10)  # setWebhook answered
        yield ground


async def test_webhook_refuses_a_wrong_secret_before_any_work(
        hooked: Playground, zalo: ZaloEmulator) -> None:
    assert zalo.webhook_url.endswith("/zalo-hook")
    assert zalo.webhook_secret == HOOK_SECRET
    _, secretary = await branch(hooked)
    lan = await invite_on_zalo(hooked, secretary, zalo, "Mai Thị Lan")  # over the webhook
    forged = zalo.event_for(lan, "message.text.received", "kenh telegram")
    assert await zalo.post_to_webhook(forged, "not-the-secret") == 403
    assert await zalo.post_to_webhook(forged, "") == 403
    assert zalo.stats.webhook_refused == 2
    channel_now = await hooked.services.db.fetch_value(
        "SELECT channel FROM people WHERE zalo_user_id = ?", (lan.id,))
    assert channel_now == "zalo"  # nothing changed
    handled = await hooked.services.db.fetch_value(
        "SELECT count(*) FROM zalo_events WHERE event_id = ?", (forged["message"]["message_id"],))
    assert handled == 0  # not even recorded as seen
    await lan.send("?")
    assert "Trả lời thư mời" in await lan.next_text()
    assert len(lan.texts()) == 3  # confirm ask, linked, help: nothing for the forgeries


async def test_quota_exceeded_backs_off_and_blocked_is_unreachable(
        zpg: Playground, zalo: ZaloEmulator, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(client_module, "QUOTA_BACKOFF", 0.2)
    _, secretary = await branch(zpg)
    lan = await invite_on_zalo(zpg, secretary, zalo, "Mai Thị Lan")
    binh = await invite_on_zalo(zpg, secretary, zalo, "Lê Văn Bình")
    binh.blocked = True
    zalo.fail_next.append(ZaloApiError(429, "Quota exceeded"))
    await secretary.ask("/schedule ngày 10 19:30 | Nhà văn hóa thôn 3")
    await zpg.settle()
    assert isinstance(zpg.clock, FakeClock)
    for _ in range(20):  # the 429'd row waits its backoff on the bot's clock
        zpg.clock.advance(timedelta(seconds=1))
        await channel(zpg).sender.drain()
        if any("GIẤY MỜI" in text for text in lan.texts()):
            break
    assert sum("GIẤY MỜI" in text for text in lan.texts()) == 1  # once, not lost
    assert zalo.stats.errors["Quota exceeded"] == 1
    assert channel(zpg).sender.counters.rate_limited == 1
    assert not any("GIẤY MỜI" in text for text in binh.texts())
    since = await zpg.services.db.fetch_value(
        "SELECT unreachable_reason FROM people WHERE zalo_user_id = ?", (binh.id,))
    assert since == "blocked"
    await zpg.settle()
    told = [m.text for m in secretary.drain() if "Lê Văn Bình" in m.text]
    assert told, "the officers are told the member cannot be reached"


async def test_no_zalo_token_or_secret_on_any_log_or_stream(
        tmp_path: Path, clock: FakeClock, zalo: ZaloEmulator, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("ZALO_BOT_TOKEN", ZALO_TOKEN)
    monkeypatch.setenv("ZALO_WEBHOOK_SECRET", HOOK_SECRET)
    monkeypatch.setattr(client_module, "QUOTA_BACKOFF", 0.1)
    port = free_port()
    settings = {"bot": {"admins": [1]}, "delivery": {"read_timeout_seconds": 1.0},
                "zalo": {"enabled": True, "base_url": zalo.base_url, "port": port,
                         "webhook_url": f"http://127.0.0.1:{port}/zalo-hook",
                         "per_chat_interval_seconds": 0}}
    names = ("chibo", "aiohttp", "telegram", "httpx", "httpcore", "asyncio")
    with caplog.at_level(logging.DEBUG):
        for name in names:
            logging.getLogger(name).setLevel(logging.DEBUG)
        try:
            async with playground(tmp_path / "bot.sqlite3", clock=clock,
                                  settings=settings) as live_bot:
                await asyncio.wait_for(channel(live_bot).connected.wait(), 10)
                _, secretary = await branch(live_bot)
                lan = await invite_on_zalo(live_bot, secretary, zalo, "Mai Thị Lan")
                forged = zalo.event_for(lan, "message.text.received", "?")
                assert await zalo.post_to_webhook(forged, "wrong-secret-123") == 403
                lan.blocked = True
                zalo.fail_next.append(ZaloApiError(429, "Quota exceeded"))
                zalo.fail_next.append(ZaloApiError(401, "Unauthorized"))
                await secretary.ask("/schedule ngày 10 19:30 | Nhà văn hóa thôn 3")
                await settle(live_bot)
                clock.advance(timedelta(seconds=30))
                await settle(live_bot)
        finally:
            for name in names:
                logging.getLogger(name).setLevel(logging.NOTSET)
    out, err = capfd.readouterr()
    logs = caplog.text
    assert "Zalo" in logs or "zalo" in logs  # the run was logged
    for secret in (ZALO_TOKEN, ZALO_TOKEN.split(":")[1], HOOK_SECRET):
        assert secret not in logs, "a Zalo secret reached the logs"
        assert secret not in out and secret not in err, "a Zalo secret reached a stream"


async def test_a_notice_reaches_a_member_on_zalo_only(zpg: Playground,
                                                       zalo: ZaloEmulator) -> None:
    _, secretary = await branch(zpg)
    lan = await invite_on_zalo(zpg, secretary, zalo, "Mai Thị Lan")
    secretary.drain()
    await secretary.send("/broadcast Họp bất thường lúc 8h sáng mai")
    await settle(zpg)
    notice = await lan.wait_for_text(lambda text: "Họp bất thường" in text)
    assert "Chi bộ Thôn 3" in notice
    await settle(zpg)  # the author hears how it went: Lan counts as reached
    [report] = [m.text for m in secretary.drain() if m.text.startswith("Đã gửi thông báo")]
    assert "Mai Thị Lan" not in report


async def test_members_list_shows_who_is_on_zalo(zpg: Playground, zalo: ZaloEmulator) -> None:
    _, secretary = await branch(zpg)
    await invite_on_zalo(zpg, secretary, zalo, "Mai Thị Lan")
    await secretary.ask("/invite Hồ Văn Tư")  # invited, not joined anywhere yet
    secretary.drain()
    listing = await secretary.ask("/members")
    [lan] = [line for line in listing.text.splitlines() if "Mai Thị Lan" in line]
    [tu] = [line for line in listing.text.splitlines() if "Hồ Văn Tư" in line]
    assert "Zalo" in lan and "Zalo" not in tu


async def test_a_telegram_member_adds_zalo_and_chooses_the_channel(
        zpg: Playground, zalo: ZaloEmulator) -> None:
    seeded, secretary = await branch(zpg)
    member = zpg.emu.user(seeded.members[0][1], "An")
    reply = await member.ask("/zalo")
    found = CODE.search(reply.text.replace("Mã Zalo của đồng chí", "Mã Zalo"))
    assert found is not None, reply.text
    an = zalo.user("An")
    await an.send(found.group(1))
    assert "Đảng viên Số 001" in await an.next_text()
    await an.send("1")
    assert "Đã liên kết Zalo" in await an.next_text()
    assert "Kênh nhận tin: Zalo" in (await member.ask("/me")).text
    await secretary.send("/broadcast Lần một")
    await settle(zpg)
    assert any("Lần một" in text for text in an.texts())
    assert not any("Lần một" in m.text for m in member.drain())
    assert (await member.ask("/zalo telegram")).text == "Từ nay thông báo sẽ gửi qua Telegram."
    await secretary.send("/broadcast Lần hai")
    await settle(zpg)
    assert any("Lần hai" in m.text for m in member.drain())
    assert not any("Lần hai" in text for text in an.texts())
    await an.send("kenh zalo")  # and back, from Zalo
    assert await an.wait_for_text(lambda text: text.startswith("Từ nay")) == \
        "Từ nay thông báo sẽ gửi qua Zalo."


async def test_zalo_down_at_start_never_stops_the_bot(
        tmp_path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZALO_BOT_TOKEN", ZALO_TOKEN)
    settings = {"bot": {"admins": [1]},
                "zalo": {"enabled": True, "base_url": f"http://127.0.0.1:{free_port()}"}}
    async with playground(tmp_path / "bot.sqlite3", clock=clock, settings=settings) as live_bot:
        _, secretary = await branch(live_bot)
        assert "Trần Thị Bí Thư" in (await secretary.ask("/me")).text  # Telegram works
        assert not channel(live_bot).connected.is_set()


async def test_a_second_worker_on_the_same_host_only_sends(hooked: Playground,
                                                            zalo: ZaloEmulator) -> None:
    """Two workers with one config: the second cannot listen on the webhook's port; it
    starts anyway (its Zalo sender drains the shared outbox) instead of failing."""
    second = ZaloChannel(hooked.services, hooked.config.zalo)
    await second.start()
    try:
        await asyncio.wait_for(second.connected.wait(), 10)
        assert second.port == 0  # not listening
    finally:
        await second.stop()
    _, secretary = await branch(hooked)
    await invite_on_zalo(hooked, secretary, zalo, "Mai Thị Lan")  # the first still listens


async def test_a_zalo_only_member_chooses_english_and_back(zpg: Playground,
                                                           zalo: ZaloEmulator) -> None:
    """Everything queued for the member (the invitation) and every answer (the RSVP's
    confirmation) comes in the language they typed on Zalo; "tieng viet" switches back."""
    await seed_branch(zpg.services.db, zpg.clock.now(), members=0)  # no one else to write to
    secretary = zpg.emu.user(4000, "Bí thư")
    await secretary.ask("/help")
    lan = await invite_on_zalo(zpg, secretary, zalo, "Mai Thị Lan")
    await lan.send("english")
    assert await lan.next_text() == \
        "Messages now come in English. Write tieng viet to switch back to Vietnamese."
    await lan.send("?")
    assert "Language: english or tieng viet" in await lan.next_text()
    await secretary.ask("/schedule ngày 10 19:30 | Nhà văn hóa thôn 3")
    await settle(zpg)
    invitation = await lan.wait_for_text(lambda text: "INVITATION" in text)
    assert "Reply 1 to attend, or 2 with a reason" in invitation
    assert "GIẤY MỜI" not in invitation and "Trả lời" not in invitation
    await lan.send("2 ốm")
    absent = await lan.wait_for_text(lambda text: text.startswith("Recorded: you are absent"))
    assert absent.endswith("reason: ốm.")
    await lan.send("Tiếng Việt")
    assert await lan.wait_for_text(lambda text: text.startswith("Từ nay")) == \
        "Từ nay tin nhắn sẽ bằng tiếng Việt. Nhắn english để đổi sang tiếng Anh."
    await lan.send("1")
    assert await lan.wait_for_text(lambda text: text.startswith("Đã ghi: đồng chí tham dự"))
