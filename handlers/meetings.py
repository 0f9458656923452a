"""/meeting, /thematic, /meetings (answers, counts, move, cancel, nudge) and /schedule."""

from __future__ import annotations

from datetime import datetime

from telegram import Update

from bot.core import callbacks, inputs
from bot.core import formatting as fmt
from bot.core.errors import Invalid
from bot.core.inputs import Waiting
from bot.core.services import Services
from bot.meetings import service as svc
from bot.meetings import texts as mt
from bot.meetings.admin import set_schedule
from bot.meetings.jobs import MEETING
from bot.meetings.schedule import ScheduleRule, parse_rule
from bot.meetings.service import MeetingRow
from bot.members.registration import officer_branch, unit_or_fail
from bot.texts import Texts
from handlers.base import Asker, ButtonRow, asker
from handlers.context import ChiboContext
from handlers.inputs import ROUTES, ask_for, route

NEW_MEETING = "meeting_new"


def _summary(who: Asker, meeting: MeetingRow, unit: str) -> str:
    return mt.summary(meeting, unit, who.services.tz, who.texts.lang)


# --- creating -------------------------------------------------------------------------------


async def new_meeting(update: Update, context: ChiboContext) -> None:
    await _start_creation(update, context, "regular")


async def new_thematic(update: Update, context: ChiboContext) -> None:
    await _start_creation(update, context, "thematic")


async def _start_creation(update: Update, context: ChiboContext, kind: str) -> None:
    who = await asker(update, context)
    unit_id = officer_branch(who.actor)
    line = " ".join(context.args or []).strip()
    if not line:
        await ask_for(who, NEW_MEETING, {"kind": kind, "unit": unit_id, "step": "when"},
                      who.texts("meeting_ask_when"))
        return
    starts, place, agenda = svc.parse_meeting_line(line, who.services)
    await _create(who, unit_id, kind, starts.isoformat(), place, agenda)


async def _create(who: Asker, unit_id: int, kind: str, starts_iso: str, place: str | None,
                  agenda: str | None) -> None:
    starts = datetime.fromisoformat(starts_iso)
    meeting = await svc.create_meeting(who.services, who.actor, unit_id=unit_id, kind=kind,
                                       starts_at=starts, place=place, agenda=agenda)
    assert meeting is not None
    unit = await unit_or_fail(who.services, unit_id)
    counts = await svc.counts(who.services, meeting.id)
    key = "meeting_combined" if meeting.kind == "combined" and kind == "thematic" else \
        "meeting_created"
    await who.say(who.texts(key, count=counts.total, summary=_summary(who, meeting, unit.name)))


@route(NEW_MEETING)
async def _creation_step(who: Asker, waiting: Waiting, text: str) -> None:
    data = dict(waiting.data)
    unit_id, kind = int(data["unit"]), str(data["kind"])
    step = data["step"]
    if step == "when":
        starts = svc.parse_new_time(text, who.services)
        data.update(step="place", when=starts.isoformat())
        unit = await unit_or_fail(who.services, unit_id)
        prompt = (who.texts("meeting_ask_place_default", place=unit.default_place)
                  if unit.default_place else who.texts("meeting_ask_place"))
        await ask_for(who, NEW_MEETING, data, prompt)
    elif step == "place":
        data.update(step="agenda", place=" ".join(text.split())[:svc.MAX_TEXT] or None)
        await ask_for(who, NEW_MEETING, data, who.texts(
            "meeting_ask_topic" if kind == "thematic" else "meeting_ask_agenda"))
    else:
        agenda = " ".join(text.split()) or None
        await _create(who, unit_id, kind, str(data["when"]), data.get("place"), agenda)
        await inputs.forget(who.services, who.user_id)


async def skip(update: Update, context: ChiboContext) -> None:
    """/skip answers a guided question with "nothing" (use the default)."""
    who = await asker(update, context)
    waiting = await inputs.waiting(who.services, who.user_id)
    handler = ROUTES.get(waiting.kind) if waiting else None
    if waiting is None or handler is None:
        await who.say(who.texts("not_understood"))
        return
    await handler(who, waiting, "")


# --- listing ---------------------------------------------------------------------------------


async def list_meetings(update: Update, context: ChiboContext) -> None:
    who = await asker(update, context)
    texts = who.texts
    if who.actor.person_id is None:
        raise Invalid("not_registered")
    lines: list[str] = []
    rows: list[ButtonRow] = []
    mine = await svc.my_meetings(who.services, who.actor)
    if mine:
        lines.append(texts("meetings_mine_header"))
        for meeting, inv in mine:
            unit = await svc.unit_name(who.services, meeting.unit_id)
            lines += ["", _summary(who, meeting, unit), mt.answer_line(inv, texts.lang)]
            rows += [[(b.text, b.data or "") for b in row]
                     for row in mt.rsvp_buttons(meeting.id, texts.lang, inv.answer)]
    for unit_id in who.actor.officer_branches:
        lines += await _branch_lines(who.services, texts, unit_id, rows, who)
    await who.say("\n".join(lines).strip()[:4000] or texts("meetings_none"), rows)


async def _branch_lines(services: Services, texts: Texts, unit_id: int, rows: list[ButtonRow],
                        who: Asker) -> list[str]:
    upcoming = await svc.branch_upcoming(services, who.actor, unit_id)
    if not upcoming:
        return []
    unit = await unit_or_fail(services, unit_id)
    lines = ["", texts("meetings_branch_header", unit=unit.name)]
    for n, meeting in enumerate(upcoming, start=1):
        c = await svc.counts(services, meeting.id)
        lines += [f"#{n} " + mt.when(meeting, services.tz, texts.lang) + " — " +
                  texts(f"meeting_kind_{meeting.kind}", unit="").rstrip(" —"),
                  texts("meetings_counts", attend=c.attend, absent=c.absent,
                        silent=c.unanswered, total=c.total)]
        rows.append([(texts("btn_move_meeting", n=n), callbacks.build(MEETING, "mv", meeting.id)),
                     (texts("btn_cancel_meeting", n=n),
                      callbacks.build(MEETING, "cx", meeting.id))])
    return lines


# --- officer buttons: move, cancel, nudge ---------------------------------------------------


async def on_button(update: Update, context: ChiboContext) -> None:
    who = await asker(update, context)
    parts = callbacks.split(update.callback_query.data if update.callback_query else None,
                            MEETING)
    meeting_id = callbacks.as_int(parts[1]) if parts and len(parts) == 2 else None
    if parts is None or meeting_id is None:
        await who.toast(who.texts("button_expired"))
        return
    action, services, texts = parts[0], who.services, who.texts
    if action == "nudge":
        count = await svc.nudge_unanswered(services, who.actor, meeting_id)
        await who.toast(texts("nudge_done", count=count))
    elif action == "mv":
        await svc.officer_meeting(services, who.actor, meeting_id)
        await who.toast()
        await ask_for(who, "meeting_move", {"meeting": meeting_id},
                      texts("meeting_ask_new_time"))
    elif action == "cx":
        meeting = await svc.officer_meeting(services, who.actor, meeting_id)
        unit = await unit_or_fail(services, meeting.unit_id)
        await who.show(texts("meeting_cancel_confirm", summary=_summary(who, meeting, unit.name)),
                       [[(texts("btn_confirm_cancel_meeting"),
                          callbacks.build(MEETING, "cxy", meeting_id))]])
    elif action == "cxy":
        meeting = await svc.cancel_meeting(services, who.actor, meeting_id)
        count = (await svc.counts(services, meeting.id)).total
        await who.show(texts("meeting_cancel_done", count=count))
    else:
        await who.toast(texts("button_expired"))


@route("meeting_move")
async def _move(who: Asker, waiting: Waiting, text: str) -> None:
    starts = svc.parse_when(text, who.services)
    meeting = await svc.move_meeting(who.services, who.actor, int(waiting.data["meeting"]),
                                     starts)
    await inputs.forget(who.services, who.user_id)
    unit = await unit_or_fail(who.services, meeting.unit_id)
    count = (await svc.counts(who.services, meeting.id)).total
    await who.say(who.texts("meeting_moved_done", count=count,
                            summary=_summary(who, meeting, unit.name)))


# --- /schedule --------------------------------------------------------------------------------


def describe_rule(rule: ScheduleRule, texts: Texts) -> str:
    if rule.day is not None:
        return texts("schedule_rule_day", day=rule.day, time=rule.time)
    weekday = texts(f"weekday_{rule.weekday}")
    if rule.week == -1:
        return texts("schedule_rule_last", weekday=weekday, time=rule.time)
    return texts("schedule_rule_week", weekday=weekday, week=rule.week, time=rule.time)


async def schedule(update: Update, context: ChiboContext) -> None:
    who = await asker(update, context)
    unit_id = officer_branch(who.actor)
    line = " ".join(context.args or []).strip()
    if not line:
        unit = await unit_or_fail(who.services, unit_id)
        current = who.texts("schedule_none")
        if unit.schedule_rule:
            place = (who.texts("schedule_place", place=unit.default_place)
                     if unit.default_place else "")
            current = who.texts("schedule_current", rule=describe_rule(
                ScheduleRule.from_json(unit.schedule_rule), who.texts), place=place)
        await ask_for(who, "schedule", {"unit": unit_id},
                      current + "\n\n" + who.texts("schedule_ask"))
        return
    await _save_schedule(who, unit_id, line)


async def _save_schedule(who: Asker, unit_id: int, line: str) -> None:
    rule, place = parse_rule(line)
    saved_place = await set_schedule(who.services, who.actor, unit_id, rule, place)
    await who.say(who.texts(
        "schedule_saved", rule=describe_rule(rule, who.texts),
        place=who.texts("schedule_place", place=saved_place) if saved_place else "",
        days=fmt.number(who.services.config.meetings.create_days_ahead, who.texts.lang)))


@route("schedule")
async def _schedule_text(who: Asker, waiting: Waiting, text: str) -> None:
    await _save_schedule(who, int(waiting.data["unit"]), text)
    await inputs.forget(who.services, who.user_id)
