"""The outbox sender cannot stall: a storage call that fails in the
middle of a pass (a full disk: ``OperationalError``) gives back everything the pass took,
a claimed row that was not sent goes back to pending, a worker sweeps its own orphaned
``sending`` rows, ``stop()`` returns within 5 s whatever the sender waits for, and a
queue that does not move says so once, in the log and in the status.

Real databases on every engine of the run, the real sender and pacing; the transport is
a recorder standing in for Telegram (the sender's own ``Transport`` protocol)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.core.clock import FakeClock
from bot.core.config import DeliverySettings
from bot.notices.status import delivery_status, render_status
from bot.runtime.delivery import Sender
from bot.runtime.delivery.limits import Throttle
from bot.texts import Texts
from storage import cluster, outbox
from storage.db import Database
from storage.outbox import Envelope, OutgoingMessage

AT = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
DISK_FULL = "database or disk is full"
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


class Recorder:
    """Telegram as the sender sees it: every send answered at once with a message id."""

    def __init__(self) -> None:
        self.sent: list[int] = []
        self.hang = asyncio.Event()  # set: sends wait forever (a Telegram that never answers)
        self.moved = asyncio.Event()  # a send was answered

    async def send(self, chat_id: int, message: OutgoingMessage, *, row_id: int) -> int:
        if self.hang.is_set():
            await asyncio.Event().wait()
        self.sent.append(chat_id)
        self.moved.set()
        return len(self.sent)


def settings(concurrency: int = 2, **kw: Any) -> DeliverySettings:
    return DeliverySettings(messages_per_second=500, private_chat_interval_seconds=0,
                            concurrency=concurrency, **kw)


def make_sender(db: Database, transport: Recorder, conf: DeliverySettings,
                clock: FakeClock | None = None, worker: str | None = None,
                shared: bool = False) -> Sender:
    throttle = Throttle(conf.messages_per_second, conf.private_chat_interval_seconds,
                        conf.group_messages_per_minute)
    if shared:
        throttle.share(db)
    return Sender(db, clock or FakeClock(AT), transport, conf, throttle, worker=worker)


async def enqueue(db: Database, n: int, first_chat: int = 7000) -> None:
    envelopes = [Envelope(f"fan:{i}", first_chat + i, "test", OutgoingMessage(f"tin {i}"))
                 for i in range(n)]
    async with db.transaction() as conn:
        await outbox.enqueue(conn, envelopes, AT)


async def states(db: Database) -> dict[str, int]:
    rows = await db.fetch_all("SELECT state, count(*) AS n FROM outbox GROUP BY state")
    return {str(r["state"]): int(r["n"]) for r in rows}


def failing(monkeypatch: pytest.MonkeyPatch, module: Any, name: str, times: int, *,
            after: bool = False) -> list[int]:
    """The next ``times`` calls of ``module.name`` raise a full disk's OperationalError;
    ``after``: the call's statement runs first (its answer is what gets lost)."""
    real: Callable[..., Awaitable[Any]] = getattr(module, name)
    calls: list[int] = []

    async def broken(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) <= times:
            if after:
                await real(*args, **kwargs)
            raise sqlite3.OperationalError(DISK_FULL)
        return await real(*args, **kwargs)

    monkeypatch.setattr(module, name, broken)
    return calls


async def stop(sender: Sender) -> None:
    """Stop, or fail the test: a stalled sender used to wait forever here."""
    await asyncio.wait_for(sender.stop(), 10)


async def run_until_sent(sender: Sender, transport: Recorder, n: int, limit: float) -> None:
    deadline = time.monotonic() + limit
    while len(set(transport.sent)) < n and time.monotonic() < deadline:
        transport.moved.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(transport.moved.wait(), 0.5)


@pytest.mark.parametrize(("name", "after"), [
    ("claim", False), ("claim", True), ("record", False), ("record", True),
    ("due", False), ("skip_stale", False),
])
async def test_a_full_disk_in_any_storage_call_of_a_pass_does_not_stall_the_sender(
    db: Database, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
    name: str, after: bool,
) -> None:
    await enqueue(db, 12)
    transport = Recorder()
    sender = make_sender(db, transport, settings(concurrency=2))
    calls = failing(monkeypatch, outbox, name, 5, after=after)
    monkeypatch.setattr("bot.runtime.delivery.sender.SWEEP_SECONDS", 0.2, raising=False)
    with caplog.at_level(logging.DEBUG, logger="chibo.delivery"):
        await sender.start()
        try:
            await run_until_sent(sender, transport, 12, 20.0)
            await sender.drain(10.0)
        finally:
            await stop(sender)
    assert len(calls) > 0
    assert sorted(set(transport.sent)) == list(range(7000, 7012))
    assert await states(db) == {"sent": 12}


async def test_a_full_disk_in_the_shared_pace_gives_back_the_slot_and_the_claim(
    db: Database, monkeypatch: pytest.MonkeyPatch,
) -> None:
    await enqueue(db, 10)
    transport = Recorder()
    sender = make_sender(db, transport, settings(concurrency=2), worker="w1", shared=True)
    failing(monkeypatch, cluster, "reserve_slot", 4)
    failing(monkeypatch, cluster, "try_pass", 3)
    unclaims = failing(monkeypatch, outbox, "unclaim", 2)  # then the sweep puts them back
    monkeypatch.setattr("bot.runtime.delivery.sender.SWEEP_SECONDS", 0.2, raising=False)
    await sender.start()
    try:
        await run_until_sent(sender, transport, 10, 20.0)
        await sender.drain(10.0)
    finally:
        await stop(sender)
    assert len(unclaims) >= 4
    assert sorted(set(transport.sent)) == list(range(7000, 7010))
    assert await states(db) == {"sent": 10}


async def test_a_worker_sweeps_its_own_orphaned_sending_rows(db: Database) -> None:
    """A row left in 'sending' under this live worker with no send behind it (a claim
    whose answer was lost) goes back to pending; another live worker's rows stay."""
    await enqueue(db, 2)
    mine, theirs = (r.id for r in await outbox.due(db, AT, 10))
    assert await outbox.claim(db, mine, "w1")
    assert await outbox.claim(db, theirs, "w2")
    transport = Recorder()
    sender = make_sender(db, transport, settings(), worker="w1")
    await sender.start(live=["w1", "w2"])
    try:
        await run_until_sent(sender, transport, 1, 10.0)
    finally:
        await stop(sender)
    assert transport.sent == [7000]
    row = await db.fetch_one("SELECT state, claimed_by FROM outbox WHERE id = ?", (theirs,))
    assert row is not None and (row["state"], row["claimed_by"]) == ("sending", "w2")


async def test_stop_returns_within_5_seconds_while_a_send_never_answers(db: Database) -> None:
    await enqueue(db, 3)
    transport = Recorder()
    transport.hang.set()
    sender = make_sender(db, transport, settings(concurrency=2))
    await sender.start()
    for _ in range(200):
        if (await states(db)).get("sending", 0) == 2:
            break
        await asyncio.sleep(0.05)
    began = time.monotonic()
    await asyncio.wait_for(sender.stop(), 10)
    assert time.monotonic() - began < 5.0
    # The two sends in flight may have gone out: sent again (flagged) by the next start.
    assert await states(db) == {"sending": 2, "pending": 1}


async def test_stop_returns_within_5_seconds_while_waiting_for_the_pace(db: Database) -> None:
    """Telegram told the whole bot to wait (a shared hold): the claimed row goes back."""
    await enqueue(db, 1)
    await cluster.hold_until(db, "global", time.time() + 3600)
    transport = Recorder()
    sender = make_sender(db, transport, settings(), worker="w1", shared=True)
    await sender.start()
    for _ in range(200):
        if (await states(db)).get("sending", 0) == 1:
            break
        await asyncio.sleep(0.05)
    began = time.monotonic()
    await asyncio.wait_for(sender.stop(), 10)
    assert time.monotonic() - began < 5.0
    assert transport.sent == []
    assert await states(db) == {"pending": 1}


async def test_a_queue_that_does_not_move_is_one_error_line_and_shows_in_the_status(
    db: Database, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
) -> None:
    await enqueue(db, 3)
    clock = FakeClock(AT)
    transport = Recorder()
    conf = settings(stall_alert_seconds=1)
    sender = make_sender(db, transport, conf, clock=clock)
    clock.advance(timedelta(days=1))  # the domain's clock jumps: that is not a stall
    failing(monkeypatch, outbox, "claim", 10_000)
    with caplog.at_level(logging.INFO, logger="chibo.delivery"):
        await sender.start()
        try:
            await asyncio.sleep(0.5)  # the first pass, well within the second
            assert not sender.stalled
            for _ in range(3):
                await asyncio.sleep(1.1)  # a pass a second (the idle wait), in real time
        finally:
            await stop(sender)
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    stall = [r.getMessage() for r in errors if "has not moved" in r.getMessage()]
    assert len(stall) == 1 and DISK_FULL in stall[0]
    # The failing passes: one line naming the cause, no traceback above DEBUG.
    assert len([r for r in errors if "delivery pass failed" in r.getMessage()]) == 1
    assert not [r for r in caplog.records if r.levelno > logging.DEBUG and r.exc_info]
    assert sender.stalled
    # The status reads the database: rows due for longer than the threshold, none sent.
    status = render_status(await delivery_status(db, clock, conf), Texts("vi"), HANOI)
    assert "Hàng đợi gửi tin đang bị tắc: 3 tin" in status
    early = render_status(await delivery_status(db, FakeClock(AT), conf), Texts("vi"), HANOI)
    assert "bị tắc" not in early  # when they had just come due, nothing was stuck yet


async def test_connections_cut_again_and_again_do_not_stall_the_sender_on_postgres(
    db: Database,
) -> None:
    """Every 15th send, every connection of the bot's database is terminated
    (``pg_terminate_backend``): the fan-out still reaches everyone, once each."""
    if db.engine != "postgres":
        pytest.skip("connections are cut on the server engine")
    import psycopg

    from tests.engines import POSTGRES_URL

    name = (db.location.rsplit("/", 1)[-1]).split("?")[0]

    def cut() -> None:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE datname = %s AND pid <> pg_backend_pid()", (name,))

    class Cutting(Recorder):
        async def send(self, chat_id: int, message: OutgoingMessage, *, row_id: int) -> int:
            if len(self.sent) % 15 == 14:
                await asyncio.to_thread(cut)
            return await super().send(chat_id, message, row_id=row_id)

    await enqueue(db, 120)
    transport = Cutting()
    sender = make_sender(db, transport, settings(concurrency=4), worker="w1", shared=True)
    await sender.start()
    try:
        await run_until_sent(sender, transport, 120, 60.0)
        for _ in range(100):  # the last outcomes may wait for a pass to be written again
            with contextlib.suppress(psycopg.Error):
                if await states(db) == {"sent": 120}:
                    break
            await asyncio.sleep(0.2)
    finally:
        await stop(sender)
    assert sorted(transport.sent) == list(range(7000, 7120))
    assert await states(db) == {"sent": 120}
