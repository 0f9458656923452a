"""Free text routed to whatever the person was asked for (a name, a date, a reason):
``@route(AbsenceReason)`` over ``async def reason(who, pending: AbsenceReason, text)``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from telegram import Update

from bot.core import inputs
from bot.core.inputs import Pending, Unreadable
from bot.core.names import clean_free_text
from handlers.base import Asker, asker
from handlers.common import not_understood
from handlers.context import ChiboContext

P = TypeVar("P", bound=Pending)
InputHandler = Callable[[Asker, P, str], Awaitable[None]]

# kind of pending input -> the function that takes the typed text
ROUTES: dict[type[Pending], InputHandler[Any]] = {}
MAX_TEXT = 1000


def route(kind: type[P]) -> Callable[[InputHandler[P]], InputHandler[P]]:
    def register(handler: InputHandler[P]) -> InputHandler[P]:
        ROUTES[kind] = handler
        return handler
    return register


async def on_text(update: Update, context: ChiboContext) -> None:
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None or message.text is None:
        return
    waiting = await inputs.waiting(context.services, user.id)
    if isinstance(waiting, Unreadable):
        await start_again(await asker(update, context))
        return
    handler = ROUTES.get(type(waiting)) if waiting else None
    if waiting is None or handler is None:
        await not_understood(update, context)
        return
    who = await asker(update, context)
    await handler(who, waiting, clean_free_text(message.text)[:MAX_TEXT].strip())


async def start_again(who: Asker) -> None:
    """What was asked was stored by an older version of the bot: asked again, it is."""
    await inputs.forget(who.services, who.user_id)
    await who.say(who.texts("input_start_again"))


async def cancel(update: Update, context: ChiboContext) -> None:
    who = await asker(update, context)
    await inputs.forget(who.services, who.user_id)
    await who.say(who.texts("input_cancelled"))


async def ask_for(who: Asker, value: Pending, prompt: str) -> None:
    """Remember what the next text is for, then ask for it."""
    await inputs.expect(who.services, who.user_id, value)
    await who.say(prompt)


async def waiting_for(who: Asker, kind: type[P]) -> P | None:
    """What a tap confirms (kept as a pending input of ``kind``); None, with the tap
    answered "expired", when the person is no longer there (cancelled, or answered)."""
    waiting = await inputs.waiting_as(who.services, who.user_id, kind)
    if waiting is None:
        await who.toast(who.texts("button_expired"))
    return waiting
