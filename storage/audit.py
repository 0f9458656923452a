"""The audit log: who did or read what, and when."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from storage.db import Database
from storage.timefmt import to_db


async def write(
    conn: aiosqlite.Connection,
    *,
    at: datetime,
    actor_id: int | None,
    action: str,
    unit_id: int | None = None,
    detail: str | None = None,
) -> int:
    """Append an entry inside the caller's transaction; returns its id."""
    cur = await conn.execute(
        "INSERT INTO audit_log (at, actor_id, unit_id, action, detail) VALUES (?, ?, ?, ?, ?)",
        (to_db(at), actor_id, unit_id, action, detail),
    )
    return int(cur.lastrowid or 0)


async def log(db: Database, *, at: datetime, actor_id: int | None, action: str,
              unit_id: int | None = None, detail: str | None = None) -> None:
    async with db.transaction() as conn:
        await write(conn, at=at, actor_id=actor_id, action=action, unit_id=unit_id,
                    detail=detail)
