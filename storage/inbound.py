"""Updates kept until handled: every update received is a row first.

An update is stored (``keep``) before Telegram is told it arrived: before the next
``getUpdates`` confirms its offset, before the webhook answers 200. It is marked handled
in the same transaction as its first write (``handled_on_commit``), or after its handler
ends when it wrote nothing (``handled``); its handler's end is noted apart, in batches
(``finished``). What a crash or a restart left unhandled is taken over and handled then
(``take_over``); what it left handled but unfinished (its reply or its tap's answer may
not have gone out) is taken over too, to be finished without doing the work again. The
update id is the key, so an update Telegram delivers again (a webhook retried, a second
poller) is stored, and handled, once.

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
    handled: bool  # its effect is committed; only its handler's end is missing


async def keep(db: Database, update_id: int, payload: str, worker: str | None,
               now: float) -> bool:
    """Store an update just received; False when it was already stored (a redelivery)."""
    async with db.unlocked() as conn:
        outcome = await conn.execute(
            "INSERT INTO inbound_updates (update_id, taken_at, payload, taken_by) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (update_id) DO NOTHING",
            (update_id, now, payload, worker))
        return outcome.rowcount == 1


async def keep_many(db: Database, updates: Sequence[tuple[int, str]], worker: str | None,
                    now: float) -> set[int]:
    """Store the updates of one ``getUpdates`` answer, (update id, payload) each, in one
    statement; returns the ids that were new (the others were stored before)."""
    if not updates:
        return set()
    values = ", ".join(["(?, ?, ?, ?)"] * len(updates))
    params = [v for update_id, payload in updates for v in (update_id, now, payload, worker)]
    async with db.unlocked() as conn:
        rows = await conn.fetch_all(
            f"INSERT INTO inbound_updates (update_id, taken_at, payload, taken_by) "
            f"VALUES {values} ON CONFLICT (update_id) DO NOTHING RETURNING update_id",
            tuple(params))
    return {int(r[0]) for r in rows}


def handled_on_commit(update_id: int, now: float) -> Rider:
    """Mark the update handled in the first transaction of this context that commits a
    change (its effect and its mark are one commit: a crash leaves both or neither)."""
    return ride_with_next_commit(
        "UPDATE inbound_updates SET handled_at = ? WHERE update_id = ? AND handled_at IS NULL",
        (now, update_id))


async def handled(db: Database, update_id: int, now: float) -> None:
    """The update's handler ended without a write of its own: handled and finished.
    A finished update keeps only its id (to drop a redelivery), not what the person
    typed: personal data is not kept where nothing needs it."""
    async with db.unlocked() as conn:
        await conn.execute(
            "UPDATE inbound_updates SET handled_at = coalesce(handled_at, ?), finished_at = ?, "
            "payload = NULL WHERE update_id = ?", (now, now, update_id))


async def finished(db: Database, update_ids: Sequence[int], now: float) -> None:
    """The handlers of these (handled) updates ended; their payloads are dropped."""
    if not update_ids:
        return
    marks = ", ".join("?" for _ in update_ids)
    async with db.unlocked() as conn:
        await conn.execute(
            f"UPDATE inbound_updates SET finished_at = ?, payload = NULL "
            f"WHERE update_id IN ({marks})",
            (now, *update_ids))


async def take_over(db: Database, worker: str | None,
                    live: Sequence[str] | None = None) -> list[Kept]:
    """The updates stored and not finished, in order, now this worker's: every one
    (``live`` None: the one process of a SQLite database, at its start), or those of
    workers not in ``live`` (several workers: a live worker's are its own business)."""
    params: list[object] = [worker]
    others = ""
    if live:
        marks = ", ".join("?" for _ in live)
        others = f" AND (taken_by IS NULL OR taken_by NOT IN ({marks}))"
        params += list(live)
    async with db.unlocked() as conn:
        rows = await conn.fetch_all(
            "UPDATE inbound_updates SET taken_by = ? WHERE finished_at IS NULL "
            f"AND payload IS NOT NULL{others} RETURNING update_id, payload, handled_at",
            params)
    return sorted((Kept(int(r[0]), str(r[1]), r[2] is not None) for r in rows),
                  key=lambda k: k.update_id)


async def forget(db: Database, before: float) -> int:
    """Drop what was handled before ``before`` (a redelivery comes within 24 hours)."""
    async with db.unlocked() as conn:
        return (await conn.execute(
            "DELETE FROM inbound_updates WHERE finished_at IS NOT NULL AND taken_at < ?",
            (before,))).rowcount
