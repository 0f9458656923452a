"""/attendance: roll call after a meeting (actual start and end, chair and secretary, who
came), then the minutes' attendance block and the printable minutes (/minutes)."""

from __future__ import annotations

import io

from telegram import Update

from bot.core import callbacks
from bot.core import formatting as fmt
from bot.core.paging import clamp_page
from bot.meetings import minutes as minutes_svc
from bot.meetings import rollcall as svc
from bot.meetings import texts as mt
from bot.meetings.rollcall import PAGE_SIZE, SHIFT_MINUTES
from bot.members.registration import officer_branch, unit_or_fail
from handlers.base import Asker, ButtonRow, asker
from handlers.context import ChiboContext
from handlers.inputs import ask_for, route
from storage import pending
from storage.meetings import AttendanceRow, MeetingRow
from storage.pending import PendingInput

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


def _held_line(who: Asker, meeting: MeetingRow) -> str:
    tz, texts = who.services.tz, who.texts
    start = (meeting.held_from or meeting.starts_at).astimezone(tz).strftime("%H:%M")
    end = (meeting.held_until or meeting.planned_end).astimezone(tz).strftime("%H:%M")
    return texts("held_times", start=start, end=end,
                 minutes=fmt.number(meeting.length_min, texts.lang))


async def _closed_view(who: Asker, meeting_id: int, rows: list[AttendanceRow],
                       toast: str | None = None) -> None:
    await who.show(who.texts("minutes_header") + "\n\n" + svc.minutes_block(rows, who.texts.lang),
                   [[(who.texts("held_btn_minutes"), callbacks.build(ROLL, "m", meeting_id))]],
                   toast=toast)


async def _show(who: Asker, meeting_id: int, page: int = 0, toast: str | None = None) -> None:
    roll = await svc.open_rollcall(who.services, who.actor, meeting_id)
    if roll.meeting.state == "closed":
        await _closed_view(who, meeting_id, roll.rows, toast)
        return
    texts = who.texts
    unit = await unit_or_fail(who.services, roll.meeting.unit_id)
    summary = mt.summary(roll.meeting, unit.name, who.services.tz, texts.lang)
    page, pages = clamp_page(len(roll.rows), page, PAGE_SIZE)
    shift = SHIFT_MINUTES

    def nudge(key: str, which: str, minutes: int) -> tuple[str, str]:
        return texts(key, n=shift), callbacks.build(ROLL, "sh", meeting_id, which, minutes)

    rows: list[ButtonRow] = [
        [nudge("held_btn_start_earlier", "s", -shift), nudge("held_btn_start_later", "s", shift),
         nudge("held_btn_end_earlier", "e", -shift), nudge("held_btn_end_later", "e", shift)],
        [(texts("held_btn_type_times"), callbacks.build(ROLL, "hm", meeting_id)),
         (texts("held_btn_chair"), callbacks.build(ROLL, "ch", meeting_id)),
         (texts("held_btn_secretary"), callbacks.build(ROLL, "se", meeting_id)),
         (texts("held_btn_late"), callbacks.build(ROLL, "lt", meeting_id))],
    ]
    for r in roll.rows[page * PAGE_SIZE:(page + 1) * PAGE_SIZE]:
        label = f"{texts('rollcall_' + r.status)} {r.full_name}"
        if not r.has_telegram:
            label += " " + texts("held_no_telegram_mark")
        if r.status == "present" and r.late:
            label += " " + texts("held_late_mark")
        if r.status == "excused" and r.reason:
            label += f" ({r.reason})"
        rows.append([(label[:64], callbacks.build(ROLL, "t", meeting_id, r.person_id, page))])
    if pages > 1:
        nav: list[tuple[str, str]] = []
        if page > 0:
            nav.append((texts("btn_prev"), callbacks.build(ROLL, "p", meeting_id, page - 1)))
        if page + 1 < pages:
            nav.append((texts("btn_next"), callbacks.build(ROLL, "p", meeting_id, page + 1)))
        rows.append(nav)
    rows.append([(texts("rollcall_close"), callbacks.build(ROLL, "c", meeting_id))])
    lines = [texts("rollcall_header", summary=summary), _held_line(who, roll.meeting),
             texts("held_officers", chair=roll.chair or "—", secretary=roll.secretary or "—")]
    if pages > 1:
        lines.append(texts("report_page", page=page + 1, pages=pages))
    await who.show("\n".join(lines), rows, toast=toast)


async def _send_minutes(who: Asker, meeting_id: int) -> None:
    result = await minutes_svc.minutes_for(who.services, who.actor, meeting_id, who.texts.lang)
    chat = who.update.effective_chat
    assert chat is not None
    await who.toast()
    await who.update.get_bot().send_document(
        chat.id, io.BytesIO(result.data), filename=result.file_name,
        caption=who.texts("minutes_docx_caption",
                          when=mt.when(result.meeting, who.services.tz, who.texts.lang)))


async def minutes(update: Update, context: ChiboContext) -> None:
    """/minutes [dd/mm/yyyy | id]: the printable minutes of a closed meeting."""
    who = await asker(update, context)
    unit_id = officer_branch(who.actor)
    meeting_id = await minutes_svc.closed_meeting(who.services, who.actor, unit_id,
                                                  " ".join(context.args or []) or None)
    await _send_minutes(who, meeting_id)


def _int(value: str) -> int | None:
    if value.startswith("-"):
        found = callbacks.as_int(value[1:])
        return None if found is None else -found
    return callbacks.as_int(value)


async def on_button(update: Update, context: ChiboContext) -> None:
    who = await asker(update, context)
    parts = callbacks.split(update.callback_query.data if update.callback_query else None, ROLL)
    meeting_id = callbacks.as_int(parts[1]) if parts and len(parts) >= 2 else None
    if not parts or meeting_id is None:
        await who.toast(who.texts("button_expired"))
        return
    action, rest = parts[0], parts[2:]
    nums = [_int(p) for p in rest]
    if action == "o" and not rest:
        await _show(who, meeting_id)
    elif action == "p" and len(nums) == 1 and nums[0] is not None:
        await _show(who, meeting_id, nums[0])
    elif action == "t" and len(nums) in (1, 2) and None not in nums:
        person_id = nums[0]
        page = nums[1] if len(nums) == 2 else 0
        assert person_id is not None and page is not None
        row = await svc.toggle(who.services, who.actor, meeting_id, person_id)
        if row.status == "excused" and not row.reason and row.standing is None:
            await ask_for(who, "rollcall_reason", {"meeting": meeting_id, "person": person_id},
                          who.texts("rollcall_ask_reason", name=row.full_name))
        await _show(who, meeting_id, page)
    elif action == "sh" and len(rest) == 2 and rest[0] in ("s", "e") and nums[1] is not None:
        await svc.shift_time(who.services, who.actor, meeting_id, rest[0], nums[1])
        await _show(who, meeting_id)
    elif action == "hm" and not rest:
        await svc.editable(who.services, who.actor, meeting_id)
        await who.toast()
        await ask_for(who, "rollcall_times", {"meeting": meeting_id},
                      who.texts("held_ask_times"))
    elif action in ("ch", "se", "lt") and not rest:
        await svc.editable(who.services, who.actor, meeting_id)
        await who.toast()
        kind = {"ch": "chair", "se": "secretary", "lt": "late"}[action]
        await ask_for(who, "rollcall_role", {"meeting": meeting_id, "role": kind},
                      who.texts(f"held_ask_{kind}"))
    elif action == "c" and not rest:
        roll = await svc.close_rollcall(who.services, who.actor, meeting_id)
        await _closed_view(who, meeting_id, roll.rows)
    elif action == "m" and not rest:
        await _send_minutes(who, meeting_id)
    else:
        await who.toast(who.texts("button_expired"))


@route("rollcall_reason")
async def _reason(who: Asker, waiting: PendingInput, text: str) -> None:
    row = await svc.set_reason(who.services, who.actor, int(waiting.data["meeting"]),
                               int(waiting.data["person"]), text)
    await pending.clear(who.services.db, who.user_id)
    await who.say(who.texts("rollcall_reason_saved", name=row.full_name))


@route("rollcall_times")
async def _times(who: Asker, waiting: PendingInput, text: str) -> None:
    meeting = await svc.type_times(who.services, who.actor, int(waiting.data["meeting"]), text)
    await pending.clear(who.services.db, who.user_id)
    await who.say(who.texts("held_times_saved", line=_held_line(who, meeting)))
    await _show(who, meeting.id)


@route("rollcall_role")
async def _role(who: Asker, waiting: PendingInput, text: str) -> None:
    meeting_id, role = int(waiting.data["meeting"]), str(waiting.data["role"])
    if role == "late":
        names = await svc.mark_late(who.services, who.actor, meeting_id, text)
        await pending.clear(who.services.db, who.user_id)
        await who.say(who.texts("held_late_saved", names=", ".join(names)))
    else:
        name = await svc.set_role(who.services, who.actor, meeting_id, role, text)
        await pending.clear(who.services.db, who.user_id)
        await who.say(who.texts(f"held_{role}_saved", name=name))
    await _show(who, meeting_id)
