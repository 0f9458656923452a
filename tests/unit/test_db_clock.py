"""Workers reckon leases, heartbeats and the shared pace on the database's clock: a worker
whose own clock is two minutes ahead neither takes the poller lease into the future nor
starves the other worker of the shared sending budget."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.runtime.cluster import POLLER, Cluster
from bot.runtime.delivery.limits import Pacer
from storage.db import Database

AHEAD = 120.0


def ahead() -> float:
    return time.time() + AHEAD


async def _nothing() -> None:
    return None


@pytest.fixture
def shared(db: Database) -> Database:
    if db.engine == "sqlite":
        pytest.skip("one SQLite process has one clock: workers share a server engine")
    return db


async def test_a_worker_two_minutes_ahead_takes_the_lease_for_its_ttl_not_longer(
    shared: Database,
) -> None:
    fast = Cluster(shared, "fast", lease_ttl=1.0, heartbeat=60.0, wall=ahead)  # renews late
    slow = Cluster(shared, "slow", lease_ttl=1.0, heartbeat=60.0)
    await fast.start()
    await slow.start()
    try:
        fast.poll_when_leading(_nothing, _nothing)
        slow.poll_when_leading(_nothing, _nothing)
        await fast.lead_now()
        assert fast.polling
        left = await shared.fetch_value(
            "SELECT expires_at - extract(epoch from clock_timestamp()) FROM leases "
            "WHERE name = ?", (POLLER,))
        assert left <= 1.5  # the lease's ttl on the database's clock, not 121 s
        await slow.lead_now()
        assert not slow.polling
        await asyncio.sleep(1.2)  # the lease's real-time ttl, and fast did not renew it
        await slow.lead_now()
        assert slow.polling  # taken over within its ttl, not in two minutes
    finally:
        await fast.stop()
        await slow.stop()


async def test_a_worker_two_minutes_ahead_does_not_starve_the_other_of_the_pace(
    shared: Database,
) -> None:
    fast = Cluster(shared, "fast", wall=ahead)
    slow = Cluster(shared, "slow")
    await fast.start()
    await slow.start()
    try:
        fast_pace, slow_pace = Pacer(20), Pacer(20)
        fast_pace.share(shared, fast.clock)
        slow_pace.share(shared, slow.clock)
        began = time.monotonic()
        for _ in range(5):
            await asyncio.wait_for(fast_pace.acquire(), 5)
            await asyncio.wait_for(slow_pace.acquire(), 5)  # used to wait two minutes
        assert time.monotonic() - began < 5
        assert fast_pace.late_slots == 0
    finally:
        await fast.stop()
        await slow.stop()
