"""The demo's transcript: who said what, which buttons were shown and pressed."""

from __future__ import annotations

from typing import TextIO

from bot.demo.playground import Playground
from emulator import BotMessageView, FakeUser


class Transcript:
    """Prints who said what, which buttons were shown and which were pressed."""

    def __init__(self, live_bot: Playground, out: TextIO) -> None:
        self.live_bot = live_bot
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
        """Press a button; wait for the tap's answer and ``replies`` new messages."""
        print(f"👆 {who.first_name} bấm/presses [{label}]", file=self.out)
        answer = await who.callback_answer(await who.press(label))
        if answer:
            print(f"      💬 {answer}", file=self.out)
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
