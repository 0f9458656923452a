"""Concurrent update processing that keeps each person's updates in order.

Different people are served in parallel (a slow report for one secretary
never delays another member's tap), while one person's updates run one after
another, so "press Absent, then type the reason" is never reordered. Each update
is marked handled in the database (see ``bot.runtime.inbox``) once its handler ran.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.runtime.inbox import Inbox
from storage.db import track_commits


class PerUserUpdateProcessor(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int = 64) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}
        # The queue that stored each update (a redelivery never reaches here): marks
        # each one handled, with its first committed write or when its handler ends.
        self.inbox: Inbox | None = None

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        track_commits()  # this update's own task: the error reply says what was kept
        rider = self.inbox.handling(update) if self.inbox is not None else None
        try:
            await self._in_turn(update, coroutine)
        except asyncio.CancelledError:  # stopped: not handled, handled after the restart
            raise
        except Exception:
            if self.inbox is not None:
                await self.inbox.handled(update, rider)
            raise
        if self.inbox is not None:
            await self.inbox.handled(update, rider)

    async def _in_turn(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = _sender_key(update)
        if key is None:
            await coroutine
            return
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with lock:
                await coroutine
        finally:
            self._waiting[key] -= 1
            if self._waiting[key] == 0:
                del self._waiting[key]
                del self._locks[key]

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None


def _sender_key(update: object) -> int | None:
    if isinstance(update, Update):
        if update.effective_user is not None:
            return update.effective_user.id
        if update.effective_chat is not None:
            return update.effective_chat.id
    return None
