"""A branch's households, kept by its officers: list, card, add, edit, remove,
and the month's reporting status per member.

Every function loads the household first and checks that the caller is an
officer of *its* branch, whatever the button said.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from bot.core.access import Actor
from bot.core.clock import today_in
from bot.core.errors import Invalid, NotFound
from bot.core.names import clean_name, has_control_chars, name_key, normalize_name, vi_sort_key
from bot.core.paging import clamp_page
from bot.core.permissions import Permission, authorize, require
from bot.core.services import Services
from bot.duties.fields import FIELDS
from bot.duties.reports import current_period
from storage import assignments, audit, duties, households
from storage.assignments import Assignment
from storage.duties import DutyReport, MemberStatus
from storage.households import Household
from storage.units import UnitRow

PAGE_SIZE = 10
MAX_FIELD = 200
MAX_NOTES = 500
CLEAR = "-"

T = TypeVar("T")


def paginate(items: Sequence[T], page: int, size: int) -> tuple[list[T], int, int]:
    """(the page's items, the page actually shown, how many pages)."""
    page, pages = clamp_page(len(items), page, size)
    return list(items[page * size:(page + 1) * size]), page, pages


@dataclass(frozen=True)
class HouseholdsPage:
    unit: UnitRow
    households: list[Household]
    page: int
    pages: int
    total: int


@dataclass(frozen=True)
class MonthStatus:
    unit: UnitRow
    period: str
    households: int
    unassigned: int
    members: list[MemberStatus]

    @property
    def done(self) -> list[MemberStatus]:
        return [m for m in self.members if m.complete]

    @property
    def missing(self) -> list[MemberStatus]:
        return [m for m in self.members if not m.complete]

    @property
    def problems(self) -> int:
        return sum(m.problems for m in self.members)


@dataclass(frozen=True)
class HouseholdDetail:
    household: Household
    history: list[Assignment]
    period: str
    report: DutyReport | None


async def month_status(services: Services, actor: Actor, unit_id: int) -> MonthStatus:
    unit = await authorize(services, actor, Permission.MANAGE_HOUSEHOLDS, unit_id)
    period = current_period(services)
    listed = await households.of_unit(services.db, unit_id)
    return MonthStatus(
        unit=unit, period=period, households=len(listed),
        unassigned=sum(1 for h in listed if h.member_id is None),
        members=sorted(await duties.unit_status(services.db, unit_id, period),
                       key=lambda m: vi_sort_key(m.full_name)),
    )


async def households_page(services: Services, actor: Actor, unit_id: int,
                          page: int) -> HouseholdsPage:
    unit = await authorize(services, actor, Permission.MANAGE_HOUSEHOLDS, unit_id)
    listed = sorted(await households.of_unit(services.db, unit_id),
                    key=lambda h: vi_sort_key(h.head_name))  # Vietnamese order
    rows, page, pages = paginate(listed, page, PAGE_SIZE)
    return HouseholdsPage(unit, rows, page, pages, len(listed))


async def open_household(services: Services, actor: Actor, household_id: int) -> Household:
    household = await households.get(services.db, household_id)
    if household is None or household.removed:
        raise NotFound()
    require(actor, Permission.MANAGE_HOUSEHOLDS, branch=household.unit_id)
    return household


async def household_detail(services: Services, actor: Actor,
                           household_id: int) -> HouseholdDetail:
    household = await open_household(services, actor, household_id)
    period = current_period(services)
    found = await duties.reports(services.db, period, [household.id])
    return HouseholdDetail(household, await assignments.history(services.db, household.id),
                           period, found.get(household.id))


def clean_field(code: str, text: str) -> str | None:
    """A typed value for one field; ``-`` empties an optional field."""
    if code not in FIELDS:
        raise Invalid("button_expired")
    if code == "head":
        return clean_name(text)
    value = normalize_name(text)
    if not value or value == CLEAR:
        return None
    limit = MAX_NOTES if code == "notes" else MAX_FIELD
    if len(value) > limit:
        raise Invalid("hh_field_too_long", limit=limit)
    if has_control_chars(value):
        raise Invalid("hh_field_invalid")
    return value


def parse_new(text: str) -> dict[str, str | None]:
    """``head | hamlet | house number | address | notes``; only the head is required."""
    parts = [p.strip() for p in text.split("|")]
    if len(parts) > len(FIELDS):
        raise Invalid("hh_add_format")
    parts += [""] * (len(FIELDS) - len(parts))
    return {code: clean_field(code, value) for code, value in zip(FIELDS, parts, strict=True)}


async def add_household(services: Services, actor: Actor, unit_id: int,
                        text: str) -> Household:
    require(actor, Permission.MANAGE_HOUSEHOLDS, branch=unit_id)
    values = parse_new(text)
    head = values["head"]
    assert head is not None
    key = (name_key(head), name_key(values["address"] or ""))
    for existing in await households.of_unit(services.db, unit_id):
        if (name_key(existing.head_name), name_key(existing.address or "")) == key:
            raise Invalid("hh_duplicate", head=existing.head_name)
    now = services.clock.now()
    async with services.db.transaction() as conn:
        household_id = await households.add(
            conn, unit_id=unit_id, head_name=head, name_key=name_key(head), now=now,
            hamlet=values["hamlet"], house_number=values["house"], address=values["address"],
            notes=values["notes"])
        await audit.write(conn, at=now, actor_id=actor.telegram_user_id, unit_id=unit_id,
                          action="household.add", detail=f"household {household_id}")
    return await open_household(services, actor, household_id)


async def edit_household(services: Services, actor: Actor, household_id: int, code: str,
                         text: str) -> Household:
    household = await open_household(services, actor, household_id)
    value = clean_field(code, text)
    now = services.clock.now()
    async with services.db.transaction() as conn:
        await households.set_field(conn, household.id, FIELDS[code], value,
                                   name_key(value) if value else None)
        await audit.write(conn, at=now, actor_id=actor.telegram_user_id,
                          unit_id=household.unit_id, action=f"household.edit.{code}",
                          detail=f"household {household.id}")
    return await open_household(services, actor, household.id)


async def remove_household(services: Services, actor: Actor, household_id: int) -> Household:
    """Removed from the lists; its assignment ends today; history and reports stay."""
    household = await open_household(services, actor, household_id)
    now = services.clock.now()
    async with services.db.transaction() as conn:
        await households.remove(conn, household.id, now)
        await assignments.unassign(conn, household.id, today_in(services))
        await audit.write(conn, at=now, actor_id=actor.telegram_user_id,
                          unit_id=household.unit_id, action="household.remove",
                          detail=f"household {household.id}")
    return household
