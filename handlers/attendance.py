"""/attendance: roll call after a meeting, then the minutes' attendance block."""

from __future__ import annotations

from telegram import Update

from bot.core import callbacks, inputs
from bot.core.inputs import Waiting
from bot.meetings import rollcall as svc
from bot.meetings import texts as mt
from bot.members.registration import officer_branch, unit_or_fail
from handlers.base import Asker, ButtonRow, asker
from handlers.context import ChiboContext
from handlers.inputs import ask_for, route

ROLL = "rc"


async def attendance(update: Update, context: ChiboContext) -> None:
    who = await asker(update, context)
    unit_id = officer_branch(who.actor)
    started = await svc.started_meetings(who.services, who.actor, unit_id)
    if not started:
        await who.say(who.texts("rollcall_none"))
        return
    open_ones = [m for m in started if m.state == "scheduled"]
    if len(open_ones) == 1 and open_ones[0] is started[0]:
        await _show(who, started[0].id)
        return
    await who.say(who.texts("rollcall_choose"), [
        [(mt.when(m, who.services.tz, who.texts.lang) + (" ✔" if m.state == "closed" else ""),
          callbacks.build(ROLL, "o", m.id))] for m in started
    ])


async def _show(who: Asker, meeting_id: int, toast: str | None = None) -> None:
    roll = await svc.open_rollcall(who.services, who.actor, meeting_id)
    unit = await unit_or_fail(who.services, roll.meeting.unit_id)
    summary = mt.summary(roll.meeting, unit.name, who.services.tz, who.texts.lang)
    if roll.meeting.state == "closed":
        await who.show(who.texts("minutes_header") + "\n\n" +
                       svc.minutes_block(roll.rows, who.texts.lang), toast=toast)
        return
    rows: list[ButtonRow] = []
    for r in roll.rows:
        label = f"{who.texts('rollcall_' + r.status)} {r.full_name}"
        if r.status == "excused" and r.reason:
            label += f" ({r.reason})"
        rows.append([(label[:64], callbacks.build(ROLL, "t", meeting_id, r.person_id))])
    rows.append([(who.texts("rollcall_close"), callbacks.build(ROLL, "c", meeting_id))])
    await who.show(who.texts("rollcall_header", summary=summary), rows, toast=toast)


async def on_button(update: Update, context: ChiboContext) -> None:
    who = await asker(update, context)
    parts = callbacks.split(update.callback_query.data if update.callback_query else None, ROLL)
    ids = [callbacks.as_int(p) for p in parts[1:]] if parts else []
    if not parts or not ids or any(i is None for i in ids):
        await who.toast(who.texts("button_expired"))
        return
    meeting_id = ids[0]
    assert meeting_id is not None
    if parts[0] == "o" and len(ids) == 1:
        await _show(who, meeting_id)
    elif parts[0] == "t" and len(ids) == 2 and ids[1] is not None:
        row = await svc.toggle(who.services, who.actor, meeting_id, ids[1])
        if row.status == "excused" and not row.reason and row.standing is None:
            await ask_for(who, "rollcall_reason", {"meeting": meeting_id, "person": ids[1]},
                          who.texts("rollcall_ask_reason", name=row.full_name))
        await _show(who, meeting_id)
    elif parts[0] == "c" and len(ids) == 1:
        roll = await svc.close_rollcall(who.services, who.actor, meeting_id)
        await who.show(who.texts("minutes_header") + "\n\n" +
                       svc.minutes_block(roll.rows, who.texts.lang))
    else:
        await who.toast(who.texts("button_expired"))


@route("rollcall_reason")
async def _reason(who: Asker, waiting: Waiting, text: str) -> None:
    row = await svc.set_reason(who.services, who.actor, int(waiting.data["meeting"]),
                               int(waiting.data["person"]), text)
    await inputs.forget(who.services, who.user_id)
    await who.say(who.texts("rollcall_reason_saved", name=row.full_name))
