"""Faults met while handling an update are one line each: Telegram
failing (5xx), not answering in time, a full disk, a read-only database. The line names
the cause and what the bot does; the traceback is at DEBUG only; the person gets the
apology that says nothing was changed."""

from __future__ import annotations

import logging

import pytest

from bot.demo.playground import Playground
from storage.db import SqliteDatabase
from tests.factories import seed_branch

NOTHING_CHANGED = "Dữ liệu của đồng chí không bị thay đổi"


@pytest.fixture(autouse=True)
def open_chats(live_bot: Playground) -> None:
    live_bot.emu.strict_private_chats = False


def loud(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """Every record at WARNING or above."""
    return [r for r in caplog.records if r.levelno >= logging.WARNING]


async def _member(live_bot: Playground) -> int:
    seeded = await seed_branch(live_bot.services.db, live_bot.clock.now(), members=1)
    return seeded.members[0][1]


def _sqlite(live_bot: Playground) -> SqliteDatabase:
    db = live_bot.services.db
    if not isinstance(db, SqliteDatabase):
        pytest.skip("the file's faults are SQLite's; PostgreSQL's are the both-engines suite's")
    return db


@pytest.mark.parametrize(("fault", "cause"), [
    ("5xx", "Telegram could not be reached or failed"),
    ("timeout", "Telegram did not answer in time"),
])
async def test_a_telegram_fault_is_one_line(
        live_bot: Playground, caplog: pytest.LogCaptureFixture, fault: str, cause: str) -> None:
    member = live_bot.emu.user(await _member(live_bot), "An")
    if fault == "5xx":
        live_bot.emu.faults.fail_next(1, status=502, description="Bad Gateway",
                                methods={"sendMessage"})
    else:  # past the bot's read timeout (1 s in the tests)
        live_bot.emu.faults.slow(2.5, next_n=1, methods={"sendMessage"})
    caplog.set_level(logging.DEBUG)
    caplog.clear()
    reply = await member.ask("/help", timeout=15)
    while NOTHING_CHANGED not in reply.text:  # a slow reply may arrive after all
        reply = await member.next_message(timeout=15)
    [line] = loud(caplog)
    assert cause in line.getMessage() and "the person is told" in line.getMessage()
    assert line.exc_info is None and line.levelno == logging.WARNING
    assert any(r.levelno == logging.DEBUG and r.exc_info for r in caplog.records)


# A read-only database never reaches the handler: the inbox cannot store the update,
# says so in one line and leaves it with Telegram (delivery's tests).
@pytest.mark.parametrize(("fault", "cause"), [
    ("full", "the database disk is full"),
])
async def test_a_database_fault_is_one_line(
        live_bot: Playground, caplog: pytest.LogCaptureFixture, fault: str, cause: str) -> None:
    db = _sqlite(live_bot)
    tg = await _member(live_bot)
    member = live_bot.emu.user(tg, "An")
    await member.ask("/help", timeout=10)
    writer = db.connection
    if fault == "read-only":
        await writer.execute("PRAGMA query_only = ON")
    else:  # the file may not grow, and the table /lang writes to has no room left
        await writer.execute("PRAGMA max_page_count = 1")  # = the current size
        try:
            for junk in range(1, 1_000_000):
                await writer.execute("INSERT INTO user_prefs VALUES (?, 'vi')", (junk,))
        except Exception as err:
            assert "full" in str(err)
        await writer.commit()  # the rows that fitted stay: the last page is full
    caplog.set_level(logging.DEBUG)
    caplog.clear()
    reply = await member.ask("/lang en", timeout=10)
    assert NOTHING_CHANGED in reply.text
    [line] = loud(caplog)
    assert cause in line.getMessage() and line.levelno == logging.ERROR
    assert line.exc_info is None
    assert await db.fetch_value(
        "SELECT count(*) FROM user_prefs WHERE telegram_user_id = ?", (tg,)) == 0
