"""The audit log: who did or read what, and when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from storage.db import Connection, Database
from storage.engine import bookkeeping
from storage.timefmt import to_db


async def write(
    conn: Connection,
    *,
    at: datetime,
    actor_id: int | None,
    action: str,
    unit_id: int | None = None,
    detail: str | None = None,
) -> int:
    """Append an entry inside the caller's transaction; returns its id."""
    cur = await conn.execute(
        "INSERT INTO audit_log (at, actor_id, unit_id, action, detail) VALUES (?, ?, ?, ?, ?) "
        "RETURNING id",
        (to_db(at), actor_id, unit_id, action, detail),
    )
    return int(cur.lastrowid or 0)


async def log(db: Database, *, at: datetime, actor_id: int | None, action: str,
              unit_id: int | None = None, detail: str | None = None) -> None:
    """An entry in a transaction of its own: a record of what was done or read, never
    itself the person's change (see ``bookkeeping``)."""
    with bookkeeping():
        async with db.transaction() as conn:
            await write(conn, at=at, actor_id=actor_id, action=action, unit_id=unit_id,
                        detail=detail)


class AuditEntry(NamedTuple):
    at: str
    actor_id: int | None  # the actor's Telegram id; None for the operator's command line
    actor_name: str | None
    action: str
    unit_name: str | None


async def entries(db: Database, unit_ids: list[int], limit: int = 40) -> list[AuditEntry]:
    """The audit lines of the units, newest first."""
    marks = ",".join("?" * len(unit_ids)) or "NULL"
    rows = await db.fetch_all(
        "SELECT a.at, a.actor_id, p.full_name, a.action, u.name FROM audit_log a "
        "LEFT JOIN people p ON p.telegram_user_id = a.actor_id "
        "LEFT JOIN units u ON u.id = a.unit_id "
        f"WHERE a.unit_id IN ({marks}) ORDER BY a.id DESC LIMIT ?", [*unit_ids, limit])
    return [AuditEntry(str(r[0]), r[1], r[2], str(r[3]), r[4]) for r in rows]


@dataclass(frozen=True, slots=True)
class ActionRow:
    id: int
    actor_id: int | None
    unit_id: int | None


async def unmarked(db: Database, *, action: str, mark_prefix: str,
                   limit: int) -> list[ActionRow]:
    """The latest entries of ``action`` with no mark ``mark_prefix || id`` yet, newest first."""
    rows = await db.fetch_all(
        "SELECT a.id, a.actor_id, a.unit_id FROM audit_log a WHERE a.action = ? "
        "AND NOT EXISTS (SELECT 1 FROM marks WHERE key = ? || a.id) "
        "ORDER BY a.id DESC LIMIT ?", (action, mark_prefix, limit))
    return [ActionRow(int(r[0]), r[1], r[2]) for r in rows]
