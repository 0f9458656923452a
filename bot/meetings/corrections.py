"""A closed roll call reopened for a correction, and closed again.

The secretary learns weeks later that a member marked absent had phoned in sick: a
branch officer reopens the roll call, saying why (asked in a guided step); every change
then is audited with the old and the new mark and that reason (bot.meetings.rollcall);
closing again is audited too and reviews the branch's warnings at once, so a 3-month
warning whose cause was corrected is withdrawn with the notice that already exists.
"""

from __future__ import annotations

from bot.core import hooks
from bot.core.access import Actor
from bot.core.errors import Invalid
from bot.core.permissions import Permission
from bot.core.services import Services
from bot.meetings.rollcall import RollCall, clean_reason, close_rollcall
from bot.meetings.service import officer_meeting
from storage import audit, units
from storage import meetings as store
from storage.meetings import MeetingRow


async def correctable(services: Services, actor: Actor, meeting_id: int) -> MeetingRow:
    """A closed meeting whose roll call this branch officer may reopen."""
    meeting = await officer_meeting(services, actor, meeting_id, Permission.RECORD_ATTENDANCE)
    if meeting.state != "closed":
        raise Invalid("correction_not_closed")
    return meeting


async def reopen(services: Services, actor: Actor, meeting_id: int,
                 reason: str) -> MeetingRow:
    """Reopen a closed roll call; ``reason`` is kept with every change until it closes."""
    meeting = await correctable(services, actor, meeting_id)
    reason = clean_reason(reason, "correction_reason_needed")
    now = services.clock.now()
    async with services.db.transaction() as conn:
        await store.set_correction(conn, meeting.id, reason, now)
        await audit.write(conn, at=now, actor_id=actor.telegram_user_id,
                          action="meeting.reopen", unit_id=meeting.unit_id,
                          detail=f"meeting {meeting.id}; lý do: {reason}")
    fresh = await store.get(services.db, meeting.id)
    assert fresh is not None
    return fresh


async def close(services: Services, actor: Actor, meeting_id: int) -> RollCall:
    """Close the roll call; after a correction, warnings follow at once (a withdrawal)."""
    before = await store.get(services.db, meeting_id)
    roll = await close_rollcall(services, actor, meeting_id)
    if before is not None and before.correction_reason is not None:
        unit = await units.get_unit(services.db, roll.meeting.unit_id)
        if unit is not None:
            await hooks.figures().review_branch(services, unit)
    return roll
