"""/households for officers: the month's status per member, the list, a household's
card (edit, assign, remove) and adding one by hand."""

from __future__ import annotations

from telegram import Update

from bot.core import callbacks, inputs
from bot.core import formatting as fmt
from bot.core.inputs import Waiting
from bot.duties import assignments
from bot.duties import households as svc
from bot.duties.card import household_label, state_text
from bot.duties.households import HouseholdDetail, MonthStatus
from bot.members.registration import officer_branch
from bot.texts import Texts
from handlers.assign import ASG
from handlers.base import Asker, ButtonRow, asker
from handlers.context import ChiboContext
from handlers.inputs import ask_for, route

HH = "hh"
MAX_TEXT = 3900


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
    await _show_status(who, officer_branch(who.actor))


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
                       [[(texts("hh_btn_add"), callbacks.build(HH, "add", unit_id))]])
        return
    await who.show(status_text(status, texts), [
        [(texts("hh_btn_list"), callbacks.build(HH, "p", unit_id, 0)),
         (texts("hh_btn_add"), callbacks.build(HH, "add", unit_id))],
        [(texts("hh_btn_assign"), callbacks.build(ASG, "menu", unit_id))],
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
                      callbacks.build(HH, "o", household.id))])
    nav: list[tuple[str, str]] = []
    if view.page > 0:
        nav.append((texts("btn_prev"), callbacks.build(HH, "p", unit_id, view.page - 1)))
    if view.page + 1 < view.pages:
        nav.append((texts("btn_next"), callbacks.build(HH, "p", unit_id, view.page + 1)))
    rows.append(nav)
    rows.append([(texts("hh_btn_status"), callbacks.build(HH, "s", unit_id)),
                 (texts("hh_btn_add"), callbacks.build(HH, "add", unit_id))])
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
    edit = [(texts("hh_btn_edit", field=texts(f"hh_field_{code}")),
             callbacks.build(HH, "e", hid, code)) for code in svc.FIELDS]
    follow = [(texts("hh_btn_follow"), callbacks.build(ASG, "hm", hid, 0))]
    if detail.household.member_id is not None:
        follow.append((texts("hh_btn_unassign"), callbacks.build(HH, "un", hid)))
    return [edit[:3], edit[3:], follow,
            [(texts("hh_btn_remove"), callbacks.build(HH, "rm", hid))],
            [(texts("btn_back_list"), callbacks.build(HH, "p", detail.household.unit_id, 0))]]


async def show_card(who: Asker, household_id: int, toast: str | None = None,
                    *, new_message: bool = False) -> None:
    detail = await svc.household_detail(who.services, who.actor, household_id)
    text, rows = card_text(detail, who.texts), card_rows(detail, who.texts)
    if new_message:
        await who.say(text, rows)
    else:
        await who.show(text, rows, toast=toast)


async def on_button(update: Update, context: ChiboContext) -> None:
    who = await asker(update, context)
    parts = callbacks.split(update.callback_query.data if update.callback_query else None, HH)
    if not parts or len(parts) < 2:
        await who.toast(who.texts("button_expired"))
        return
    action, first = parts[0], callbacks.as_int(parts[1])
    if first is None:
        await who.toast(who.texts("button_expired"))
        return
    services, actor, texts = who.services, who.actor, who.texts
    page = callbacks.as_int(parts[2]) if len(parts) == 3 else None
    if action == "s":
        await _show_status(who, officer_branch(actor, first))
    elif action == "p" and page is not None:
        await _show_page(who, first, page)
    elif action == "o":
        await show_card(who, first)
    elif action == "add":
        officer_branch(actor, first)
        await who.toast()
        await ask_for(who, "hh_add", {"unit": first}, texts("hh_ask_new"))
    elif action == "e" and len(parts) == 3 and parts[2] in svc.FIELDS:
        household = await svc.open_household(services, actor, first)
        await who.toast()
        await ask_for(who, "hh_edit", {"household": first, "field": parts[2]},
                      texts("hh_ask_field", field=texts(f"hh_field_{parts[2]}").lower(),
                            household=household.head_name))
    elif action == "un":
        household = await assignments.unassign(services, actor, first)
        await show_card(who, first, texts("hh_unassigned_done",
                                          household=household.head_name))
    elif action == "rm":
        household = await svc.open_household(services, actor, first)
        await who.show(texts("hh_remove_confirm", household=household_label(household,
                                                                             texts.lang)), [
            [(texts("hh_btn_confirm_remove"), callbacks.build(HH, "rmy", first))],
            [(texts("btn_cancel"), callbacks.build(HH, "o", first))],
        ])
    elif action == "rmy":
        household = await svc.remove_household(services, actor, first)
        await who.show(texts("hh_removed", household=household.head_name),
                       [[(texts("btn_back_list"), callbacks.build(HH, "p", household.unit_id,
                                                                  0))]])
    else:
        await who.toast(texts("button_expired"))


@route("hh_add")
async def _add(who: Asker, waiting: Waiting, text: str) -> None:
    household = await svc.add_household(who.services, who.actor, int(waiting.data["unit"]), text)
    await inputs.forget(who.services, who.user_id)
    await who.say(who.texts("hh_added", household=household_label(household, who.texts.lang)))
    await show_card(who, household.id, new_message=True)


@route("hh_edit")
async def _edit(who: Asker, waiting: Waiting, text: str) -> None:
    code = str(waiting.data["field"])
    household = await svc.edit_household(who.services, who.actor,
                                         int(waiting.data["household"]), code, text)
    await inputs.forget(who.services, who.user_id)
    await who.say(who.texts("hh_edited", field=who.texts(f"hh_field_{code}").lower(),
                            household=household.head_name))
    await show_card(who, household.id, new_message=True)
