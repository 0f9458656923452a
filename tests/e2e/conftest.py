"""Fixtures of the console's browser tests: the bot with ``[webapp]`` on, and
headless Chromium."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser

from bot.core.clock import FakeClock
from bot.demo.playground import Playground
from tests.e2e.console_helpers import chromium, console_ground


@pytest.fixture
async def cg(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Playground]:
    """The playground with the console served on a free local port."""
    async with console_ground(tmp_path / "bot.sqlite3", clock) as ground:
        yield ground


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as launched:
        yield launched
