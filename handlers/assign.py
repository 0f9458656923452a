"""/assign for officers: pick a member and tick their households, or pick a
household and pick its member."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update

from bot.core.permissions import Permission, acting_branch
from bot.duties import assignments as svc
from bot.duties.assignments import Page
from bot.duties.buttons import AssignAction, AssignButton
from bot.duties.households import open_household
from bot.texts import Texts
from handlers.base import Asker, ButtonRow, asker, tap
from handlers.context import ChiboContext

G = AssignAction  # the ids each action carries are listed in bot.duties.buttons


def _data(action: AssignAction, *ids: int) -> str:
    return AssignButton(action, ids).encode()


async def assign_cmd(update: Update, context: ChiboContext) -> None:
    who = await asker(update, context)
    await _menu(who, acting_branch(who.actor, Permission.MANAGE_HOUSEHOLDS))


async def _menu(who: Asker, unit_id: int) -> None:
    acting_branch(who.actor, Permission.MANAGE_HOUSEHOLDS, unit_id)
    await who.show(who.texts("asg_choose"), [
        [(who.texts("asg_btn_by_member"), _data(G.MEMBERS, unit_id, 0)),
         (who.texts("asg_btn_by_household"), _data(G.HOUSEHOLDS, unit_id, 0))],
    ])


def _nav(texts: Texts, at: Page, action: AssignAction, *head: int) -> list[tuple[str, str]]:
    nav: list[tuple[str, str]] = []
    if at.page > 0:
        nav.append((texts("btn_prev"), _data(action, *head, at.page - 1)))
    if at.page + 1 < at.pages:
        nav.append((texts("btn_next"), _data(action, *head, at.page + 1)))
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
        data = (_data(G.ASSIGN, household_id, member.person_id)
                if household_id is not None
                else _data(G.TICKS, unit_id, member.person_id, 0))
        rows.append([(label, data)])
    if household is not None:
        rows.append(_nav(texts, at, G.HOUSEHOLD_MEMBERS, household.id))
        rows.append([(texts("btn_cancel"), _data(G.HOUSEHOLDS, unit_id, 0))])
        text = texts("asg_pick_member_for", household=household.head_name,
                     page=at.page + 1, pages=at.pages)
    else:
        rows.append(_nav(texts, at, G.MEMBERS, unit_id))
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
                      _data(G.TICK, unit_id, person_id, household.id, board.at.page))])
    rows.append(_nav(texts, board.at, G.TICKS, unit_id, person_id))
    rows.append([(texts("asg_btn_done"), _data(G.DONE, unit_id, person_id))])
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
          _data(G.HOUSEHOLD_MEMBERS, h.id, 0))]
        for n, h in enumerate(shown, start=at.first)
    ]
    rows.append(_nav(texts, at, G.HOUSEHOLDS, unit_id))
    await who.show(texts("asg_pick_household", page=at.page + 1, pages=at.pages), rows)


async def _household_members(who: Asker, household_id: int, page: int) -> None:
    await _members(who, 0, page, household_id=household_id)


async def _tick(who: Asker, unit_id: int, person_id: int, household_id: int,
                page: int) -> None:
    household, member = await svc.toggle(who.services, who.actor, household_id, person_id)
    key = "asg_toast_on" if household.member_id == member.person_id else "asg_toast_off"
    await _board(who, unit_id, person_id, page, toast=who.texts(
        key, head=household.head_name, name=member.full_name))


async def _done(who: Asker, unit_id: int, person_id: int) -> None:
    board = await svc.board(who.services, who.actor, unit_id, person_id, 0)
    await who.show(who.texts("asg_done", name=board.member.full_name, count=board.following),
                   [[(who.texts("asg_btn_by_member"), _data(G.MEMBERS, unit_id, 0))]])


async def _assign(who: Asker, household_id: int, person_id: int) -> None:
    household, member = await svc.assign(who.services, who.actor, household_id, person_id)
    await who.show(who.texts("asg_assigned", household=household.head_name,
                             name=member.full_name),
                   [[(who.texts("asg_btn_by_household"),
                      _data(G.HOUSEHOLDS, household.unit_id, 0))]])


# Each takes the button's ids, as many as AssignButton checked the action carries.
ACTIONS: dict[AssignAction, Callable[..., Awaitable[None]]] = {
    G.MENU: _menu, G.MEMBERS: _members, G.TICKS: _board, G.TICK: _tick, G.DONE: _done,
    G.HOUSEHOLDS: _households, G.HOUSEHOLD_MEMBERS: _household_members, G.ASSIGN: _assign,
}


@tap(AssignButton)
async def on_button(who: Asker, button: AssignButton) -> None:
    await ACTIONS[button.action](who, *button.ids)
