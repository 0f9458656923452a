"""What several workers sharing one database agree on: who is alive, who polls,
how fast the bot as a whole may send, which updates were already taken.

Every statement here is a single atomic upsert or conditional update, safe when
workers run it at the same moment, so none of them takes the writers' lock
(``Database.unlocked``). Instants here are real time (epoch seconds): they answer
Telegram's limits and process liveness, not the domain's injected clock.
"""

from __future__ import annotations

from typing import NamedTuple

from storage.db import Database

WORKER_TTL = 10.0  # seconds: a worker not heard of for this long is dead
POLLER = "poller"  # the lease of the one worker that long-polls Telegram

# --- the database's clock ---------------------------------------------------------------------
async def database_time(db: Database) -> float | None:
    """The database server's time (epoch seconds) on a shared engine, which every worker
    reckons leases, heartbeats and the shared pace by (a worker's own clock may be off);
    None on SQLite, whose one process has one clock."""
    if db.engine == "sqlite":
        return None
    return float(await db.fetch_value("SELECT extract(epoch from clock_timestamp())"))


# --- workers ---------------------------------------------------------------------------------
async def heartbeat(db: Database, worker: str, now: float) -> None:
    """Say ``worker`` is alive (registering it the first time)."""
    async with db.unlocked() as conn:
        await conn.execute(
            "INSERT INTO workers (id, started_at, seen_at) VALUES (?, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET seen_at = excluded.seen_at",
            (worker, now, now))


async def leave(db: Database, worker: str) -> None:
    async with db.unlocked() as conn:
        await conn.execute("DELETE FROM workers WHERE id = ?", (worker,))


async def live_workers(db: Database, since: float) -> list[str]:
    rows = await db.fetch_all("SELECT id FROM workers WHERE seen_at >= ? ORDER BY id", (since,))
    return [str(r[0]) for r in rows]


async def forget_dead(db: Database, before: float) -> int:
    async with db.unlocked() as conn:
        return (await conn.execute("DELETE FROM workers WHERE seen_at < ?", (before,))).rowcount


# --- leases (one holder at a time: the poller) -----------------------------------------------
async def take_lease(db: Database, name: str, holder: str, now: float, ttl: float) -> bool:
    """Take or renew the lease ``name`` for ``ttl`` seconds; False while another holder's
    lease has not expired."""
    async with db.unlocked() as conn:
        outcome = await conn.execute(
            "INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?) "
            "ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, "
            "expires_at = excluded.expires_at "
            "WHERE leases.holder = excluded.holder OR leases.expires_at < ?",
            (name, holder, now + ttl, now))
        return outcome.rowcount == 1


async def drop_lease(db: Database, name: str, holder: str) -> None:
    async with db.unlocked() as conn:
        await conn.execute("DELETE FROM leases WHERE name = ? AND holder = ?", (name, holder))


async def lease_holder(db: Database, name: str, now: float) -> str | None:
    value = await db.fetch_value(
        "SELECT holder FROM leases WHERE name = ? AND expires_at >= ?", (name, now))
    return None if value is None else str(value)


# --- the shared sending budget (GCRA: a theoretical arrival time per key) ---------------------
async def reserve_slot(db: Database, key: str, now: float, interval: float) -> float:
    """Reserve the next free slot of ``key`` (slots ``interval`` apart, whoever asks);
    returns the instant it starts, ``now`` or later."""
    async with db.unlocked() as conn:
        value = await conn.fetch_value(
            "INSERT INTO send_pace (pace_key, tat) VALUES (?, ?) ON CONFLICT (pace_key) "
            "DO UPDATE SET tat = CASE WHEN send_pace.tat > ? THEN send_pace.tat ELSE ? END + ? "
            "RETURNING tat",
            (key, now + interval, now, now, interval))
    return float(value) - interval


class Reservation(NamedTuple):
    slot: float | None  # the reserved slot's start, or None when none was free in time
    again: float  # ``now`` when reserved, else the instant it is worth asking again


async def reserve_free_slot(db: Database, key: str, now: float, interval: float,
                            lead: float) -> Reservation:
    """Reserve the next free slot of ``key`` only if it starts within ``lead`` of ``now``
    (bulk work, which never queues behind the replies others reserved ahead): (its
    start, ``now``), or (None, the instant it is worth asking again)."""
    async with db.unlocked() as conn:
        value = await conn.fetch_value(
            "INSERT INTO send_pace (pace_key, tat) VALUES (?, ?) ON CONFLICT (pace_key) "
            "DO UPDATE SET tat = CASE WHEN send_pace.tat > ? THEN send_pace.tat ELSE ? END + ? "
            "WHERE send_pace.tat <= ? RETURNING tat",
            (key, now + interval, now, now, interval, now + lead))
        if value is not None:
            return Reservation(float(value) - interval, now)
        tat = await conn.fetch_value("SELECT tat FROM send_pace WHERE pace_key = ?", (key,))
    return Reservation(None, now if tat is None else max(now, float(tat) - lead))


async def try_pass(db: Database, key: str, now: float, interval: float,
                   burst: float) -> float | None:
    """Take one turn of ``key`` now if its bucket allows (``burst`` turns at once, then
    one per ``interval``): None when taken, else the instant it will allow one."""
    tolerance = max(0.0, burst - 1.0) * interval
    async with db.unlocked() as conn:
        taken = await conn.fetch_value(
            "INSERT INTO send_pace (pace_key, tat) VALUES (?, ?) ON CONFLICT (pace_key) "
            "DO UPDATE SET tat = CASE WHEN send_pace.tat > ? THEN send_pace.tat ELSE ? END + ? "
            "WHERE send_pace.tat <= ? RETURNING tat",
            (key, now + interval, now, now, interval, now + tolerance))
        if taken is not None:
            return None
        tat = await conn.fetch_value("SELECT tat FROM send_pace WHERE pace_key = ?", (key,))
    return now if tat is None else max(now, float(tat) - tolerance)


async def hold_until(db: Database, key: str, until: float) -> None:
    """Nobody takes a turn of ``key`` before ``until`` (Telegram's retry_after)."""
    async with db.unlocked() as conn:
        await conn.execute(
            "INSERT INTO send_pace (pace_key, tat) VALUES (?, ?) ON CONFLICT (pace_key) "
            "DO UPDATE SET tat = CASE WHEN send_pace.tat > ? THEN send_pace.tat ELSE ? END",
            (key, until, until, until))


async def forget_paces(db: Database, before: float) -> int:
    async with db.unlocked() as conn:
        return (await conn.execute("DELETE FROM send_pace WHERE tat < ?", (before,))).rowcount


# --- inbound updates taken (so a redelivered update is handled once) --------------------------
async def take_update(db: Database, update_id: int, now: float) -> bool:
    """True for the first worker to take ``update_id``; False for a redelivery."""
    async with db.unlocked() as conn:
        outcome = await conn.execute(
            "INSERT INTO inbound_updates (update_id, taken_at) VALUES (?, ?) "
            "ON CONFLICT (update_id) DO NOTHING", (update_id, now))
        return outcome.rowcount == 1


async def forget_updates(db: Database, before: float) -> int:
    async with db.unlocked() as conn:
        return (await conn.execute(
            "DELETE FROM inbound_updates WHERE taken_at < ?", (before,))).rowcount
