"""The real bot against the built-in Bot API emulator, on a database of its own.

One harness serves ``chibo demo``, the end-to-end tests and the benchmarks:
the emulator speaks HTTP, the bot is the production ``Application`` in
long-polling mode, and time comes from the clock handed in.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.core.clock import Clock, SystemClock
from bot.core.config import Config, config_from_dict
from bot.core.services import Services
from bot.runtime.app import build_application, start_app, stop_app, tick
from bot.runtime.delivery import Sender
from emulator import BotApiEmulator, Limits
from handlers.context import ChiboApp
from handlers.followups import followups_of

TOKEN = "123456:PLAYGROUND-TOKEN"  # noqa: S105 - the emulator's token, not a real secret
BOT_USERNAME = "chibo_bot"


# Settings for a run at full speed (tests of a long script): no reply pacing per chat and
# no per-person flood gate; pair with ``Limits.off()`` for the emulator.
_UNPACED: dict[str, dict[str, Any]] = {
    "delivery": {"private_chat_interval_seconds": 0},
    "bot": {"user_commands_per_minute": 10_000},
}


def unpaced(settings: dict[str, Any]) -> dict[str, Any]:
    """``settings`` with the pacing of replies and the flood gate taken off."""
    merged = {section: dict(values) for section, values in settings.items()}
    for section, values in _UNPACED.items():
        merged.setdefault(section, {}).update(values)
    return merged


@dataclass
class Playground:
    emu: BotApiEmulator
    app: ChiboApp
    clock: Clock
    config: Config

    @property
    def services(self) -> Services:
        services: Services = self.app.bot_data.services
        return services

    @property
    def sender(self) -> Sender:
        sender: Sender = self.app.bot_data.sender
        return sender

    async def tick(self) -> None:
        """What the scheduler does on each wake-up, now."""
        await tick(self.services)

    async def restart(self) -> None:
        """Stop the bot (as a deploy or a crash would) and start a new one on the same
        database; what it owed is found in the database, not in memory."""
        await self.stop()
        await self.start()

    async def stop(self) -> None:
        await stop_app(self.app)

    async def start(self) -> None:
        self.app = build_application(self.config, TOKEN, clock=self.clock,
                                     tick_seconds=self.app.bot_data.tick_seconds)
        await start_app(self.app, poll_timeout=1)

    async def followups(self) -> None:
        """Until the bot has sent what its answers to taps cause (the cards' edits)."""
        await followups_of(self.app).idle()

    async def settle(self, timeout: float = 30.0) -> None:
        """Run the due scans and wait until the outbox has sent everything due."""
        await self.tick()
        await self.sender.drain(timeout)


@asynccontextmanager
async def playground(
    database: Path | str,
    *,
    clock: Clock | None = None,
    limits: Limits | None = None,
    settings: dict[str, Any] | None = None,
    tick_seconds: float | None = None,
) -> AsyncIterator[Playground]:
    """Start the emulator and the bot on ``database`` (a SQLite file, or a PostgreSQL
    URL); ``settings`` are config sections to override."""
    emu = BotApiEmulator(token=TOKEN, bot_username=BOT_USERNAME, limits=limits or Limits())
    await emu.start()
    try:
        data: dict[str, Any] = {section: dict(values) for section, values in
                                (settings or {}).items()}
        data.setdefault("telegram", {}).update(
            base_url=emu.base_url, base_file_url=emu.base_file_url
        )
        if str(database).startswith("postgresql://"):
            data.setdefault("database", {})["url"] = str(database)  # a PostgreSQL server
        else:
            data.setdefault("database", {})["path"] = str(database)
        config = config_from_dict(data)
        clock = clock or SystemClock()
        app = build_application(config, TOKEN, clock=clock, tick_seconds=tick_seconds)
        try:
            await start_app(app, poll_timeout=1)
        except BaseException:
            await stop_app(app)  # a start that failed half-way (the database refused us)
            raise
        ground = Playground(emu=emu, app=app, clock=clock, config=config)
        emu.after_answer(ground.followups)  # a test sees the edit that follows an answer
        try:
            yield ground
        finally:
            if ground.app.running:
                await stop_app(ground.app)
    finally:
        await emu.stop()
