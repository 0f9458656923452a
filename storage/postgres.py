"""The server engine: PostgreSQL through psycopg 3, shared by several workers.

psycopg 3 rather than asyncpg: it sends text parameters untyped and lets the
server infer their type from the column, as SQLite's loose typing lets the
repositories do today, and its pool replaces broken connections by itself.

Write transactions are serialised across every worker by a transaction-scoped
advisory lock (``pg_advisory_xact_lock``), and inside one process by an asyncio
lock, so one worker holds at most one connection waiting for it: the same
meaning as SQLite's single writer, so a check-then-write in one transaction
never races another worker. Reads outside a transaction use pooled autocommit
connections and see committed data only. The outbox claim is the one write that
does not take the lock: one statement with ``FOR UPDATE SKIP LOCKED``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Iterable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, contextmanager
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import errors as pg_errors
from psycopg.adapt import Dumper, Loader
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from storage import migrations
from storage.dialect import returns_id, to_postgres
from storage.engine import (
    BackupNotSupported,
    Connection,
    Database,
    DatabaseUnavailable,
    IntegrityError,
    Outcome,
    Params,
)

log = logging.getLogger("chibo.storage")

WRITE_LOCK = 0x63686962  # "chib": the advisory lock every write transaction takes
MIGRATE_LOCK = 0x63686963
POOL_SIZE = 6


class Row:
    """A result row addressed by position or by column name, like ``sqlite3.Row``."""

    __slots__ = ("_index", "_values")

    def __init__(self, values: tuple[Any, ...], index: dict[str, int]) -> None:
        self._values = values
        self._index = index

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return self._values[self._index[key]]
        return self._values[key]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def keys(self) -> list[str]:
        return list(self._index)

    def __repr__(self) -> str:
        return f"Row({dict(zip(self._index, self._values, strict=True))!r})"


def _row_factory(cursor: Any) -> Any:
    names = [c.name for c in cursor.description or ()]
    index = {name: i for i, name in enumerate(names)}

    def make(values: Any) -> Row:
        return Row(tuple(values), index)

    return make


class _Numeric(Loader):
    """``sum()`` of integers is ``numeric`` on PostgreSQL: give back an int as SQLite
    does (a float when it has a fraction)."""

    def load(self, data: Any) -> int | float:
        value = Decimal(bytes(data).decode())
        return int(value) if value == value.to_integral_value() else float(value)


class _BoolAsInt(Dumper):
    """Flags are INTEGER 0/1 columns, as in SQLite."""

    def dump(self, obj: Any) -> bytes:
        return b"1" if obj else b"0"


class _IsoDate(Dumper):
    """Dates and datetimes as the text SQLite's default adapters stored."""

    def dump(self, obj: Any) -> bytes:
        text = obj.isoformat(" ") if isinstance(obj, datetime) else obj.isoformat()
        return str(text).encode()


async def _configure(conn: psycopg.AsyncConnection[Any]) -> None:
    conn.adapters.register_loader("numeric", _Numeric)
    int8 = conn.adapters.types["int8"].oid
    _BoolAsInt.oid = int8
    conn.adapters.register_dumper(bool, _BoolAsInt)
    conn.adapters.register_dumper(date, _IsoDate)
    conn.adapters.register_dumper(datetime, _IsoDate)


class PgConnection(Connection):
    engine: ClassVar[str] = "postgres"

    def __init__(self, raw: psycopg.AsyncConnection[Any]) -> None:
        super().__init__()
        self.raw = raw

    async def execute(self, sql: str, params: Params = ()) -> Outcome:
        async with self.raw.cursor() as cur:
            with _constraints():
                await cur.execute(to_postgres(sql), params)
            changed = max(cur.rowcount, 0)
            lastrowid = None
            if returns_id(sql):
                row = await cur.fetchone()
                lastrowid = int(row[0]) if row is not None else None
        self.changes += changed
        return Outcome(changed, lastrowid)

    async def executemany(self, sql: str, rows: Iterable[Params]) -> int:
        batch = list(rows)
        if not batch:
            return 0
        async with self.raw.cursor() as cur:
            with _constraints():
                await cur.executemany(to_postgres(sql), batch)
            changed = max(cur.rowcount, 0)
        self.changes += changed
        return changed

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Any]:
        async with self.raw.cursor() as cur:
            with _constraints():
                await cur.execute(to_postgres(sql), params)
            return list(await cur.fetchall())


@contextmanager
def _constraints() -> Iterator[None]:
    """A constraint's refusal as the engine-neutral ``IntegrityError``."""
    try:
        yield
    except pg_errors.IntegrityError as err:
        raise IntegrityError(str(err)) from err


def redact(url: str) -> str:
    """The URL without its password, for logs and messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    user = f"{parts.username}:***@" if parts.username else ""
    return urlunsplit((parts.scheme, user + host, parts.path, parts.query, parts.fragment))


class PgDatabase(Database):
    """A migrated PostgreSQL database shared by every worker of one deployment."""

    engine: ClassVar[str] = "postgres"

    def __init__(self, pool: AsyncConnectionPool[Any], url: str) -> None:
        self._pool = pool
        self.url = self.location = redact(url)
        self._lock = asyncio.Lock()
        self.path = None

    async def close(self) -> None:
        await self._pool.close()

    @asynccontextmanager
    async def _outer(self) -> AsyncIterator[Connection]:
        async with self._lock, self._pool.connection() as raw:
            conn = PgConnection(raw)
            await raw.execute("BEGIN")
            try:
                await raw.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
                yield conn
            except BaseException:
                with contextlib.suppress(psycopg.Error):  # a broken connection: the pool
                    await raw.execute("ROLLBACK")       # drops it, the server rolls back
                raise
            else:
                await raw.execute("COMMIT")

    @asynccontextmanager
    async def _reader(self) -> AsyncIterator[Connection]:
        async with self._pool.connection() as raw:
            yield PgConnection(raw)

    @asynccontextmanager
    async def _unlocked(self) -> AsyncIterator[Connection]:
        self._lone_write()
        async with self._pool.connection() as raw:
            yield PgConnection(raw)

    def unlocked(self) -> AbstractAsyncContextManager[Connection]:
        """An autocommit connection outside the writers' lock (see ``Database.unlocked``)."""
        return self._unlocked()

    async def user_version(self) -> int:
        return int(await self.fetch_value("SELECT max(version) FROM chibo_schema") or 0)

    async def integrity_check(self) -> str:
        await self.fetch_value("SELECT 1")
        return "ok"

    async def backup_to(self, target: Path) -> None:
        raise BackupNotSupported(
            "PostgreSQL is backed up with its own tools: "
            f"pg_dump --format=custom --file={target} '{self.url}'")


async def _apply_migrations(raw: psycopg.AsyncConnection[Any]) -> list[int]:
    """Apply every migration newer than the database, each in its own transaction,
    under an advisory lock so that two workers starting at once migrate once."""
    applied: list[int] = []
    await raw.execute("SELECT pg_advisory_lock(%s)", (MIGRATE_LOCK,))
    try:
        await raw.execute("CREATE TABLE IF NOT EXISTS chibo_schema ("
                          "version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ DEFAULT now())")
        for migration in migrations.available_migrations("postgres"):
            cur = await raw.execute("SELECT coalesce(max(version), 0) FROM chibo_schema")
            row = await cur.fetchone()
            if migration.version <= int(row[0] if row else 0):
                continue
            async with raw.transaction():
                for statement in migrations.split_statements(migration.sql):
                    await raw.execute(statement)
                await raw.execute("INSERT INTO chibo_schema (version) VALUES (%s)",
                                  (migration.version,))
            applied.append(migration.version)
    finally:
        await raw.execute("SELECT pg_advisory_unlock(%s)", (MIGRATE_LOCK,))
    return applied


async def open_postgres(url: str, *, migrate: bool = True, password: str | None = None,
                        pool_size: int = POOL_SIZE) -> PgDatabase:
    """Connect to (and migrate) the PostgreSQL database at ``url``."""
    kwargs: dict[str, Any] = {"autocommit": True, "row_factory": _row_factory}
    if password:
        kwargs["password"] = password
    try:
        first = await psycopg.AsyncConnection.connect(url, **kwargs)
    except psycopg.OperationalError as err:
        # The whole of libpq's reason ("Connection refused", then its hint), on one line.
        reason = " ".join(str(err).split()) or type(err).__name__
        raise DatabaseUnavailable(f"{redact(url)}: {reason}") from None
    async with first as raw:
        await _configure(raw)
        if migrate:
            applied = await _apply_migrations(raw)
            if applied:
                log.info("PostgreSQL %s migrated to version %d", redact(url), applied[-1])
    pool: AsyncConnectionPool[Any] = AsyncConnectionPool(
        url, min_size=1, max_size=pool_size, kwargs=kwargs, configure=_configure,
        open=False, name="chibo")
    try:
        await pool.open(wait=True, timeout=30)
    except PoolTimeout:
        await pool.close()
        raise DatabaseUnavailable(f"{redact(url)}: no connection within 30 s") from None
    return PgDatabase(pool, url)
