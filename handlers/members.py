"""/invite, /members (list, card, standing, role, move, remove, erase) and /me."""

from __future__ import annotations

from datetime import date

from telegram import Update

from bot.core import callbacks
from bot.core import formatting as fmt
from bot.core.parsing import parse_past_day
from bot.members import service as svc
from bot.members.dues import my_dues
from bot.members.registration import (
    IssuedInvite,
    officer_branch,
    officer_invite,
    today_in,
    unit_or_fail,
)
from bot.texts import Texts
from handlers.base import Asker, ButtonRow, asker
from handlers.context import ChiboContext
from handlers.inputs import ask_for, route
from storage import pending
from storage.pending import PendingInput
from storage.people import MemberRow

MEM = "mem"


def _day(value: date | None, texts: Texts) -> str:
    return fmt.day(value) if value is not None else texts("unknown_value")


def standing_text(row: MemberRow, texts: Texts) -> str:
    parts = [texts(f"standing_{flag}") for flag, on in
             (("away", row.is_away), ("exempt", row.is_exempt), ("213", row.is_213)) if on]
    return ", ".join(parts) if parts else texts("member_standing_normal")


def link_text(issued: IssuedInvite, who: Asker) -> str:
    return who.texts("invite_link", name=issued.full_name, unit=issued.unit_name,
                     role=who.texts(f"role_{issued.role}"),
                     expires=fmt.day(issued.expires_at.astimezone(who.services.tz).date()),
                     link=issued.link)


# --- /invite ------------------------------------------------------------------------------


async def invite(update: Update, context: ChiboContext) -> None:
    who = await asker(update, context)
    unit_id = officer_branch(who.actor)
    name = " ".join(context.args or []).strip()
    if not name:
        await ask_for(who, "invite_name", {"unit": unit_id}, who.texts("invite_ask_name"))
        return
    await who.say(link_text(await officer_invite(who.services, who.actor, unit_id, name), who))


@route("invite_name")
async def _invite_name(who: Asker, waiting: PendingInput, text: str) -> None:
    issued = await officer_invite(who.services, who.actor, int(waiting.data["unit"]), text)
    await pending.clear(who.services.db, who.user_id)
    await who.say(link_text(issued, who))


# --- /members -----------------------------------------------------------------------------


async def list_members(update: Update, context: ChiboContext) -> None:
    who = await asker(update, context)
    await _show_page(who, officer_branch(who.actor), 0)


async def _show_page(who: Asker, unit_id: int, page: int) -> None:
    view = await svc.members_page(who.services, who.actor, unit_id, page)
    texts = who.texts
    if view.total == 0:
        await who.show(texts("members_empty", unit=view.unit.name))
        return
    lines = [texts("members_header", unit=view.unit.name, count=fmt.number(view.total,
             texts.lang), page=view.page + 1, pages=view.pages)]
    rows: list[ButtonRow] = []
    for n, row in enumerate(view.members, start=view.page * svc.PAGE_SIZE + 1):
        flags = ""
        if row.probationary:
            flags += texts("members_flag_probation")
        if row.standing:
            flags += " · " + standing_text(row, texts)
        if row.telegram_user_id is None:
            flags += texts("members_flag_unbound")
        if row.unreachable_since:
            flags += texts("members_flag_unreachable")
        lines.append(texts("members_line", n=n, name=row.full_name,
                           role=texts(f"role_{row.role}"), flags=flags))
        rows.append([(f"{n}. {row.full_name}"[:60], callbacks.build(MEM, "o", row.membership_id))])
    nav: list[tuple[str, str]] = []
    if view.page > 0:
        nav.append((texts("btn_prev"), callbacks.build(MEM, "p", unit_id, view.page - 1)))
    if view.page + 1 < view.pages:
        nav.append((texts("btn_next"), callbacks.build(MEM, "p", unit_id, view.page + 1)))
    rows.append(nav)
    await who.show("\n".join(lines), rows)


def _card(row: MemberRow, unit_name: str, who: Asker) -> tuple[str, list[ButtonRow]]:
    texts = who.texts
    bound = texts("member_bound_yes") if row.telegram_user_id else texts("member_bound_no")
    if row.unreachable_since:
        bound += " · " + texts("member_unreachable", since=row.unreachable_since[:10])
    text = texts(
        "member_card", name=row.full_name, unit=unit_name, role=texts(f"role_{row.role}"),
        birth=_day(row.birth_date, texts), admitted=_day(row.admitted_on, texts),
        official=_day(row.official_on, texts) if row.official_on else
        texts("standing_unknown_official") if row.standing_unknown else texts("probationary"),
        phone=row.phone or texts("unknown_value"), standing=standing_text(row, texts),
        bound=bound,
    )
    mid = row.membership_id
    flags = {"away": row.is_away, "exempt": row.is_exempt, "213": row.is_213}
    rows: list[ButtonRow] = []
    if row.probationary:
        rows.append([(texts("btn_official"), callbacks.build(MEM, "off", mid))])
    rows.append([
        (texts("btn_flag_on" if on else "btn_flag_off", flag=texts(f"standing_{flag}")),
         callbacks.build(MEM, "f", mid, flag)) for flag, on in flags.items()
    ])
    rows.append([(texts("btn_role"), callbacks.build(MEM, "r", mid)),
                 (texts("btn_move"), callbacks.build(MEM, "mv", mid))])
    rows.append([(texts("btn_dues"), callbacks.build("due", "o", mid))])
    rows.append([(texts("btn_new_link"), callbacks.build(MEM, "inv", mid)),
                 (texts("btn_revoke"), callbacks.build(MEM, "rv", mid))])
    rows.append([(texts("btn_export_data"), callbacks.build("prv", "x", mid))])
    rows.append([(texts("btn_remove"), callbacks.build(MEM, "rm", mid)),
                 (texts("btn_erase"), callbacks.build(MEM, "er", mid))])
    rows.append([(texts("btn_back_list"), callbacks.build(MEM, "p", row.unit_id, 0))])
    return text, rows


async def _show_card(who: Asker, membership_id: int, toast: str | None = None) -> None:
    row = await svc.open_member(who.services, who.actor, membership_id)
    unit = await unit_or_fail(who.services, row.unit_id)
    text, rows = _card(row, unit.name, who)
    await who.show(text, rows, toast=toast)


async def on_button(update: Update, context: ChiboContext) -> None:
    who = await asker(update, context)
    parts = callbacks.split(update.callback_query.data if update.callback_query else None, MEM)
    if not parts or len(parts) < 2:
        await who.toast(who.texts("button_expired"))
        return
    action, ids = parts[0], [callbacks.as_int(p) for p in parts[1:]]
    first = ids[0]
    if first is None:
        await who.toast(who.texts("button_expired"))
        return
    services, actor, texts = who.services, who.actor, who.texts
    if action == "p" and len(ids) == 2 and ids[1] is not None:
        await _show_page(who, first, ids[1])
    elif action == "o":
        await _show_card(who, first)
    elif action == "f" and len(parts) == 3:
        row = await svc.toggle_flag(services, actor, first, parts[2])
        await _show_card(who, first, texts("flag_done", name=row.full_name,
                                           standing=standing_text(row, texts)))
    elif action == "off":
        row = await svc.open_member(services, actor, first)
        await who.toast()
        await ask_for(who, "official_date", {"membership": first},
                      texts("official_ask_date", name=row.full_name))
    elif action == "r":
        row = await svc.open_member(services, actor, first)
        await who.show(texts("role_choose", name=row.full_name), [
            [(texts(f"role_{role}"), callbacks.build(MEM, "rs", first, role))]
            for role in ("secretary", "deputy", "committee_member", "member")
        ] + [[(texts("btn_cancel"), callbacks.build(MEM, "o", first))]])
    elif action == "rs" and len(parts) == 3:
        row = await svc.change_role(services, actor, first, parts[2])
        await _show_card(who, first, texts("role_done", name=row.full_name,
                                           role=texts(f"role_{row.role}")))
    elif action == "mv":
        row = await svc.open_member(services, actor, first)
        targets = await svc.move_targets(services, actor, first)
        if not targets:
            await who.toast(texts("move_none"))
            return
        await who.show(texts("move_choose", name=row.full_name),
                       [[(u.name, callbacks.build(MEM, "mt", first, u.id))] for u in targets]
                       + [[(texts("btn_cancel"), callbacks.build(MEM, "o", first))]])
    elif action == "mt" and len(ids) == 2 and ids[1] is not None:
        moved, old, new = await svc.move_member(services, actor, first, ids[1])
        await who.show(texts("move_done", name=moved.full_name, unit=new.name, old=old.name),
                       [[(texts("btn_back_list"), callbacks.build(MEM, "p", old.id, 0))]])
    elif action == "inv":
        issued = await svc.new_link(services, actor, first)
        await who.toast()
        await who.say(link_text(issued, who))
    elif action == "rv":
        row, count = await svc.revoke_links(services, actor, first)
        await who.toast(texts("revoke_done", name=row.full_name, count=count))
    elif action in ("rm", "er"):
        row = await svc.open_member(services, actor, first)
        key = "remove_confirm" if action == "rm" else "erase_confirm"
        button = "btn_confirm_remove" if action == "rm" else "btn_confirm_erase"
        unit = await unit_or_fail(services, row.unit_id)
        await who.show(texts(key, name=row.full_name, unit=unit.name), [
            [(texts(button), callbacks.build(MEM, action + "y", first))],
            [(texts("btn_cancel"), callbacks.build(MEM, "o", first))],
        ])
    elif action == "rmy":
        row, unit = await svc.remove_member(services, actor, first)
        await who.show(texts("remove_done", name=row.full_name, unit=unit.name),
                       [[(texts("btn_back_list"), callbacks.build(MEM, "p", row.unit_id, 0))]])
    elif action == "ery":
        row = await svc.erase_member(services, actor, first)
        await who.show(texts("erase_done", name=row.full_name),
                       [[(texts("btn_back_list"), callbacks.build(MEM, "p", row.unit_id, 0))]])
    else:
        await who.toast(texts("button_expired"))


@route("official_date")
async def _official_date(who: Asker, waiting: PendingInput, text: str) -> None:
    on = parse_past_day(text, today_in(who.services))
    row = await svc.recognise_official(who.services, who.actor,
                                       int(waiting.data["membership"]), on)
    await pending.clear(who.services.db, who.user_id)
    await who.say(who.texts("official_done", name=row.full_name, date=fmt.day(on)))


# --- /me ----------------------------------------------------------------------------------


async def me(update: Update, context: ChiboContext) -> None:
    who = await asker(update, context)
    texts = who.texts
    record = await svc.my_record(who.services, who.actor)
    lines = [texts("me_header", name=record.full_name)]
    for row, unit in record.memberships:
        standing = f" · {standing_text(row, texts)}" if row.standing else ""
        lines.append(texts("me_branch", unit=unit.name, role=texts(f"role_{row.role}"),
                           standing=standing))
        if row.admitted_on:
            lines.append(texts("me_admitted", date=fmt.day(row.admitted_on)))
            if row.official_on:
                lines.append(texts("me_official", date=fmt.day(row.official_on)))
            else:
                lines.append(texts("me_probation",
                                   date=fmt.day(svc.probation_ends(row.admitted_on))))
    for unit, role in record.committee:
        lines.append(texts("me_committee", unit=unit.name, role=texts(f"role_{role}")))
    if record.follows:
        lines.append(texts("me_follows", units=", ".join(u.name for u in record.follows)))
    if record.phone:
        lines.append(texts("me_phone", phone=record.phone))
    if record.memberships:
        year, months, paid = await my_dues(who.services, who.actor)
        unpaid = [fmt.month(m) for m in months if m not in paid]
        lines.append(texts("me_dues", year=year, paid=fmt.ratio(len(paid), len(months),
                                                                 texts.lang),
                           unpaid=", ".join(unpaid) or "—"))
    await who.say("\n".join(lines))
