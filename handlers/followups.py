"""What a tap causes after it is answered: the edit of the pressed card, a question.

A tap is answered as soon as the domain has recorded it (``Tap`` in handlers/base.py);
the edits and messages it causes wait for their slot of the sending budget afterwards,
in a task of their own, so a crowd tapping is answered at the platform's speed and the
update processor is free for the next tap while the edits wait their turn.

The tasks are the application's (``Application.create_task``): ``Application.stop``
waits for them, and what one raises reaches the error handler with its update
(before the follow-up counts as done, so a test waiting for them sees the apology).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from telegram import Update
from telegram.ext import Application

Step = Callable[[], Awaitable[Any]]
AnyApp = Application[Any, Any, Any, Any, Any, Any]


class Followups:
    """The follow-ups in flight, and an event set whenever there are none."""

    def __init__(self) -> None:
        self._pending = 0
        self._idle = asyncio.Event()
        self._idle.set()

    @property
    def pending(self) -> int:
        return self._pending

    def begin(self) -> None:
        """A tap is being handled: its follow-ups count as pending from now on (before its
        answer goes out), until ``run`` has sent them."""
        self._pending += 1
        self._idle.clear()

    def run(self, app: AnyApp, update: Update, steps: Sequence[Step]) -> None:
        """Run ``steps`` (the follow-ups of a tap ``begin`` counted) one after another, in
        order, in a task of the application."""
        if not steps:
            self._done()
            return
        app.create_task(self._chain(app, update, list(steps)), update=update,
                        name="chibo-followup")

    def _done(self) -> None:
        self._pending -= 1
        if self._pending == 0:
            self._idle.set()

    async def _chain(self, app: AnyApp, update: Update, steps: list[Step]) -> None:
        try:
            for step in steps:
                await step()
        except Exception as err:  # told like any handler's error, before counted done
            await app.process_error(update=update, error=err)
        finally:
            self._done()

    async def idle(self) -> None:
        """Until no follow-up is in flight (tests and the demo: the edit after the answer)."""
        await self._idle.wait()


def followups_of(app: AnyApp) -> Followups:
    """The application's tracker (one per application: ``BotData.followups``)."""
    found = app.bot_data.followups
    assert isinstance(found, Followups)
    return found
