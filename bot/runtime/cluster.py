"""This worker among the others that share one PostgreSQL database.

Every worker runs the same ``chibo run --config FILE``. Each says it is alive every
``HEARTBEAT`` seconds; a worker not heard of for ``WORKER_TTL`` seconds is dead, and
the rows it left in flight are sent again by whoever notices first (flagged as
possible duplicates, the same rule as a restart). In polling mode one worker at a
time holds the ``poller`` lease (Telegram refuses two getUpdates callers) and
renews it with every heartbeat; when it dies its lease lapses after ``LEASE_TTL``
seconds and the next worker to look takes it and starts polling: within
``LEASE_TTL + HEARTBEAT`` seconds (10 s) of the death. Liveness runs on real time,
not the injected clock: it answers processes, not the domain's calendar; and on the
database's time, not the worker's own (``SharedClock``), so a worker whose clock is off
neither takes a lease into the future nor starves the others of the shared pace.

A SQLite database belongs to one process: there is no cluster, and ``Cluster`` is
not started.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from storage import cluster, outbox
from storage.db import Database

log = logging.getLogger("chibo.cluster")

HEARTBEAT = 2.0
WORKER_TTL = cluster.WORKER_TTL
LEASE_TTL = 8.0
SWEEP_EVERY = 3  # heartbeats between looks for dead workers' rows
KEEP_UPDATES = 86_400.0  # seconds an update id is remembered (Telegram redelivers for 24 h)
KEEP_PACES = 120.0

POLLER = cluster.POLLER
STOP_WAIT = 2.0  # seconds a stop waits for the database to hear this worker leave
CLOCK_SAMPLES = 16  # recent clock measurements kept (one per heartbeat)
CLOCK_SLACK = 0.002  # seconds of offset below any measurement's accuracy


@dataclass
class SharedClock:
    """The database's time as this worker reckons it: its own clock (``wall``) plus the
    offset measured at the heartbeats. Of the recent measurements the one with the
    shortest round trip counts (the others are blurred by a busy loop or server), and an
    offset within its half round trip is no offset: workers on one host, or on clocks
    kept by NTP, then reckon exactly alike."""

    wall: Callable[[], float] = time.time
    offset: float = 0.0
    synced: bool = False
    _samples: list[tuple[float, float]] = field(default_factory=list)  # (round trip, offset)

    def __call__(self) -> float:
        return self.wall() + self.offset

    async def sync(self, db: Database) -> None:
        before = self.wall()
        theirs = await cluster.database_time(db)
        after = self.wall()
        if theirs is None:
            return
        self._samples = [*self._samples[-(CLOCK_SAMPLES - 1):],
                         (after - before, theirs - (before + after) / 2)]
        trip, offset = min(self._samples)
        offset = 0.0 if abs(offset) <= trip / 2 + CLOCK_SLACK else offset
        if not self.synced and offset:
            log.warning("this worker's clock is %.3f s off the database's; reckoning "
                        "leases and the shared pace on the database's", -offset)
        self.offset, self.synced = offset, True


def new_worker_id() -> str:
    """host:pid:random, unique across restarts and machines, readable in /status."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


class Cluster:
    """Heartbeats, the poller lease and the sweep for dead workers' rows."""

    def __init__(self, db: Database, worker: str | None = None, *,
                 heartbeat: float = HEARTBEAT, lease_ttl: float = LEASE_TTL,
                 worker_ttl: float = WORKER_TTL,
                 wall: Callable[[], float] = time.time) -> None:
        self.db = db
        self.worker = worker or new_worker_id()
        self.clock = SharedClock(wall)
        self._heartbeat = heartbeat
        self._lease_ttl = lease_ttl
        self._worker_ttl = worker_ttl
        self._task: asyncio.Task[None] | None = None
        self._poll: tuple[Callable[[], Awaitable[None]], Callable[[], Awaitable[None]]] | None
        self._poll = None
        self.polling = False
        self.on_recovered: Callable[[int], None] | None = None
        # Run at every sweep: what this worker keeps in memory and another may change
        # (the accounts marked unreachable by another worker's sender).
        self.refreshers: list[Callable[[], Awaitable[None]]] = []

    async def live(self) -> list[str]:
        return await cluster.live_workers(self.db, self.clock() - self._worker_ttl)

    async def start(self) -> None:
        await self.clock.sync(self.db)
        await cluster.heartbeat(self.db, self.worker, self.clock())
        self._task = asyncio.create_task(self._run(), name="chibo-cluster")
        log.info("worker %s joined (%d live)", self.worker, len(await self.live()))

    def poll_when_leading(self, start: Callable[[], Awaitable[None]],
                          stop: Callable[[], Awaitable[None]]) -> None:
        """Poll (``start``) while this worker holds the poller lease, ``stop`` when it
        loses it; the first try happens at the next heartbeat (at once if free)."""
        self._poll = (start, stop)

    async def lead_now(self) -> None:
        """Try for the poller lease at once (at start-up) rather than at the next beat."""
        await self._lead()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self.polling and self._poll is not None:
            await self._poll[1]()
            self.polling = False
        with contextlib.suppress(Exception):  # a database that does not answer: the
            await asyncio.wait_for(self._leave(), STOP_WAIT)  # lease and beat lapse

    async def _leave(self) -> None:
        await cluster.drop_lease(self.db, POLLER, self.worker)
        await cluster.leave(self.db, self.worker)

    async def _run(self) -> None:
        beats = 0
        while True:
            await asyncio.sleep(self._heartbeat)
            beats += 1
            try:
                await self.clock.sync(self.db)
                await cluster.heartbeat(self.db, self.worker, self.clock())
                await self._lead()
                if beats % SWEEP_EVERY == 0:
                    await self.sweep()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("cluster heartbeat failed; trying again")
                await self._lose()

    async def _lead(self) -> None:
        if self._poll is None:
            return
        held = await cluster.take_lease(self.db, POLLER, self.worker, self.clock(),
                                        self._lease_ttl)
        if held and not self.polling:
            log.info("worker %s takes the poller lease: polling", self.worker)
            await self._poll[0]()
            self.polling = True
        elif not held:
            await self._lose()

    async def _lose(self) -> None:
        if self.polling and self._poll is not None:
            log.warning("worker %s lost the poller lease: stops polling", self.worker)
            self.polling = False
            await self._poll[1]()

    async def sweep(self) -> None:
        """One look around: rows left in flight by dead workers are sent again, old
        bookkeeping goes, and what this worker caches is read again."""
        now = self.clock()
        live = await cluster.live_workers(self.db, now - self._worker_ttl)
        if self.worker not in live:
            live.append(self.worker)
        recovered = await outbox.recover_in_flight(self.db, live=live)
        if recovered:
            log.warning("sending again %d message(s) left in flight by a dead worker",
                        recovered)
            if self.on_recovered is not None:
                self.on_recovered(recovered)
        await cluster.forget_dead(self.db, now - 10 * self._worker_ttl)
        await cluster.forget_updates(self.db, now - KEEP_UPDATES)
        await cluster.forget_paces(self.db, now - KEEP_PACES)
        for refresh in self.refreshers:
            await refresh()
