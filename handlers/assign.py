"""/assign for officers: pick a member and tick their households, or pick a
household and pick its member."""

from __future__ import annotations

from telegram import Update

from bot.core import callbacks
from bot.core.permissions import Permission, acting_branch
from bot.duties import assignments as svc
from bot.duties.assignments import Page
from bot.duties.households import open_household
from bot.texts import Texts
from handlers.base import Asker, ButtonRow, asker
from handlers.context import ChiboContext

ASG = "asg"
# asg:menu:<unit>                   choose how
# asg:m:<unit>:<page>               members             -> asg:t:<unit>:<person>:<page>
# asg:t:<unit>:<person>:<page>      a member's tick list -> asg:x:<unit>:<person>:<hh>:<page>
# asg:ok:<unit>:<person>            done ticking
# asg:h:<unit>:<page>               households           -> asg:hm:<hh>:<page>
# asg:hm:<hh>:<page>                members for one household -> asg:a:<hh>:<person>


async def assign_cmd(update: Update, context: ChiboContext) -> None:
    who = await asker(update, context)
    await _menu(who, acting_branch(who.actor, Permission.MANAGE_HOUSEHOLDS))


async def _menu(who: Asker, unit_id: int) -> None:
    acting_branch(who.actor, Permission.MANAGE_HOUSEHOLDS, unit_id)
    await who.show(who.texts("asg_choose"), [
        [(who.texts("asg_btn_by_member"), callbacks.build(ASG, "m", unit_id, 0)),
         (who.texts("asg_btn_by_household"), callbacks.build(ASG, "h", unit_id, 0))],
    ])


def _nav(texts: Texts, at: Page, *head: str | int) -> list[tuple[str, str]]:
    nav: list[tuple[str, str]] = []
    if at.page > 0:
        nav.append((texts("btn_prev"), callbacks.build(ASG, *head, at.page - 1)))
    if at.page + 1 < at.pages:
        nav.append((texts("btn_next"), callbacks.build(ASG, *head, at.page + 1)))
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
        data = (callbacks.build(ASG, "a", household_id, member.person_id)
                if household_id is not None
                else callbacks.build(ASG, "t", unit_id, member.person_id, 0))
        rows.append([(label, data)])
    if household is not None:
        rows.append(_nav(texts, at, "hm", household.id))
        rows.append([(texts("btn_cancel"), callbacks.build(ASG, "h", unit_id, 0))])
        text = texts("asg_pick_member_for", household=household.head_name,
                     page=at.page + 1, pages=at.pages)
    else:
        rows.append(_nav(texts, at, "m", unit_id))
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
        rows.append([(label[:60], callbacks.build(ASG, "x", unit_id, person_id, household.id,
                                                  board.at.page))])
    rows.append(_nav(texts, board.at, "t", unit_id, person_id))
    rows.append([(texts("asg_btn_done"), callbacks.build(ASG, "ok", unit_id, person_id))])
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
          callbacks.build(ASG, "hm", h.id, 0))]
        for n, h in enumerate(shown, start=at.first)
    ]
    rows.append(_nav(texts, at, "h", unit_id))
    await who.show(texts("asg_pick_household", page=at.page + 1, pages=at.pages), rows)


async def on_button(update: Update, context: ChiboContext) -> None:
    who = await asker(update, context)
    parts = callbacks.split(update.callback_query.data if update.callback_query else None, ASG)
    ids = [callbacks.as_int(p) for p in parts[1:]] if parts else []
    if not parts or not ids or any(i is None for i in ids):
        await who.toast(who.texts("button_expired"))
        return
    action, n = parts[0], [i for i in ids if i is not None]
    texts = who.texts
    if action == "menu" and len(n) == 1:
        await _menu(who, n[0])
    elif action == "m" and len(n) == 2:
        await _members(who, n[0], n[1])
    elif action == "t" and len(n) == 3:
        await _board(who, n[0], n[1], n[2])
    elif action == "x" and len(n) == 4:
        household, member = await svc.toggle(who.services, who.actor, n[2], n[1])
        key = "asg_toast_on" if household.member_id == member.person_id else "asg_toast_off"
        await _board(who, n[0], n[1], n[3], toast=texts(key, head=household.head_name,
                                                        name=member.full_name))
    elif action == "ok" and len(n) == 2:
        board = await svc.board(who.services, who.actor, n[0], n[1], 0)
        await who.show(texts("asg_done", name=board.member.full_name, count=board.following),
                       [[(texts("asg_btn_by_member"), callbacks.build(ASG, "m", n[0], 0))]])
    elif action == "h" and len(n) == 2:
        await _households(who, n[0], n[1])
    elif action == "hm" and len(n) == 2:
        await _members(who, 0, n[1], household_id=n[0])
    elif action == "a" and len(n) == 2:
        household, member = await svc.assign(who.services, who.actor, n[0], n[1])
        await who.show(texts("asg_assigned", household=household.head_name,
                             name=member.full_name),
                       [[(texts("asg_btn_by_household"),
                          callbacks.build(ASG, "h", household.unit_id, 0))]])
    else:
        await who.toast(texts("button_expired"))
