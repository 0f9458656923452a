"""One-shot marks for periodic checks ("quarter check for 2026-Q4 done")."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from storage.db import Database
from storage.timefmt import to_db


async def set_once(conn: aiosqlite.Connection, key: str, now: datetime) -> bool:
    """Set the mark inside the caller's transaction; False when it was already set."""
    cur = await conn.execute(
        "INSERT INTO marks (key, done_at) VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
        (key, to_db(now)),
    )
    return cur.rowcount == 1


# The name this module's first version used.
mark_once = set_once


async def is_set(db: Database, key: str) -> bool:
    return await db.fetch_value("SELECT 1 FROM marks WHERE key = ?", (key,)) is not None
