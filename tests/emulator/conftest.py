"""Fixtures: a running emulator, a real PTB Bot and a polling PTB Application."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import pytest
import pytest_asyncio
from telegram import Bot
from telegram.ext import Application, ApplicationBuilder

from emulator import BotApiEmulator, Limits

TOKEN = "123456:TEST-TOKEN"

AppFactory = Callable[
    [Callable[[Application], None]],
    AbstractAsyncContextManager[Application],
]


@pytest.fixture(autouse=True)
def _ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    # PTB 22 warns (an error under filterwarnings=error) when RetryAfter.retry_after
    # is an int; opt in to the timedelta behaviour.
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest_asyncio.fixture
async def emu() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator(token=TOKEN, limits=Limits.off()) as emulator:
        yield emulator


@pytest_asyncio.fixture
async def bot(emu: BotApiEmulator) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=emu.base_url, base_file_url=emu.base_file_url) as tg_bot:
        yield tg_bot


@pytest.fixture
def running_app(emu: BotApiEmulator) -> AppFactory:
    """``async with running_app(setup) as app:`` runs a polling Application."""

    @asynccontextmanager
    async def factory(
        setup: Callable[[Application], None],
    ) -> AsyncIterator[Application]:
        app = (
            ApplicationBuilder()
            .token(TOKEN)
            .base_url(emu.base_url)
            .base_file_url(emu.base_file_url)
            .build()
        )
        setup(app)
        await app.initialize()
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()
            await app.shutdown()

    return factory
