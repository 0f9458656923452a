"""Guests of one meeting: a person who is not a member of the branch (an outstanding
candidate, a representative of a mass organisation, a committee guest), invited by name.

Guests live in their own table: they are listed in the minutes as guests and never
counted in a party figure (attendance rates, the 3-month rule, dues). A guest who does
not come is "không dự", never "vắng không lý do".
"""

from __future__ import annotations

from bot.core.access import Actor
from bot.core.errors import Invalid, NotFound
from bot.core.permissions import Permission
from bot.core.services import Services
from bot.meetings.service import officer_meeting
from storage import audit
from storage import guests as store
from storage.guests import GuestRow as GuestRow

MAX_NAME = 120
MAX_NOTE = 200


def _clean(text: str | None, limit: int) -> str:
    cleaned = " ".join((text or "").split())
    if len(cleaned) > limit:
        raise Invalid("text_too_long", limit=limit)
    return cleaned


async def add(services: Services, actor: Actor, meeting_id: int, name: str,
              note: str | None, *, present: bool | None = None,
              token_hash: str | None = None) -> GuestRow:
    """A guest of ``meeting_id``; ``present`` when added at the roll call."""
    meeting = await officer_meeting(services, actor, meeting_id, Permission.RECORD_ATTENDANCE)
    if meeting.state == "cancelled":
        raise Invalid("meeting_cancelled")
    full_name = _clean(name, MAX_NAME)
    if not full_name:
        raise Invalid("guest_name_needed")
    now = services.clock.now()
    async with services.db.transaction() as conn:
        guest_id = await store.add(conn, meeting.id, full_name=full_name,
                                   note=_clean(note, MAX_NOTE) or None,
                                   added_by=actor.person_id, now=now, present=present,
                                   token_hash=token_hash)
        await audit.write(conn, at=now, actor_id=actor.telegram_user_id,
                          action="guest.add", unit_id=meeting.unit_id,
                          detail=f"meeting {meeting.id}, guest {guest_id}")
    guest = await store.get(services.db, guest_id)
    assert guest is not None
    return guest


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
