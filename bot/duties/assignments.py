"""Who follows which household: giving a household to a member, taking it back.

A household has at most one member at a time; a change closes the previous
assignment (its ``to_date`` is today) and opens a new one, so history stays.
Only officers of the household's branch may assign, and only to a member
active in that branch.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.access import Actor
from bot.core.clock import today_in
from bot.core.errors import Invalid
from bot.core.names import vi_sort_key
from bot.core.permissions import Permission, require
from bot.core.services import Services
from bot.duties import notices
from bot.duties.households import open_household, paginate
from storage import assignments, audit, households, people
from storage.households import Household
from storage.people import MemberRow

PAGE_SIZE = 8


@dataclass(frozen=True)
class Page:
    """One page of a list shown with buttons; ``first`` numbers its first item."""

    page: int
    pages: int
    first: int


@dataclass(frozen=True)
class Board:
    """The branch's households as one member's tick list."""

    member: MemberRow
    households: list[Household]
    at: Page
    following: int  # households the member follows now, on every page


async def branch_members(services: Services, actor: Actor,
                         unit_id: int) -> list[tuple[MemberRow, int]]:
    """The branch's active members, each with how many households they follow."""
    require(actor, Permission.MANAGE_HOUSEHOLDS, branch=unit_id)
    counts = await assignments.counts(services.db, unit_id)
    listed = sorted(await people.members_of(services.db, unit_id),
                    key=lambda m: vi_sort_key(m.full_name))  # Vietnamese order
    return [(m, counts.get(m.person_id, 0)) for m in listed]


async def branch_member(services: Services, actor: Actor, unit_id: int,
                        person_id: int) -> MemberRow:
    require(actor, Permission.MANAGE_HOUSEHOLDS, branch=unit_id)
    row = await people.member(services.db, unit_id, person_id)
    if row is None or row.state != "active":
        raise Invalid("asg_not_member")
    return row


async def assign(services: Services, actor: Actor, household_id: int,
                 person_id: int) -> tuple[Household, MemberRow]:
    household = await open_household(services, actor, household_id)
    member = await branch_member(services, actor, household.unit_id, person_id)
    now = services.clock.now()
    async with services.db.transaction() as conn:
        opened = await assignments.assign(conn, household.id, person_id, today_in(services))
        if opened:
            await audit.write(conn, at=now, actor_id=actor.telegram_user_id,
                              unit_id=household.unit_id, action="household.assign",
                              detail=f"household {household.id} person {person_id}")
    if opened:
        move = [(opened, household.id)]
        before = household.member_id
        await notices.tell(services, household.unit_id, {person_id: move},
                           {before: move} if before is not None else {})
    return await open_household(services, actor, household.id), member


async def unassign(services: Services, actor: Actor, household_id: int) -> Household:
    household = await open_household(services, actor, household_id)
    now = services.clock.now()
    async with services.db.transaction() as conn:
        if await assignments.unassign(conn, household.id, today_in(services)):
            await audit.write(conn, at=now, actor_id=actor.telegram_user_id,
                              unit_id=household.unit_id, action="household.unassign",
                              detail=f"household {household.id}")
    return await open_household(services, actor, household.id)


async def toggle(services: Services, actor: Actor, household_id: int,
                 person_id: int) -> tuple[Household, MemberRow]:
    """Tick: give the household to the member, or take it back if it was theirs."""
    household = await open_household(services, actor, household_id)
    member = await branch_member(services, actor, household.unit_id, person_id)
    if household.member_id == person_id:
        return await unassign(services, actor, household_id), member
    return await assign(services, actor, household_id, person_id)


async def members_page(services: Services, actor: Actor, unit_id: int,
                       page: int) -> tuple[list[tuple[MemberRow, int]], Page]:
    shown, page, pages = paginate(await branch_members(services, actor, unit_id), page,
                                  PAGE_SIZE)
    return shown, Page(page, pages, page * PAGE_SIZE + 1)


async def households_page(services: Services, actor: Actor, unit_id: int,
                          page: int) -> tuple[list[Household], Page]:
    require(actor, Permission.MANAGE_HOUSEHOLDS, branch=unit_id)
    listed = sorted(await households.of_unit(services.db, unit_id),
                    key=lambda h: vi_sort_key(h.head_name))
    shown, page, pages = paginate(listed, page, PAGE_SIZE)
    return shown, Page(page, pages, page * PAGE_SIZE + 1)


async def board(services: Services, actor: Actor, unit_id: int, person_id: int,
                page: int) -> Board:
    member = await branch_member(services, actor, unit_id, person_id)
    listed = sorted(await households.of_unit(services.db, unit_id),
                    key=lambda h: vi_sort_key(h.head_name))
    shown, page, pages = paginate(listed, page, PAGE_SIZE)
    following = sum(1 for h in listed if h.member_id == person_id)
    return Board(member, shown, Page(page, pages, page * PAGE_SIZE + 1), following)
