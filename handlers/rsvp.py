"""One-tap answers to invitations and reminders, and the absence reason."""

from __future__ import annotations

from bot.core import inputs
from bot.core.inputs import Waiting
from bot.meetings import texts as mt
from bot.meetings.buttons import RsvpButton
from bot.meetings.service import Answer, answer, answerable
from handlers.base import Asker, tap
from handlers.inputs import ask_for, route


async def _edit(who: Asker, chat_id: int, message_id: int, done: Answer) -> None:
    message = mt.answered(done.meeting, done.unit_name, done.invitation, who.services.tz,
                          who.texts.lang)
    rows = [[(b.text, b.data or "") for b in row] for row in message.buttons]
    await who.edit(chat_id, message_id, message.text, rows)


@tap(RsvpButton)
async def on_rsvp(who: Asker, button: RsvpButton) -> None:
    message = who.query.message if who.query is not None else None
    chat_id = message.chat.id if message else who.user_id
    message_id = message.message_id if message else 0
    meeting_id = button.meeting
    if button.answer == "y":
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
