"""/assign for officers: pick a member and tick their households, or pick a
household and pick its member."""

from __future__ import annotations

from collections.abc import Callable

from telegram import Update

from bot.core.callbacks import Codec
from bot.core.permissions import Permission, acting_branch
from bot.duties import assignments as svc
from bot.duties.assignments import Page
from bot.duties.buttons import (
    AssignDone,
    AssignHouseholdMembers,
    AssignHouseholds,
    AssignMembers,
    AssignMenu,
    AssignTick,
    AssignTicks,
    AssignTo,
)
from bot.duties.households import open_household
from bot.texts import Texts
from handlers.base import Asker, ButtonRow, Taps, asker
from handlers.context import ChiboContext

TAPS = Taps(AssignMenu.PREFIX)  # each step a family of its own: bot.duties.buttons
PageOf = Callable[[int], Codec]  # the button that shows a page of the same list


async def assign_cmd(update: Update, context: ChiboContext) -> None:
    who = await asker(update, context)
    await _menu(who, AssignMenu(acting_branch(who.actor, Permission.MANAGE_HOUSEHOLDS)))


@TAPS.on(AssignMenu)
async def _menu(who: Asker, button: AssignMenu) -> None:
    acting_branch(who.actor, Permission.MANAGE_HOUSEHOLDS, button.unit)
    await who.show(who.texts("asg_choose"), [
        [(who.texts("asg_btn_by_member"), AssignMembers(button.unit, 0).encode()),
         (who.texts("asg_btn_by_household"), AssignHouseholds(button.unit, 0).encode())],
    ])


def _nav(texts: Texts, at: Page, page_of: PageOf) -> list[tuple[str, str]]:
    nav: list[tuple[str, str]] = []
    if at.page > 0:
        nav.append((texts("btn_prev"), page_of(at.page - 1).encode()))
    if at.page + 1 < at.pages:
        nav.append((texts("btn_next"), page_of(at.page + 1).encode()))
    return nav


async def _members(who: Asker, unit_id: int, page: int, household_id: int | None = None) -> None:
    """Members to pick: for ticking households, or as the one member of a household."""
    texts = who.texts
    household = None
    if household_id is not None:
        household = await open_household(who.services, who.actor, household_id)
        unit_id = household.unit_id
    shown, at = await svc.members_page(who.services, who.actor, unit_id, page)
    if not shown:
        await who.show(texts("asg_no_members"))
        return
    rows: list[ButtonRow] = []
    for member, count in shown:
        label = texts("asg_member_button", name=member.full_name, count=count)[:60]
        data = (AssignTo(household_id, member.person_id)
                if household_id is not None
                else AssignTicks(unit_id, member.person_id, 0))
        rows.append([(label, data.encode())])
    if household is not None:
        hid = household.id
        rows.append(_nav(texts, at, lambda page: AssignHouseholdMembers(hid, page)))
        rows.append([(texts("btn_cancel"), AssignHouseholds(unit_id, 0).encode())])
        text = texts("asg_pick_member_for", household=household.head_name,
                     page=at.page + 1, pages=at.pages)
    else:
        rows.append(_nav(texts, at, lambda page: AssignMembers(unit_id, page)))
        text = texts("asg_pick_member", page=at.page + 1, pages=at.pages)
    await who.show(text, rows)


async def _board(who: Asker, unit_id: int, person_id: int, page: int,
                 toast: str | None = None) -> None:
    texts = who.texts
    board = await svc.board(who.services, who.actor, unit_id, person_id, page)
    if not board.households:
        await who.show(texts("asg_no_households"))
        return
    rows: list[ButtonRow] = []
    for n, household in enumerate(board.households, start=board.at.first):
        if household.member_id == person_id:
            label = texts("asg_tick_on", n=n, head=household.head_name)
        elif household.member_id is None:
            label = texts("asg_tick_off", n=n, head=household.head_name)
        else:
            label = texts("asg_tick_other", n=n, head=household.head_name,
                          member=household.member_name or "?")
        rows.append([(label[:60],
                      AssignTick(unit_id, person_id, household.id, board.at.page).encode())])
    rows.append(_nav(texts, board.at, lambda page: AssignTicks(unit_id, person_id, page)))
    rows.append([(texts("asg_btn_done"), AssignDone(unit_id, person_id).encode())])
    await who.show(texts("asg_tick_header", name=board.member.full_name, count=board.following,
                         page=board.at.page + 1, pages=board.at.pages), rows, toast=toast)


async def _households(who: Asker, unit_id: int, page: int) -> None:
    texts = who.texts
    shown, at = await svc.households_page(who.services, who.actor, unit_id, page)
    if not shown:
        await who.show(texts("asg_no_households"))
        return
    rows: list[ButtonRow] = [
        [(texts("asg_household_button", n=n, head=h.head_name,
                member=h.member_name or texts("hh_unassigned"))[:60],
          AssignHouseholdMembers(h.id, 0).encode())]
        for n, h in enumerate(shown, start=at.first)
    ]
    rows.append(_nav(texts, at, lambda page: AssignHouseholds(unit_id, page)))
    await who.show(texts("asg_pick_household", page=at.page + 1, pages=at.pages), rows)


@TAPS.on(AssignMembers)
async def _members_tap(who: Asker, button: AssignMembers) -> None:
    await _members(who, button.unit, button.page)


@TAPS.on(AssignTicks)
async def _board_tap(who: Asker, button: AssignTicks) -> None:
    await _board(who, button.unit, button.person, button.page)


@TAPS.on(AssignHouseholds)
async def _households_tap(who: Asker, button: AssignHouseholds) -> None:
    await _households(who, button.unit, button.page)


@TAPS.on(AssignHouseholdMembers)
async def _household_members(who: Asker, button: AssignHouseholdMembers) -> None:
    await _members(who, 0, button.page, household_id=button.household)


@TAPS.on(AssignTick)
async def _tick(who: Asker, button: AssignTick) -> None:
    household, member = await svc.toggle(who.services, who.actor, button.household,
                                         button.person)
    key = "asg_toast_on" if household.member_id == member.person_id else "asg_toast_off"
    await _board(who, button.unit, button.person, button.page, toast=who.texts(
        key, head=household.head_name, name=member.full_name))


@TAPS.on(AssignDone)
async def _done(who: Asker, button: AssignDone) -> None:
    board = await svc.board(who.services, who.actor, button.unit, button.person, 0)
    await who.show(who.texts("asg_done", name=board.member.full_name, count=board.following),
                   [[(who.texts("asg_btn_by_member"), AssignMembers(button.unit, 0).encode())]])


@TAPS.on(AssignTo)
async def _assign(who: Asker, button: AssignTo) -> None:
    household, member = await svc.assign(who.services, who.actor, button.household,
                                         button.person)
    await who.show(who.texts("asg_assigned", household=household.head_name,
                             name=member.full_name),
                   [[(who.texts("asg_btn_by_household"),
                      AssignHouseholds(household.unit_id, 0).encode())]])
