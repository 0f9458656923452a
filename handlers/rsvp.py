"""One-tap answers to invitations and reminders, and the absence reason."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core import inputs
from bot.core.inputs import Pending
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


@dataclass(frozen=True)
class AbsenceReason(Pending, kind="absence_reason"):
    """The reason for an absence, asked after a tap on "absent" (``message``: the
    invitation to edit once answered, 0 when there is none)."""

    meeting: int
    chat: int
    message: int


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
    await ask_for(who, AbsenceReason(meeting_id, chat_id, message_id),
                  who.texts("rsvp_ask_reason"))


@route(AbsenceReason)
async def _reason(who: Asker, pending: AbsenceReason, text: str) -> None:
    done = await answer(who.services, who.actor, pending.meeting, "absent", text)
    await inputs.forget(who.services, who.user_id)
    if pending.message:
        await _edit(who, pending.chat, pending.message, done)
    await who.say(who.texts("rsvp_saved_absent", reason=done.invitation.reason))
