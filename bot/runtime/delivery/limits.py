"""Pacing shared by everything the bot sends: a global rate and a bucket per chat.

Plain asyncio rather than aiolimiter: aiolimiter's leaky bucket admits a burst
of ``max_rate`` at once, while Telegram counts per second and punishes bursts;
we also need per-chat buckets that a 429's ``retry_after`` can push back. The
same ``Throttle`` paces the outbox sender and the direct replies to people, so
one chat never gets more than its share whichever path a message takes.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass

from storage import cluster
from storage.db import Database

# What Telegram counts towards the bot's overall rate, messages and edits; answers to taps
# are not messages. Each spends a slot of the budget as its request leaves (``start``).
BUDGETED = frozenset({
    "sendMessage", "sendDocument", "sendPhoto", "editMessageText", "editMessageReplyMarkup",
    "editMessageCaption", "copyMessage", "forwardMessage",
})


@dataclass
class _Waiter:
    future: asyncio.Future[float | None]  # the slot's instant, None: given up
    give_up: Callable[[], bool] | None


@dataclass(frozen=True)
class Grant:
    """A slot of the budget, given to a caller that has not sent yet."""

    pacer: Pacer
    at: float  # the slot's instant, on the pacer's clock (monotonic; shared: the wall)
    urgent: bool


# The slot the current task (or the task it started) was granted and has not spent: the
# HTTP layer spends it as the request leaves (``Pacer.start``).
_GRANT: ContextVar[Grant | None] = ContextVar("chibo_send_grant", default=None)


def take_grant() -> Grant | None:
    """The slot the current task was granted and has not spent; it is spent now (a
    request tried again needs another)."""
    grant = _GRANT.get()
    _GRANT.set(None)
    return grant


class Pacer:
    """The bot's one sending budget: grants at most ``rate`` slots a second, evenly
    spaced, whoever asks (outbox rows, replies, edits; answers to taps are not counted).

    Two lanes share it: the interactive lane (``urgent``: a reply to a person who waits,
    the edit of the card they pressed) and the bulk lane (the outbox: invitations,
    reminders, digests). When both wait, the next slot goes to the interactive lane, but
    bulk gets at least ``BULK_FLOOR`` of the rate while it waits, so a fan-out always
    progresses. Nobody goes past the total. Alone, no slot is reserved ahead: a waiter
    sleeps until the next free slot and takes it if it is still free. Shared by several
    workers (``share``), slots are reserved in the database and the lanes hold there too:
    replies reserve the next slot, however far ahead; bulk only a slot that is free now."""

    # Slots are spaced for ``rate`` per (1 + JITTER) seconds: Telegram counts arrivals,
    # and a request that travels faster than the one sent a second before it would
    # otherwise make ``rate + 1`` in its window and draw a 429.
    JITTER = 0.03
    # A slot reached more than this share of an interval late is dropped.
    LATE = 0.5
    SHARED_SPREAD = 0.06  # seconds of arrival spread a shared budget allows for
    BULK_FLOOR = 0.1  # the share of the rate the bulk lane gets while replies crowd it

    def __init__(self, rate: float, key: str = "global") -> None:
        self.rate = rate
        self._key = key  # the shared budget's row ('global'; 'zalo:global' for Zalo)
        self.interval = (1.0 + self.JITTER) / rate
        self._next = 0.0
        self._paused_until = 0.0
        self._replies: deque[_Waiter] = deque()  # the interactive lane, in order
        self._bulk: deque[_Waiter] = deque()  # the bulk lane (the outbox)
        self._dispatcher: asyncio.Task[None] | None = None
        self._shared: Database | None = None
        self._wall: Callable[[], float] = time.time  # the shared budget's clock
        self._holds: set[asyncio.Task[None]] = set()
        self.late_slots = 0  # slots dropped because this worker reached them late
        self._bulk_last = 0.0  # when the bulk lane last got a slot (monotonic)
        # The latest send starts (monotonic): never more than ``rate`` in a window.
        self._starts: deque[float] = deque(maxlen=max(1, math.floor(rate)))
        self._last_second: deque[float] = deque()  # the starts of the last second
        self.busiest_second = 0  # the most sends this worker started within a second

    def share(self, db: Database, wall: Callable[[], float] = time.time) -> None:
        """Spend the budget together with every worker on ``db``: each slot is reserved in
        the database (one atomic upsert), so the bot's total across workers stays within
        ``rate`` — the token has one limit at Telegram, however many processes use it.
        Reserved slots are first come, first served: replies no longer jump the queue.

        Slots are spaced wider than alone: messages from several processes and pools
        reach Telegram with more spread, so any ``rate`` consecutive slots span a second
        plus ``SHARED_SPREAD``, and a second holds ``rate`` arrivals unless one message is
        delayed that much more than the ones after it. ``wall`` is the clock the workers
        share: the database's, as this worker reckons it (its own may be off)."""
        self._shared = db
        self._wall = wall
        if self.rate > 1:
            self.interval = max(self.interval, (1.0 + self.SHARED_SPREAD) / (self.rate - 1))

    def _take(self, now: float) -> float:
        """Take the slot if it is free now (returns 0), else the seconds until it is."""
        slot = max(self._next, self._paused_until)
        if slot <= now:
            self._next = now + self.interval
            return 0.0
        return slot - now

    @property
    def bulk_gap(self) -> float:
        """The longest the bulk lane waits for a slot while replies crowd the budget."""
        return 1.0 / (self.BULK_FLOOR * self.rate)

    def _floor_due(self, now: float) -> bool:
        return now - self._bulk_last >= self.bulk_gap

    async def acquire(self, *, urgent: bool = False,
                      give_up: Callable[[], bool] | None = None, again: bool = False) -> bool:
        """Wait for a slot: ``urgent`` in the interactive lane, else in the bulk lane.
        False (no slot spent) when ``give_up()`` says, as the slot comes, that the
        message is not wanted any more (an edit a newer one overtook). ``again``: this
        caller's slot came too late, it waits at the head of its lane."""
        if self._shared is not None:
            if give_up is not None and give_up():
                return False
            slot = await self._acquire_shared(self._shared, urgent)
        else:
            alone = await self._acquire_alone(urgent, give_up, again)
            if alone is None:
                return False
            slot = alone
        if not urgent:
            self._bulk_last = time.monotonic()
        _GRANT.set(Grant(self, slot, urgent))
        return True

    async def start(self, grant: Grant | None) -> None:
        """A budgeted request leaves now: spend ``grant`` (``take_grant``, the slot its
        task was granted) if the send starts within it, else wait for another. Called by
        the HTTP layer, the one place every send passes, as the request is written, so
        that the pace holds for send *starts*, as Telegram counts arrivals: a slot
        granted while the event loop was busy, spent late, would leave next to the
        slots after it and make more than ``rate`` in a second. A send without a slot
        (a retry, a caller that did not ask) takes one in the interactive lane. Also
        never lets more than ``rate`` sends start within a second, whatever the slots
        said (slots on time never come to that)."""
        urgent = grant.urgent if grant is not None else True
        while True:
            if grant is not None and grant.pacer is self and self._on_time(grant):
                self._started(time.monotonic())
                return
            if grant is not None:
                self.late_slots += 1
            await self.acquire(urgent=urgent, again=grant is not None)
            grant = take_grant()

    def _started(self, now: float) -> None:
        self._starts.append(now)
        recent = self._last_second
        recent.append(now)
        while now - recent[0] >= 1.0:
            recent.popleft()
        self.busiest_second = max(self.busiest_second, len(recent))

    def _on_time(self, grant: Grant) -> bool:
        now = self._wall() if self._shared is not None else time.monotonic()
        if now - grant.at > self.interval * self.LATE:
            return False
        starts = self._starts
        mono = time.monotonic()
        return len(starts) < (starts.maxlen or 1) or mono - starts[0] >= 1.0

    async def _acquire_alone(self, urgent: bool, give_up: Callable[[], bool] | None,
                             late: bool = False) -> float | None:
        """Queue in the lane; the one dispatcher hands out the slots (a crowd of waiters
        is not woken at every slot, only the one it goes to). A slot this caller resumes
        at too late (a busy event loop) is given up and the next one waited for at the
        head of the lane: sent late, it would land next to the slots after it and make
        more than ``rate`` in a second at Telegram. Returns the slot's instant, None
        when ``give_up`` said so."""
        lane = self._replies if urgent else self._bulk
        while True:
            waiter = _Waiter(asyncio.get_running_loop().create_future(), give_up)
            if late:
                lane.appendleft(waiter)
            else:
                lane.append(waiter)
            if self._dispatcher is None or self._dispatcher.done():
                self._dispatcher = asyncio.get_running_loop().create_task(self._dispatch())
            slot = await waiter.future
            if slot is None:
                return None
            if time.monotonic() - slot <= self.interval * self.LATE:
                return slot
            self.late_slots += 1
            late = True

    def _next_waiter(self, now: float) -> _Waiter | None:
        """The replies' lane first, unless bulk has waited past its floor."""
        first, second = self._replies, self._bulk
        if self._bulk and (not self._replies or self._floor_due(now)):
            first, second = self._bulk, self._replies
        for lane in (first, second):
            while lane:
                waiter = lane.popleft()
                if waiter.future.done():  # its caller was cancelled
                    continue
                if waiter.give_up is not None and waiter.give_up():
                    waiter.future.set_result(None)
                    continue
                return waiter
        return None

    async def _dispatch(self) -> None:
        while self._replies or self._bulk:
            now = time.monotonic()
            wait = self._take(now)
            if wait > 0:
                await asyncio.sleep(wait)
                continue
            waiter = self._next_waiter(now)
            if waiter is None:
                self._next = now  # nobody took the slot: it stays free
                continue
            waiter.future.set_result(now)
            await asyncio.sleep(0)  # let it go before the next slot is handed out

    async def _acquire_shared(self, db: Database, urgent: bool) -> float:
        """Reserve a slot of the shared budget and wait for it: a reply the next free
        one, bulk one that is free now (or, past its floor, the next free one). A slot
        this worker reaches late (a busy event loop, a slow round trip) is dropped and
        another reserved: sent late, it would land next to the slots after it and make a
        burst, and a dropped slot costs only a little throughput."""
        pause = self._paused_until - time.monotonic()
        if pause > 0:
            await asyncio.sleep(pause)
        while True:
            now = self._wall()
            if urgent or self._floor_due(time.monotonic()):
                slot: float | None = await cluster.reserve_slot(db, self._key, now,
                                                                self.interval)
            else:
                slot, again = await cluster.reserve_free_slot(db, self._key, now,
                                                              self.interval, self.interval)
                if slot is None:  # replies queued ahead: bulk waits for them
                    await asyncio.sleep(min(self.bulk_gap, max(self.interval,
                                                               again - self._wall())))
                    continue
            assert slot is not None
            wait = slot - self._wall()
            if wait > 0:
                await asyncio.sleep(wait)
            if self._wall() - slot <= self.interval * self.LATE:
                return slot
            self.late_slots += 1

    def pause(self, seconds: float) -> None:
        """Stop handing out slots for ``seconds`` (Telegram said the whole bot is too fast)."""
        self._paused_until = max(self._paused_until, time.monotonic() + seconds)
        if self._shared is not None:
            task = asyncio.get_running_loop().create_task(
                cluster.hold_until(self._shared, self._key, self._wall() + seconds))
            self._holds.add(task)
            task.add_done_callback(self._holds.discard)


@dataclass
class _Bucket:
    tokens: float
    stamp: float


class ChatGates:
    """A token bucket per chat: private chats get a burst of ``private_burst`` (2 on
    Telegram) and then one message per ``private_interval``; groups get one message per
    ``60 / group_per_minute`` seconds."""

    PRIVATE_BURST = 2.0
    GROUP_BURST = 1.0

    def __init__(self, private_interval: float, group_per_minute: int,
                 prefix: str = "chat:", private_burst: float = PRIVATE_BURST) -> None:
        self.private_interval = private_interval
        self.private_burst = private_burst
        self._prefix = prefix  # the shared buckets' rows ('chat:<id>'; 'zalo:chat:<id>')
        self.group_interval = 60.0 / group_per_minute
        self._buckets: dict[int, _Bucket] = {}
        self._shared: Database | None = None
        self._wall: Callable[[], float] = time.time

    def share(self, db: Database, wall: Callable[[], float] = time.time) -> None:
        """Keep each chat's bucket in the database too, so a chat's limit holds whichever
        worker sends to it (the local buckets still remember holds and skip early);
        reckoned on ``wall``, the clock the workers share."""
        self._shared = db
        self._wall = wall

    async def take(self, chat_id: int) -> bool:
        """Take the chat's turn now if it is open (here, and in the shared bucket)."""
        now = time.monotonic()
        if not self.is_open(chat_id, now):
            return False
        if self._shared is not None:
            capacity, per_token = self._shape(chat_id)
            wall = self._wall()
            opens = await cluster.try_pass(self._shared, f"{self._prefix}{chat_id}", wall,
                                           per_token, capacity)
            if opens is not None:
                self.hold(chat_id, time.monotonic() + (opens - wall))
                return False
        self.passed(chat_id, time.monotonic())
        return True

    def _shape(self, chat_id: int) -> tuple[float, float]:
        """(capacity, seconds per token) for a chat."""
        if chat_id > 0:
            return self.private_burst, self.private_interval
        return self.GROUP_BURST, self.group_interval

    def _bucket(self, chat_id: int, now: float) -> _Bucket:
        capacity, per_token = self._shape(chat_id)
        bucket = self._buckets.get(chat_id)
        if bucket is None:
            bucket = self._buckets[chat_id] = _Bucket(capacity, now)
        elif now > bucket.stamp:
            refill = (now - bucket.stamp) / per_token if per_token > 0 else capacity
            bucket.tokens = min(capacity, bucket.tokens + refill)
            bucket.stamp = now
        return bucket

    def opens_at(self, chat_id: int, now: float) -> float:
        """The earliest instant the chat may take another message."""
        bucket = self._bucket(chat_id, now)
        if bucket.stamp > now:  # held by a retry_after
            return bucket.stamp + max(0.0, 1.0 - bucket.tokens) * self._shape(chat_id)[1]
        if bucket.tokens >= 1.0:
            return now
        return now + (1.0 - bucket.tokens) * self._shape(chat_id)[1]

    def is_open(self, chat_id: int, now: float) -> bool:
        return self.opens_at(chat_id, now) <= now

    def passed(self, chat_id: int, now: float) -> None:
        """A message to ``chat_id`` is leaving now."""
        bucket = self._bucket(chat_id, now)
        bucket.tokens -= 1.0

    async def wait_turn(self, chat_id: int, give_up: Callable[[], bool] | None = None) -> bool:
        """Wait until the chat may take a message, and take the turn; False (no turn
        taken) as soon as ``give_up()`` says the message is not wanted any more."""
        if self._shared is not None:
            while True:
                if give_up is not None and give_up():
                    return False
                if await self.take(chat_id):
                    return True
                now = time.monotonic()
                await asyncio.sleep(max(0.01, self.opens_at(chat_id, now) - now))
        while True:
            if give_up is not None and give_up():
                return False
            now = time.monotonic()
            opens = self.opens_at(chat_id, now)
            if opens <= now:
                self.passed(chat_id, now)
                return True
            await asyncio.sleep(opens - now)

    def hold(self, chat_id: int, until: float) -> None:
        """Telegram asked us to leave this chat alone until ``until``."""
        bucket = self._bucket(chat_id, time.monotonic())
        bucket.tokens = min(bucket.tokens, 1.0)
        bucket.stamp = max(bucket.stamp, until)

    def earliest_closed(self, now: float) -> float | None:
        closed = [self.opens_at(c, now) for c in list(self._buckets)]
        waiting = [t for t in closed if t > now]
        return min(waiting) if waiting else None

    def forget_old(self, now: float) -> None:
        """Drop refilled buckets so the map does not grow with every chat ever seen."""
        if len(self._buckets) > 5_000:
            self._buckets = {
                chat: b for chat, b in self._buckets.items()
                if now - b.stamp < self._shape(chat)[0] * self._shape(chat)[1]
            }


class Throttle:
    """The pacer and chat gates one bot shares between its outbox and its replies."""

    def __init__(self, rate: float, private_interval: float, group_per_minute: int,
                 namespace: str = "", private_burst: float = ChatGates.PRIVATE_BURST) -> None:
        """``namespace``: another platform's budget on a shared engine ('zalo');
        ``private_burst``: messages a private chat may take at once before the interval."""
        self.pacer = Pacer(rate, f"{namespace}:global" if namespace else "global")
        self.gates = ChatGates(private_interval, group_per_minute,
                               f"{namespace}:chat:" if namespace else "chat:", private_burst)

    def share(self, db: Database, wall: Callable[[], float] = time.time) -> None:
        """Pace together with every other worker on ``db`` (a shared engine), on ``wall``
        (the database's clock as this worker reckons it)."""
        self.pacer.share(db, wall)
        self.gates.share(db, wall)
