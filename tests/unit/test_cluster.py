"""What workers sharing one database agree on, on every engine: the poller lease, the
shared sending budget, updates taken once, outbox rows claimed once, dead workers'
rows sent again. Concurrent callers are real concurrent tasks (on PostgreSQL, each
on its own pooled connection)."""

from __future__ import annotations

import asyncio
import itertools
from datetime import UTC, datetime

from storage import cluster, outbox
from storage.db import Database
from storage.outbox import Envelope, OutgoingMessage

NOW = 1_800_000_000.0
AT = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)


async def test_one_poller_at_a_time_and_the_lease_passes_when_it_lapses(db: Database) -> None:
    assert await cluster.take_lease(db, "poller", "a", NOW, 8.0)
    assert not await cluster.take_lease(db, "poller", "b", NOW + 1, 8.0)
    assert await cluster.take_lease(db, "poller", "a", NOW + 5, 8.0)  # renewed to NOW + 13
    assert not await cluster.take_lease(db, "poller", "b", NOW + 12, 8.0)
    assert await cluster.lease_holder(db, "poller", NOW + 12) == "a"
    assert await cluster.take_lease(db, "poller", "b", NOW + 14, 8.0)  # a stopped renewing
    assert not await cluster.take_lease(db, "poller", "a", NOW + 15, 8.0)
    assert await cluster.lease_holder(db, "poller", NOW + 15) == "b"


async def test_concurrent_takers_of_a_free_lease_get_one_holder(db: Database) -> None:
    won = await asyncio.gather(*(cluster.take_lease(db, "poller", f"w{i}", NOW, 8.0)
                                 for i in range(12)))
    assert sum(won) == 1
    holder = await cluster.lease_holder(db, "poller", NOW)
    assert holder == f"w{won.index(True)}"


async def test_a_dropped_lease_is_free_at_once(db: Database) -> None:
    assert await cluster.take_lease(db, "poller", "a", NOW, 8.0)
    await cluster.drop_lease(db, "poller", "b")  # not b's to drop
    assert await cluster.lease_holder(db, "poller", NOW) == "a"
    await cluster.drop_lease(db, "poller", "a")
    assert await cluster.take_lease(db, "poller", "b", NOW + 0.1, 8.0)


async def test_reserved_slots_are_spaced_whoever_asks_at_once(db: Database) -> None:
    interval = 0.05
    slots = await asyncio.gather(*(cluster.reserve_slot(db, "global", NOW, interval)
                                   for _ in range(40)))
    ordered = sorted(slots)
    assert ordered[0] == NOW
    gaps = [b - a for a, b in itertools.pairwise(ordered)]
    assert min(gaps) >= interval - 1e-6
    assert ordered[-1] - ordered[0] < 40 * interval  # back to back, no slot skipped
    # After an idle spell the next slot is now, not in the past.
    assert await cluster.reserve_slot(db, "global", NOW + 100, interval) == NOW + 100


async def test_a_chat_bucket_allows_its_burst_then_one_per_interval(db: Database) -> None:
    key = "chat:5001"
    assert await cluster.try_pass(db, key, NOW, 1.0, 2.0) is None
    assert await cluster.try_pass(db, key, NOW, 1.0, 2.0) is None
    opens = await cluster.try_pass(db, key, NOW, 1.0, 2.0)
    assert opens is not None and abs(opens - (NOW + 1.0)) < 1e-6
    assert await cluster.try_pass(db, key, NOW + 1.0, 1.0, 2.0) is None
    assert await cluster.try_pass(db, "chat:5002", NOW, 1.0, 2.0) is None  # another chat


async def test_a_hold_keeps_everyone_away_until_it_ends(db: Database) -> None:
    await cluster.hold_until(db, "global", NOW + 30)
    assert await cluster.reserve_slot(db, "global", NOW, 0.05) == NOW + 30


async def test_an_update_is_taken_by_one_worker_only(db: Database) -> None:
    taken = await asyncio.gather(*(cluster.take_update(db, 777, NOW) for _ in range(10)))
    assert sum(taken) == 1
    assert not await cluster.take_update(db, 777, NOW + 60)
    assert await cluster.take_update(db, 778, NOW)
    assert await cluster.forget_updates(db, NOW + 1) == 2
    assert await cluster.take_update(db, 777, NOW + 2)


async def _queue(db: Database, n: int) -> list[int]:
    envelopes = [Envelope(f"test:{i}", 6000 + i, "test", OutgoingMessage(f"tin {i}"))
                 for i in range(n)]
    async with db.transaction() as conn:
        assert await outbox.enqueue(conn, envelopes, AT) == n
        assert await outbox.enqueue(conn, envelopes, AT) == 0  # the same facts: stored once
    return [row.id for row in await outbox.due(db, AT, 100)]


async def test_a_row_claimed_at_once_by_several_workers_goes_to_one(db: Database) -> None:
    (row_id,) = await _queue(db, 1)
    won = await asyncio.gather(*(outbox.claim(db, row_id, f"w{i}") for i in range(8)))
    assert sum(won) == 1
    assert await outbox.due(db, AT, 100) == []


async def test_a_chat_with_a_row_in_flight_gets_no_second_one(db: Database) -> None:
    envelopes = [Envelope(f"same:{i}", 6000, "test", OutgoingMessage(f"tin {i}"))
                 for i in range(2)]
    async with db.transaction() as conn:
        await outbox.enqueue(conn, envelopes, AT)
    (first,) = await outbox.due(db, AT, 100)
    assert await outbox.claim(db, first.id, "a")
    assert await outbox.due(db, AT, 100) == []  # the second waits while the first flies
    await outbox.record(db, [outbox.Outcome(first.id, "sent", AT, message_id=1)])
    (second,) = await outbox.due(db, AT, 100)
    assert second.key == "same:1"


async def test_only_a_dead_workers_rows_are_sent_again(db: Database) -> None:
    ids = await _queue(db, 3)
    for row_id, worker in zip(ids, ("alive", "dead", "alive"), strict=True):
        assert await outbox.claim(db, row_id, worker)
    assert await outbox.recover_in_flight(db, live=["alive"]) == 1
    again = await outbox.due(db, AT, 100)
    assert [(r.id, r.possible_duplicate) for r in again] == [(ids[1], True)]
    assert await outbox.recover_in_flight(db) == 2  # one process owns SQLite: all of them


async def test_workers_are_live_while_they_beat(db: Database) -> None:
    await cluster.heartbeat(db, "a", NOW)
    await cluster.heartbeat(db, "b", NOW)
    await cluster.heartbeat(db, "a", NOW + 20)
    assert await cluster.live_workers(db, NOW + 10) == ["a"]
    assert await cluster.forget_dead(db, NOW + 10) == 1
    await cluster.leave(db, "a")
    assert await cluster.live_workers(db, 0) == []


async def test_status_names_the_live_workers_and_the_poller_on_a_shared_engine(
        db: Database) -> None:
    import time
    from zoneinfo import ZoneInfo

    from bot.core.clock import FakeClock
    from bot.notices.status import delivery_status, render_status
    from bot.texts import Texts

    wall = time.time()
    await cluster.heartbeat(db, "may1:101:ab", wall)
    await cluster.heartbeat(db, "may2:202:cd", wall)
    await cluster.heartbeat(db, "may3:303:ef", wall - 60)  # dead
    assert await cluster.take_lease(db, cluster.POLLER, "may2:202:cd", wall, 8.0)
    text = render_status(await delivery_status(db, FakeClock(AT)), Texts("vi"),
                         ZoneInfo("Asia/Ho_Chi_Minh"))
    if db.engine == "sqlite":  # one process: nothing to say about workers
        assert "Tiến trình" not in text
    else:
        assert "Tiến trình bot đang chạy: 2 (may1:101:ab, may2:202:cd)" in text
        assert "Đang nhận tin từ Telegram (long polling): may2:202:cd" in text


async def test_a_row_given_back_is_due_again_as_it_was(db: Database) -> None:
    (row_id,) = await _queue(db, 1)
    assert await outbox.claim(db, row_id, "a")
    await outbox.unclaim(db, row_id, "b")  # not b's to give back
    assert await outbox.due(db, AT, 100) == []
    await outbox.unclaim(db, row_id, "a")
    (row,) = await outbox.due(db, AT, 100)
    assert (row.id, row.attempts, row.possible_duplicate) == (row_id, 0, False)


async def test_an_account_marked_unreachable_by_one_worker_is_cleared_by_another(
        db: Database) -> None:
    """Worker A's sender finds a member blocked the bot; the member writes again and the
    update reaches worker B (the poller): B's sweep has learnt of the mark, so B clears it."""
    from bot.core.clock import FakeClock
    from bot.core.config import Config
    from bot.core.services import Services
    from bot.runtime.cluster import Cluster
    from storage import people
    from tests.factories import seed_branch

    branch = await seed_branch(db, AT, members=1)
    person, account = branch.members[0]
    worker_b = Services(config=Config(), db=db, clock=FakeClock(AT))
    await worker_b.load_unreachable()  # at B's start nobody is unreachable
    assert await outbox.mark_unreachable(db, person, AT, "blocked")  # A's sender
    workers = Cluster(db, "b")
    workers.refreshers.append(worker_b.load_unreachable)
    await workers.sweep()
    await worker_b.seen(account)  # the member writes to B
    assert await people.unreachable_accounts(db) == set()


async def test_a_shared_budget_spaces_its_slots_for_the_spread_of_several_workers(
        db: Database) -> None:
    from bot.runtime.delivery.limits import Pacer, Throttle

    throttle = Throttle(25.0, 1.0, 20)
    alone = throttle.pacer.interval
    assert alone == (1.0 + Pacer.JITTER) / 25
    throttle.share(db)
    # Any 25 consecutive slots span a second and the allowed spread: 25 arrivals a second
    # at most, unless one message is delayed 60 ms more than the 24 after it.
    assert throttle.pacer.interval * 24 >= 1.0 + Pacer.SHARED_SPREAD - 1e-9
    assert throttle.pacer.interval > alone
