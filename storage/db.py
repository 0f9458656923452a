"""The SQLite connection: pragmas, transactions and a single-writer lock.

One aiosqlite connection serves the process. Write transactions are short
``BEGIN IMMEDIATE`` blocks serialised by an asyncio lock, so concurrent
handlers never interleave statements inside each other's transaction.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

from storage.migrations import apply_migrations

Params = Sequence[Any] | dict[str, Any]

BUSY_TIMEOUT_MS = 5000


class Database:
    """A migrated SQLite database opened with the pragmas the bot relies on."""

    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self._conn = conn
        self._lock = asyncio.Lock()
        self.path = path

    @property
    def connection(self) -> aiosqlite.Connection:
        return self._conn

    async def close(self) -> None:
        await self._conn.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """A write transaction: commits on success, rolls back on any exception."""
        async with self._lock:
            await self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                await self._conn.rollback()
                raise
            else:
                await self._conn.commit()

    async def fetch_all(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        async with self._conn.execute(sql, params) as cur:
            return list(await cur.fetchall())

    async def fetch_one(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        async with self._conn.execute(sql, params) as cur:
            row: sqlite3.Row | None = await cur.fetchone()
            return row

    async def fetch_value(self, sql: str, params: Params = ()) -> Any:
        row = await self.fetch_one(sql, params)
        return None if row is None else row[0]

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one write statement (atomic on its own, in autocommit); returns lastrowid."""
        async with self._lock:
            cur = await self._conn.execute(sql, params)
            return cur.lastrowid or 0

    async def execute_count(self, sql: str, params: Params = ()) -> int:
        """Run one write statement; returns the number of rows it changed."""
        async with self._lock:
            cur = await self._conn.execute(sql, params)
            return cur.rowcount

    async def execute_many(self, sql: str, rows: Iterable[Params]) -> None:
        async with self.transaction() as conn:
            await conn.executemany(sql, rows)

    async def user_version(self) -> int:
        return int(await self.fetch_value("PRAGMA user_version"))

    async def integrity_check(self) -> str:
        return str(await self.fetch_value("PRAGMA integrity_check"))

    async def backup_to(self, target: Path) -> None:
        """A consistent copy through SQLite's online backup API, safe while the bot runs."""
        target.parent.mkdir(parents=True, exist_ok=True)
        async with self._lock:
            dest = await aiosqlite.connect(target)
            try:
                await self._conn.backup(dest)
            finally:
                await dest.close()


async def open_database(path: Path | str, *, migrate: bool = True) -> Database:
    """Open (creating if needed) and migrate the database at ``path``."""
    path = Path(path)
    if str(path) != ":memory:":
        path.parent.mkdir(parents=True, exist_ok=True)
    conn = await aiosqlite.connect(path, isolation_level=None)
    conn.row_factory = sqlite3.Row
    await conn.execute("PRAGMA journal_mode=WAL")
    await conn.execute("PRAGMA synchronous=NORMAL")
    await conn.execute("PRAGMA foreign_keys=ON")
    await conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    db = Database(conn, path)
    if migrate:
        try:
            await apply_migrations(conn)
        except BaseException:
            await conn.close()
            raise
    return db
