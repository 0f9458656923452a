"""The embedded engine: one SQLite file, one writer and a few readers.

One aiosqlite connection writes, behind an asyncio lock: a write transaction is a
short ``BEGIN IMMEDIATE`` block that holds the lock until it commits or rolls back.
Reads outside a transaction go to separate read-only connections (the database is
in WAL mode), so a read never sees another task's uncommitted writes and never
waits for a writer. An in-memory database (``:memory:``) cannot be shared between
connections: there reads take the writer's lock instead.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, ClassVar

import aiosqlite

from storage import migrations
from storage.dialect import MIN_SQLITE, returns_id
from storage.engine import (
    Connection,
    Database,
    DatabaseNotWritable,
    IntegrityError,
    NestedTransactionError,
    Outcome,
    Params,
    SqliteTooOld,
)

BUSY_TIMEOUT_MS = 5000
READERS = 2


class SqliteConnection(Connection):
    engine: ClassVar[str] = "sqlite"

    def __init__(self, raw: aiosqlite.Connection) -> None:
        super().__init__()
        self.raw = raw

    async def execute(self, sql: str, params: Params = ()) -> Outcome:
        lastrowid = None
        try:
            async with self.raw.execute(sql, params) as cur:
                if returns_id(sql):  # one row back per row written
                    rows = list(await cur.fetchall())
                    changed = len(rows)
                    lastrowid = int(rows[0][0]) if rows else None
                else:
                    changed = max(cur.rowcount, 0)
        except sqlite3.IntegrityError as err:
            raise IntegrityError(str(err)) from err
        self.changes += changed
        return Outcome(changed, lastrowid)

    async def executemany(self, sql: str, rows: Iterable[Params]) -> int:
        before = self.raw.total_changes
        try:
            await self.raw.executemany(sql, rows)
        except sqlite3.IntegrityError as err:
            raise IntegrityError(str(err)) from err
        changed = self.raw.total_changes - before
        self.changes += changed
        return changed

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Any]:
        async with self.raw.execute(sql, params) as cur:
            return list(await cur.fetchall())


class SqliteDatabase(Database):
    """A migrated SQLite database opened with the pragmas the bot relies on."""

    engine: ClassVar[str] = "sqlite"

    def __init__(self, conn: aiosqlite.Connection, path: Path,
                 readers: Sequence[aiosqlite.Connection] = ()) -> None:
        self._conn = conn
        self._writer = SqliteConnection(conn)
        self._lock = asyncio.Lock()
        self._readers = list(readers)
        self._free: asyncio.Queue[SqliteConnection] = asyncio.Queue()
        for reader in self._readers:
            self._free.put_nowait(SqliteConnection(reader))
        self.path = path
        self.location = str(path)

    @property
    def connection(self) -> aiosqlite.Connection:
        """The writer connection (for bulk seeding and migrations; take ``transaction()``)."""
        return self._conn

    async def close(self) -> None:
        for reader in self._readers:
            await reader.close()
        await self._conn.close()

    @asynccontextmanager
    async def _outer(self) -> AsyncIterator[Connection]:
        async with self._lock:
            await self._conn.execute("BEGIN IMMEDIATE")
            self._writer.changes = 0
            try:
                yield self._writer
            except BaseException:
                await self._conn.rollback()
                raise
            else:
                await self._conn.commit()

    @asynccontextmanager
    async def _reader(self) -> AsyncIterator[Connection]:
        if not self._readers:
            async with self._lock:
                yield self._writer
            return
        reader = await self._free.get()
        try:
            yield reader
        finally:
            self._free.put_nowait(reader)

    async def user_version(self) -> int:
        return int(await self.fetch_value("PRAGMA user_version"))

    async def integrity_check(self) -> str:
        return str(await self.fetch_value("PRAGMA integrity_check"))

    async def backup_to(self, target: Path) -> None:
        """A consistent copy through SQLite's online backup API, safe while the bot runs."""
        if self._own() is not None:
            raise NestedTransactionError(
                "backup_to() inside an open transaction would copy uncommitted writes")
        owner_only(target, exclusive=True)  # a missing folder is an error, never created
        async with self._lock:
            dest = await aiosqlite.connect(target)
            try:
                await self._conn.backup(dest)
            finally:
                await dest.close()


async def current_version(conn: aiosqlite.Connection) -> int:
    async with conn.execute("PRAGMA user_version") as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else 0


async def apply_migrations(conn: aiosqlite.Connection) -> list[int]:
    """Apply every migration newer than the database; returns the versions applied.

    A migration and its version bump commit in one transaction, so a crash leaves the
    database at the old version or the new one, never between."""
    applied: list[int] = []
    for migration in migrations.available_migrations("sqlite"):
        if migration.version <= await current_version(conn):
            continue
        await conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in migrations.split_statements(migration.sql):
                await conn.execute(statement)
            await conn.execute(f"PRAGMA user_version = {migration.version:d}")
        except BaseException:
            await conn.rollback()
            raise
        await conn.commit()
        applied.append(migration.version)
    return applied


async def _connect(path: Path, *, read_only: bool = False) -> aiosqlite.Connection:
    conn = await aiosqlite.connect(path, isolation_level=None)
    conn.row_factory = sqlite3.Row
    try:
        if not read_only:
            await conn.execute("PRAGMA journal_mode=WAL")
            await conn.execute("PRAGMA synchronous=NORMAL")
        await conn.execute("PRAGMA foreign_keys=ON")
        await conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        if read_only:
            await conn.execute("PRAGMA query_only=ON")
    except BaseException:
        # Not a database (or not readable): its thread must not outlive the error.
        await conn.close()
        raise
    return conn


_CANNOT_WRITE = ("readonly", "read-only", "unable to open", "disk i/o error", "disk is full")


def owner_only(path: Path, *, exclusive: bool = False) -> None:
    """Create ``path`` empty and readable by its owner only (0600, whatever the umask),
    unless it exists (``exclusive``: an existing file is an error)."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        if exclusive:
            raise


def _unusable(path: Path, err: sqlite3.OperationalError) -> Exception:
    """A file the bot cannot write: one line naming it and SQLite's reason (no traceback
    for the operator). Any other error (a broken migration) stays as it is."""
    if any(words in str(err).lower() for words in _CANNOT_WRITE):
        return DatabaseNotWritable(f"{path}: {err}")
    return err


async def _check_writable(conn: aiosqlite.Connection) -> None:
    """Take the write lock once: a read-only file, folder or disk fails here, at start,
    not at the first member's tap."""
    await conn.execute("BEGIN IMMEDIATE")
    await conn.execute("ROLLBACK")


def require_sqlite_library() -> None:
    """Refuse an SQLite library older than the SQL written in storage/ needs (it would
    fail at the first null-safe comparison, long after start-up)."""
    if sqlite3.sqlite_version_info < MIN_SQLITE:
        raise SqliteTooOld(sqlite3.sqlite_version, ".".join(map(str, MIN_SQLITE)))


async def open_sqlite(path: Path | str, *, migrate: bool = True) -> SqliteDatabase:
    """Open (creating if needed) and migrate the SQLite database at ``path``."""
    require_sqlite_library()
    path = Path(path)
    in_memory = str(path) == ":memory:"
    if not in_memory:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        owner_only(path)  # SQLite gives the WAL and SHM files the database file's mode
    try:
        conn = await _connect(path)
    except sqlite3.OperationalError as err:
        raise _unusable(path, err) from None
    readers: list[aiosqlite.Connection] = []
    try:
        if migrate:
            try:
                await apply_migrations(conn)
                await _check_writable(conn)
            except sqlite3.OperationalError as err:
                raise _unusable(path, err) from None
        if not in_memory:
            for _ in range(READERS):
                readers.append(await _connect(path, read_only=True))
    except BaseException:
        for reader in readers:
            await reader.close()
        await conn.close()
        raise
    return SqliteDatabase(conn, path, readers)
