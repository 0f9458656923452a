"""What every storage engine offers: connections, transactions, rows, errors.

The repositories in ``storage/`` are written once, in the SQL that SQLite and
PostgreSQL share, against the two small interfaces here: a ``Connection`` (one
statement at a time, inside a transaction or not) and a ``Database`` (the
transactions, the reads outside them). ``storage.sqlite`` and
``storage.postgres`` implement them; the domain never learns which one runs.

Transactions have the same meaning on both engines: write transactions are
serialised (SQLite's one writer; on PostgreSQL a transaction-scoped advisory lock
that every worker takes), so a check-then-write inside one transaction never
races another worker. Inside a transaction, the owning task's reads through the
``Database`` run on the transaction's own connection, and a nested ``transaction()``
becomes a savepoint of it; its writes go through the transaction's connection only:
a lone write through the ``Database`` (``execute``, ``unlocked()``…) is refused there
(``NestedTransactionError``), so a write never joins a transaction it does not name.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Protocol

Params = Sequence[Any] | dict[str, Any]


class Row(Protocol):
    """A result row: by position (``row[0]``) or by column name (``row["id"]``)."""

    def __getitem__(self, key: Any, /) -> Any: ...

    def keys(self) -> list[str]: ...


class IntegrityError(Exception):
    """A constraint refused the statement (unique key, foreign key, check), on any engine."""


class NestedTransactionError(RuntimeError):
    """A call that cannot run inside the caller's own open transaction."""


class DatabaseUnavailable(RuntimeError):
    """The database server could not be reached or refused us (the text names the server
    without its password and says why)."""


class DatabaseNotWritable(DatabaseUnavailable):
    """The database opened but cannot be written (a read-only file, folder or disk)."""


class SqliteTooOld(RuntimeError):
    """The SQLite library Python was built with is older than the SQL the repositories
    write needs (``found`` and ``needed`` as dotted versions)."""

    def __init__(self, found: str, needed: str) -> None:
        super().__init__(f"SQLite {found} is older than {needed}")
        self.found = found
        self.needed = needed


class BackupNotSupported(RuntimeError):
    """The engine is backed up by its own tools (PostgreSQL: ``pg_dump``)."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one write statement did."""

    rowcount: int
    lastrowid: int | None = None


class Connection(ABC):
    """One engine connection, as the repositories use it."""

    engine: ClassVar[str]

    def __init__(self) -> None:
        self.changes = 0  # rows changed through this wrapper (commit tracking)

    @abstractmethod
    async def execute(self, sql: str, params: Params = ()) -> Outcome:
        """Run one statement; ``lastrowid`` is the new row's id when the statement ends
        in ``RETURNING id`` (the first row's, when it wrote several), else None."""

    @abstractmethod
    async def executemany(self, sql: str, rows: Iterable[Params]) -> int:
        """Run one statement for every parameter row; returns the rows changed."""

    @abstractmethod
    async def fetch_all(self, sql: str, params: Params = ()) -> list[Any]: ...

    async def fetch_one(self, sql: str, params: Params = ()) -> Any | None:
        rows = await self.fetch_all(sql, params)
        return rows[0] if rows else None

    async def fetch_value(self, sql: str, params: Params = ()) -> Any:
        row = await self.fetch_one(sql, params)
        return None if row is None else row[0]

    @asynccontextmanager
    async def savepoint(self, name: str = "chibo_sp") -> AsyncIterator[Connection]:
        """A block that undoes only itself on an exception (which propagates). On
        PostgreSQL a failed statement aborts the whole transaction unless it ran in one."""
        await self.execute(f"SAVEPOINT {name}")
        try:
            yield self
        except BaseException:
            await self.execute(f"ROLLBACK TO {name}")
            await self.execute(f"RELEASE {name}")
            raise
        else:
            await self.execute(f"RELEASE {name}")


@dataclass
class _Open:
    """The transaction a task holds open: on which database, how deep, still open.

    Kept in a context variable, so what the owner awaits (``asyncio.gather``,
    ``wait_for``: tasks that copy its context) belongs to the transaction too; a task
    it started that runs on after the commit sees ``open`` False and waits its turn."""

    db: Database
    conn: Connection
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


_bookkeeping: ContextVar[bool] = ContextVar("chibo_bookkeeping", default=False)


@contextmanager
def bookkeeping() -> Iterator[None]:
    """Writes in this block record what the bot did, not a change the person asked for
    (the audit line of a report they read, the question they were asked): they do not
    count for ``committed_here``, so a failed report is not apologised for as a kept
    change."""
    token = _bookkeeping.set(True)
    try:
        yield
    finally:
        _bookkeeping.reset(token)


def note_commit(changed: bool) -> None:
    tracker = _tracker.get()
    if changed and tracker is not None and not _bookkeeping.get():
        tracker.committed = True


@dataclass
class Rider:
    """A statement that rides along with the first transaction of this context that
    commits a change (marking the update being handled as handled, atomically with its
    effect); ``done`` once such a transaction committed it."""

    sql: str
    params: tuple[Any, ...]
    done: bool = False


_rider: ContextVar[Rider | None] = ContextVar("chibo_rider", default=None)


def ride_with_next_commit(sql: str, params: tuple[Any, ...]) -> Rider:
    """From now on in this context (and the tasks it starts), the first transaction that
    changes rows also runs ``sql`` before it commits."""
    rider = Rider(sql, params)
    _rider.set(rider)
    return rider


async def _ride(conn: Connection) -> Rider | None:
    rider = _rider.get()
    if rider is None or rider.done or conn.changes == 0:
        return None
    await conn.execute(rider.sql, rider.params)
    return rider


class Database(ABC):
    """A migrated database: transactions, and reads and lone writes outside them."""

    engine: ClassVar[str]
    path: Path | None = None  # the SQLite file; None on a server engine
    location: str = ""  # the file, or the server URL without its password

    # --- what an engine provides -------------------------------------------------------
    @abstractmethod
    def _outer(self) -> AbstractAsyncContextManager[Connection]:
        """Begin a serialised write transaction and yield its connection; commit when
        the block ends, roll back on an exception."""

    @abstractmethod
    def _reader(self) -> AbstractAsyncContextManager[Connection]:
        """A connection for one read outside any transaction (sees committed data)."""

    @abstractmethod
    async def close(self) -> None: ...

    @abstractmethod
    async def user_version(self) -> int:
        """The schema version (the number of the last migration applied)."""

    @abstractmethod
    async def integrity_check(self) -> str:
        """"ok", or what the engine found wrong."""

    @abstractmethod
    async def backup_to(self, target: Path) -> None:
        """A consistent copy of the database at ``target`` (or ``BackupNotSupported``)."""

    # --- shared behaviour --------------------------------------------------------------
    def _own(self) -> _Open | None:
        """The transaction this task (or the task awaiting it) holds open here, if any."""
        state = _current.get()
        if state is not None and state.db is self and state.open:
            return state
        return None

    def in_transaction(self) -> bool:
        return self._own() is not None

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Connection]:
        """A write transaction: commits on success, rolls back on any exception.

        Nested inside the same task's transaction it is a savepoint: an exception
        undoes only the inner block (and propagates), the outer one goes on."""
        state = self._own()
        if state is not None:
            state.depth += 1
            try:
                async with state.conn.savepoint(f"chibo_sp{state.depth}") as conn:
                    yield conn
            finally:
                state.depth -= 1
            return
        rider: Rider | None = None
        async with self._outer() as conn:
            state = _Open(self, conn)
            token = _current.set(state)
            try:
                yield conn
                rider = await _ride(conn)
            finally:
                state.open = False
                _current.reset(token)
        if rider is not None:
            rider.done = True
        note_commit(conn.changes > 0)

    @asynccontextmanager
    async def _reading(self) -> AsyncIterator[Connection]:
        state = self._own()
        if state is not None:
            yield state.conn
        else:
            async with self._reader() as conn:
                yield conn

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Any]:
        async with self._reading() as conn:
            return await conn.fetch_all(sql, params)

    async def fetch_one(self, sql: str, params: Params = ()) -> Any | None:
        async with self._reading() as conn:
            return await conn.fetch_one(sql, params)

    async def fetch_value(self, sql: str, params: Params = ()) -> Any:
        async with self._reading() as conn:
            return await conn.fetch_value(sql, params)

    def _lone_write(self) -> None:
        """Refuse a lone write inside the caller's own open transaction."""
        if self._own() is not None:
            raise NestedTransactionError(
                "a lone write inside an open transaction: write through the "
                "transaction's connection")

    @asynccontextmanager
    async def _writing(self) -> AsyncIterator[Connection]:
        """A transaction of its own (one statement); never inside the caller's."""
        self._lone_write()
        async with self.transaction() as conn:
            yield conn

    def unlocked(self) -> AbstractAsyncContextManager[Connection]:
        """A connection for one statement that is safe under concurrency by itself (an
        atomic upsert, a compare-and-set), so it need not wait for the writers' lock on an
        engine where other writers may run at once. SQLite has one writer: the lock."""
        return self._writing()

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one write statement, atomic on its own (refused inside the caller's open
        transaction); returns the new row's id when it ends in ``RETURNING id`` (else 0)."""
        async with self._writing() as conn:
            return (await conn.execute(sql, params)).lastrowid or 0

    async def execute_count(self, sql: str, params: Params = ()) -> int:
        """Run one write statement; returns the number of rows it changed."""
        async with self._writing() as conn:
            return (await conn.execute(sql, params)).rowcount

    async def execute_many(self, sql: str, rows: Iterable[Params]) -> int:
        async with self._writing() as conn:
            return await conn.executemany(sql, rows)
