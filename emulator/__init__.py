"""Telegram Bot API emulator (aiohttp) with an API to play users.

A package of its own, used by ``chibo demo`` and the tests: it imports nothing of
``bot``, ``handlers`` or ``storage``, so it emulates Telegram, not chibo.

Usage::

    async with BotApiEmulator(token="123456:TEST-TOKEN") as emu:
        alice = emu.user(1001, "Alice")
        await alice.send("/start")
        reply = await alice.next_message()
"""

from .errors import ApiError
from .faults import Faults
from .limits import EDIT_METHODS, SEND_METHODS, Limits, RateLimiter, Stats, Window, busiest_second
from .people import Conversation, FakeGroup, FakeUser
from .server import BotApiEmulator
from .state import ApiCall, CallbackRecord, FileRecord
from .views import BotMessageView, Button, DocumentView

__all__ = [
    "EDIT_METHODS",
    "SEND_METHODS",
    "ApiCall",
    "ApiError",
    "BotApiEmulator",
    "BotMessageView",
    "Button",
    "CallbackRecord",
    "Conversation",
    "DocumentView",
    "FakeGroup",
    "FakeUser",
    "Faults",
    "FileRecord",
    "Limits",
    "RateLimiter",
    "Stats",
    "Window",
    "busiest_second",
]
