"""Meetings that took place after the branch's record start but before the bot was used,
entered after the fact (kind, date, place, agenda; then the roll call with the actual
start and end). They are created without invitations or reminders, marked as entered
later (a column, and an audit entry saying who entered them), and count like any other
meeting once their roll call is closed. Before the record start there is no data: a
clear refusal names the record start.
"""

from __future__ import annotations

from datetime import datetime

from bot.core import formatting as fmt
from bot.core.access import Actor
from bot.core.errors import Invalid
from bot.core.permissions import Permission, require, unit_or_fail
from bot.core.services import Services
from bot.meetings.service import check_kind
from storage import audit, people
from storage import meetings as store
from storage.meetings import MeetingRow
from storage.timefmt import from_db


async def check_when(services: Services, unit_id: int, starts_at: datetime) -> None:
    """A meeting time being set: ahead, or past and on or after the record start."""
    if starts_at > services.clock.now():
        return
    unit = await unit_or_fail(services, unit_id)
    if unit.record_start is not None and \
            starts_at.astimezone(services.tz).date() < unit.record_start:
        raise Invalid("meeting_before_record", start=fmt.day(unit.record_start))


def is_past(services: Services, starts_at: datetime) -> bool:
    return starts_at <= services.clock.now()


async def enter_past_meeting(services: Services, actor: Actor, *, unit_id: int, kind: str,
                             starts_at: datetime, place: str | None,
                             agenda: str | None) -> MeetingRow:
    """Create a past meeting (no messages) with everyone who belonged then invited, so its
    roll call can be taken now."""
    require(actor, Permission.MANAGE_MEETINGS, branch=unit_id)
    if not is_past(services, starts_at):
        raise Invalid("button_expired")
    await check_when(services, unit_id, starts_at)
    check_kind(kind, agenda)
    unit = await unit_or_fail(services, unit_id)
    settings = services.config.meetings
    now = services.clock.now()
    belonged = [m for m in await people.members_of(services.db, unit_id, active_only=False)
                if (m.joined_at is None or m.joined_at <= starts_at)
                and (m.ended_at is None or from_db(m.ended_at) > starts_at)]
    async with services.db.transaction() as conn:
        meeting_id = await store.create(
            conn, unit_id=unit_id, kind=kind, starts_at=starts_at,
            duration_min=(settings.combined_duration_minutes if kind == "combined"
                          else settings.default_duration_minutes),
            place=place or unit.default_place, agenda=agenda, created_by=actor.person_id,
            now=now)
        assert meeting_id is not None
        await store.invite(conn, meeting_id, [(m.person_id, "member", m.standing)
                                              for m in belonged])
        await store.set_entered_later(conn, meeting_id)
        await audit.write(conn, at=now, actor_id=actor.telegram_user_id,
                          action="meeting.entered_later", unit_id=unit_id,
                          detail=f"meeting {meeting_id}: "
                                 f"{fmt.local_time(starts_at, services.tz)}")
    meeting = await store.get(services.db, meeting_id)
    assert meeting is not None
    return meeting
