"""Opening the database: SQLite (a file, the default) or PostgreSQL (a URL).

``open_database`` is the one door; what it returns is a ``storage.engine.Database``
whichever engine is behind it, so nothing above ``storage/`` needs to know.
"""

from __future__ import annotations

from pathlib import Path

from storage.engine import (
    BackupNotSupported,
    Connection,
    Database,
    DatabaseNotWritable,
    DatabaseUnavailable,
    IntegrityError,
    NestedTransactionError,
    Params,
    Row,
    SqliteTooOld,
    committed_here,
    track_commits,
)
from storage.sqlite import SqliteDatabase, open_sqlite, owner_only, require_sqlite_library

__all__ = [
    "BackupNotSupported", "Connection", "Database", "DatabaseNotWritable",
    "DatabaseUnavailable", "IntegrityError",
    "NestedTransactionError", "Params", "Row", "SqliteDatabase", "SqliteTooOld",
    "committed_here", "is_server_url", "open_database", "owner_only",
    "require_sqlite_library", "track_commits",
]


def is_server_url(target: str | Path) -> bool:
    return isinstance(target, str) and target.startswith(("postgresql://", "postgres://"))


async def open_database(target: Path | str, *, migrate: bool = True,
                        password: str | None = None) -> Database:
    """Open (creating if needed) and migrate the database: a SQLite file path, or a
    ``postgresql://`` URL (the password, if any, passed apart so it never sits in
    the URL that logs and messages show)."""
    if is_server_url(target):
        from storage.postgres import open_postgres

        return await open_postgres(str(target), migrate=migrate, password=password)
    return await open_sqlite(target, migrate=migrate)
