"""/households for officers: the month's status per member, the list, a household's
card (edit, assign, remove) and adding one by hand."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from telegram import Update

from bot.core import formatting as fmt
from bot.core import inputs
from bot.core.inputs import Pending
from bot.core.permissions import Permission, acting_branch
from bot.duties import assignments
from bot.duties import households as svc
from bot.duties.buttons import (
    AssignHouseholdMembers,
    AssignMenu,
    BranchHouseholds,
    BranchHouseholdsAction,
    HouseholdAction,
    HouseholdButton,
    HouseholdEdit,
    HouseholdPage,
)
from bot.duties.card import household_label, state_text
from bot.duties.fields import FIELD_KEYS, HOUSEHOLD_FIELDS, HouseholdField
from bot.duties.households import HouseholdDetail, MonthStatus
from bot.texts import Texts
from handlers.base import Asker, ButtonRow, Taps, asker
from handlers.context import ChiboContext
from handlers.inputs import ask_for, route

H = HouseholdAction
B = BranchHouseholdsAction
MAX_TEXT = 3900


def _data(action: HouseholdAction, household: int) -> str:
    return HouseholdButton(action, household).encode()


def _branch(action: BranchHouseholdsAction, branch: int) -> str:
    return BranchHouseholds(action, branch).encode()


def _page_data(branch: int, page: int) -> str:
    return HouseholdPage(branch, page).encode()


def fit(lines: list[str], more: str) -> str:
    """Join lines, stopping before Telegram's length limit with a "… and k more" line."""
    out: list[str] = []
    size = 0
    for n, line in enumerate(lines):
        if size + len(line) > MAX_TEXT:
            out.append(more.format(count=len(lines) - n))
            break
        out.append(line)
        size += len(line) + 1
    return "\n".join(out)


async def households_cmd(update: Update, context: ChiboContext) -> None:
    who = await asker(update, context)
    await _show_status(who, acting_branch(who.actor, Permission.MANAGE_HOUSEHOLDS))


def status_text(status: MonthStatus, texts: Texts) -> str:
    lines = [texts("hh_status_header", unit=status.unit.name,
                   households=fmt.number(status.households, texts.lang),
                   unassigned=status.unassigned)]
    if not status.members:
        lines.append(texts("hh_status_nobody"))
        return "\n".join(lines)
    lines.append(texts("hh_status_month", month=fmt.month(status.period),
                       done=len(status.done), members=len(status.members),
                       problems=status.problems))
    for title, group in (("hh_status_missing_title", status.missing),
                         ("hh_status_done_title", status.done)):
        if group:
            lines.append(texts(title))
        for m in group:
            problems = texts("hh_status_problems", count=m.problems) if m.problems else ""
            lines.append(texts("hh_status_line", name=m.full_name, reported=m.reported,
                               total=m.households, problems=problems))
    return fit(lines, texts("hh_more"))


async def _show_status(who: Asker, unit_id: int) -> None:
    status = await svc.month_status(who.services, who.actor, unit_id)
    texts = who.texts
    if status.households == 0:
        await who.show(texts("hh_empty", unit=status.unit.name),
                       [[(texts("hh_btn_add"), _branch(B.ADD, unit_id))]])
        return
    await who.show(status_text(status, texts), [
        [(texts("hh_btn_list"), _page_data(unit_id, 0)),
         (texts("hh_btn_add"), _branch(B.ADD, unit_id))],
        [(texts("hh_btn_assign"), AssignMenu(unit_id).encode())],
    ])


async def _show_page(who: Asker, unit_id: int, page: int) -> None:
    view = await svc.households_page(who.services, who.actor, unit_id, page)
    texts = who.texts
    lines = [texts("hh_list_header", unit=view.unit.name, count=fmt.number(view.total,
                   texts.lang), page=view.page + 1, pages=view.pages)]
    rows: list[ButtonRow] = []
    for n, household in enumerate(view.households, start=view.page * svc.PAGE_SIZE + 1):
        lines.append(texts("hh_list_line", n=n,
                           household=household_label(household, texts.lang),
                           member=household.member_name or texts("hh_unassigned")))
        rows.append([(f"{n}. {household.head_name}"[:60],
                      _data(H.OPEN, household.id))])
    nav: list[tuple[str, str]] = []
    if view.page > 0:
        nav.append((texts("btn_prev"), _page_data(unit_id, view.page - 1)))
    if view.page + 1 < view.pages:
        nav.append((texts("btn_next"), _page_data(unit_id, view.page + 1)))
    rows.append(nav)
    rows.append([(texts("hh_btn_status"), _branch(B.STATUS, unit_id)),
                 (texts("hh_btn_add"), _branch(B.ADD, unit_id))])
    await who.show("\n".join(lines), rows)


def card_text(detail: HouseholdDetail, texts: Texts) -> str:
    h = detail.household
    none = texts("unknown_value")
    lines = [texts("hh_card", head=h.head_name, hamlet=h.hamlet or none,
                   house=h.house_number or none, address=h.address or none,
                   notes=h.notes or none, member=h.member_name or texts("hh_unassigned"),
                   month=fmt.month(detail.period),
                   report=state_text(detail.report, texts.lang))]
    if detail.history:
        lines.append(texts("hh_history_title"))
        for a in detail.history:
            lines.append(texts("hh_history_line", name=a.full_name, start=fmt.day(a.from_date),
                               end=fmt.day(a.to_date) if a.to_date else texts("hh_history_now")))
    return fit(lines, texts("hh_more"))


def card_rows(detail: HouseholdDetail, texts: Texts) -> list[ButtonRow]:
    hid = detail.household.id
    edit = [(texts("hh_btn_edit", field=texts(FIELD_KEYS[code])),
             HouseholdEdit(hid, code).encode()) for code in HOUSEHOLD_FIELDS]
    follow = [(texts("hh_btn_follow"),
               AssignHouseholdMembers(hid, 0).encode())]
    if detail.household.member_id is not None:
        follow.append((texts("hh_btn_unassign"), _data(H.UNASSIGN, hid)))
    return [edit[:3], edit[3:], follow,
            [(texts("hh_btn_remove"), _data(H.REMOVE, hid))],
            [(texts("btn_back_list"), _page_data(detail.household.unit_id, 0))]]


async def show_card(who: Asker, household_id: int, toast: str | None = None,
                    *, new_message: bool = False) -> None:
    detail = await svc.household_detail(who.services, who.actor, household_id)
    text, rows = card_text(detail, who.texts), card_rows(detail, who.texts)
    if new_message:
        await who.say(text, rows)
    else:
        await who.show(text, rows, toast=toast)


@dataclass(frozen=True)
class HouseholdNew(Pending, kind="hh_add"):
    """The head (and details) of a household added by hand to the branch ``unit``."""

    unit: int


@dataclass(frozen=True)
class HouseholdFieldValue(Pending, kind="hh_edit"):
    """The new value of one field of a household."""

    household: int
    field: HouseholdField


# --- the buttons: one function per family (or action), chosen by a table ---------------

TAPS = Taps(HouseholdButton.PREFIX)


@TAPS.on(BranchHouseholds)
async def _branch_tap(who: Asker, button: BranchHouseholds) -> None:
    if button.action == B.STATUS:
        await _show_status(who, acting_branch(who.actor, Permission.MANAGE_HOUSEHOLDS,
                                               button.branch))
        return
    acting_branch(who.actor, Permission.MANAGE_HOUSEHOLDS, button.branch)
    await who.toast()
    await ask_for(who, HouseholdNew(button.branch), who.texts("hh_ask_new"))


@TAPS.on(HouseholdPage)
async def _page(who: Asker, button: HouseholdPage) -> None:
    await _show_page(who, button.branch, button.page)


@TAPS.on(HouseholdEdit)
async def _ask_field(who: Asker, button: HouseholdEdit) -> None:
    household = await svc.open_household(who.services, who.actor, button.household)
    await who.toast()
    await ask_for(who, HouseholdFieldValue(button.household, button.field),
                  who.texts("hh_ask_field", field=who.texts(FIELD_KEYS[button.field]).lower(),
                            household=household.head_name))


async def _open(who: Asker, household_id: int) -> None:
    await show_card(who, household_id)


async def _unassign(who: Asker, household_id: int) -> None:
    household = await assignments.unassign(who.services, who.actor, household_id)
    await show_card(who, household_id, who.texts("hh_unassigned_done",
                                                 household=household.head_name))


async def _confirm_remove(who: Asker, household_id: int) -> None:
    texts = who.texts
    household = await svc.open_household(who.services, who.actor, household_id)
    await who.show(texts("hh_remove_confirm", household=household_label(household,
                                                                         texts.lang)), [
        [(texts("hh_btn_confirm_remove"), _data(H.REMOVE_YES, household_id))],
        [(texts("btn_cancel"), _data(H.OPEN, household_id))],
    ])


async def _remove(who: Asker, household_id: int) -> None:
    household = await svc.remove_household(who.services, who.actor, household_id)
    await who.show(who.texts("hh_removed", household=household.head_name),
                   [[(who.texts("btn_back_list"), _page_data(household.unit_id, 0))]])


ON_HOUSEHOLD: dict[HouseholdAction, Callable[[Asker, int], Awaitable[None]]] = {
    H.OPEN: _open, H.UNASSIGN: _unassign, H.REMOVE: _confirm_remove, H.REMOVE_YES: _remove,
}


@TAPS.on(HouseholdButton)
async def _household_tap(who: Asker, button: HouseholdButton) -> None:
    await ON_HOUSEHOLD[button.action](who, button.household)


@route(HouseholdNew)
async def _add(who: Asker, pending: HouseholdNew, text: str) -> None:
    household = await svc.add_household(who.services, who.actor, pending.unit, text)
    await inputs.forget(who.services, who.user_id)
    await who.say(who.texts("hh_added", household=household_label(household, who.texts.lang)))
    await show_card(who, household.id, new_message=True)


@route(HouseholdFieldValue)
async def _edit(who: Asker, pending: HouseholdFieldValue, text: str) -> None:
    code = pending.field
    household = await svc.edit_household(who.services, who.actor, pending.household, code,
                                         text)
    await inputs.forget(who.services, who.user_id)
    await who.say(who.texts("hh_edited", field=who.texts(FIELD_KEYS[code]).lower(),
                            household=household.head_name))
    await show_card(who, household.id, new_message=True)
