"""/invite, /members (list, card, standing, role, move, remove, erase) and /me."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date

from telegram import Update

from bot.core import formatting as fmt
from bot.core import inputs, labels
from bot.core.clock import today_in
from bot.core.inputs import Pending
from bot.core.parsing import parse_past_day
from bot.core.permissions import Permission, acting_branch, unit_or_fail
from bot.core.probation import probation_ends
from bot.members import records
from bot.members import service as svc
from bot.members.buttons import (
    RECORD_CODES,
    RECORD_FIELDS,
    DuesButton,
    MemberAction,
    MemberButton,
    MemberEditField,
    MemberFlag,
    MemberMoveTo,
    MemberPage,
    MemberSetRole,
    PrivacyButton,
)
from bot.members.dues import my_dues
from bot.members.registration import IssuedInvite, officer_invite
from bot.members.service import MemberRow
from bot.texts import Texts
from bot.zalo import linking as zalo_linking
from bot.zalo.codes import invite_line
from handlers.base import Asker, ButtonRow, Taps, asker, command_line
from handlers.console import console_row
from handlers.context import ChiboContext
from handlers.inputs import ask_for, route

A = MemberAction
TAPS = Taps(MemberButton.PREFIX)  # the card's buttons; a family per action that carries more


def _data(action: MemberAction, membership: int) -> str:
    return MemberButton(action, membership).encode()


def _page_data(branch: int, page: int) -> str:
    return MemberPage(branch, page).encode()


def _day(value: date | None, texts: Texts) -> str:
    return fmt.day(value) if value is not None else texts("unknown_value")


def standing_text(row: MemberRow, texts: Texts) -> str:
    parts = [texts(labels.STANDING[flag]) for flag, on in
             (("away", row.is_away), ("exempt", row.is_exempt), ("213", row.is_213)) if on]
    return ", ".join(parts) if parts else texts("member_standing_normal")


def link_text(issued: IssuedInvite, who: Asker) -> str:
    return who.texts("invite_link", name=issued.full_name, unit=issued.unit_name,
                     role=who.texts(labels.ROLE[issued.role]),
                     expires=fmt.day(issued.expires_at.astimezone(who.services.tz).date()),
                     link=issued.link) + invite_line(issued.zalo_code, who.texts.lang)


# --- /invite ------------------------------------------------------------------------------


async def invite(update: Update, context: ChiboContext) -> None:
    who = await asker(update, context)
    unit_id = acting_branch(who.actor, Permission.MANAGE_MEMBERS)
    name = command_line(context)
    if not name:
        await ask_for(who, InviteName(unit_id), who.texts("invite_ask_name"))
        return
    await who.say(link_text(await officer_invite(who.services, who.actor, unit_id, name), who))


@dataclass(frozen=True)
class InviteName(Pending, kind="invite_name"):
    """The name of the person an officer invites to the branch ``unit``."""

    unit: int


@route(InviteName)
async def _invite_name(who: Asker, pending: InviteName, text: str) -> None:
    issued = await officer_invite(who.services, who.actor, pending.unit, text)
    await inputs.forget(who.services, who.user_id)
    await who.say(link_text(issued, who))


# --- /members -----------------------------------------------------------------------------


async def list_members(update: Update, context: ChiboContext) -> None:
    who = await asker(update, context)
    await _show_page(who, acting_branch(who.actor, Permission.MANAGE_MEMBERS), 0)


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
        if row.on_zalo:
            flags += texts("members_flag_zalo")
        elif row.telegram_user_id is None:
            flags += texts("members_flag_unbound")
        if row.unreachable_since:
            flags += texts("members_flag_unreachable")
        lines.append(texts("members_line", n=n, name=row.full_name,
                           role=texts(labels.ROLE[row.role]), flags=flags))
        rows.append([(f"{n}. {row.full_name}"[:60], _data(A.OPEN, row.membership_id))])
    nav: list[tuple[str, str]] = []
    if view.page > 0:
        nav.append((texts("btn_prev"), _page_data(unit_id, view.page - 1)))
    if view.page + 1 < view.pages:
        nav.append((texts("btn_next"), _page_data(unit_id, view.page + 1)))
    rows.append(nav)
    rows += await console_row(who, "console_button_members", s="members", u=unit_id)
    await who.show("\n".join(lines), rows)


def _card(row: MemberRow, unit_name: str, who: Asker) -> tuple[str, list[ButtonRow]]:
    texts = who.texts
    bound = texts("member_bound_yes") if row.telegram_user_id else texts("member_bound_no")
    if row.unreachable_since:
        bound += " · " + texts("member_unreachable", since=row.unreachable_since[:10])
    text = texts(
        "member_card", name=row.full_name, unit=unit_name, role=texts(labels.ROLE[row.role]),
        birth=_day(row.birth_date, texts), admitted=_day(row.admitted_on, texts),
        official=_day(row.official_on, texts) if row.official_on else
        texts("standing_unknown_official") if row.standing_unknown else texts("probationary"),
        phone=row.phone or texts("unknown_value"), standing=standing_text(row, texts),
        bound=bound,
    )
    joined = records.joined_on(row, who.services.tz)
    if joined is not None:
        text += "\n" + texts("rec_card_joined", date=fmt.day(joined))
    mid = row.membership_id
    flags = {"away": row.is_away, "exempt": row.is_exempt, "213": row.is_213}
    rows: list[ButtonRow] = [[(texts("rec_btn_edit"), _data(A.EDIT, mid))]]
    if row.probationary:
        rows.append([(texts("btn_official"), _data(A.OFFICIAL, mid))])
    rows.append([
        (texts("btn_flag_on" if on else "btn_flag_off", flag=texts(labels.STANDING[flag])),
         MemberFlag(mid, flag).encode()) for flag, on in flags.items()
    ])
    rows.append([(texts("btn_role"), _data(A.ROLE, mid)),
                 (texts("btn_move"), _data(A.MOVE, mid))])
    rows.append([(texts("btn_dues"), DuesButton(mid).encode())])
    rows.append([(texts("btn_new_link"), _data(A.LINK, mid)),
                 (texts("btn_revoke"), _data(A.REVOKE, mid))])
    rows.append([(texts("btn_export_data"), PrivacyButton("x", mid).encode())])
    rows.append([(texts("btn_remove"), _data(A.REMOVE, mid)),
                 (texts("btn_erase"), _data(A.ERASE, mid))])
    rows.append([(texts("btn_back_list"), _page_data(row.unit_id, 0))])
    return text, rows


async def _show_card(who: Asker, membership_id: int, toast: str | None = None) -> None:
    row = await svc.open_member(who.services, who.actor, membership_id)
    unit = await unit_or_fail(who.services, row.unit_id)
    text, rows = _card(row, unit.name, who)
    await who.show(text, rows, toast=toast)


# --- the card's buttons: one function per action, chosen by a table -----------------------


@TAPS.on(MemberPage)
async def _page(who: Asker, button: MemberPage) -> None:
    await _show_page(who, button.branch, button.page)


async def _open(who: Asker, button: MemberButton) -> None:
    await svc.view_member(who.services, who.actor, button.membership)  # audited
    await _show_card(who, button.membership)


@TAPS.on(MemberFlag)
async def _flag(who: Asker, button: MemberFlag) -> None:
    row = await svc.toggle_flag(who.services, who.actor, button.membership, button.flag)
    await _show_card(who, button.membership, who.texts(
        "flag_done", name=row.full_name, standing=standing_text(row, who.texts)))


async def _official(who: Asker, button: MemberButton) -> None:
    row = await svc.open_member(who.services, who.actor, button.membership)
    await who.toast()
    await ask_for(who, OfficialDate(button.membership),
                  who.texts("official_ask_date", name=row.full_name))


async def _role(who: Asker, button: MemberButton) -> None:
    row = await svc.open_member(who.services, who.actor, button.membership)
    texts, mid = who.texts, button.membership
    await who.show(texts("role_choose", name=row.full_name), [
        [(texts(labels.ROLE[role]), MemberSetRole(mid, role).encode())]
        for role in ("secretary", "deputy", "committee_member", "member")
    ] + [[(texts("btn_cancel"), _data(A.OPEN, mid))]])


@TAPS.on(MemberSetRole)
async def _set_role(who: Asker, button: MemberSetRole) -> None:
    row = await svc.change_role(who.services, who.actor, button.membership, button.role)
    await _show_card(who, button.membership, who.texts(
        "role_done", name=row.full_name, role=who.texts(labels.ROLE[row.role])))


async def _move(who: Asker, button: MemberButton) -> None:
    mid = button.membership
    row = await svc.open_member(who.services, who.actor, mid)
    targets = await svc.move_targets(who.services, who.actor, mid)
    if not targets:
        await who.toast(who.texts("move_none"))
        return
    await who.show(who.texts("move_choose", name=row.full_name),
                   [[(u.name, MemberMoveTo(mid, u.id).encode())] for u in targets]
                   + [[(who.texts("btn_cancel"), _data(A.OPEN, mid))]])


@TAPS.on(MemberMoveTo)
async def _move_to(who: Asker, button: MemberMoveTo) -> None:
    moved, old, new = await svc.move_member(who.services, who.actor, button.membership,
                                            button.branch)
    await who.show(who.texts("move_done", name=moved.full_name, unit=new.name, old=old.name),
                   [[(who.texts("btn_back_list"), _page_data(old.id, 0))]])


async def _edit(who: Asker, button: MemberButton) -> None:
    """Which field of the record to correct."""
    row = await svc.open_member(who.services, who.actor, button.membership)
    codes = RECORD_CODES
    await who.show(who.texts("rec_choose", name=row.full_name), [
        [(who.texts(labels.RECORD_FIELD[RECORD_FIELDS[code]]),
          MemberEditField(button.membership, code).encode())
         for code in codes[i:i + 2]] for i in range(0, len(codes), 2)
    ] + [[(who.texts("btn_cancel"), _data(A.OPEN, button.membership))]])


@TAPS.on(MemberEditField)
async def _edit_field(who: Asker, button: MemberEditField) -> None:
    row = await svc.open_member(who.services, who.actor, button.membership)
    field = button.field
    current = records.shown(records.current_value(row, field, who.services.tz))
    await who.toast()
    await ask_for(who, RecordValue(button.membership, field),
                  who.texts("rec_ask", field=who.texts(labels.RECORD_FIELD[field]),
                            name=row.full_name, current=current))


async def _link(who: Asker, button: MemberButton) -> None:
    issued = await svc.new_link(who.services, who.actor, button.membership)
    await who.toast()
    await who.say(link_text(issued, who))


async def _revoke(who: Asker, button: MemberButton) -> None:
    row, count = await svc.revoke_links(who.services, who.actor, button.membership)
    await who.toast(who.texts("revoke_done", name=row.full_name, count=count))


_CONFIRM = {A.REMOVE: ("remove_confirm", "btn_confirm_remove", A.REMOVE_YES),
            A.ERASE: ("erase_confirm", "btn_confirm_erase", A.ERASE_YES)}


async def _confirm(who: Asker, button: MemberButton) -> None:
    """Remove or erase: ask first."""
    key, label, yes = _CONFIRM[button.action]
    row = await svc.open_member(who.services, who.actor, button.membership)
    unit = await unit_or_fail(who.services, row.unit_id)
    await who.show(who.texts(key, name=row.full_name, unit=unit.name), [
        [(who.texts(label), _data(yes, button.membership))],
        [(who.texts("btn_cancel"), _data(A.OPEN, button.membership))],
    ])


async def _remove(who: Asker, button: MemberButton) -> None:
    row, unit = await svc.remove_member(who.services, who.actor, button.membership)
    await who.show(who.texts("remove_done", name=row.full_name, unit=unit.name),
                   [[(who.texts("btn_back_list"), _page_data(row.unit_id, 0))]])


async def _erase(who: Asker, button: MemberButton) -> None:
    row = await svc.erase_member(who.services, who.actor, button.membership)
    await who.show(who.texts("erase_done", name=row.full_name),
                   [[(who.texts("btn_back_list"), _page_data(row.unit_id, 0))]])


CARD_ACTIONS: dict[MemberAction, Callable[[Asker, MemberButton], Awaitable[None]]] = {
    A.OPEN: _open, A.OFFICIAL: _official, A.ROLE: _role, A.MOVE: _move, A.LINK: _link,
    A.REVOKE: _revoke, A.REMOVE: _confirm, A.ERASE: _confirm, A.REMOVE_YES: _remove,
    A.ERASE_YES: _erase, A.EDIT: _edit,
}


@TAPS.on(MemberButton)
async def _card_tap(who: Asker, button: MemberButton) -> None:
    await CARD_ACTIONS[button.action](who, button)


@dataclass(frozen=True)
class OfficialDate(Pending, kind="official_date"):
    """The day a probationary member became official."""

    membership: int


@dataclass(frozen=True)
class RecordValue(Pending, kind="member_edit"):
    """The corrected value of one field of a member's record."""

    membership: int
    field: str


@route(OfficialDate)
async def _official_date(who: Asker, pending: OfficialDate, text: str) -> None:
    on = parse_past_day(text, today_in(who.services))
    row = await svc.recognise_official(who.services, who.actor, pending.membership, on)
    await inputs.forget(who.services, who.user_id)
    await who.say(who.texts("official_done", name=row.full_name, date=fmt.day(on)))


@route(RecordValue)
async def _member_edit(who: Asker, pending: RecordValue, text: str) -> None:
    field = pending.field
    done = await records.correct_field(who.services, who.actor, pending.membership, field,
                                       text, who.texts.lang)
    await inputs.forget(who.services, who.user_id)
    label = who.texts(labels.RECORD_FIELD[field])
    if not done.changed:
        await who.say(who.texts("rec_unchanged", field=label, name=done.row.full_name,
                                value=records.shown(done.new)))
        return
    await who.say(who.texts("rec_done", field=label, name=done.row.full_name,
                            old=records.shown(done.old), new=records.shown(done.new)))


# --- /me ----------------------------------------------------------------------------------


async def me(update: Update, context: ChiboContext) -> None:
    who = await asker(update, context)
    texts = who.texts
    record = await svc.my_record(who.services, who.actor)
    lines = [texts("me_header", name=record.full_name)]
    for row, unit in record.memberships:
        standing = f" · {standing_text(row, texts)}" if row.standing else ""
        lines.append(texts("me_branch", unit=unit.name, role=texts(labels.ROLE[row.role]),
                           standing=standing))
        if row.admitted_on:
            lines.append(texts("me_admitted", date=fmt.day(row.admitted_on)))
            if row.official_on:
                lines.append(texts("me_official", date=fmt.day(row.official_on)))
            else:
                lines.append(texts("me_probation",
                                   date=fmt.day(probation_ends(row.admitted_on))))
    for unit, role in record.committee:
        lines.append(texts("me_committee", unit=unit.name, role=texts(labels.ROLE[role])))
    if record.follows:
        lines.append(texts("me_follows", units=", ".join(u.name for u in record.follows)))
    if record.phone:
        lines.append(texts("me_phone", phone=record.phone))
    if record.memberships:
        dues = await my_dues(who.services, who.actor)
        lines.append(texts("me_dues", year=dues.year,
                           paid=fmt.ratio(len(dues.paid), len(dues.paid) + len(dues.unpaid),
                                          texts.lang),
                           unpaid=", ".join(fmt.month(m) for m in dues.unpaid) or "—"))
        if dues.not_due:
            lines.append("  " + texts("dues_not_due", months=", ".join(
                fmt.month(m) for m in dues.not_due)))
    channel = await zalo_linking.channel_of(who.services, who.actor)
    if channel is not None:
        lines.append(texts("me_channel", channel=texts(labels.CHANNEL[channel])))
    await who.say("\n".join(lines))
