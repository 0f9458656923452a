"""Who may do what: every officer and admin check of the bot goes through this module.

Each officer action names the :class:`Permission` it needs; :data:`RULES` says who holds
it and which refusal they see otherwise. A permission is held

- by admins (the ids in ``[bot] admins``), for the whole installation;
- by branch officers (secretary, deputy, committee member), in their own branch;
- by committee officers, in their committee and every branch under it.

:func:`require` checks an :class:`~bot.core.access.Actor` against a permission for a unit
(a branch, its committee, or both) and raises :class:`~bot.core.errors.Denied`;
:func:`require_own` is the one check of a member acting on what is theirs;
:func:`authorize` also loads the unit, :class:`~bot.core.errors.NotFound` if it does not
exist. The actor comes from the database, never from what the client sends: callback
data only names *what*, this module decides *who*.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.core.access import Actor
from bot.core.errors import Denied, NotFound
from bot.core.services import Services
from storage import units
from storage.units import UnitRow


class Permission(StrEnum):
    # Admins, for the whole installation.
    ADMIN_UNITS = "admin_units"  # /units, /newunit, /appoint
    VIEW_DELIVERY = "view_delivery"  # /status
    # Branch officers, in their own branch.
    MANAGE_MEMBERS = "manage_members"  # /invite, /members, a member's card, member import
    HANDLE_PERSONAL_DATA = "handle_personal_data"  # a member's data: export, erase
    MANAGE_MEETINGS = "manage_meetings"  # /meeting, /thematic, /schedule, move, cancel
    RECORD_ATTENDANCE = "record_attendance"  # /attendance: the roll call, the minutes
    MANAGE_HOUSEHOLDS = "manage_households"  # /households, /assign, household import
    RECORD_DUES = "record_dues"  # dues import, a member's dues
    BROADCAST = "broadcast"  # /broadcast, /linkgroup
    # Committee officers, for their committee and its branches.
    ASSIGN_FOLLOWERS = "assign_followers"  # /follow
    VIEW_AUDIT = "view_audit"  # /audit
    # Branch officers in their branch, committee officers in all their branches.
    VIEW_REPORTS = "view_reports"  # /report
    USE_CONSOLE = "use_console"  # the officers' console (Mini App), its menu button


@dataclass(frozen=True)
class Rule:
    """Who holds a permission, and the catalog key of the refusal everyone else sees."""

    refusal: str
    admin: bool = False
    branch_officer: bool = False
    committee_officer: bool = False


_ADMIN = Rule("admins_only", admin=True)
_BRANCH = Rule("officers_only", branch_officer=True)
_COMMITTEE = Rule("committee_only", committee_officer=True)

RULES: dict[Permission, Rule] = {
    Permission.ADMIN_UNITS: _ADMIN,
    Permission.VIEW_DELIVERY: _ADMIN,
    Permission.MANAGE_MEMBERS: _BRANCH,
    Permission.HANDLE_PERSONAL_DATA: _BRANCH,
    Permission.MANAGE_MEETINGS: _BRANCH,
    Permission.RECORD_ATTENDANCE: _BRANCH,
    Permission.MANAGE_HOUSEHOLDS: _BRANCH,
    Permission.RECORD_DUES: _BRANCH,
    Permission.BROADCAST: _BRANCH,
    Permission.ASSIGN_FOLLOWERS: _COMMITTEE,
    Permission.VIEW_AUDIT: _COMMITTEE,
    Permission.VIEW_REPORTS: Rule("reports_officers_only", branch_officer=True,
                                  committee_officer=True),
    Permission.USE_CONSOLE: Rule("console_denied", branch_officer=True,
                                 committee_officer=True),
}


def denied(permission: Permission) -> Denied:
    """The refusal for someone who does not hold ``permission``."""
    return Denied(RULES[permission].refusal)


def may(actor: Actor, permission: Permission, *, branch: int | None = None,
        committee: int | None = None) -> bool:
    """Whether ``actor`` holds ``permission`` for ``branch`` (an officer of it) or for
    ``committee`` (an officer of the committee). Naming neither asks about the whole
    installation, which only admins hold."""
    rule = RULES[permission]
    if rule.admin and actor.is_admin:
        return True
    if rule.branch_officer and branch is not None and actor.is_officer_of(branch):
        return True
    return rule.committee_officer and committee is not None and committee in actor.committee_roles


def require(actor: Actor, permission: Permission, *, branch: int | None = None,
            committee: int | None = None) -> None:
    """Raise :class:`Denied` unless :func:`may`."""
    if not may(actor, permission, branch=branch, committee=committee):
        raise denied(permission)


def branches_where(actor: Actor, permission: Permission) -> list[int]:
    """The branches where the actor holds ``permission`` as their officer."""
    if not RULES[permission].branch_officer:
        return []
    return actor.officer_branches


def committees_where(actor: Actor, permission: Permission) -> list[int]:
    """The committees where the actor holds ``permission`` as their officer."""
    if not RULES[permission].committee_officer:
        return []
    return list(actor.committee_roles)


def holds_somewhere(actor: Actor, permission: Permission) -> bool:
    """Whether the actor holds ``permission`` in at least one unit."""
    return bool(may(actor, permission) or branches_where(actor, permission)
                or committees_where(actor, permission))


def require_somewhere(actor: Actor, permission: Permission) -> None:
    """Raise :class:`Denied` unless the actor holds ``permission`` in at least one unit."""
    if not holds_somewhere(actor, permission):
        raise denied(permission)


def acting_branch(actor: Actor, permission: Permission, branch: int | None = None) -> int:
    """The branch an officer acts on: the one named (if they hold ``permission`` there),
    or else the first of theirs."""
    if branch is not None:
        require(actor, permission, branch=branch)
        return branch
    mine = branches_where(actor, permission)
    if not mine:
        raise denied(permission)
    return mine[0]


def require_own(actor: Actor, owner_person_id: int | None, branch: int, refusal: str) -> None:
    """A member acting on something of their own (a household they follow) in a branch
    they belong to: anyone else gets ``refusal``."""
    if (actor.person_id is None or owner_person_id != actor.person_id
            or branch not in actor.branch_roles):
        raise Denied(refusal)


async def unit_or_fail(services: Services, unit_id: int) -> UnitRow:
    """The unit, or :class:`NotFound` (``unit_not_found``)."""
    unit = await units.get_unit(services.db, unit_id)
    if unit is None:
        raise NotFound("unit_not_found")
    return unit


async def authorize(services: Services, actor: Actor, permission: Permission,
                    unit_id: int) -> UnitRow:
    """The unit ``unit_id`` if the actor holds ``permission`` there; else :class:`Denied`
    (or :class:`NotFound` when the unit does not exist).

    For a branch, its committee's officers hold what committee officers hold. A rule
    that branch officers alone hold is decided before the unit is read, so a forged id
    tells a stranger nothing about which units exist.
    """
    rule = RULES[permission]
    if not rule.committee_officer:
        require(actor, permission, branch=unit_id)
        return await unit_or_fail(services, unit_id)
    unit = await unit_or_fail(services, unit_id)
    if unit.kind == "branch":
        require(actor, permission, branch=unit.id, committee=unit.parent_id)
    else:
        require(actor, permission, committee=unit.id)
    return unit
