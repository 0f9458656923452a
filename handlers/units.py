"""Admins: /units, /newunit, /appoint (guided with buttons, or in one line)."""

from __future__ import annotations

from telegram import Update

from bot.core import callbacks, inputs
from bot.core.errors import Denied
from bot.core.inputs import Waiting
from bot.imports.names import fold_accents
from bot.members.registration import appoint, create_unit, unit_or_fail, units_overview
from handlers.base import Asker, asker
from handlers.context import ChiboContext
from handlers.inputs import ask_for, route

NEW = "nu"
APPOINT = "ap"
_KINDS = {"committee": "committee", "dang uy": "committee", "branch": "branch",
          "chi bo": "branch"}


def _require_admin(who: Asker) -> None:
    if not who.actor.is_admin:
        raise Denied("admins_only")


async def list_units(update: Update, context: ChiboContext) -> None:
    who = await asker(update, context)
    _require_admin(who)
    rows = await units_overview(who.services, who.actor)
    if not rows:
        await who.say(who.texts("units_empty"))
        return
    lines = [who.texts("units_header")]
    for row in rows:
        unit = row.unit
        if unit.kind == "committee":
            lines.append(who.texts("units_line_committee", name=unit.name, id=unit.id))
        else:
            lines.append(who.texts("units_line_branch", name=unit.name, id=unit.id,
                                   members=row.members))
    await who.say("\n".join(lines))


async def new_unit(update: Update, context: ChiboContext) -> None:
    who = await asker(update, context)
    _require_admin(who)
    text = " ".join(context.args or [])
    if not text:
        await who.say(who.texts("newunit_ask_kind"), [[
            (who.texts("kind_committee"), callbacks.build(NEW, "committee")),
            (who.texts("kind_branch"), callbacks.build(NEW, "branch")),
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
    await who.say(who.texts("newunit_done", kind=who.texts(f"kind_{kind}").lower(),
                            name=unit.name, id=unit.id))


async def new_unit_button(update: Update, context: ChiboContext) -> None:
    who = await asker(update, context)
    _require_admin(who)
    parts = callbacks.split(update.callback_query.data if update.callback_query else None, NEW)
    if not parts or parts[0] not in ("committee", "branch"):
        await who.toast(who.texts("button_expired"))
        return
    kind = parts[0]
    if kind == "branch" and len(parts) == 1:
        committees = [row.unit for row in await units_overview(who.services, who.actor)
                      if row.unit.kind == "committee"]
        if not committees:
            await who.show(who.texts("newunit_no_committee"))
            return
        await who.show(who.texts("newunit_ask_parent"),
                       [[(u.name, callbacks.build(NEW, "branch", u.id))] for u in committees])
        return
    parent = callbacks.as_int(parts[1]) if len(parts) > 1 else None
    await who.toast()
    await ask_for(who, "newunit", {"kind": kind, "parent": parent},
                  who.texts("newunit_ask_name", kind=who.texts(f"kind_{kind}").lower()))


@route("newunit")
async def _newunit_name(who: Asker, waiting: Waiting, text: str) -> None:
    _require_admin(who)
    await _create(who, str(waiting.data["kind"]), text, waiting.data.get("parent"))
    await _forget(who)


async def _forget(who: Asker) -> None:
    await inputs.forget(who.services, who.user_id)


async def appoint_cmd(update: Update, context: ChiboContext) -> None:
    who = await asker(update, context)
    _require_admin(who)
    text = " ".join(context.args or [])
    if not text:
        rows = await units_overview(who.services, who.actor)
        if not rows:
            await who.say(who.texts("units_empty"))
            return
        await who.say(who.texts("appoint_ask_unit"),
                      [[(r.unit.name, callbacks.build(APPOINT, r.unit.id))] for r in rows])
        return
    unit_part, _, name = (p.strip() for p in text.partition("|"))
    if not unit_part.isdigit() or not name:
        await who.say(who.texts("appoint_usage"))
        return
    await _appoint(who, int(unit_part), name)


async def _appoint(who: Asker, unit_id: int, name: str) -> None:
    issued = await appoint(who.services, who.actor, unit_id, name)
    await who.say(who.texts("invite_link", name=issued.full_name, unit=issued.unit_name,
                            role=who.texts(f"role_{issued.role}"),
                            expires=issued.expires_at.astimezone(who.services.tz)
                            .strftime("%d/%m/%Y"), link=issued.link))


async def appoint_button(update: Update, context: ChiboContext) -> None:
    who = await asker(update, context)
    _require_admin(who)
    parts = callbacks.split(update.callback_query.data if update.callback_query else None,
                            APPOINT)
    unit_id = callbacks.as_int(parts[0]) if parts else None
    if unit_id is None:
        await who.toast(who.texts("button_expired"))
        return
    unit = await unit_or_fail(who.services, unit_id)
    await who.toast()
    await ask_for(who, "appoint", {"unit": unit.id},
                  who.texts("appoint_ask_name", unit=unit.name))


@route("appoint")
async def _appoint_name(who: Asker, waiting: Waiting, text: str) -> None:
    _require_admin(who)
    await _appoint(who, int(waiting.data["unit"]), text)
    await _forget(who)
