"""/guest: invite a person who is not a member of the branch to one meeting, with a
personal guest link; the guest's own side (opening the link, answering)."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Update

from bot.core import inputs
from bot.core.inputs import Pending
from bot.core.permissions import Permission, acting_branch
from bot.meetings import guests as svc
from bot.meetings import texts as mt
from bot.meetings.buttons import GuestButton, GuestRsvpButton
from bot.meetings.guests import OutgoingMessage
from handlers.base import Asker, ButtonRow, asker, command_line, tap
from handlers.context import ChiboContext
from handlers.inputs import ask_for, route, waiting_for


@dataclass(frozen=True)
class GuestName(Pending, kind="guest_name"):
    """The guest line (name | who they are) for a meeting of the branch ``unit``."""

    unit: int


@dataclass(frozen=True)
class GuestMeeting(Pending, kind="guest_meeting"):
    """The guest named, waiting for a tap on the meeting they are invited to."""

    unit: int
    name: str
    note: str | None = None


async def guest_command(update: Update, context: ChiboContext) -> None:
    """``/guest Họ tên | ai (quần chúng ưu tú…)``, then the meeting is chosen by a tap."""
    who = await asker(update, context)
    unit_id = acting_branch(who.actor, Permission.MANAGE_MEETINGS)
    line = command_line(context)
    if not line:
        await ask_for(who, GuestName(unit_id), who.texts("guest_ask_name"))
        return
    await _choose_meeting(who, unit_id, line)


@route(GuestName)
async def _typed_name(who: Asker, pending: GuestName, text: str) -> None:
    await _choose_meeting(who, pending.unit, text)


async def _choose_meeting(who: Asker, unit_id: int, line: str) -> None:
    name, note = svc.parse_guest_line(line)
    meetings = await svc.upcoming(who.services, who.actor, unit_id)
    if not meetings:
        await inputs.forget(who.services, who.user_id)
        await who.say(who.texts("meetings_none"))
        return
    await inputs.expect(who.services, who.user_id, GuestMeeting(unit_id, name, note))
    tz, lang = who.services.tz, who.texts.lang
    await who.say(who.texts("guest_choose_meeting", name=name),
                  [[(mt.when(m, tz, lang), GuestButton(m.id).encode())] for m in meetings])


@route(GuestMeeting)
async def _typed_instead(who: Asker, pending: GuestMeeting, text: str) -> None:
    await who.say(who.texts("guest_tap_meeting"))


@tap(GuestButton)
async def on_meeting(who: Asker, button: GuestButton) -> None:
    pending = await waiting_for(who, GuestMeeting)
    if pending is None:
        return
    invited = await svc.add(who.services, who.actor, button.meeting, pending.name,
                            pending.note, with_link=True)
    await inputs.forget(who.services, who.user_id)
    await who.show(who.texts("guest_invited", name=invited.guest.full_name,
                             when=mt.when(invited.meeting, who.services.tz, who.texts.lang),
                             link=invited.link))


def _rows(message: OutgoingMessage) -> list[ButtonRow]:
    return [[(b.text, b.data or "") for b in row] for row in message.buttons]


async def open_link(who: Asker, token: str) -> None:
    """``/start g-…``: the guest's invitation, bound to this account."""
    message = await svc.open_link(who.services, token, who.user_id, who.texts.lang)
    await who.say(message.text, _rows(message))


@tap(GuestRsvpButton)
async def on_answer(who: Asker, button: GuestRsvpButton) -> None:
    message = await svc.answer(who.services, who.user_id, button.guest, button.answer,
                               who.texts.lang)
    await who.show(message.text, _rows(message))
