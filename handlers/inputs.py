"""Free text routed to whatever the person was asked for (a name, a date, a reason)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update

from bot.core import inputs
from bot.core.inputs import Waiting
from bot.core.names import clean_free_text
from handlers.base import Asker, asker
from handlers.common import not_understood
from handlers.context import ChiboContext

InputHandler = Callable[[Asker, Waiting, str], Awaitable[None]]

# kind of pending input -> the function that takes the typed text
ROUTES: dict[str, InputHandler] = {}
MAX_TEXT = 1000


def route(kind: str) -> Callable[[InputHandler], InputHandler]:
    def register(handler: InputHandler) -> InputHandler:
        ROUTES[kind] = handler
        return handler
    return register


async def on_text(update: Update, context: ChiboContext) -> None:
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None or message.text is None:
        return
    waiting = await inputs.waiting(context.services, user.id)
    handler = ROUTES.get(waiting.kind) if waiting else None
    if waiting is None or handler is None:
        await not_understood(update, context)
        return
    who = await asker(update, context)
    await handler(who, waiting, clean_free_text(message.text)[:MAX_TEXT].strip())


async def cancel(update: Update, context: ChiboContext) -> None:
    who = await asker(update, context)
    await inputs.forget(who.services, who.user_id)
    await who.say(who.texts("input_cancelled"))


async def ask_for(who: Asker, kind: str, data: dict[str, object], prompt: str) -> None:
    """Remember what the next text is for, then ask for it."""
    await inputs.expect(who.services, who.user_id, kind, data)
    await who.say(prompt)


async def waiting_for(who: Asker, kind: str) -> Waiting | None:
    """What a tap confirms (kept as a pending input of ``kind``); None, with the tap
    answered "expired", when the person is no longer there (cancelled, or answered)."""
    waiting = await inputs.waiting(who.services, who.user_id)
    if waiting is None or waiting.kind != kind:
        await who.toast(who.texts("button_expired"))
        return None
    return waiting
