"""What every handler needs: who is asking, in which language, and how to answer."""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from telegram import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
    WebAppInfo,
)
from telegram.error import BadRequest
from telegram.ext import ApplicationHandlerStop

from bot.core.access import Actor
from bot.core.callbacks import BadButton, Codec, decode_any
from bot.core.errors import Invalid
from bot.core.names import clean_free_text
from bot.core.services import Services
from bot.texts import Texts, as_language
from handlers.context import ChiboContext
from handlers.followups import Step, followups_of

log = logging.getLogger("chibo.handlers")
ButtonRow = Sequence[tuple[str, str]]


class WebAppUrl(str):
    """In a button row, the HTTPS address of a Mini App to open instead of callback data."""

    __slots__ = ()


def _button(label: str, data: str) -> InlineKeyboardButton:
    if isinstance(data, WebAppUrl):
        return InlineKeyboardButton(label, web_app=WebAppInfo(str(data)))
    return InlineKeyboardButton(label, callback_data=data)


def markup(rows: Sequence[ButtonRow]) -> InlineKeyboardMarkup | None:
    """Inline keyboard from rows of (label, callback data or a :class:`WebAppUrl`)."""
    cleaned = [[_button(label, data) for label, data in row] for row in rows if row]
    return InlineKeyboardMarkup(cleaned) if cleaned else None


def command_line(context: ChiboContext) -> str:
    """What was typed after a command, cleaned as every free text is on its way into
    the domain (see ``clean_free_text``)."""
    return clean_free_text(" ".join(context.args or []))


@dataclass
class Asker:
    """The person behind an update, with their texts and roles."""

    update: Update
    services: Services
    texts: Texts
    actor: Actor
    message: Message | None
    query: CallbackQuery | None
    answered: bool = False
    # While a tap is handled, its edits and messages wait here until the tap is answered
    # (``Tap``), then go out in order, after the answer (see handlers/followups.py).
    later: list[Step] | None = field(default=None, repr=False)

    @property
    def user_id(self) -> int:
        return self.actor.telegram_user_id

    async def say(self, text: str, rows: Sequence[ButtonRow] = ()) -> Message | None:
        """Reply in the chat the update came from (after the answer, for a tap: then
        nothing is returned)."""
        if self.later is not None:
            self.later.append(lambda: self._say(text, rows))
            return None
        return await self._say(text, rows)

    async def _say(self, text: str, rows: Sequence[ButtonRow]) -> Message | None:
        chat = self.update.effective_chat
        if chat is None:
            return None
        return await self.update.get_bot().send_message(chat.id, text, reply_markup=markup(rows))

    async def show(self, text: str, rows: Sequence[ButtonRow] = (),
                   toast: str | None = None) -> None:
        """Edit the message a button sits on (or reply, for a typed command), and answer
        the tap with ``toast``: for a tap, the answer goes first and the edit follows."""
        if self.query is not None and self.query.message is not None:
            message = self.query.message
            chat_id, message_id = message.chat.id, message.message_id

            async def edit_or_say() -> None:
                if not await self._edit(chat_id, message_id, text, rows):
                    await self._say(text, rows)  # the message is gone: answer with a new one

            await self.then(edit_or_say)
        else:
            await self.say(text, rows)
        await self.toast(toast)  # a tap without a message to edit is answered all the same

    async def then(self, step: Step) -> None:
        """Run ``step`` now, or after the tap's answer while a tap is handled."""
        if self.later is not None:
            self.later.append(step)
        else:
            await step()

    async def edit(self, chat_id: int, message_id: int, text: str,
                   rows: Sequence[ButtonRow] = ()) -> bool:
        """Edit a bot message; the same content again (a replayed tap) is not an error.
        False when the message cannot be edited any more (deleted, or too old). For a
        tap the edit goes after the answer, and True is returned."""
        if self.later is not None:
            self.later.append(lambda: self._edit(chat_id, message_id, text, rows))
            return True
        return await self._edit(chat_id, message_id, text, rows)

    async def _edit(self, chat_id: int, message_id: int, text: str,
                    rows: Sequence[ButtonRow] = ()) -> bool:
        try:
            await self.update.get_bot().edit_message_text(
                text, chat_id=chat_id, message_id=message_id, reply_markup=markup(rows))
        except BadRequest as err:
            reason = err.message.lower()
            if "not modified" in reason:
                return True
            if "message to edit not found" in reason or "message can't be edited" in reason:
                log.info("message %s/%s can no longer be edited: %s", chat_id, message_id,
                         err.message)
                return False
            raise
        return True

    async def toast(self, text: str | None = None) -> None:
        """Answer the tap (once; Telegram refuses a second answer)."""
        if self.query is not None and not self.answered:
            self.answered = True
            await answer_query(self.query, text)


def query_expired(err: BadRequest) -> bool:
    """Telegram no longer takes an answer to this tap: it is older than the answer window
    (taps queued while the bot was down) or it was answered already (a replayed update)."""
    message = err.message.lower()
    return "query is too old" in message or "query id is invalid" in message


async def answer_query(query: CallbackQuery, text: str | None = None, *,
                       show_alert: bool = False) -> bool:
    """Answer a tap; False when Telegram says it is too late, which is not an error: the
    work the tap asked for still gets done (and shown by editing the message)."""
    try:
        await query.answer(text[:200] if text else None, show_alert=show_alert)
    except BadRequest as err:
        if not query_expired(err):
            raise
        log.info("callback query %s expired before it was answered", query.id)
        return False
    return True


async def asker(update: Update, context: ChiboContext) -> Asker:
    user = update.effective_user
    if user is None:
        raise ApplicationHandlerStop
    if update.edited_message is not None:
        # An edit is not a new request: running "/broadcast …" or "/invite …" again
        # because a typo was fixed would act twice.
        raise Invalid("edited_ignored")
    chat = update.effective_chat
    if update.callback_query is not None and (chat is None or chat.type != "private"):
        # The bot never puts buttons in a group, and has no inline mode: a tap in a group
        # or on an inline message (no chat) is forged, and answering it would show a
        # member's card or report to the whole group, or to nobody it could check.
        raise Invalid("button_expired")
    services = context.services
    actor = await services.actor(user.id)
    return Asker(
        update=update,
        services=services,
        texts=Texts(as_language(actor.language, services.config.bot.language)),
        actor=actor,
        message=update.effective_message if update.callback_query is None else None,
        query=update.callback_query,
    )


Handler = Callable[[Update, ChiboContext], Awaitable[Any]]


C = TypeVar("C", bound=Codec)
Act = Callable[[Asker, C], Awaitable[None]]


class _Buttons:
    """What every button handler does around its act: the tap's data is decoded first.
    Forged, garbled or stale data (anything the codecs refuse) is answered here, for
    every button family, with the catalog's refusal, and nothing else happens."""

    pattern: str
    name: str

    def _decode(self, data: str | None) -> tuple[Codec, Act[Any]]:
        raise NotImplementedError

    async def __call__(self, update: Update, context: ChiboContext) -> None:
        who = await asker(update, context)
        try:
            button, act = self._decode(who.query.data if who.query is not None else None)
        except BadButton:  # the data is not logged: a forged join:<token> may be a secret
            log.debug("refused a %s button", self.name)
            await who.toast(who.texts("button_expired"))
            return
        # Answer first: the edits and messages the tap causes are held until the domain
        # has recorded it and the tap is answered, then sent in order by a task of their
        # own, so the answer never waits for a slot of the sending budget.
        followups = followups_of(context.application)
        followups.begin()
        who.later = []
        try:
            await act(who, button)
            await who.toast()
        finally:
            later, who.later = who.later, None
            followups.run(context.application, update, later)


class Tap(_Buttons, Generic[C]):
    """A button handler for one family: ``act`` gets the decoded button."""

    def __init__(self, codec: type[C], act: Act[C]) -> None:
        self.codec = codec
        self.act = act
        self.pattern = codec.pattern()
        self.name = codec.PREFIX
        functools.update_wrapper(self, act)

    def _decode(self, data: str | None) -> tuple[Codec, Act[Any]]:
        return self.codec.decode(data), self.act


def tap(codec: type[C]) -> Callable[[Act[C]], Tap[C]]:
    """``@tap(RsvpButton)`` over ``async def on_rsvp(who, button)``."""
    def wrap(act: Act[C]) -> Tap[C]:
        return Tap(codec, act)
    return wrap


class Taps(_Buttons):
    """The handler of the families sharing ``prefix`` (one per action where the action
    changes what the fields mean): each family to its own typed act, registered with
    ``@taps.on(AssignTick)`` over ``async def tick(who, button: AssignTick)``."""

    def __init__(self, prefix: str) -> None:
        self.name = prefix
        self.pattern = rf"^{re.escape(prefix)}:"
        self.acts: dict[type[Codec], Act[Any]] = {}

    def on(self, codec: type[C]) -> Callable[[Act[C]], Act[C]]:
        if self.name != codec.PREFIX:
            raise TypeError(f"{codec.__name__} is not a {self.name} button")

        def register(act: Act[C]) -> Act[C]:
            self.acts[codec] = act
            return act
        return register

    def _decode(self, data: str | None) -> tuple[Codec, Act[Any]]:
        button = decode_any(self.acts, data)
        return button, self.acts[type(button)]
