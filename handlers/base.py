"""What every handler needs: who is asking, in which language, and how to answer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import ApplicationHandlerStop

from bot.access import Actor
from bot.services import Services
from bot.texts import Texts, as_language
from handlers.context import ChiboContext

ButtonRow = Sequence[tuple[str, str]]


def markup(rows: Sequence[ButtonRow]) -> InlineKeyboardMarkup | None:
    """Inline keyboard from rows of (label, callback data)."""
    cleaned = [[InlineKeyboardButton(label, callback_data=data) for label, data in row]
               for row in rows if row]
    return InlineKeyboardMarkup(cleaned) if cleaned else None


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

    @property
    def user_id(self) -> int:
        return self.actor.telegram_user_id

    async def say(self, text: str, rows: Sequence[ButtonRow] = ()) -> Message | None:
        """Reply in the chat the update came from."""
        chat = self.update.effective_chat
        if chat is None:
            return None
        return await self.update.get_bot().send_message(chat.id, text, reply_markup=markup(rows))

    async def show(self, text: str, rows: Sequence[ButtonRow] = (),
                   toast: str | None = None) -> None:
        """Edit the message a button sits on (or reply, for a typed command); then answer
        the tap, so whoever waits for the answer sees the edit done."""
        if self.query is not None and self.query.message is not None:
            await self.edit(self.query.message.chat.id, self.query.message.message_id, text, rows)
            await self.toast(toast)
        else:
            await self.say(text, rows)

    async def edit(self, chat_id: int, message_id: int, text: str,
                   rows: Sequence[ButtonRow] = ()) -> None:
        """Edit a bot message; the same content again (a replayed tap) is not an error."""
        try:
            await self.update.get_bot().edit_message_text(
                text, chat_id=chat_id, message_id=message_id, reply_markup=markup(rows))
        except BadRequest as err:
            if "not modified" not in err.message.lower():
                raise

    async def toast(self, text: str | None = None) -> None:
        """Answer the tap (once; Telegram refuses a second answer)."""
        if self.query is not None and not self.answered:
            self.answered = True
            await self.query.answer(text[:200] if text else None)


async def asker(update: Update, context: ChiboContext) -> Asker:
    user = update.effective_user
    if user is None:
        raise ApplicationHandlerStop
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
