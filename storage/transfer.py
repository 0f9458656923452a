"""Moving a SQLite chibo database into an empty PostgreSQL one (``chibo migrate --from-sqlite``).

Both sides are at the latest schema version (each migrated by its own engine from
the same migrations), so every table and column has the same name on both. The
copy is one PostgreSQL transaction (all of it or nothing): the tables in
foreign-key order (a referenced table before the tables that refer to it; rows of
a table that refers to itself, like a branch to its committee, after the rows they
name), ids kept as they are, then every identity sequence moved past the largest
id so new rows never collide, then the row counts compared table by table. The
source is read inside one SQLite transaction, so the copy is one consistent moment
even if a bot still runs on the file.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from storage.engine import Connection, Database
from storage.sqlite import open_sqlite

BATCH = 1000
SERVER_TABLES = frozenset({"chibo_schema"})  # PostgreSQL's own bookkeeping, not copied


class TransferError(RuntimeError):
    """Why the copy was refused or undone; nothing was changed on the target."""


@dataclass(frozen=True, slots=True)
class TableCount:
    table: str
    source: int
    target: int

    @property
    def ok(self) -> bool:
        return self.source == self.target


async def open_source(path: Path) -> Database:
    """The SQLite database to copy, brought to the latest schema first."""
    try:
        return await open_sqlite(path)
    except sqlite3.DatabaseError as err:
        raise TransferError(f"{path} is not a chibo SQLite database ({err})") from None


async def _sqlite_tables(conn: Connection) -> list[str]:
    rows = await conn.fetch_all(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name")
    return [str(r[0]) for r in rows]


async def _sqlite_columns(conn: Connection, table: str) -> list[str]:
    return [str(r["name"]) for r in await conn.fetch_all(f'PRAGMA table_info("{table}")')]


async def _sqlite_references(conn: Connection, table: str) -> set[str]:
    rows = await conn.fetch_all(f'PRAGMA foreign_key_list("{table}")')
    return {str(r["table"]) for r in rows}


async def _self_reference_columns(conn: Connection, table: str) -> list[str]:
    rows = await conn.fetch_all(f'PRAGMA foreign_key_list("{table}")')
    return [str(r["from"]) for r in rows if str(r["table"]) == table]


def foreign_key_order(references: dict[str, set[str]]) -> list[str]:
    """The tables, each after every other table it refers to (alphabetical among equals)."""
    done: list[str] = []
    placed: set[str] = set()
    pending = dict(references)
    while pending:
        ready = sorted(t for t, refs in pending.items() if refs - {t} <= placed)
        if not ready:
            raise TransferError("the foreign keys form a cycle between tables "
                                + ", ".join(sorted(pending)))
        for table in ready:
            done.append(table)
            placed.add(table)
            del pending[table]
    return done


def _parents_first(rows: list[Any], columns: list[str], self_refs: list[str]) -> list[Any]:
    """Rows of a table that refers to itself, each after the rows it names."""
    if not self_refs or "id" not in columns:
        return rows
    id_at = columns.index("id")
    ref_at = [columns.index(c) for c in self_refs]
    present = {row[id_at] for row in rows}
    placed: set[Any] = set()
    ordered: list[Any] = []
    pending = rows
    while pending:
        waiting = []
        for row in pending:
            needs = {row[i] for i in ref_at} - {None, row[id_at]}
            if needs & present <= placed:
                ordered.append(row)
                placed.add(row[id_at])
            else:
                waiting.append(row)
        if len(waiting) == len(pending):
            raise TransferError("rows refer to each other in a cycle in one table")
        pending = waiting
    return ordered


async def _server_tables(conn: Connection) -> set[str]:
    rows = await conn.fetch_all(
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'")
    return {str(r[0]) for r in rows} - SERVER_TABLES


async def _server_columns(conn: Connection, table: str) -> set[str]:
    rows = await conn.fetch_all(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = ?", (table,))
    return {str(r[0]) for r in rows}


async def _identity_columns(conn: Connection) -> list[tuple[str, str]]:
    rows = await conn.fetch_all(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND is_identity = 'YES' "
        "ORDER BY table_name, column_name")
    return [(str(r[0]), str(r[1])) for r in rows if str(r[0]) not in SERVER_TABLES]


async def _count(conn: Connection, table: str) -> int:
    return int(await conn.fetch_value(f'SELECT count(*) FROM "{table}"'))


async def server_collation(target: Database) -> str:
    """The target database's collation: it must be ``C`` for text to order as in SQLite."""
    return str(await target.fetch_value(
        "SELECT datcollate FROM pg_database WHERE datname = current_database()"))


async def tables_with_rows(target: Database) -> list[str]:
    """The tables of the target that already hold rows (a copy needs none)."""
    async with target.transaction() as conn:  # one consistent look
        return [t for t in sorted(await _server_tables(conn)) if await _count(conn, t)]


# Bookkeeping each engine keeps its own way, not data: SQLite counts the figures' data
# version in a table (migration 0010), PostgreSQL in a sequence. A copied database starts
# its own count, so reports cached against the old one are simply computed again.
SQLITE_ONLY = frozenset({"data_version"})


async def copy_sqlite(source: Database, target: Database) -> list[TableCount]:
    """Copy every table of ``source`` (SQLite) into the empty ``target`` (PostgreSQL).

    Refuses (``TransferError``, nothing changed) a target on another engine, at
    another schema version, with another set of tables or columns, not collated
    ``C``, or already holding rows. Returns the row counts, table by table, as
    compared inside the transaction before it committed."""
    if source.engine != "sqlite" or target.engine != "postgres":
        raise TransferError("the copy goes from a SQLite file to a PostgreSQL database")
    source_version, target_version = await source.user_version(), await target.user_version()
    if source_version != target_version:
        raise TransferError(f"schema versions differ: the SQLite file is at {source_version}, "
                            f"PostgreSQL at {target_version}; migrate both first")
    collation = await server_collation(target)
    if collation not in ("C", "POSIX"):
        raise TransferError(
            f"the PostgreSQL database is collated {collation!r}: create it with ENCODING "
            "'UTF8' LC_COLLATE 'C' LC_CTYPE 'C' so text orders as it does in SQLite")
    async with source.transaction() as src, target.transaction() as dst:
        tables = [t for t in await _sqlite_tables(src) if t not in SQLITE_ONLY]
        server = await _server_tables(dst)
        if set(tables) != server:
            missing = sorted(set(tables) ^ server)
            raise TransferError("the two schemas have different tables: " + ", ".join(missing))
        full = [t for t in sorted(server) if await _count(dst, t)]
        if full:
            raise TransferError("the PostgreSQL database already holds data (tables "
                                + ", ".join(full) + "); the copy needs an empty one")
        order = foreign_key_order({t: await _sqlite_references(src, t) for t in tables})
        for table in order:
            await _copy_table(src, dst, table)
        for table, column in await _identity_columns(dst):
            # max() of an empty table is NULL and setval(…, NULL) leaves the sequence alone.
            await dst.fetch_value(
                f'SELECT setval(pg_get_serial_sequence(?, ?), max("{column}")) FROM "{table}"',
                (table, column))
        counts = [TableCount(t, await _count(src, t), await _count(dst, t)) for t in order]
        wrong = [c for c in counts if not c.ok]
        if wrong:
            raise TransferError("row counts differ after the copy, nothing kept: " + ", ".join(
                f"{c.table} {c.source} != {c.target}" for c in wrong))
    return counts


async def _copy_table(src: Connection, dst: Connection, table: str) -> None:
    columns = await _sqlite_columns(src, table)
    server = await _server_columns(dst, table)
    if set(columns) != server:
        raise TransferError(f"table {table} has different columns on the two engines: "
                            + ", ".join(sorted(set(columns) ^ server)))
    names = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join("?" for _ in columns)
    insert = f'INSERT INTO "{table}" ({names}) VALUES ({marks})'
    rows: list[Sequence[Any]] = [tuple(r) for r in await src.fetch_all(
        f'SELECT {names} FROM "{table}" ORDER BY rowid')]
    rows = _parents_first(rows, columns, await _self_reference_columns(src, table))
    for start in range(0, len(rows), BATCH):
        await dst.executemany(insert, rows[start:start + BATCH])
