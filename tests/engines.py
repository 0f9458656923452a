"""The storage engines the tests run on: SQLite always, PostgreSQL when CI gives one.

``CHIBO_TEST_POSTGRES`` is the URL of a PostgreSQL server's maintenance database (for
instance ``postgresql://chibo@127.0.0.1:54329/postgres``, what ``.ci/run`` starts). A
migrated template database is made once per test process; every test gets a fresh copy
of it (``CREATE DATABASE … TEMPLATE``, tens of milliseconds) and drops it afterwards.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import urlsplit, urlunsplit

POSTGRES_URL = os.environ.get("CHIBO_TEST_POSTGRES", "")
ENGINES = ["sqlite", *(["postgres"] if POSTGRES_URL else [])]
# CHIBO_TEST_E2E_POSTGRES=1: the ``live_bot`` fixture (the bot running against the Bot API
# emulator) runs the bot on PostgreSQL instead of SQLite. Not CI's default (it doubles the
# slowest suite); a check to run by hand after touching SQL.
E2E_ON_POSTGRES = bool(POSTGRES_URL) and os.environ.get("CHIBO_TEST_E2E_POSTGRES") == "1"

_template: str | None = None
_counter = itertools.count(1)


def _url_for(database: str) -> str:
    parts = urlsplit(POSTGRES_URL)
    return urlunsplit((parts.scheme, parts.netloc, "/" + database, parts.query, ""))


def _admin(statement: str) -> None:
    import psycopg

    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(statement)  # type: ignore[arg-type]


async def _ensure_template() -> str:
    global _template
    if _template is None:
        from storage.db import open_database

        name = f"chibo_tmpl_{os.getpid()}"
        _admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        _admin(f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' "
               "LC_COLLATE 'C' LC_CTYPE 'C'")
        db = await open_database(_url_for(name))
        await db.close()
        _template = name
    return _template


@asynccontextmanager
async def fresh_postgres() -> AsyncIterator[str]:
    """The URL of a new, migrated, empty PostgreSQL database, dropped afterwards."""
    template = await _ensure_template()
    name = f"chibo_t_{os.getpid()}_{next(_counter)}"
    _admin(f"CREATE DATABASE {name} TEMPLATE {template}")
    try:
        yield _url_for(name)
    finally:
        _admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def database_line(ground: object) -> str:
    """The ``[database]`` line of a config file for the playground's own database (a
    command-line tool a test runs next to the bot), on whichever engine it runs."""
    settings = ground.config.database  # type: ignore[attr-defined]
    if settings.url:
        return f'url = "{settings.url}"'
    return f'path = "{settings.path}"'
