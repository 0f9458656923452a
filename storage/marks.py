"""One-shot marks for periodic checks ("quarter check for 2026-Q4 done")."""

from __future__ import annotations

from datetime import datetime

from storage.db import Connection, Database
from storage.timefmt import to_db


async def set_once(conn: Connection, key: str, now: datetime) -> bool:
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


async def with_prefix(db: Database, prefix: str) -> set[str]:
    """Every mark whose key starts with ``prefix``."""
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)  # the key range, by the primary key
    rows = await db.fetch_all("SELECT key FROM marks WHERE key >= ? AND key < ?",
                              (prefix, upper))
    return {str(r[0]) for r in rows}


async def clear(conn: Connection, key: str) -> None:
    """Remove a mark (inside the caller's transaction), so the check can fire again."""
    await conn.execute("DELETE FROM marks WHERE key = ?", (key,))
