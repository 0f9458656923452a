"""The one sender that drains the outbox.

It claims a due row, then takes its chat's turn and a slot of the budget, then
sends it (so a crash leaves at most the rows in flight, and the one waiting for
its slot, to send again; and a worker that lost a claim to another spent nothing
on it), paces sends with a global rate and a per-chat
gate, keeps at most ``concurrency`` requests in flight, and writes each
outcome back. What is due is read from the database on every pass, against
the injected clock; the pacing itself runs on real (monotonic) time because it
answers Telegram's real-time limits.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from bot.core.clock import Clock
from bot.core.config import DeliverySettings
from bot.runtime.delivery.errors import (
    DeliveryError,
    MaybeSent,
    NotSent,
    RateLimited,
    Rejected,
    Transient,
    Unexpected,
    Unreachable,
)
from bot.runtime.delivery.limits import Throttle
from storage import outbox
from storage.db import Database
from storage.outbox import OutboxRow, Outcome, OutgoingMessage

log = logging.getLogger("chibo.delivery")

FETCH = 256
IDLE_WAIT = 1.0
BACKOFF_BASE = 2.0
BACKOFF_CAP = 600.0
GLOBAL_429_WINDOW = 1.0
GLOBAL_429_COUNT = 3
RECORD_TRIES = 3

UnreachableHook = Callable[[int, str, datetime], Awaitable[None]]


class Transport(Protocol):
    async def send(self, chat_id: int, message: OutgoingMessage) -> int:
        """Send and return the platform's message id, or raise a ``DeliveryError``."""
        ...


@dataclass
class SenderCounters:
    sent: int = 0
    rate_limited: int = 0
    retried: int = 0
    possible_duplicates: int = 0
    failed: int = 0
    unreachable: int = 0
    errors: int = 0  # sends that raised something other than a DeliveryError


class Sender:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        transport: Transport,
        settings: DeliverySettings,
        throttle: Throttle,
        on_unreachable: UnreachableHook | None = None,
        worker: str | None = None,
        channel: str = "telegram",
    ) -> None:
        self._db = db
        self._channel = channel  # the outbox rows this sender takes (issue 26: 'zalo')
        self._clock = clock
        self._transport = transport
        self._settings = settings
        self._on_unreachable = on_unreachable
        self._worker = worker  # this worker's id, stamped on the rows it claims
        self._pacer = throttle.pacer
        self._gates = throttle.gates
        self._slots = asyncio.Semaphore(settings.concurrency)
        self._wake = asyncio.Event()
        self._progress = asyncio.Event()
        self._inflight: set[asyncio.Task[None]] = set()
        self._recent_429: list[float] = []
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self.counters = SenderCounters()

    # --- life cycle ---------------------------------------------------------------
    async def start(self, *, live: Sequence[str] | None = None) -> None:
        """Start sending; first send again what a crash left in flight: every such row, or
        with ``live`` (workers sharing the database) only rows of workers not in it."""
        recovered = await outbox.recover_in_flight(self._db, live=live, channel=self._channel)
        if recovered:
            log.warning("recovered %d message(s) left in flight by a stop; sending again",
                        recovered)
        self._stopping = False
        self._task = asyncio.create_task(self._run(), name="chibo-sender")

    async def stop(self) -> None:
        """Stop taking rows; let what is in flight finish and be recorded."""
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            await self._task
            self._task = None
        if self._inflight:
            await asyncio.gather(*self._inflight, return_exceptions=True)

    def wake(self) -> None:
        """New rows were enqueued: look now rather than at the next pass."""
        self._wake.set()

    async def drain(self, timeout: float = 30.0) -> None:
        """Wait until nothing due is left to send (tests, demo, benchmarks)."""
        deadline = time.monotonic() + timeout
        while True:
            self._progress.clear()
            if not self._inflight and await outbox.count_due(self._db, self._clock.now(),
                                                                 self._channel) == 0:
                return
            self.wake()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("the outbox did not drain in time")
            try:
                await asyncio.wait_for(self._progress.wait(), min(remaining, 0.5))
            except TimeoutError:
                continue

    # --- the loop -----------------------------------------------------------------
    async def _run(self) -> None:
        while not self._stopping:
            try:
                dispatched = await self._pass()
            except Exception:
                log.exception("delivery pass failed; retrying shortly")
                dispatched = 0
            if dispatched == 0 and not self._stopping:
                self._progress.set()
                await self._idle()

    async def _pass(self) -> int:
        now = self._clock.now()
        await outbox.skip_stale(self._db, now)
        mono = time.monotonic()
        self._gates.forget_old(mono)
        rows = await outbox.due(self._db, now, FETCH, self._channel)
        dispatched = 0
        for row in rows:
            if self._stopping:
                break
            if not self._gates.is_open(row.chat_id, time.monotonic()):
                continue
            await self._slots.acquire()
            # Claim first, then spend: several workers read the same due rows, and one
            # that lost the claim must not have spent a slot of the shared budget on it.
            if not await outbox.claim(self._db, row.id, self._worker):
                self._slots.release()
                continue
            if not await self._gates.take(row.chat_id):  # another worker just sent there
                await outbox.unclaim(self._db, row.id, self._worker)
                self._slots.release()
                continue
            await self._pacer.acquire()
            task = asyncio.create_task(self._deliver(row))
            self._inflight.add(task)
            task.add_done_callback(self._inflight.discard)
            dispatched += 1
        return dispatched

    async def _idle(self) -> None:
        """Sleep until woken, a chat gate opens, or the next pass is due."""
        wait = IDLE_WAIT
        reopen = self._gates.earliest_closed(time.monotonic())
        if reopen is not None:
            wait = min(wait, max(0.01, reopen - time.monotonic()))
        self._wake.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), wait)

    # --- one message --------------------------------------------------------------
    async def _deliver(self, row: OutboxRow) -> None:
        try:
            try:
                outcome = await self._attempt(row)
            except Exception as err:  # not a DeliveryError: a bug, a codec or network library
                outcome = self._broken(row, err)
            for attempt in range(RECORD_TRIES):
                try:
                    await outbox.record(self._db, [outcome])
                    break
                except Exception:
                    if attempt + 1 == RECORD_TRIES:
                        raise
                    await asyncio.sleep(0.2 * (attempt + 1))
        except Exception:
            # The send's outcome is known but the database refused it: left in 'sending',
            # sent again (flagged as a possible duplicate) on restart.
            log.exception("the outcome of outbox row %d could not be recorded", row.id)
        finally:
            self._slots.release()
            self._progress.set()
            self._wake.set()

    async def _attempt(self, row: OutboxRow) -> Outcome:
        attempts = row.attempts + 1
        try:
            message_id = await self._transport.send(row.chat_id, row.message)
        except RateLimited as err:
            self.counters.rate_limited += 1
            self._on_429(row.chat_id, err.retry_after)
            return self._retry(row, err, delay=err.retry_after)
        except NotSent as err:
            return self._retry(row, err, delay=0.0)
        except MaybeSent as err:
            self.counters.possible_duplicates += 1
            if attempts >= self._settings.max_attempts:
                return self._fail(row, err)
            return self._retry(row, err, delay=self._backoff(attempts), possible_duplicate=True)
        except Transient as err:
            if attempts >= self._settings.max_attempts:
                return self._fail(row, err)
            return self._retry(row, err, delay=self._backoff(attempts))
        except Unreachable as err:
            self.counters.unreachable += 1
            await self._unreachable(row, err)
            return self._fail(row, err)
        except Rejected as err:
            return self._fail(row, err)
        self.counters.sent += 1
        return Outcome(row.id, "sent", self._clock.now(), message_id=message_id)

    def _broken(self, row: OutboxRow, err: Exception) -> Outcome:
        """The send raised something no policy knows: retried with backoff like a 5xx,
        failed with the reason after ``max_attempts``; never left in 'sending'."""
        self.counters.errors += 1
        attempts = row.attempts + 1
        log.error("sending outbox row %d (%s) raised %s: %s (attempt %d of %d)", row.id,
                  row.kind, type(err).__name__, err, attempts, self._settings.max_attempts,
                  exc_info=err)
        wrapped = Unexpected(f"{type(err).__name__}: {err}")
        if attempts >= self._settings.max_attempts:
            return self._fail(row, wrapped)
        return self._retry(row, wrapped, delay=self._backoff(attempts))

    def _on_429(self, chat_id: int, retry_after: float) -> None:
        now = time.monotonic()
        self._gates.hold(chat_id, now + retry_after)
        self._recent_429 = [t for t in self._recent_429 if now - t < GLOBAL_429_WINDOW]
        self._recent_429.append(now)
        if len(self._recent_429) >= GLOBAL_429_COUNT:
            # Several chats told to wait at once: the limit is the bot's, not one chat's.
            self._pacer.pause(retry_after)

    def _backoff(self, attempts: int) -> float:
        base: float = min(BACKOFF_CAP, BACKOFF_BASE * 2 ** (attempts - 1))
        return base * random.uniform(0.5, 1.0)

    def _retry(
        self, row: OutboxRow, err: DeliveryError, *, delay: float, possible_duplicate: bool = False
    ) -> Outcome:
        self.counters.retried += 1
        log.info("delivery retry: row %d (%s) %s: %s; again in %.1fs",
                 row.id, row.kind, type(err).__name__, err, delay)
        now = self._clock.now()
        return Outcome(
            row.id, "pending", now, next_attempt_at=now + timedelta(seconds=delay),
            error=f"{type(err).__name__}: {err}", possible_duplicate=possible_duplicate,
        )

    def _fail(self, row: OutboxRow, err: DeliveryError) -> Outcome:
        self.counters.failed += 1
        log.warning("delivery failed: row %d (%s) %s: %s", row.id, row.kind,
                    type(err).__name__, err)
        return Outcome(row.id, "failed", self._clock.now(), error=f"{type(err).__name__}: {err}")

    async def _unreachable(self, row: OutboxRow, err: Unreachable) -> None:
        if row.person_id is None:
            return
        since = self._clock.now()
        first_time = await outbox.mark_unreachable(self._db, row.person_id, since, err.reason)
        if first_time and self._on_unreachable is not None:
            await self._on_unreachable(row.person_id, err.reason, since)
