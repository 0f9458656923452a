"""Which branches a report covers: a branch officer's branch, or every branch of a
committee officer's committee (all together, or one picked). Nobody else sees any."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.access import Actor
from bot.core.errors import NotFound
from bot.core.permissions import Permission, branches_where, committees_where, denied
from bot.core.services import Services
from storage import units
from storage.units import UnitRow


@dataclass(frozen=True)
class Scope:
    branches: list[UnitRow]
    committee: UnitRow | None  # set when the report spans a committee
    label: str

    @property
    def ids(self) -> list[int]:
        return [b.id for b in self.branches]

    @property
    def key(self) -> str:
        """Callback-safe name of the scope: ``b<id>`` or ``c<id>``."""
        if self.committee is not None and len(self.branches) != 1:
            return f"c{self.committee.id}"
        return f"b{self.branches[0].id}"


async def scopes_for(services: Services, actor: Actor) -> list[Scope]:
    """Every scope the actor may read, the widest first."""
    result: list[Scope] = []
    for committee_id in committees_where(actor, Permission.VIEW_REPORTS):
        committee = await units.get_unit(services.db, committee_id)
        if committee is None:
            continue
        branches = await units.branches_of_committee(services.db, committee_id)
        result.append(Scope(branches, committee, committee.name))
    seen = {b.id for s in result for b in s.branches}
    for unit_id in branches_where(actor, Permission.VIEW_REPORTS):
        if unit_id in seen:
            continue
        unit = await units.get_unit(services.db, unit_id)
        if unit is not None:
            result.append(Scope([unit], None, unit.name))
    if not result:
        raise denied(Permission.VIEW_REPORTS)
    return result


async def resolve(services: Services, actor: Actor, key: str | None) -> Scope:
    """The scope named by ``key`` (``b<id>``/``c<id>``) if the actor may read it; else
    the actor's first (widest) scope."""
    scopes = await scopes_for(services, actor)
    if key is None:
        return scopes[0]
    for scope in scopes:
        if scope.key == key:
            return scope
        if key.startswith("b"):
            for branch in scope.branches:
                if f"b{branch.id}" == key:
                    return Scope([branch], scope.committee, branch.name)
    raise NotFound("reports_scope_unknown")
