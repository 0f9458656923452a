"""/attendance: roll call after a meeting (actual start and end, chair and secretary, who
came), then the minutes' attendance block and the printable minutes (/minutes)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Literal

from telegram import Update

from bot.core import formatting as fmt
from bot.core import inputs, labels
from bot.core.inputs import Pending
from bot.core.paging import clamp_page
from bot.core.permissions import Permission, acting_branch, unit_or_fail
from bot.meetings import corrections, guests
from bot.meetings import minutes as minutes_svc
from bot.meetings import rollcall as svc
from bot.meetings import texts as mt
from bot.meetings.buttons import (
    RollcallAction,
    RollcallButton,
    RollcallGuest,
    RollcallPage,
    RollcallToggle,
)
from bot.meetings.rollcall import PAGE_SIZE, SHIFT_MINUTES, MeetingRow
from handlers.base import Asker, ButtonRow, Taps, asker, command_line
from handlers.console import console_row
from handlers.context import ChiboContext
from handlers.inputs import ask_for, route

_ROLE_ASK = {"chair": "held_ask_chair", "secretary": "held_ask_secretary",
             "late": "held_ask_late"}
_ROLE_SAVED = {"chair": "held_chair_saved", "secretary": "held_secretary_saved"}

R = RollcallAction


TAPS = Taps(RollcallButton.PREFIX)  # a family per action that carries more than the meeting


def _data(action: RollcallAction, meeting_id: int) -> str:
    return RollcallButton(action, meeting_id).encode()


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
          _data(R.OPEN, m.id))] for m in started
    ])


def _held_line(who: Asker, meeting: MeetingRow) -> str:
    tz, texts = who.services.tz, who.texts
    start = (meeting.held_from or meeting.starts_at).astimezone(tz).strftime("%H:%M")
    end = (meeting.held_until or meeting.planned_end).astimezone(tz).strftime("%H:%M")
    return texts("held_times", start=start, end=end,
                 minutes=fmt.number(meeting.length_min, texts.lang))


async def _closed_view(who: Asker, meeting_id: int, roll: svc.RollCall,
                       toast: str | None = None) -> None:
    block = svc.minutes_block(roll.rows, await svc.counts(who.services, meeting_id),
                              who.texts.lang, roll.guests)
    await who.show(who.texts("minutes_header") + "\n\n" + block,
                   [[(who.texts("held_btn_minutes"), _data(R.MINUTES, meeting_id)),
                     (who.texts("rollcall_btn_correct"), _data(R.CORRECT, meeting_id))]],
                   toast=toast)


async def _confirm_close(who: Asker, meeting_id: int) -> None:
    """Anyone still marked absent without a reason is listed; the officer confirms."""
    left = await svc.unmarked(who.services, who.actor, meeting_id)
    if not left:
        await _close(who, meeting_id)
        return
    names = "\n".join(f"  - {r.full_name}" for r in left[:PAGE_SIZE])
    if len(left) > PAGE_SIZE:
        names += "\n" + who.texts("rollcall_more", count=len(left) - PAGE_SIZE)
    await who.show(who.texts("rollcall_confirm_close", count=len(left), names=names),
                   [[(who.texts("rollcall_btn_close_yes"), _data(R.CLOSE_YES, meeting_id)),
                     (who.texts("rollcall_btn_back"), _data(R.OPEN, meeting_id))]])


async def _close(who: Asker, meeting_id: int) -> None:
    roll = await corrections.close(who.services, who.actor, meeting_id)
    await _closed_view(who, meeting_id, roll)


async def _show(who: Asker, meeting_id: int, page: int = 0, toast: str | None = None) -> None:
    roll = await svc.open_rollcall(who.services, who.actor, meeting_id)
    if roll.meeting.state == "closed":
        await _closed_view(who, meeting_id, roll, toast)
        return
    texts = who.texts
    unit = await unit_or_fail(who.services, roll.meeting.unit_id)
    summary = mt.summary(roll.meeting, unit.name, who.services.tz, texts.lang)
    page, pages = clamp_page(len(roll.rows), page, PAGE_SIZE)
    shift = SHIFT_MINUTES

    def nudge(key: str, action: RollcallAction) -> tuple[str, str]:
        return texts(key, n=shift), _data(action, meeting_id)

    rows: list[ButtonRow] = [
        [nudge("held_btn_start_earlier", R.START_EARLIER),
         nudge("held_btn_start_later", R.START_LATER),
         nudge("held_btn_end_earlier", R.END_EARLIER), nudge("held_btn_end_later", R.END_LATER)],
        [(texts("held_btn_type_times"), _data(R.TYPE_TIMES, meeting_id)),
         (texts("held_btn_chair"), _data(R.CHAIR, meeting_id)),
         (texts("held_btn_secretary"), _data(R.SECRETARY, meeting_id)),
         (texts("held_btn_late"), _data(R.LATE, meeting_id))],
    ]
    for r in roll.rows[page * PAGE_SIZE:(page + 1) * PAGE_SIZE]:
        label = f"{texts(labels.ROLLCALL_STATUS[r.status])} {r.full_name}"
        if not r.has_telegram:
            label += " " + texts("held_no_telegram_mark")
        if r.on_zalo:
            label += " " + texts("zalo_mark")
        if r.status == "present" and r.late:
            label += " " + texts("held_late_mark")
        if r.status == "excused" and r.reason:
            label += f" ({r.reason})"
        if r.capacity != "member" and r.status != "present":
            label = f"{texts('rollcall_guest_absent')} {r.full_name}"  # không dự
        rows.append([(label[:64], RollcallToggle(meeting_id, r.person_id, page).encode())])
    if page + 1 >= pages:  # guests after the members, on the last page
        for g in roll.guests:
            mark = texts("rollcall_guest" if g.present else "rollcall_guest_absent")
            label = f"{mark} {svc.guest_label(g)} — {texts('rollcall_guest_word')}"
            rows.append([(label[:64], RollcallGuest(meeting_id, g.id).encode())])
    if pages > 1:
        nav: list[tuple[str, str]] = []
        if page > 0:
            nav.append((texts("btn_prev"), RollcallPage(meeting_id, page - 1).encode()))
        if page + 1 < pages:
            nav.append((texts("btn_next"), RollcallPage(meeting_id, page + 1).encode()))
        rows.append(nav)
    rows.append([(texts("rollcall_btn_add"), _data(R.ADD, meeting_id)),
                 (texts("rollcall_close"), _data(R.CLOSE, meeting_id))])
    rows += await console_row(who, "console_button_rollcall", s="rollcall", m=meeting_id)
    lines = [texts("rollcall_header", summary=summary), _held_line(who, roll.meeting),
             texts("held_officers", chair=roll.chair or "—", secretary=roll.secretary or "—")]
    if roll.meeting.entered_later:
        lines.append(texts("rollcall_entered_later"))
    if roll.meeting.correction_reason is not None:
        lines.append(texts("rollcall_correcting", reason=roll.meeting.correction_reason))
    if pages > 1:
        lines.append(texts("report_page", page=page + 1, pages=pages))
    await who.show("\n".join(lines), rows, toast=toast)


async def show_rollcall(who: Asker, meeting_id: int) -> None:
    """The roll call of a meeting (open or closed), e.g. right after entering a past one."""
    await _show(who, meeting_id)


async def _send_minutes(who: Asker, meeting_id: int) -> None:
    result = await minutes_svc.minutes_for(who.services, who.actor, meeting_id, who.texts.lang)
    chat = who.update.effective_chat
    assert chat is not None
    await who.toast()
    await who.then(lambda: who.update.get_bot().send_document(
        chat.id, io.BytesIO(result.data), filename=result.file_name,
        caption=who.texts("minutes_docx_caption",
                          when=mt.when(result.meeting, who.services.tz, who.texts.lang))))


async def minutes(update: Update, context: ChiboContext) -> None:
    """/minutes [dd/mm/yyyy | id]: the printable minutes of a closed meeting."""
    who = await asker(update, context)
    unit_id = acting_branch(who.actor, Permission.RECORD_ATTENDANCE)
    meeting_id = await minutes_svc.closed_meeting(who.services, who.actor, unit_id,
                                                  command_line(context) or None)
    await _send_minutes(who, meeting_id)


_SHIFTS = {R.START_EARLIER: ("s", -1), R.START_LATER: ("s", 1), R.END_EARLIER: ("e", -1),
           R.END_LATER: ("e", 1)}
@dataclass(frozen=True)
class MissedReason(Pending, kind="rollcall_reason"):
    """Why ``person`` was excused from the meeting."""

    meeting: int
    person: int


@dataclass(frozen=True)
class HeldTimes(Pending, kind="rollcall_times"):
    """The actual start and end of the meeting, typed."""

    meeting: int


@dataclass(frozen=True)
class Uninvited(Pending, kind="rollcall_add"):
    """Someone who came without an invitation."""

    meeting: int


Role = Literal["chair", "secretary", "late"]


@dataclass(frozen=True)
class HeldRole(Pending, kind="rollcall_role"):
    """Who chaired, who took the minutes, or who came late."""

    meeting: int
    role: Role


@dataclass(frozen=True)
class Correction(Pending, kind="rollcall_correct"):
    """Why a closed roll call is reopened."""

    meeting: int


_ASKS: dict[RollcallAction, tuple[type[HeldTimes | Uninvited], str]] = {
    R.TYPE_TIMES: (HeldTimes, "held_ask_times"), R.ADD: (Uninvited, "rollcall_ask_add")}
_TYPED_ROLES: dict[RollcallAction, Role] = {R.CHAIR: "chair", R.SECRETARY: "secretary",
                                            R.LATE: "late"}


@TAPS.on(RollcallPage)
async def _page(who: Asker, button: RollcallPage) -> None:
    await _show(who, button.meeting, button.page)


@TAPS.on(RollcallGuest)
async def _guest(who: Asker, button: RollcallGuest) -> None:
    await guests.toggle(who.services, who.actor, button.guest)
    await _show(who, button.meeting)


@TAPS.on(RollcallToggle)
async def _toggle(who: Asker, button: RollcallToggle) -> None:
    meeting_id, person_id, page = button.meeting, button.person, button.page or 0
    row = await svc.toggle(who.services, who.actor, meeting_id, person_id)
    if row.status == "excused" and not row.reason and row.standing is None:
        await ask_for(who, MissedReason(meeting_id, person_id),
                      who.texts("rollcall_ask_reason", name=row.full_name))
    await _show(who, meeting_id, page)


@TAPS.on(RollcallButton)
async def _on_meeting(who: Asker, button: RollcallButton) -> None:
    meeting_id, action = button.meeting, button.action
    if action == R.OPEN:
        await _show(who, meeting_id)
    elif action in _SHIFTS:
        which, sign = _SHIFTS[action]
        await svc.shift_time(who.services, who.actor, meeting_id, which, sign * SHIFT_MINUTES)
        await _show(who, meeting_id)
    elif action in _ASKS:  # the actual times, or someone who came uninvited
        await svc.editable(who.services, who.actor, meeting_id)
        await who.toast()
        kind, prompt = _ASKS[action]
        await ask_for(who, kind(meeting_id), who.texts(prompt))
    elif action in _TYPED_ROLES:
        await svc.editable(who.services, who.actor, meeting_id)
        await who.toast()
        role = _TYPED_ROLES[action]
        await ask_for(who, HeldRole(meeting_id, role), who.texts(_ROLE_ASK[role]))
    elif action == R.CLOSE:
        await _confirm_close(who, meeting_id)
    elif action == R.CLOSE_YES:
        await _close(who, meeting_id)
    elif action == R.CORRECT:
        await corrections.correctable(who.services, who.actor, meeting_id)
        await who.toast()
        await ask_for(who, Correction(meeting_id),
                      who.texts("rollcall_ask_correction"))
    else:  # R.MINUTES
        await _send_minutes(who, meeting_id)


@route(MissedReason)
async def _reason(who: Asker, pending: MissedReason, text: str) -> None:
    row = await svc.set_reason(who.services, who.actor, pending.meeting, pending.person, text)
    await inputs.forget(who.services, who.user_id)
    await who.say(who.texts("rollcall_reason_saved", name=row.full_name))


@route(HeldTimes)
async def _times(who: Asker, pending: HeldTimes, text: str) -> None:
    meeting = await svc.type_times(who.services, who.actor, pending.meeting, text)
    await inputs.forget(who.services, who.user_id)
    await who.say(who.texts("held_times_saved", line=_held_line(who, meeting)))
    await _show(who, meeting.id)


@route(HeldRole)
async def _role(who: Asker, pending: HeldRole, text: str) -> None:
    meeting_id, role = pending.meeting, pending.role
    if role == "late":
        names = await svc.mark_late(who.services, who.actor, meeting_id, text)
        await inputs.forget(who.services, who.user_id)
        await who.say(who.texts("held_late_saved", names=", ".join(names)))
    else:
        name = await svc.set_role(who.services, who.actor, meeting_id, role, text)
        await inputs.forget(who.services, who.user_id)
        await who.say(who.texts(_ROLE_SAVED[role], name=name))
    await _show(who, meeting_id)


@route(Correction)
async def _correct(who: Asker, pending: Correction, text: str) -> None:
    meeting = await corrections.reopen(who.services, who.actor, pending.meeting, text)
    await inputs.forget(who.services, who.user_id)
    await who.say(who.texts("rollcall_reopened"))
    await _show(who, meeting.id)


@route(Uninvited)
async def _add(who: Asker, pending: Uninvited, text: str) -> None:
    meeting_id = pending.meeting
    added = await svc.add_person(who.services, who.actor, meeting_id, text)
    await inputs.forget(who.services, who.user_id)
    await who.say(who.texts(labels.ROLLCALL_ADDED[added.kind], name=added.name))
    await _show(who, meeting_id)
