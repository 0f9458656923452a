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

# 2026-12-01 08:00 in Hanoi.
START = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
ADMIN_ID = 900001

# Telegram's limits, enforced in every end-to-end test: a bot that floods fails.
TEST_LIMITS = Limits()


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await open_database(tmp_path / "test.sqlite3")
    try:
        yield database
    finally:
        await database.close()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
async def pg(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Playground]:
    async with playground(
        tmp_path / "bot.sqlite3", clock=clock, limits=TEST_LIMITS,
        settings={"bot": {"admins": [ADMIN_ID]}, "delivery": {"read_timeout_seconds": 1.0}},
    ) as ground:
        yield ground
