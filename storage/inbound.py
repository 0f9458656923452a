"""Updates kept until handled: every update received is a row first.

An update is stored (``keep``) before Telegram is told it arrived: before the next
``getUpdates`` confirms its offset, before the webhook answers 200. It is marked handled
in the same transaction as its first write (``handled_on_commit``), or after its handler
ends when it wrote nothing (``handled``); what a crash or a restart left unhandled is
taken over and handled then (``take_over``). The update id is the key, so an update
Telegram delivers again (a webhook retried, a second poller) is stored, and handled, once.

Instants are real time (epoch seconds), like the cluster's: they answer processes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from storage.db import Database
from storage.engine import Rider, ride_with_next_commit


@dataclass(frozen=True, slots=True)
class Kept:
    update_id: int
    payload: str


async def keep(db: Database, update_id: int, payload: str, worker: str | None,
               now: float) -> bool:
    """Store an update just received; False when it was already stored (a redelivery)."""
    async with db.unlocked() as conn:
        outcome = await conn.execute(
            "INSERT INTO inbound_updates (update_id, taken_at, payload, taken_by) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (update_id) DO NOTHING",
            (update_id, now, payload, worker))
        return outcome.rowcount == 1


def handled_on_commit(update_id: int, now: float) -> Rider:
    """Mark the update handled in the first transaction of this context that commits a
    change (its effect and its mark are one commit: a crash leaves both or neither)."""
    return ride_with_next_commit(
        "UPDATE inbound_updates SET handled_at = ? WHERE update_id = ? AND handled_at IS NULL",
        (now, update_id))


async def handled(db: Database, update_id: int, now: float) -> None:
    async with db.unlocked() as conn:
        await conn.execute(
            "UPDATE inbound_updates SET handled_at = ? "
            "WHERE update_id = ? AND handled_at IS NULL", (now, update_id))


async def take_over(db: Database, worker: str | None,
                    live: Sequence[str] | None = None) -> list[Kept]:
    """The updates stored and not handled, in order, now this worker's to handle: every
    one (``live`` None: the one process of a SQLite database, at its start), or those of
    workers not in ``live`` (several workers: a live worker's are its own business)."""
    params: list[object] = [worker]
    others = ""
    if live:
        marks = ", ".join("?" for _ in live)
        others = f" AND (taken_by IS NULL OR taken_by NOT IN ({marks}))"
        params += list(live)
    async with db.unlocked() as conn:
        rows = await conn.fetch_all(
            "UPDATE inbound_updates SET taken_by = ? WHERE handled_at IS NULL "
            f"AND payload IS NOT NULL{others} RETURNING update_id, payload", params)
    return sorted((Kept(int(r[0]), str(r[1])) for r in rows), key=lambda k: k.update_id)


async def unhandled(db: Database) -> int:
    return int(await db.fetch_value(
        "SELECT count(*) FROM inbound_updates WHERE handled_at IS NULL"))


async def forget(db: Database, before: float) -> int:
    """Drop what was handled before ``before`` (a redelivery comes within 24 hours)."""
    async with db.unlocked() as conn:
        return (await conn.execute(
            "DELETE FROM inbound_updates WHERE handled_at IS NOT NULL AND taken_at < ?",
            (before,))).rowcount
