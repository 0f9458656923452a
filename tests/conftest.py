"""Shared fixtures: a fresh database file per test, and the bot against the emulator."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.core.clock import FakeClock
from bot.demo.playground import Playground, playground
from emulator import Limits
from storage.db import Database, open_database
from tests.engines import E2E_ON_POSTGRES, ENGINES, fresh_postgres

# 2026-12-01 08:00 in Hanoi.
START = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
ADMIN_ID = 900001

# Telegram's limits, enforced in every end-to-end test: a bot that floods fails.
TEST_LIMITS = Limits()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A test marked ``sqlite_only`` (it tests SQLite itself: the file, its backup API,
    its pragmas) runs on SQLite alone."""
    kept, dropped = [], []
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        if params.get("db") == "postgres" and item.get_closest_marker("sqlite_only"):
            dropped.append(item)
        else:
            kept.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture(params=ENGINES)
async def db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """A fresh migrated database per test, on every engine the run has (tests/engines.py)."""
    if request.param == "sqlite":
        database = await open_database(tmp_path / "test.sqlite3")
        try:
            yield database
        finally:
            await database.close()
        return
    async with fresh_postgres() as url:
        database = await open_database(url)
        try:
            yield database
        finally:
            await database.close()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
async def live_bot(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Playground]:
    settings = {"bot": {"admins": [ADMIN_ID]}, "delivery": {"read_timeout_seconds": 1.0}}
    if not E2E_ON_POSTGRES:
        async with playground(tmp_path / "bot.sqlite3", clock=clock, limits=TEST_LIMITS,
                              settings=settings) as ground:
            yield ground
        return
    async with fresh_postgres() as url, playground(url, clock=clock, limits=TEST_LIMITS,
                                                   settings=settings) as ground:
        yield ground
