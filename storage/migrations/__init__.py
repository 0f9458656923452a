"""Numbered SQL migrations, one schema for both engines.

Each file ``NNNN_name.sql`` moves the schema to version ``NNNN``. It is written in the
SQL both engines share; for PostgreSQL the column types are widened by
``storage.dialect.to_postgres_ddl`` (SQLite's INTEGER is 64-bit, PostgreSQL's is not),
and where the SQL really differs a dialect file ``NNNN_name.postgres.sql`` next to it
replaces it on PostgreSQL. Each engine records the version it reached (SQLite:
``PRAGMA user_version``; PostgreSQL: the ``chibo_schema`` table) in the migration's
own transaction, so a crash leaves the old version or the new one, never between.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from importlib import resources

_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
_DIALECT = re.compile(r"^(\d{4})_[a-z0-9_]+\.(postgres)\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def available_migrations(engine: str = "sqlite") -> list[Migration]:
    """The migrations in order, as ``engine`` runs them."""
    from storage.dialect import to_postgres_ddl

    found: list[Migration] = []
    dialect: dict[int, Migration] = {}
    for entry in resources.files(__package__).iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append(Migration(int(match.group(1)), entry.name, entry.read_text("utf-8")))
        special = _DIALECT.match(entry.name)
        if special and special.group(2) == engine:
            version = int(special.group(1))
            dialect[version] = Migration(version, entry.name, entry.read_text("utf-8"))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if versions != list(range(1, len(found) + 1)):
        raise RuntimeError(f"migrations must be numbered 1..n without gaps, found {versions}")
    if engine == "postgres":
        found = [dialect.get(m.version) or Migration(m.version, m.name, to_postgres_ddl(m.sql))
                 for m in found]
    return found


def split_statements(script: str) -> list[str]:
    """Split a migration into statements (executescript would commit on its own)."""
    statements: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        if line.lstrip().startswith("--") and not buffer.strip():
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements

