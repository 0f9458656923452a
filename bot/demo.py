"""``chibo demo``: the real bot against the built-in emulator, printed as a transcript.

No token and no network: the emulator plays Telegram, scripted people play a
branch, and every message, button and tap is printed as it happens.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from bot.clock import FakeClock
from bot.emulator import BotMessageView, FakeUser
from bot.playground import Playground, playground

# The demo starts on Tuesday 01/12/2026 08:00 in Hanoi.
DEMO_START = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
ADMIN_ID = 100


class Transcript:
    """Prints who said what, which buttons were shown and which were pressed."""

    def __init__(self, pg: Playground, out: TextIO) -> None:
        self.pg = pg
        self.out = out

    def section(self, title: str) -> None:
        print(f"\n━━━ {title} ━━━", file=self.out)

    def note(self, text: str) -> None:
        print(f"  ({text})", file=self.out)

    def show(self, to: FakeUser, message: BotMessageView) -> None:
        label = "✏️ " if message.edited else ""
        print(f"🤖 → {to.first_name}: {label}{_indent(message.text)}", file=self.out)
        for row in message.buttons:
            print("      " + "  ".join(f"[{b.text}]" for b in row), file=self.out)
        if message.document is not None:
            doc = message.document
            print(f"      📎 {doc.name} ({len(doc.data)} bytes)", file=self.out)

    async def say(self, who: FakeUser, text: str, replies: int = 1) -> list[BotMessageView]:
        print(f"👤 {who.first_name}: {text}", file=self.out)
        await who.send(text)
        return [await self._next(who) for _ in range(replies)]

    async def press(self, who: FakeUser, label: str, replies: int = 1) -> list[BotMessageView]:
        print(f"👆 {who.first_name} bấm/presses [{label}]", file=self.out)
        await who.press(label)
        return [await self._next(who) for _ in range(replies)]

    async def inbox(self, who: FakeUser) -> list[BotMessageView]:
        """Print what arrived for ``who`` since we last looked (outbox deliveries)."""
        fresh = who.drain()
        for message in fresh:
            self.show(who, message)
        return fresh

    async def _next(self, who: FakeUser) -> BotMessageView:
        message = await who.next_message(timeout=10.0)
        self.show(who, message)
        return message


def _indent(text: str) -> str:
    return text.replace("\n", "\n      ")


async def play(pg: Playground, out: TextIO) -> None:
    tr = Transcript(pg, out)
    an = pg.emu.user(2001, "An", last_name="Nguyễn Văn")

    tr.section("Chào hỏi / Welcome")
    await tr.say(an, "/start")
    await tr.say(an, "/help")

    tr.section("Ngôn ngữ / Language")
    await tr.say(an, "/lang en")
    await tr.say(an, "/help")
    await tr.say(an, "/lang vi")


async def run_demo(lang: str = "vi", out: TextIO | None = None) -> int:
    stream = out or sys.stdout
    with tempfile.TemporaryDirectory(prefix="chibo-demo-") as tmp:
        clock = FakeClock(DEMO_START)
        async with playground(
            Path(tmp) / "demo.sqlite3", clock=clock,
            settings={"bot": {"admins": [ADMIN_ID], "language": lang}},
        ) as pg:
            print(f"chibo demo: bot @{pg.services.bot_username} ↔ Bot API emulator at "
                  f"{pg.emu.base_url.rsplit('/', 1)[0]} (no token, no network)", file=stream)
            await play(pg, stream)
            stats = pg.emu.stats
            print(f"\n✔ demo finished: {stats.sends} messages sent, {stats.edits} edits, "
                  f"{stats.rate_limited} rate-limited", file=stream)
    return 0
