"""Admins: /units, /newunit, /appoint (guided with buttons, or in one line)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from telegram import Update

from bot.core import inputs, labels
from bot.core.inputs import Pending
from bot.core.names import fold_accents
from bot.core.permissions import Permission, require
from bot.members.buttons import AppointButton, NewUnitButton
from bot.members.registration import (
    admin_units,
    appoint,
    appoint_target,
    create_unit,
    units_overview,
)
from bot.zalo.codes import invite_line
from handlers.base import Asker, asker, command_line, tap
from handlers.context import ChiboContext
from handlers.inputs import ask_for, route

_KINDS = {"committee": "committee", "dang uy": "committee", "branch": "branch",
          "chi bo": "branch"}


async def list_units(update: Update, context: ChiboContext) -> None:
    who = await asker(update, context)
    rows = await units_overview(who.services, who.actor)
    if not rows:
        await who.say(who.texts("units_empty"))
        return
    lines = [who.texts("units_header")]
    for row in rows:
        unit = row.unit
        if row.members is None:
            lines.append(who.texts("units_line_committee", name=unit.name, id=unit.id))
        else:
            lines.append(who.texts("units_line_branch", name=unit.name, id=unit.id,
                                   members=row.members))
    await who.say("\n".join(lines))


async def new_unit(update: Update, context: ChiboContext) -> None:
    who = await asker(update, context)
    require(who.actor, Permission.ADMIN_UNITS)
    text = command_line(context)
    if not text:
        await who.say(who.texts("newunit_ask_kind"), [[
            (who.texts("kind_committee"), NewUnitButton("committee").encode()),
            (who.texts("kind_branch"), NewUnitButton("branch").encode()),
        ]])
        return
    parts = [p.strip() for p in text.split("|")]
    kind = _KINDS.get(fold_accents(parts[0]))
    if kind is None or len(parts) < 2 or (kind == "branch" and len(parts) < 3):
        await who.say(who.texts("newunit_usage"))
        return
    parent = int(parts[2]) if kind == "branch" and parts[2].isdigit() else None
    await _create(who, kind, parts[1], parent)


async def _create(who: Asker, kind: str, name: str, parent: int | None) -> None:
    unit = await create_unit(who.services, who.actor, kind=kind, name=name, parent_id=parent)
    await who.say(who.texts("newunit_done", kind=who.texts(labels.UNIT_KIND[kind]).lower(),
                            name=unit.name, id=unit.id))


@tap(NewUnitButton)
async def new_unit_button(who: Asker, button: NewUnitButton) -> None:
    require(who.actor, Permission.ADMIN_UNITS)
    kind, parent = button.kind, button.parent
    if kind == "branch" and parent is None:
        committees = await admin_units(who.services, who.actor, "committee")
        if not committees:
            await who.show(who.texts("newunit_no_committee"))
            return
        await who.show(who.texts("newunit_ask_parent"),
                       [[(u.name, NewUnitButton("branch", u.id).encode())]
                        for u in committees])
        return
    await who.toast()
    await ask_for(who, NewUnitName(kind, parent),
                  who.texts("newunit_ask_name", kind=who.texts(labels.UNIT_KIND[kind]).lower()))


@dataclass(frozen=True)
class NewUnitName(Pending, kind="newunit"):
    """The name of a new committee, or of a new branch under the committee ``parent``."""

    kind: Literal["committee", "branch"]
    parent: int | None = None


@route(NewUnitName)
async def _newunit_name(who: Asker, pending: NewUnitName, text: str) -> None:
    await _create(who, pending.kind, text, pending.parent)
    await _forget(who)


async def _forget(who: Asker) -> None:
    await inputs.forget(who.services, who.user_id)


async def appoint_cmd(update: Update, context: ChiboContext) -> None:
    who = await asker(update, context)
    require(who.actor, Permission.ADMIN_UNITS)
    text = command_line(context)
    if not text:
        rows = await admin_units(who.services, who.actor)
        if not rows:
            await who.say(who.texts("units_empty"))
            return
        await who.say(who.texts("appoint_ask_unit"),
                      [[(u.name, AppointButton(u.id).encode())] for u in rows])
        return
    unit_part, _, name = (p.strip() for p in text.partition("|"))
    if not unit_part.isdigit() or not name:
        await who.say(who.texts("appoint_usage"))
        return
    await _appoint(who, int(unit_part), name)


async def _appoint(who: Asker, unit_id: int, name: str) -> None:
    issued = await appoint(who.services, who.actor, unit_id, name)
    await who.say(who.texts("invite_link", name=issued.full_name, unit=issued.unit_name,
                            role=who.texts(labels.ROLE[issued.role]),
                            expires=issued.expires_at.astimezone(who.services.tz)
                            .strftime("%d/%m/%Y"), link=issued.link)
                  + invite_line(issued.zalo_code, who.texts.lang))


@tap(AppointButton)
async def appoint_button(who: Asker, button: AppointButton) -> None:
    require(who.actor, Permission.ADMIN_UNITS)
    unit = await appoint_target(who.services, who.actor, button.unit)
    await who.toast()
    await ask_for(who, AppointName(unit.id),
                  who.texts("appoint_ask_name", unit=unit.name))


@dataclass(frozen=True)
class AppointName(Pending, kind="appoint"):
    """The name of the officer appointed in ``unit``."""

    unit: int


@route(AppointName)
async def _appoint_name(who: Asker, pending: AppointName, text: str) -> None:
    await _appoint(who, pending.unit, text)
    await _forget(who)
