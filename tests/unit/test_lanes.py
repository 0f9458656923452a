"""Two lanes in one sending budget: replies to people ahead of bulk work, a floor for
bulk so a fan-out always progresses, never more than the rate in total; on a shared
engine the lanes hold across workers."""

from __future__ import annotations

import asyncio
import contextlib
import time

from bot.runtime.delivery.limits import Pacer
from storage import cluster
from storage.db import Database

NOW = 1_800_000_000.0
RATE = 50.0
SPAN = 1.0


async def _run(pacer: Pacer, *, replies: int, bulk: int) -> tuple[list[float], list[float]]:
    """``replies`` tasks and ``bulk`` tasks each taking slots for ``SPAN`` seconds."""
    granted: dict[bool, list[float]] = {True: [], False: []}

    async def lane(urgent: bool) -> None:
        while True:
            await pacer.acquire(urgent=urgent)
            granted[urgent].append(time.monotonic())

    tasks = [asyncio.create_task(lane(True)) for _ in range(replies)]
    tasks += [asyncio.create_task(lane(False)) for _ in range(bulk)]
    await asyncio.sleep(SPAN)  # the measured span itself, not a wait for an outcome
    for task in tasks:
        task.cancel()
    for task in tasks:
        with contextlib.suppress(asyncio.CancelledError):
            await task
    return granted[True], granted[False]


async def test_replies_go_first_and_bulk_keeps_its_floor() -> None:
    pacer = Pacer(RATE)
    replies, bulk = await _run(pacer, replies=20, bulk=1)
    total = RATE * SPAN
    assert len(replies) + len(bulk) <= total + 2  # one budget
    assert len(replies) >= 0.5 * total  # the interactive lane takes most slots
    assert len(replies) >= 4 * len(bulk)
    floor = Pacer.BULK_FLOOR * total
    assert 0.4 * floor <= len(bulk) <= 3 * floor  # bulk progresses, at about its floor


async def test_bulk_alone_gets_the_whole_rate() -> None:
    replies, bulk = await _run(Pacer(RATE), replies=0, bulk=1)
    assert not replies
    assert len(bulk) >= 0.6 * RATE * SPAN  # (a loaded machine's sleeps overshoot)


async def test_bulk_reserves_only_a_slot_free_now_on_a_shared_engine(db: Database) -> None:
    interval = 0.05
    # Replies of some worker reserved ten slots ahead: bulk is refused until they pass.
    for _ in range(10):
        await cluster.reserve_slot(db, "global", NOW, interval)
    slot, again = await cluster.reserve_free_slot(db, "global", NOW, interval, interval)
    assert slot is None
    assert abs(again - (NOW + 9 * interval)) < 1e-6
    slot, _ = await cluster.reserve_free_slot(db, "global", again, interval, interval)
    assert slot is not None and abs(slot - (NOW + 10 * interval)) < 1e-6
    # A reply still reserves the next slot, however far ahead.
    assert abs(await cluster.reserve_slot(db, "global", NOW, interval)
               - (NOW + 11 * interval)) < 1e-6


async def test_replies_of_one_worker_go_ahead_of_another_workers_bulk(db: Database) -> None:
    """Two workers share one budget: one's replies keep it busy, the other's fan-out
    gets its floor, not an equal share (first come, first served would give it 1/4)."""
    rate, span = 20.0, 1.5
    replying, sending = Pacer(rate), Pacer(rate)
    replying.share(db)
    sending.share(db)
    granted: dict[bool, int] = {True: 0, False: 0}

    async def lane(pacer: Pacer, urgent: bool) -> None:
        while True:
            await pacer.acquire(urgent=urgent)
            granted[urgent] += 1

    tasks = [asyncio.create_task(lane(replying, True)) for _ in range(3)]
    tasks.append(asyncio.create_task(lane(sending, False)))
    await asyncio.sleep(span)  # the measured span itself
    for task in tasks:
        task.cancel()
    for task in tasks:
        with contextlib.suppress(asyncio.CancelledError):
            await task
    assert granted[True] >= 5 * granted[False]
    assert granted[False] >= 1  # the floor: the fan-out progresses
