"""Branch meeting settings: the regular-meeting rule and the default place."""

from __future__ import annotations

from bot.core.access import Actor
from bot.core.services import Services
from bot.meetings.schedule import ScheduleRule
from bot.members.registration import require_branch_officer, unit_or_fail
from storage import audit, units


async def set_schedule(services: Services, actor: Actor, unit_id: int, rule: ScheduleRule,
                       place: str | None) -> str | None:
    """Save the rule (and the place, when given); returns the branch's default place."""
    require_branch_officer(actor, unit_id)
    unit = await unit_or_fail(services, unit_id)
    place = place or unit.default_place
    async with services.db.transaction() as conn:
        await units.set_schedule(conn, unit_id=unit_id, rule=rule.to_json(), place=place)
        await audit.write(conn, at=services.clock.now(), actor_id=actor.telegram_user_id,
                          action="schedule.set", unit_id=unit_id, detail=rule.to_json())
    return place
