"""Who may do what: the one permission module, and that nothing else decides it.

The rules on real SQLite files (an admin, a branch's officer, another branch's officer,
the branch's committee officer, another committee's officer, a plain member), then a
guard over the source: role checks and officer refusals live in bot/core/permissions.py
only, so a new officer action cannot slip past it by checking a role by hand.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bot.core.access import Actor
from bot.core.clock import FakeClock
from bot.core.config import Config
from bot.core.errors import Denied, NotFound
from bot.core.permissions import (
    RULES,
    Permission,
    acting_branch,
    authorize,
    branches_where,
    committees_where,
    holds_somewhere,
    may,
    require,
    require_own,
    require_somewhere,
)
from bot.core.services import Services
from storage import units
from storage.db import Database

ROOT = Path(__file__).resolve().parents[2]

ADMIN = Actor(telegram_user_id=1, is_admin=True)
MEMBER = Actor(telegram_user_id=2, person_id=2, branch_roles={10: "member"})


def officer(branch: int, role: str = "secretary") -> Actor:
    return Actor(telegram_user_id=3, person_id=3, branch_roles={branch: role})


def committee_officer(committee: int) -> Actor:
    return Actor(telegram_user_id=4, person_id=4, committee_roles={committee: "standing"})


BRANCH_PERMISSIONS = [Permission.MANAGE_MEMBERS, Permission.HANDLE_PERSONAL_DATA,
                      Permission.MANAGE_MEETINGS, Permission.RECORD_ATTENDANCE,
                      Permission.MANAGE_HOUSEHOLDS, Permission.RECORD_DUES,
                      Permission.BROADCAST]


def test_every_permission_has_a_rule_with_a_catalog_refusal() -> None:
    from bot.texts import CATALOGS

    assert set(RULES) == set(Permission)
    for permission, rule in RULES.items():
        assert rule.admin or rule.branch_officer or rule.committee_officer, permission
        for catalog in CATALOGS.values():
            assert rule.refusal in catalog, (permission, rule.refusal)


@pytest.mark.parametrize("permission", BRANCH_PERMISSIONS)
def test_branch_permissions_are_held_by_that_branchs_officers_only(
        permission: Permission) -> None:
    for role in ("secretary", "deputy", "committee_member"):
        require(officer(10, role), permission, branch=10)
    for actor in (officer(11), MEMBER, ADMIN, committee_officer(1)):
        with pytest.raises(Denied) as refused:
            require(actor, permission, branch=10, committee=1)
        assert refused.value.key == "officers_only"
    assert acting_branch(officer(10), permission) == 10
    with pytest.raises(Denied):
        acting_branch(officer(10), permission, 11)
    with pytest.raises(Denied):
        acting_branch(MEMBER, permission)


@pytest.mark.parametrize("permission", [Permission.ASSIGN_FOLLOWERS, Permission.VIEW_AUDIT])
def test_committee_permissions_are_held_by_that_committees_officers(
        permission: Permission) -> None:
    require(committee_officer(1), permission, committee=1)
    require_somewhere(committee_officer(1), permission)
    assert committees_where(committee_officer(1), permission) == [1]
    for actor in (committee_officer(2), officer(10), ADMIN, MEMBER):
        with pytest.raises(Denied) as refused:
            require(actor, permission, branch=10, committee=1)
        assert refused.value.key == "committee_only"
    with pytest.raises(Denied):
        require(committee_officer(1), permission, committee=None)
    for actor in (officer(10), ADMIN, MEMBER):
        with pytest.raises(Denied):
            require_somewhere(actor, permission)


def test_reports_are_for_the_branchs_officers_and_its_committee() -> None:
    report = Permission.VIEW_REPORTS
    assert may(officer(10), report, branch=10, committee=1)
    assert may(committee_officer(1), report, branch=10, committee=1)
    assert branches_where(officer(10), report) == [10]
    assert committees_where(committee_officer(1), report) == [1]
    for actor in (officer(11), committee_officer(2), ADMIN, MEMBER):
        with pytest.raises(Denied) as refused:
            require(actor, report, branch=10, committee=1)
        assert refused.value.key == "reports_officers_only"


@pytest.mark.parametrize("permission", [Permission.ADMIN_UNITS, Permission.VIEW_DELIVERY])
def test_admin_permissions_are_for_admins_only(permission: Permission) -> None:
    require(ADMIN, permission)
    require(ADMIN, permission, branch=10)
    assert branches_where(ADMIN, permission) == []
    for actor in (officer(10), committee_officer(1), MEMBER):
        with pytest.raises(Denied) as refused:
            require(actor, permission, branch=10, committee=1)
        assert refused.value.key == "admins_only"


def test_a_member_acts_only_on_what_is_theirs_in_their_own_branch() -> None:
    require_own(MEMBER, 2, 10, "duty_not_yours")
    for actor, owner, branch in ((MEMBER, 3, 10), (MEMBER, 2, 11), (officer(10), 2, 10),
                                 (ADMIN, None, 10), (Actor(telegram_user_id=9), None, 10)):
        with pytest.raises(Denied) as refused:
            require_own(actor, owner, branch, "duty_not_yours")
        assert refused.value.key == "duty_not_yours"


async def test_authorize_reads_the_unit_and_its_committee(db: Database,
                                                          clock: FakeClock) -> None:
    services = Services(config=Config(), db=db, clock=clock)
    async with db.transaction() as conn:
        committee = await units.create_unit(conn, kind="committee", name="Đảng ủy 1",
                                            parent_id=None, now=clock.now())
        branch = await units.create_unit(conn, kind="branch", name="Chi bộ A",
                                         parent_id=committee, now=clock.now())
    unit = await authorize(services, officer(branch), Permission.MANAGE_MEMBERS, branch)
    assert unit.name == "Chi bộ A"
    # The committee above a branch reads its reports; another committee does not.
    assert (await authorize(services, committee_officer(committee), Permission.VIEW_REPORTS,
                            branch)).id == branch
    with pytest.raises(Denied):
        await authorize(services, committee_officer(committee + 99), Permission.VIEW_REPORTS,
                        branch)
    # A unit that does not exist: NotFound for whoever may act there...
    with pytest.raises(NotFound) as missing:
        await authorize(services, ADMIN, Permission.ADMIN_UNITS, 999)
    assert missing.value.key == "unit_not_found"
    # ...but a branch-only rule refuses a stranger before it looks, so a forged id
    # does not tell them which units exist.
    with pytest.raises(Denied):
        await authorize(services, officer(branch), Permission.MANAGE_MEMBERS, 999)


# --- the guard: nobody else decides ------------------------------------------------------

# Facts about roles that only the permission module (and the actor it reads) may use to
# decide; each other use is listed with its reason.
ROLE_FACTS = {"is_admin", "is_officer_of", "officer_branches", "committee_roles",
              "branch_roles", "is_branch_officer", "is_committee_officer"}
ALLOWED = {
    "bot/core/access.py": "builds the actor",
    "bot/core/permissions.py": "the one place that decides",
}
OFFICER_REFUSALS = {"admins_only", "officers_only", "committee_only",
                    "reports_officers_only"}


def _sources() -> list[Path]:
    return sorted(p for pkg in ("bot", "handlers") for p in (ROOT / pkg).rglob("*.py"))


def _is_actor(node: ast.expr) -> bool:
    """``actor``, ``officer`` or ``who.actor``: the person asking, not a storage module."""
    if isinstance(node, ast.Name):
        return node.id in {"actor", "officer", "self"}
    return isinstance(node, ast.Attribute) and node.attr == "actor"


def test_role_checks_and_officer_refusals_live_in_the_permission_module() -> None:
    found: list[str] = []
    for path in _sources():
        name = path.relative_to(ROOT).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and node.attr in ROLE_FACTS
                    and _is_actor(node.value) and name not in ALLOWED):
                found.append(f"{name}:{node.lineno} reads actor.{node.attr}")
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id == "Denied" and name != "bot/core/permissions.py"
                    and any(isinstance(a, ast.Constant) and a.value in OFFICER_REFUSALS
                            for a in node.args)):
                found.append(f"{name}:{node.lineno} refuses an officer action by hand")
            if (isinstance(node, ast.ImportFrom) and node.module == "bot.members.registration"
                    and {a.name for a in node.names} & {"require_branch_officer",
                                                        "officer_branch", "today_in",
                                                        "unit_or_fail"}):
                found.append(f"{name}:{node.lineno} imports a helper that moved to bot.core")
    assert found == []


def test_the_console_is_for_branch_and_committee_officers() -> None:
    """The Mini App and its menu button; a member or a bare admin is refused
    with the console's own words."""
    assert holds_somewhere(officer(10), Permission.USE_CONSOLE)
    assert holds_somewhere(committee_officer(1), Permission.USE_CONSOLE)
    for actor in (MEMBER, ADMIN):
        assert not holds_somewhere(actor, Permission.USE_CONSOLE)
        with pytest.raises(Denied) as refused:
            require_somewhere(actor, Permission.USE_CONSOLE)
        assert refused.value.key == "console_denied"
