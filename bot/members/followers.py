"""Committee members assigned to follow a branch (cấp ủy viên phụ trách chi bộ).

Only an officer of the committee above a branch may assign its followers, and
only from that committee's own officers. Followers are invited to the branch's
meetings and their presence is counted in the committee's reports.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.access import Actor
from bot.core.errors import Denied, NotFound
from bot.core.services import Services
from storage import audit, followers, units
from storage.units import UnitRow


@dataclass(frozen=True)
class Candidate:
    person_id: int
    full_name: str
    following: bool


def _require_committee_officer(actor: Actor, committee_id: int | None) -> int:
    if committee_id is None or committee_id not in actor.committee_roles:
        raise Denied("committee_only")
    return committee_id


async def followable_branches(services: Services, actor: Actor) -> list[UnitRow]:
    if not actor.committee_roles:
        raise Denied("committee_only")
    result: list[UnitRow] = []
    for committee_id in actor.committee_roles:
        result += await units.branches_of_committee(services.db, committee_id)
    return result


async def _branch(services: Services, actor: Actor, branch_id: int) -> UnitRow:
    branch = await units.get_unit(services.db, branch_id)
    if branch is None or branch.kind != "branch":
        raise NotFound("unit_not_found")
    _require_committee_officer(actor, branch.parent_id)
    return branch


async def candidates(services: Services, actor: Actor, branch_id: int) -> list[Candidate]:
    branch = await _branch(services, actor, branch_id)
    assert branch.parent_id is not None  # _branch checked the committee above it
    rows = await followers.candidates(services.db, branch_id=branch.id,
                                      committee_id=branch.parent_id)
    return [Candidate(r.person_id, r.full_name, r.following) for r in rows]


async def toggle_follow(services: Services, actor: Actor, branch_id: int,
                        person_id: int) -> tuple[UnitRow, Candidate]:
    branch = await _branch(services, actor, branch_id)
    current = {c.person_id: c for c in await candidates(services, actor, branch_id)}
    who = current.get(person_id)
    if who is None:
        raise NotFound()
    now = services.clock.now()
    async with services.db.transaction() as conn:
        if who.following:
            await followers.stop(conn, person_id=person_id, unit_id=branch.id, now=now)
        else:
            await followers.start(conn, person_id=person_id, unit_id=branch.id, now=now)
        await audit.write(conn, at=services.clock.now(), actor_id=actor.telegram_user_id,
                          action="follow.stop" if who.following else "follow.start",
                          unit_id=branch.id, detail=f"person {person_id}")
    return branch, Candidate(who.person_id, who.full_name, not who.following)
