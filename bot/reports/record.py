"""The record start (*ghi nhận từ*) of a branch or a committee: the day from which the
bot holds its record. Set when the unit is created (the first day of that month);
officers may move it back to bring in history. Moving a branch's start back also moves
the start of the members who were there when it began recording, i.e. added in the week
the branch was set up (docs/rules.md, "Records over time"); members added later keep the
day they were added, and any start can be corrected on the member's card. A committee
moving its start moves with it the branches that began recording on the same day.
"""

from __future__ import annotations

from datetime import date

from bot.core.access import Actor
from bot.core.clock import today_in
from bot.core.errors import Invalid
from bot.core.permissions import (
    Permission,
    branches_where,
    committees_where,
    denied,
    unit_or_fail,
)
from bot.core.services import Services
from storage import audit, people, units
from storage.units import UnitRow


async def record_unit(services: Services, actor: Actor) -> UnitRow:
    """The unit whose record start the caller sets: their branch, or (for a committee
    officer with no branch role) their committee."""
    branches = branches_where(actor, Permission.MANAGE_MEETINGS)
    if branches:
        return await unit_or_fail(services, branches[0])
    committees = committees_where(actor, Permission.VIEW_REPORTS)
    if committees:
        return await unit_or_fail(services, committees[0])
    raise denied(Permission.MANAGE_MEETINGS)


async def set_record_start(services: Services, actor: Actor,
                           day: date) -> tuple[UnitRow, int]:
    """(the unit, members whose start moved with it)."""
    unit = await record_unit(services, actor)
    if day.day != 1 or day > today_in(services) or day.year < 2000:
        raise Invalid("record_start_invalid")
    old = unit.record_start
    now = services.clock.now()
    # A committee moving back brings its branches that began recording with it.
    along = [b for b in await units.branches_of_committee(services.db, unit.id)
             if unit.kind == "committee" and b.record_start == old]
    async with services.db.transaction() as conn:
        moved = 0
        for target in [unit, *along]:
            await units.set_record_start(conn, target.id, day)
            if target.kind == "branch" and old is not None and day < old:
                moved += await people.start_founders_at(conn, target.id, day)
        await audit.write(conn, at=now, actor_id=actor.telegram_user_id, unit_id=unit.id,
                          action="unit.record_start",
                          detail=f"{old.isoformat() if old else '-'} -> {day.isoformat()}")
    return await unit_or_fail(services, unit.id), moved
