"""The one sender that drains the outbox.

It claims a due row, then takes its chat's turn and a slot of the budget, then
sends it (so a crash leaves at most the rows in flight, and the one waiting for
its slot, to send again; and a worker that lost a claim to another spent nothing
on it), paces sends with a global rate and a per-chat
gate, keeps at most ``concurrency`` requests in flight, and writes each
outcome back. What is due is read from the database on every pass, against
the injected clock; the pacing itself runs on real (monotonic) time because it
answers Telegram's real-time limits.

It cannot stall: whatever a pass takes (a slot, a claim, a chat's turn, a slot of
the pace) is given back on every path, a failing database included; a row claimed
but not sent goes back to ``pending``; rows left in ``sending`` under this worker
with no send behind them are swept back; an outcome the database refused is kept
and written again at the next pass; ``stop()`` returns within ``STOP_GRACE``
seconds whatever it waits for; and when the queue has not moved for
``stall_alert_seconds`` while rows are due, one ERROR line says so.
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
STOP_GRACE = 4.0  # seconds stop() lets the loop and the sends in flight finish
GIVE_BACK_TIMEOUT = 2.0  # seconds for un-claiming a row on a failing path
SWEEP_SECONDS = 10.0  # how often this worker looks for its own orphaned 'sending' rows

UnreachableHook = Callable[[int, str, datetime], Awaitable[None]]


class Transport(Protocol):
    async def send(self, chat_id: int, message: OutgoingMessage, *, row_id: int) -> int:
        """Send and return the platform's message id, or raise a ``DeliveryError``.
        ``row_id``: the outbox row it is, for a transport that sends a row in pieces and
        records how far it got (Zalo), so that a retry resumes there."""
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
        self._channel = channel  # the outbox rows this sender takes ('zalo')
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
        self._flying: set[int] = set()  # ids of the rows whose send is under way here
        self._unrecorded: dict[int, Outcome] = {}  # outcomes the database refused so far
        self._recent_429: list[float] = []
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._next_sweep = 0.0
        # When the queue last moved (or had nothing due), in real time: a stall is the
        # process's, and a jump of the domain's clock (a test, a catch-up) is not one.
        self._moved_at = time.monotonic()
        self._stalled = False
        self._failing: str | None = None  # the cause of the passes failing since, if any
        self._failures = 0
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
        self._moved_at = time.monotonic()
        self._stalled = False
        self._task = asyncio.create_task(self._run(), name="chibo-sender")

    async def stop(self) -> None:
        """Stop taking rows; let what is in flight finish and be recorded, for at most
        ``STOP_GRACE`` seconds whatever the sender waits for (a pace, a database that
        does not answer, a slow send): what is then still under way is cancelled. A row
        whose send was cancelled stays ``sending`` and is sent again, flagged as a possible
        duplicate, by the next start; a row claimed but not sent goes back to pending."""
        self._stopping = True
        self._wake.set()
        deadline = time.monotonic() + STOP_GRACE
        if self._task is not None:
            await _finish({self._task}, min(STOP_GRACE / 2, deadline - time.monotonic()))
            self._task = None
        await _finish(set(self._inflight), deadline - time.monotonic())
        if self._unrecorded:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._flush(), max(0.1, deadline - time.monotonic()))
        if self._unrecorded:
            log.error("stopping with %d outcome(s) the database refused: those messages "
                      "are sent again (flagged as possible duplicates) at the next start",
                      len(self._unrecorded))
            self._unrecorded.clear()

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

    @property
    def stalled(self) -> bool:
        """True while rows are due and the queue has not moved for the configured time."""
        return self._stalled

    # --- the loop -----------------------------------------------------------------
    async def _run(self) -> None:
        while not self._stopping:
            try:
                dispatched = await self._pass()
            except Exception as err:
                self._pass_failed(err)
                dispatched = 0
            else:
                self._pass_worked()
            self._watch_stall()
            if dispatched == 0 and not self._stopping:
                self._progress.set()
                await self._idle()

    def _pass_failed(self, err: Exception) -> None:
        """One line when passes start failing, and one when they work again; the same
        cause failing pass after pass is not logged again (its traceback at DEBUG)."""
        cause = f"{type(err).__name__}: {err}"
        self._failures += 1
        if self._failing is None:
            log.error("delivery pass failed (%s); nothing is lost, trying again every %.0f s",
                      cause, IDLE_WAIT)
        elif cause != self._failing:
            log.error("delivery pass failed again, now: %s; still trying", cause)
        log.debug("delivery pass failure", exc_info=err)
        self._failing = cause

    def _pass_worked(self) -> None:
        if self._failing is not None:
            log.warning("delivery passes work again after %d failure(s) (%s)",
                        self._failures, self._failing)
            self._failing = None
            self._failures = 0

    def _watch_stall(self) -> None:
        """One ERROR line when the queue has not moved for ``stall_alert_seconds`` while
        rows are due; one WARNING when it moves again."""
        idle = time.monotonic() - self._moved_at
        if not self._stalled and idle >= self._settings.stall_alert_seconds:
            self._stalled = True
            log.error("the outbox has not moved for %.0f s while messages are due (%s); "
                      "the sender keeps trying: check the database and Telegram",
                      idle, self._failing or "no send succeeded")

    def _moved(self) -> None:
        self._moved_at = time.monotonic()
        if self._stalled:
            self._stalled = False
            log.warning("the outbox moves again")

    async def _pass(self) -> int:
        await self._flush()
        if time.monotonic() >= self._next_sweep:
            await self._sweep()
        now = self._clock.now()
        await outbox.skip_stale(self._db, now)
        mono = time.monotonic()
        self._gates.forget_old(mono)
        rows = await outbox.due(self._db, now, FETCH, self._channel)
        if not rows and not self._flying:
            self._moved()  # nothing due: an idle queue is not a stalled one
        dispatched = 0
        for row in rows:
            if self._stopping:
                break
            if not self._gates.is_open(row.chat_id, time.monotonic()):
                continue
            await self._slots.acquire()
            try:
                started = await self._start(row)
            except BaseException:
                self._slots.release()
                raise
            if started:
                dispatched += 1
            else:
                self._slots.release()
        return dispatched

    async def _start(self, row: OutboxRow) -> bool:
        """Claim ``row``, take its chat's turn and a slot of the pace, and start sending it
        (True); False when another worker took it or its chat's turn is not free. On any
        failure (the database, a cancellation by ``stop``) the claim is given back."""
        # Claim first, then spend: several workers read the same due rows, and one
        # that lost the claim must not have spent a slot of the shared budget on it.
        if not await outbox.claim(self._db, row.id, self._worker):
            return False
        try:
            if not await self._gates.take(row.chat_id):  # another worker just sent there
                await outbox.unclaim(self._db, row.id, self._worker)
                return False
            await self._pacer.acquire()
        except BaseException:
            await self._give_back(row)
            raise
        self._flying.add(row.id)
        task = asyncio.create_task(self._deliver(row))
        self._inflight.add(task)
        task.add_done_callback(self._inflight.discard)
        return True

    async def _give_back(self, row: OutboxRow) -> None:
        """Un-claim a row whose send did not happen; if the database refuses that too, the
        next sweep puts it back (it is in ``sending`` under this worker, with no send)."""
        try:
            await asyncio.wait_for(outbox.unclaim(self._db, row.id, self._worker),
                                   GIVE_BACK_TIMEOUT)
        except Exception as err:  # the sweep is the fallback
            log.debug("could not un-claim outbox row %d (%s: %s); the sweep will", row.id,
                      type(err).__name__, err)

    async def _sweep(self) -> None:
        """Put back to pending this worker's ``sending`` rows with no send under way here
        (a claim whose answer was lost, an un-claim the database refused)."""
        keep = self._flying | set(self._unrecorded)
        swept = await outbox.release_orphans(self._db, self._worker, keep)
        self._next_sweep = time.monotonic() + SWEEP_SECONDS
        if swept:
            log.warning("put back %d message(s) this worker had claimed but not sent", swept)

    async def _flush(self) -> None:
        """Write the outcomes the database refused before."""
        if not self._unrecorded:
            return
        outcomes = list(self._unrecorded.values())
        await outbox.record(self._db, outcomes)
        for outcome in outcomes:
            self._unrecorded.pop(outcome.row_id, None)
        log.warning("recorded %d delayed outcome(s)", len(outcomes))
        self._moved()

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
            try:
                await outbox.record(self._db, [outcome])
            except Exception as err:
                # The send's outcome is known but the database refused it: kept here and
                # written at the next pass (the row stays 'sending', so nobody sends it).
                self._unrecorded[row.id] = outcome
                log.warning("the outcome of outbox row %d could not be recorded (%s: %s); "
                            "writing it again at the next pass", row.id, type(err).__name__,
                            err)
            else:
                self._moved()
        finally:
            self._flying.discard(row.id)
            self._slots.release()
            self._progress.set()
            self._wake.set()

    async def _attempt(self, row: OutboxRow) -> Outcome:
        attempts = row.attempts + 1
        try:
            message_id = await self._transport.send(row.chat_id, row.message, row_id=row.id)
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
        log.error("sending outbox row %d (%s) raised %s: %s (attempt %d of %d); %s", row.id,
                  row.kind, type(err).__name__, err, attempts, self._settings.max_attempts,
                  "giving up" if attempts >= self._settings.max_attempts
                  else "trying again later")
        log.debug("the send's traceback", exc_info=err)
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


async def _finish(tasks: set[asyncio.Task[None]], seconds: float) -> None:
    """Let ``tasks`` finish for ``seconds``, then cancel what is left (and wait briefly)."""
    if not tasks:
        return
    _, pending = await asyncio.wait(tasks, timeout=max(0.0, seconds))
    for task in pending:
        task.cancel()
    if pending:
        await asyncio.wait(pending, timeout=0.5)
