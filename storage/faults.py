"""What a database failure means, in a few words, for the one log line that reports it.

A full disk, a read-only file, a server that went away or a pool with no connection
free are faults of the machine, not bugs: the operator needs their cause in one line,
not a traceback. PostgreSQL's errors are recognised by their SQLSTATE and module, so
this module never imports psycopg (a SQLite deployment does not load it).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

from storage.engine import DatabaseUnavailable

# SQLSTATE classes and codes: https://www.postgresql.org/docs/current/errcodes-appendix.html
_PG_STATES: tuple[tuple[str, str], ...] = (
    ("53100", "the database disk is full"),
    ("53", "the database server ran out of resources"),
    ("25006", "the database is read-only"),
    ("57P", "the database server shut down or restarted"),
    ("08", "the connection to the database server was lost"),
)


def _chain(error: BaseException) -> Iterator[BaseException]:
    """``error`` and what caused it (a wrapped driver error is still the cause)."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _sqlite(error: sqlite3.Error) -> str:
    text = str(error).lower()
    if "full" in text:
        return "the database disk is full"
    if "readonly" in text or "read-only" in text:
        return "the database is read-only"
    if "locked" in text or "busy" in text:
        return "the database stayed locked by another writer"
    if "disk i/o" in text:
        return "the database disk failed (I/O error)"
    if "malformed" in text or "not a database" in text:
        return "the database file is damaged"
    return "the database refused the statement"


def _postgres(error: BaseException) -> str | None:
    module, name = type(error).__module__, type(error).__name__
    if module.startswith("psycopg_pool"):
        return ("no database connection came free in time (pool timeout)"
                if name == "PoolTimeout" else "the database connection pool failed")
    if not module.startswith("psycopg"):
        return None
    state = str(getattr(error, "sqlstate", None) or "")
    for prefix, cause in _PG_STATES:
        if state.startswith(prefix):
            return cause
    if name in ("OperationalError", "InterfaceError"):
        return "the database server could not be reached"
    return None  # a constraint or a malformed statement: a bug, not a fault


def database_fault(error: BaseException) -> str | None:
    """The cause of a database failure (``"the database disk is full"``), or None when
    ``error`` is not one (a bug keeps its traceback)."""
    for exc in _chain(error):
        if isinstance(exc, DatabaseUnavailable):
            return f"the database is unreachable ({exc})"
        if isinstance(exc, sqlite3.OperationalError | sqlite3.DatabaseError) and not isinstance(
                exc, sqlite3.IntegrityError | sqlite3.ProgrammingError):
            return _sqlite(exc)
        cause = _postgres(exc)
        if cause is not None:
            return cause
    return None
