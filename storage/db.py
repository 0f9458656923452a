"""The SQLite connections: pragmas, transactions, one writer and a few readers.

One aiosqlite connection writes, behind an asyncio lock: a write transaction is a
short ``BEGIN IMMEDIATE`` block that holds the lock until it commits or rolls back,
and a lone write statement takes the lock too. Reads outside a transaction go to
separate read-only connections (the database is in WAL mode), so a read never sees
another task's uncommitted writes and never waits for a writer. Inside a
transaction, every call the owning task makes through the ``Database`` (reads,
writes, a nested ``transaction()``, which becomes a savepoint) runs on the
transaction's own connection, so it sees its own writes and never waits for the
lock it already holds.

An in-memory database (``:memory:``) cannot be shared between connections: there
reads take the writer's lock instead.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiosqlite

from storage.migrations import apply_migrations

Params = Sequence[Any] | dict[str, Any]

BUSY_TIMEOUT_MS = 5000
READERS = 2


class NestedTransactionError(RuntimeError):
    """A call that cannot run inside the caller's own open transaction."""


@dataclass
class _Open:
    """The transaction a task holds open: on which database, how deep, still open.

    Kept in a context variable, so what the owner awaits (``asyncio.gather``,
    ``wait_for``: tasks that copy its context) belongs to the transaction too; a task
    it started that runs on after the commit sees ``open`` False and waits its turn."""

    db: Database
    depth: int = 0
    open: bool = True


_current: ContextVar[_Open | None] = ContextVar("chibo_transaction", default=None)


@dataclass
class CommitTracker:
    """Whether anything was committed since ``track_commits()`` in this context (one
    update being handled), so an error reply can say whether the change was kept."""

    committed: bool = False


_tracker: ContextVar[CommitTracker | None] = ContextVar("chibo_commits", default=None)


def track_commits() -> CommitTracker:
    """Start noting commits made from this context (and the tasks it starts)."""
    tracker = CommitTracker()
    _tracker.set(tracker)
    return tracker


def committed_here() -> bool:
    """True when a write that changed rows was committed since ``track_commits()``."""
    tracker = _tracker.get()
    return tracker is not None and tracker.committed


def _note_commit(changed: bool) -> None:
    tracker = _tracker.get()
    if changed and tracker is not None:
        tracker.committed = True


class Database:
    """A migrated SQLite database opened with the pragmas the bot relies on."""

    def __init__(self, conn: aiosqlite.Connection, path: Path,
                 readers: Sequence[aiosqlite.Connection] = ()) -> None:
        self._conn = conn
        self._lock = asyncio.Lock()
        self._readers = list(readers)
        self._free: asyncio.Queue[aiosqlite.Connection] = asyncio.Queue()
        for reader in self._readers:
            self._free.put_nowait(reader)
        self.path = path

    @property
    def connection(self) -> aiosqlite.Connection:
        """The writer connection (for bulk seeding and migrations; take ``transaction()``)."""
        return self._conn

    async def close(self) -> None:
        for reader in self._readers:
            await reader.close()
        await self._conn.close()

    def _own(self) -> _Open | None:
        """The transaction this task (or the task awaiting it) holds open here, if any."""
        state = _current.get()
        if state is not None and state.db is self and state.open:
            return state
        return None

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """A write transaction: commits on success, rolls back on any exception.

        Nested inside the same task's transaction it is a savepoint: an exception
        undoes only the inner block (and propagates), the outer one goes on."""
        state = self._own()
        if state is not None:
            state.depth += 1
            name = f"chibo_sp{state.depth}"
            await self._conn.execute(f"SAVEPOINT {name}")
            try:
                yield self._conn
            except BaseException:
                await self._conn.execute(f"ROLLBACK TO {name}")
                await self._conn.execute(f"RELEASE {name}")
                raise
            else:
                await self._conn.execute(f"RELEASE {name}")
            finally:
                state.depth -= 1
            return
        async with self._lock:
            await self._conn.execute("BEGIN IMMEDIATE")
            changes = self._conn.total_changes
            state = _Open(self)
            token = _current.set(state)
            try:
                yield self._conn
            except BaseException:
                await self._conn.rollback()
                raise
            else:
                await self._conn.commit()
                _note_commit(self._conn.total_changes != changes)
            finally:
                state.open = False
                _current.reset(token)

    @asynccontextmanager
    async def _reading(self) -> AsyncIterator[aiosqlite.Connection]:
        """A connection to read from: the caller's own transaction, else a reader."""
        if self._own() is not None:
            yield self._conn
        elif not self._readers:
            async with self._lock:
                yield self._conn
        else:
            reader = await self._free.get()
            try:
                yield reader
            finally:
                self._free.put_nowait(reader)

    @asynccontextmanager
    async def _writing(self) -> AsyncIterator[aiosqlite.Connection]:
        if self._own() is not None:
            yield self._conn
        else:
            async with self._lock:
                yield self._conn

    async def fetch_all(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        async with self._reading() as conn, conn.execute(sql, params) as cur:
            return list(await cur.fetchall())

    async def fetch_one(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        async with self._reading() as conn, conn.execute(sql, params) as cur:
            row: sqlite3.Row | None = await cur.fetchone()
            return row

    async def fetch_value(self, sql: str, params: Params = ()) -> Any:
        row = await self.fetch_one(sql, params)
        return None if row is None else row[0]

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one write statement (atomic on its own, or part of the caller's open
        transaction); returns lastrowid."""
        async with self._writing() as conn:
            cur = await conn.execute(sql, params)
            if self._own() is None:
                _note_commit(cur.rowcount > 0)
            return cur.lastrowid or 0

    async def execute_count(self, sql: str, params: Params = ()) -> int:
        """Run one write statement; returns the number of rows it changed."""
        async with self._writing() as conn:
            cur = await conn.execute(sql, params)
            if self._own() is None:
                _note_commit(cur.rowcount > 0)
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
        if self._own() is not None:
            raise NestedTransactionError(
                "backup_to() inside an open transaction would copy uncommitted writes")
        target.parent.mkdir(parents=True, exist_ok=True)
        async with self._lock:
            dest = await aiosqlite.connect(target)
            try:
                await self._conn.backup(dest)
            finally:
                await dest.close()


async def _connect(path: Path, *, read_only: bool = False) -> aiosqlite.Connection:
    conn = await aiosqlite.connect(path, isolation_level=None)
    conn.row_factory = sqlite3.Row
    if not read_only:
        await conn.execute("PRAGMA journal_mode=WAL")
        await conn.execute("PRAGMA synchronous=NORMAL")
    await conn.execute("PRAGMA foreign_keys=ON")
    await conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    if read_only:
        await conn.execute("PRAGMA query_only=ON")
    return conn


async def open_database(path: Path | str, *, migrate: bool = True) -> Database:
    """Open (creating if needed) and migrate the database at ``path``."""
    path = Path(path)
    in_memory = str(path) == ":memory:"
    if not in_memory:
        path.parent.mkdir(parents=True, exist_ok=True)
    conn = await _connect(path)
    readers: list[aiosqlite.Connection] = []
    try:
        if migrate:
            await apply_migrations(conn)
        if not in_memory:
            for _ in range(READERS):
                readers.append(await _connect(path, read_only=True))
    except BaseException:
        for reader in readers:
            await reader.close()
        await conn.close()
        raise
    return Database(conn, path, readers)
