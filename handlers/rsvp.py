"""One-tap answers to invitations and reminders, and the absence reason."""

from __future__ import annotations

from telegram import Update

from bot.core import callbacks, inputs
from bot.core.inputs import Waiting
from bot.meetings import texts as mt
from bot.meetings.service import Answer, answer, answerable
from handlers.base import Asker, asker
from handlers.context import ChiboContext
from handlers.inputs import ask_for, route

RSVP = mt.RSVP


async def _edit(who: Asker, chat_id: int, message_id: int, done: Answer) -> None:
    message = mt.answered(done.meeting, done.unit_name, done.invitation, who.services.tz,
                          who.texts.lang)
    rows = [[(b.text, b.data or "") for b in row] for row in message.buttons]
    await who.edit(chat_id, message_id, message.text, rows)


async def on_rsvp(update: Update, context: ChiboContext) -> None:
    who = await asker(update, context)
    query = update.callback_query
    parts = callbacks.split(query.data if query else None, RSVP)
    meeting_id = callbacks.as_int(parts[0]) if parts and len(parts) == 2 else None
    if query is None or parts is None or meeting_id is None or parts[1] not in ("y", "n"):
        await who.toast(who.texts("button_expired"))
        return
    chat_id = query.message.chat.id if query.message else who.user_id
    message_id = query.message.message_id if query.message else 0
    if parts[1] == "y":
        done = await answer(who.services, who.actor, meeting_id, "attend")
        if message_id:
            await _edit(who, chat_id, message_id, done)
        await who.toast(who.texts("rsvp_saved_attend"))
        return
    await answerable(who.services, who.actor, meeting_id)
    await who.toast()
    await ask_for(who, "absence_reason",
                  {"meeting": meeting_id, "chat": chat_id, "message": message_id},
                  who.texts("rsvp_ask_reason"))


@route("absence_reason")
async def _reason(who: Asker, waiting: Waiting, text: str) -> None:
    done = await answer(who.services, who.actor, int(waiting.data["meeting"]), "absent", text)
    await inputs.forget(who.services, who.user_id)
    if waiting.data.get("message"):
        await _edit(who, int(waiting.data["chat"]), int(waiting.data["message"]), done)
    await who.say(who.texts("rsvp_saved_absent", reason=done.invitation.reason))
