"""Guests of one meeting: a person who is not a member of the branch (an outstanding
candidate, a representative of a mass organisation, a committee guest), invited by name,
with an optional personal guest link.

Guests live in their own table: they are listed in the minutes as guests and never
counted in a party figure (attendance rates, the 3-month rule, dues). Opening the guest
link binds that Telegram account to this one guest invitation only (never to a member
record), so the guest gets the invitation and can answer. A guest who does not come is
"không dự", never "vắng không lý do".
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.access import Actor
from bot.core.errors import Invalid, NotFound
from bot.core.permissions import Permission, require
from bot.core.services import Services
from bot.core.tokens import hash_token, invite_link, new_token
from bot.meetings import texts as mt
from bot.meetings.buttons import GuestRsvpButton
from bot.meetings.service import officer_meeting
from bot.texts import Language, t
from storage import audit, units
from storage import guests as store
from storage import meetings as meetings_store
from storage.guests import GuestRow as GuestRow
from storage.meetings import MeetingRow
from storage.outbox import Button
from storage.outbox import OutgoingMessage as OutgoingMessage  # re-exported for handlers

_GUEST_ANSWER = {"attend": "guest_answer_attend", "absent": "guest_answer_absent"}

MAX_NAME = 120
MAX_NOTE = 200
LINK_PREFIX = "g-"  # /start g-<token>: a guest link, never a member's


@dataclass(frozen=True)
class InvitedGuest:
    guest: GuestRow
    meeting: MeetingRow
    link: str


def _clean(text: str | None, limit: int) -> str:
    cleaned = " ".join((text or "").split())
    if len(cleaned) > limit:
        raise Invalid("text_too_long", limit=limit)
    return cleaned


def parse_guest_line(text: str) -> tuple[str, str | None]:
    """``Họ tên | who they are``."""
    name, _, note = text.partition("|")
    full_name = _clean(name, MAX_NAME)
    if not full_name:
        raise Invalid("guest_name_needed")
    return full_name, _clean(note, MAX_NOTE) or None


async def upcoming(services: Services, actor: Actor, unit_id: int) -> list[MeetingRow]:
    """The branch's meetings a guest can be invited to."""
    require(actor, Permission.MANAGE_MEETINGS, branch=unit_id)
    return await meetings_store.of_unit(services.db, unit_id, since=services.clock.now(),
                                        limit=6)


async def add(services: Services, actor: Actor, meeting_id: int, name: str,
              note: str | None, *, present: bool | None = None,
              with_link: bool = False) -> InvitedGuest:
    """A guest of ``meeting_id``: invited ahead (with a personal link), or ``present``
    when added at the roll call."""
    meeting = await officer_meeting(services, actor, meeting_id, Permission.RECORD_ATTENDANCE)
    if meeting.state == "cancelled":
        raise Invalid("meeting_cancelled")
    if with_link and (meeting.state != "scheduled" or
                      meeting.starts_at <= services.clock.now()):
        raise Invalid("meeting_not_changeable")
    full_name = _clean(name, MAX_NAME)
    if not full_name:
        raise Invalid("guest_name_needed")
    token = LINK_PREFIX + new_token() if with_link else None
    now = services.clock.now()
    async with services.db.transaction() as conn:
        guest_id = await store.add(conn, meeting.id, full_name=full_name,
                                   note=_clean(note, MAX_NOTE) or None,
                                   added_by=actor.person_id, now=now, present=present,
                                   token_hash=hash_token(token) if token else None)
        await audit.write(conn, at=now, actor_id=actor.telegram_user_id,
                          action="guest.add", unit_id=meeting.unit_id,
                          detail=f"meeting {meeting.id}, guest {guest_id}")
    guest = await store.get(services.db, guest_id)
    assert guest is not None
    link = invite_link(services.bot_username, token) if token else ""
    return InvitedGuest(guest, meeting, link)


async def of_meeting(services: Services, meeting_id: int) -> list[GuestRow]:
    return await store.of_meeting(services.db, meeting_id)


async def toggle(services: Services, actor: Actor, guest_id: int) -> GuestRow:
    """At the roll call: present ↔ không dự."""
    guest = await store.get(services.db, guest_id)
    if guest is None:
        raise NotFound()
    meeting = await officer_meeting(services, actor, guest.meeting_id,
                                    Permission.RECORD_ATTENDANCE)
    if meeting.state != "scheduled" or meeting.starts_at > services.clock.now():
        raise Invalid("rollcall_closed")
    async with services.db.transaction() as conn:
        await store.set_present(conn, guest.id, not guest.present)
    fresh = await store.get(services.db, guest.id)
    assert fresh is not None
    return fresh


# --- the guest's side -------------------------------------------------------------------------


def is_guest_link(token: str) -> bool:
    return token.startswith(LINK_PREFIX)


def invitation(guest: GuestRow, meeting: MeetingRow, unit_name: str, services: Services,
               lang: Language) -> OutgoingMessage:
    """The guest's invitation: the meeting and, before it starts, their answer buttons."""
    lines = [t(lang, "guest_invitation_header", name=guest.full_name),
             mt.summary(meeting, unit_name, services.tz, lang)]
    if guest.answer is not None:
        lines += ["", t(lang, _GUEST_ANSWER[guest.answer])]
    if meeting.state != "scheduled" or meeting.starts_at <= services.clock.now():
        return OutgoingMessage("\n".join(lines))
    lines += ["", t(lang, "guest_rsvp_ask")]
    buttons = ((Button(t(lang, "guest_btn_attend"), GuestRsvpButton(guest.id, "y").encode()),
                Button(t(lang, "guest_btn_absent"), GuestRsvpButton(guest.id, "n").encode())),)
    return OutgoingMessage("\n".join(lines), buttons)


async def _context(services: Services, guest: GuestRow) -> tuple[MeetingRow, str]:
    meeting = await meetings_store.get(services.db, guest.meeting_id)
    if meeting is None or meeting.state == "cancelled":
        raise Invalid("meeting_cancelled")
    unit = await units.get_unit(services.db, meeting.unit_id)
    return meeting, unit.name if unit is not None else ""


async def open_link(services: Services, token: str, telegram_user_id: int,
                    lang: Language) -> OutgoingMessage:
    """Opening the guest link binds this account to that guest invitation only."""
    guest = await store.by_token(services.db, hash_token(token[:80]))
    if guest is None:
        raise Invalid("invite_unknown")
    meeting, unit_name = await _context(services, guest)
    async with services.db.transaction() as conn:
        if not await store.bind(conn, guest.id, telegram_user_id):
            raise Invalid("invite_used")
    fresh = await store.get(services.db, guest.id)
    assert fresh is not None
    return invitation(fresh, meeting, unit_name, services, lang)


async def answer(services: Services, telegram_user_id: int, guest_id: int, choice: str,
                 lang: Language) -> OutgoingMessage:
    """The guest's own answer (the bound account only; before the meeting starts)."""
    guest = await store.get(services.db, guest_id)
    if guest is None or guest.telegram_user_id != telegram_user_id:
        raise NotFound("meeting_not_found")
    meeting, unit_name = await _context(services, guest)
    if meeting.state != "scheduled" or meeting.starts_at <= services.clock.now():
        raise Invalid("meeting_started")
    if choice not in ("y", "n"):
        raise Invalid("denied")
    async with services.db.transaction() as conn:
        await store.set_answer(conn, guest.id, "attend" if choice == "y" else "absent")
    fresh = await store.get(services.db, guest.id)
    assert fresh is not None
    return invitation(fresh, meeting, unit_name, services, lang)
