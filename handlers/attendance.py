"""/attendance: roll call after a meeting, then the minutes' attendance block."""

from __future__ import annotations

from telegram import Update

from bot.core import inputs
from bot.core.inputs import Waiting
from bot.core.permissions import Permission, acting_branch, unit_or_fail
from bot.meetings import rollcall as svc
from bot.meetings import texts as mt
from bot.meetings.buttons import RollcallButton
from handlers.base import Asker, ButtonRow, asker, tap
from handlers.context import ChiboContext
from handlers.inputs import ask_for, route


async def attendance(update: Update, context: ChiboContext) -> None:
    who = await asker(update, context)
    unit_id = acting_branch(who.actor, Permission.RECORD_ATTENDANCE)
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
          RollcallButton("o", m.id).encode())] for m in started
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
        rows.append([(label[:64], RollcallButton("t", meeting_id, r.person_id).encode())])
    rows.append([(who.texts("rollcall_close"), RollcallButton("c", meeting_id).encode())])
    await who.show(who.texts("rollcall_header", summary=summary), rows, toast=toast)


@tap(RollcallButton)
async def on_button(who: Asker, button: RollcallButton) -> None:
    meeting_id, person = button.meeting, button.person
    if person is not None:  # rc:t
        row = await svc.toggle(who.services, who.actor, meeting_id, person)
        if row.status == "excused" and not row.reason and row.standing is None:
            await ask_for(who, "rollcall_reason", {"meeting": meeting_id, "person": person},
                          who.texts("rollcall_ask_reason", name=row.full_name))
        await _show(who, meeting_id)
    elif button.action == "o":
        await _show(who, meeting_id)
    else:  # rc:c
        roll = await svc.close_rollcall(who.services, who.actor, meeting_id)
        await who.show(who.texts("minutes_header") + "\n\n" +
                       svc.minutes_block(roll.rows, who.texts.lang))


@route("rollcall_reason")
async def _reason(who: Asker, waiting: Waiting, text: str) -> None:
    row = await svc.set_reason(who.services, who.actor, int(waiting.data["meeting"]),
                               int(waiting.data["person"]), text)
    await inputs.forget(who.services, who.user_id)
    await who.say(who.texts("rollcall_reason_saved", name=row.full_name))
