"""Managing a branch's members: list, card, standing, role, move, remove, erase.

Every function loads the membership first and checks that the caller is an
officer of *that* branch, whatever the button said.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from bot.core import hooks
from bot.core.access import Actor
from bot.core.clock import today_in
from bot.core.errors import Invalid, NotFound
from bot.core.names import vi_sort_key
from bot.core.paging import clamp_page
from bot.core.permissions import Permission, authorize, require, unit_or_fail
from bot.core.probation import probation_ends
from bot.core.services import Services
from bot.members.registration import (
    BRANCH_ROLES,
    IssuedInvite,
    issue_invite,
)
from storage import assignments, audit, invites, people, roles, units
from storage.people import MemberRow as MemberRow  # re-exported for handlers
from storage.units import UnitRow

PAGE_SIZE = 15
FLAGS = ("away", "exempt", "213")


@dataclass(frozen=True)
class MembersPage:
    unit: UnitRow
    members: list[MemberRow]
    page: int
    pages: int
    total: int


async def members_page(services: Services, actor: Actor, unit_id: int, page: int) -> MembersPage:
    unit = await authorize(services, actor, Permission.MANAGE_MEMBERS, unit_id)
    listed = sorted(await people.members_of(services.db, unit_id),
                    key=lambda m: vi_sort_key(m.full_name))  # Vietnamese order
    total = len(listed)
    page, pages = clamp_page(total, page, PAGE_SIZE)
    rows = listed[page * PAGE_SIZE:(page + 1) * PAGE_SIZE]
    return MembersPage(unit, rows, page, pages, total)


async def _managed(services: Services, actor: Actor, membership_id: int,
                   permission: Permission = Permission.MANAGE_MEMBERS) -> MemberRow:
    row = await people.membership(services.db, membership_id)
    if row is None or row.state != "active":
        raise NotFound()
    require(actor, permission, branch=row.unit_id)
    return row


async def open_member(services: Services, actor: Actor, membership_id: int,
                      permission: Permission = Permission.MANAGE_MEMBERS) -> MemberRow:
    """An active member, for an officer who holds ``permission`` in their branch."""
    return await _managed(services, actor, membership_id, permission)


async def view_member(services: Services, actor: Actor, membership_id: int) -> MemberRow:
    """A member's card for an officer: it shows the phone and birth date, so the read is
    audited (who, which branch, whose card)."""
    row = await _managed(services, actor, membership_id, Permission.MANAGE_MEMBERS)
    await _audit(services, actor, row.unit_id, "member.view", row)
    return row


async def _audit(services: Services, actor: Actor, unit_id: int, action: str,
                 row: MemberRow) -> None:
    await audit.log(services.db, at=services.clock.now(), actor_id=actor.telegram_user_id,
                    action=action, unit_id=unit_id, detail=f"person {row.person_id}")


async def toggle_flag(services: Services, actor: Actor, membership_id: int,
                      flag: str) -> MemberRow:
    if flag not in FLAGS:
        raise Invalid("denied")
    row = await _managed(services, actor, membership_id)
    current = {"away": row.is_away, "exempt": row.is_exempt, "213": row.is_213}[flag]
    async with services.db.transaction() as conn:
        await people.set_flag(conn, membership_id, flag, not current)
        await audit.write(conn, at=services.clock.now(), actor_id=actor.telegram_user_id,
                          action=f"member.flag.{flag}", unit_id=row.unit_id,
                          detail=f"person {row.person_id}: {flag} {int(current)} → "
                                 f"{int(not current)}")
    return await _managed(services, actor, membership_id)


async def change_role(services: Services, actor: Actor, membership_id: int,
                      role: str) -> MemberRow:
    if role not in BRANCH_ROLES:
        raise Invalid("role_invalid")
    row = await _managed(services, actor, membership_id)
    if row.role == "secretary" and role != "secretary":
        secretaries = [m for m in await people.members_of(services.db, row.unit_id)
                       if m.role == "secretary"]
        if len(secretaries) <= 1:
            raise Invalid("last_secretary")
    async with services.db.transaction() as conn:
        await people.set_role(conn, membership_id, role)
    await _audit(services, actor, row.unit_id, f"member.role.{role}", row)
    return await _managed(services, actor, membership_id)


async def recognise_official(services: Services, actor: Actor, membership_id: int,
                             on: date) -> MemberRow:
    row = await _managed(services, actor, membership_id)
    if row.admitted_on is not None and on <= row.admitted_on:
        raise Invalid("official_before_admission", date=row.admitted_on.strftime("%d/%m/%Y"))
    # Điều lệ Đảng: recognition only once the 12 months of probation are over.
    if row.admitted_on is not None and on < probation_ends(row.admitted_on):
        raise Invalid("official_too_early", name=row.full_name,
                      admitted=row.admitted_on.strftime("%d/%m/%Y"),
                      ends=probation_ends(row.admitted_on).strftime("%d/%m/%Y"))
    async with services.db.transaction() as conn:
        await people.set_official(conn, membership_id, on)
    await _audit(services, actor, row.unit_id, "member.official", row)
    return await _managed(services, actor, membership_id)


async def move_targets(services: Services, actor: Actor, membership_id: int) -> list[UnitRow]:
    row = await _managed(services, actor, membership_id)
    unit = await unit_or_fail(services, row.unit_id)
    if unit.parent_id is None:
        return []
    return [u for u in await units.branches_of_committee(services.db, unit.parent_id)
            if u.id != unit.id]


async def move_member(services: Services, actor: Actor, membership_id: int,
                      to_unit: int) -> tuple[MemberRow, UnitRow, UnitRow]:
    row = await _managed(services, actor, membership_id)
    targets = {u.id: u for u in await move_targets(services, actor, membership_id)}
    if to_unit not in targets:
        raise NotFound("unit_not_found")
    old = await unit_or_fail(services, row.unit_id)
    withdrawn = await hooks.membership().invited_upcoming(services, row.person_id, row.unit_id)
    async with services.db.transaction() as conn:
        await people.move_membership(conn, membership_id, to_unit, services.clock.now())
        await assignments.end_for_member(conn, row.person_id, row.unit_id, today_in(services))
    await _audit(services, actor, row.unit_id, f"member.move.{to_unit}", row)
    await hooks.membership().after_transfer(services, row.person_id, row.full_name, old,
                                    targets[to_unit], withdrawn)
    return row, old, targets[to_unit]


async def remove_member(services: Services, actor: Actor,
                        membership_id: int) -> tuple[MemberRow, UnitRow]:
    """End the membership (history kept); the member's period ends now, so later meetings
    no longer list, invite or count them. Returns the member and the branch left."""
    row = await _managed(services, actor, membership_id)
    if row.role == "secretary":
        raise Invalid("last_secretary")
    unit = await unit_or_fail(services, row.unit_id)
    async with services.db.transaction() as conn:
        await people.end_membership(conn, membership_id, "left", services.clock.now())
        await invites.revoke_pending(conn, row.person_id, services.clock.now())
        await assignments.end_for_member(conn, row.person_id, row.unit_id, today_in(services))
    await _audit(services, actor, row.unit_id, "member.remove", row)
    return row, unit


async def erase_member(services: Services, actor: Actor, membership_id: int) -> MemberRow:
    row = await _managed(services, actor, membership_id, Permission.HANDLE_PERSONAL_DATA)
    if row.role == "secretary":
        raise Invalid("last_secretary")
    now = services.clock.now()
    async with services.db.transaction() as conn:
        await invites.revoke_pending(conn, row.person_id, now)
        await people.erase_personal_data(conn, row.person_id, now)
        await people.end_membership(conn, membership_id, "left", now)
        await assignments.end_for_member(conn, row.person_id, row.unit_id, today_in(services))
    await _audit(services, actor, row.unit_id, "member.erase", row)
    return row


async def new_link(services: Services, actor: Actor, membership_id: int) -> IssuedInvite:
    row = await _managed(services, actor, membership_id)
    return await issue_invite(services, unit_id=row.unit_id, full_name=row.full_name,
                              role=row.role, created_by=actor.person_id,
                              person_id=row.person_id)


async def revoke_links(services: Services, actor: Actor, membership_id: int) -> tuple[MemberRow,
                                                                                      int]:
    row = await _managed(services, actor, membership_id)
    async with services.db.transaction() as conn:
        count = await invites.revoke_pending(conn, row.person_id, services.clock.now())
    return row, count


# --- a person's own record ----------------------------------------------------------------


@dataclass
class MyRecord:
    full_name: str
    phone: str | None
    memberships: list[tuple[MemberRow, UnitRow]] = field(default_factory=list)
    committee: list[tuple[UnitRow, str]] = field(default_factory=list)
    follows: list[UnitRow] = field(default_factory=list)


async def my_record(services: Services, actor: Actor) -> MyRecord:
    if actor.person_id is None:
        raise NotFound("me_unregistered")
    person = await people.person(services.db, actor.person_id)
    assert person is not None
    record = MyRecord(person.full_name, person.phone)
    for row in await people.memberships_of_person(services.db, actor.person_id):
        unit = await units.get_unit(services.db, row.unit_id)
        if unit is not None:
            record.memberships.append((row, unit))
    for c in await roles.committee_roles(services.db, actor.person_id):
        unit = await units.get_unit(services.db, c.unit_id)
        if unit is not None:
            record.committee.append((unit, c.role))
    for unit_id in actor.followed_branches:
        unit = await units.get_unit(services.db, unit_id)
        if unit is not None:
            record.follows.append(unit)
    return record
