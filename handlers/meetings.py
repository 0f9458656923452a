"""/meeting, /thematic, /meetings (answers, counts, move, cancel, nudge, answers taken for
members, documents) and /schedule."""

from __future__ import annotations

from datetime import datetime

from telegram import Update

from bot.core import callbacks
from bot.core import formatting as fmt
from bot.core.errors import Invalid
from bot.core.paging import clamp_page
from bot.core.services import Services
from bot.meetings import service as svc
from bot.meetings import texts as mt
from bot.meetings.admin import set_schedule
from bot.meetings.jobs import MEETING
from bot.meetings.schedule import ScheduleRule, parse_rule
from bot.members.registration import officer_branch, unit_or_fail
from bot.texts import Texts
from handlers.base import Asker, ButtonRow, asker
from handlers.common import not_understood
from handlers.context import ChiboContext
from handlers.imports import on_document
from handlers.inputs import ROUTES, ask_for, route
from storage import pending
from storage.meetings import InvitationRow, MeetingRow
from storage.pending import PendingInput

NEW_MEETING = "meeting_new"


def _summary(who: Asker, meeting: MeetingRow, unit: str) -> str:
    return mt.summary(meeting, unit, who.services.tz, who.texts.lang)


# --- creating -------------------------------------------------------------------------------


async def new_meeting(update: Update, context: ChiboContext) -> None:
    await _start_creation(update, context, "regular")


async def new_thematic(update: Update, context: ChiboContext) -> None:
    await _start_creation(update, context, "thematic")


KIND_BUTTONS = ("regular", "thematic", "combined", "extraordinary")


async def _start_creation(update: Update, context: ChiboContext, kind: str) -> None:
    who = await asker(update, context)
    unit_id = officer_branch(who.actor)
    line = " ".join(context.args or []).strip()
    if not line and kind == "regular":  # guided /meeting: which kind first
        await pending.put(who.services.db, who.user_id, NEW_MEETING,
                          {"kind": kind, "unit": unit_id, "step": "kind"},
                          who.services.clock.now())
        await who.say(who.texts("meeting_ask_kind"), [
            [(who.texts(f"meeting_btn_kind_{k}"), callbacks.build(MEETING, "k", k))]
            for k in KIND_BUTTONS])
        return
    if not line:
        await ask_for(who, NEW_MEETING, {"kind": kind, "unit": unit_id, "step": "when"},
                      who.texts("meeting_ask_when"))
        return
    named, line = svc.split_kind(line)
    starts, place, agenda = svc.parse_meeting_line(line, who.services)
    await _create(who, unit_id, named or kind, starts.isoformat(), place, agenda)


def _agenda_prompt(kind: str) -> str:
    return {"thematic": "meeting_ask_topic", "combined": "meeting_ask_topic",
            "extraordinary": "meeting_ask_purpose"}.get(kind, "meeting_ask_agenda")


async def _choose_kind(who: Asker, kind: str) -> None:
    waiting = await pending.get(who.services.db, who.user_id)
    if waiting is None or waiting.kind != NEW_MEETING or waiting.data.get("step") != "kind" \
            or kind not in KIND_BUTTONS:
        await who.toast(who.texts("button_expired"))
        return
    await who.toast()
    await ask_for(who, NEW_MEETING, {**waiting.data, "kind": kind, "step": "when"},
                  who.texts(f"meeting_kind_{kind}", unit="").rstrip(" —") + "\n"
                  + who.texts("meeting_ask_when"))


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
async def _creation_step(who: Asker, waiting: PendingInput, text: str) -> None:
    data = dict(waiting.data)
    unit_id, kind = int(data["unit"]), str(data["kind"])
    step = data["step"]
    if step == "kind":
        named, rest = svc.split_kind(text)
        if named is not None and not rest:
            await ask_for(who, NEW_MEETING, {**data, "kind": named, "step": "when"},
                          who.texts("meeting_ask_when"))
            return
        step = "when"  # a time typed straight away: a regular meeting
        kind = named or kind
        data["kind"] = kind
        text = rest if named else text
    if step == "when":
        starts = svc.parse_when(text, who.services)
        if starts <= who.services.clock.now():
            raise Invalid("meeting_in_past")
        data.update(step="place", when=starts.isoformat())
        unit = await unit_or_fail(who.services, unit_id)
        prompt = (who.texts("meeting_ask_place_default", place=unit.default_place)
                  if unit.default_place else who.texts("meeting_ask_place"))
        await ask_for(who, NEW_MEETING, data, prompt)
    elif step == "place":
        data.update(step="agenda", place=" ".join(text.split())[:svc.MAX_TEXT] or None)
        await ask_for(who, NEW_MEETING, data, who.texts(_agenda_prompt(kind)))
    else:
        agenda = " ".join(text.split()) or None
        await _create(who, unit_id, kind, str(data["when"]), data.get("place"), agenda)
        await pending.clear(who.services.db, who.user_id)


async def skip(update: Update, context: ChiboContext) -> None:
    """/skip answers a guided question with "nothing" (use the default)."""
    who = await asker(update, context)
    waiting = await pending.get(who.services.db, who.user_id)
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
        rows.append([(texts("meeting_btn_answers", n=n),
                      callbacks.build(MEETING, "ans", meeting.id, 0)),
                     (texts("meeting_btn_document", n=n),
                      callbacks.build(MEETING, "doc", meeting.id))])
    return lines


# --- officer buttons: move, cancel, nudge ---------------------------------------------------


async def on_button(update: Update, context: ChiboContext) -> None:
    who = await asker(update, context)
    parts = callbacks.split(update.callback_query.data if update.callback_query else None,
                            MEETING)
    if parts is not None and len(parts) == 2 and parts[0] == "k":
        await _choose_kind(who, parts[1])
        return
    meeting_id = callbacks.as_int(parts[1]) if parts and len(parts) >= 2 else None
    extra = [callbacks.as_int(p) for p in parts[2:]] if parts else []
    if parts is None or meeting_id is None or None in extra or len(extra) > 1:
        await who.toast(who.texts("button_expired"))
        return
    action, services, texts = parts[0], who.services, who.texts
    number = extra[0] if extra else None
    if extra and action in ("ans", "af", "afy", "afn"):
        assert number is not None
        await _answers_button(who, action, meeting_id, number)
        return
    if extra:
        await who.toast(texts("button_expired"))
        return
    if action == "doc":
        meeting = await svc.officer_meeting(services, who.actor, meeting_id)
        await who.toast()
        await ask_for(who, DOCUMENT, {"meeting": meeting.id}, texts("document_ask"))
        return
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
async def _move(who: Asker, waiting: PendingInput, text: str) -> None:
    current = await svc.officer_meeting(who.services, who.actor, int(waiting.data["meeting"]))
    starts, place, agenda = svc.parse_move_line(text, current, who.services)
    meeting = await svc.move_meeting(who.services, who.actor, current.id, starts, place, agenda)
    await pending.clear(who.services.db, who.user_id)
    unit = await unit_or_fail(who.services, meeting.unit_id)
    count = (await svc.counts(who.services, meeting.id)).total
    await who.say(who.texts("meeting_moved_done", count=count,
                            summary=_summary(who, meeting, unit.name)))


# --- answers taken by officers -----------------------------------------------------------------

ANSWERS_PAGE = 30


def answer_label(inv: InvitationRow, texts: Texts) -> str:
    """How an officer sees one invitee: the answer, who recorded it, no Telegram."""
    if inv.answer == "attend":
        line = texts("answers_attend", name=inv.full_name)
    elif inv.answer == "absent":
        line = texts("answers_absent", name=inv.full_name, reason=inv.reason or "")
    else:
        line = texts("answers_none", name=inv.full_name)
    if inv.recorded_by_name:
        line += " " + texts("answers_recorded_by", name=inv.recorded_by_name)
    if not inv.has_telegram:
        line += " " + texts("held_no_telegram_mark")
    return line


async def _answers_view(who: Asker, meeting_id: int, page: int) -> None:
    meeting, invited = await svc.officer_invitations(who.services, who.actor, meeting_id)
    texts = who.texts
    unit = await unit_or_fail(who.services, meeting.unit_id)
    page, pages = clamp_page(len(invited), page, ANSWERS_PAGE)
    shown = invited[page * ANSWERS_PAGE:(page + 1) * ANSWERS_PAGE]
    lines = [texts("answers_header", summary=_summary(who, meeting, unit.name))]
    lines += [answer_label(i, texts) for i in shown]
    if pages > 1:
        lines.append(texts("report_page", page=page + 1, pages=pages))
    rows: list[ButtonRow] = [[(texts("answers_btn_record", name=i.full_name)[:64],
                               callbacks.build(MEETING, "af", meeting_id, i.person_id))]
                             for i in shown]
    nav: list[tuple[str, str]] = []
    if page > 0:
        nav.append((texts("btn_prev"), callbacks.build(MEETING, "ans", meeting_id, page - 1)))
    if page + 1 < pages:
        nav.append((texts("btn_next"), callbacks.build(MEETING, "ans", meeting_id, page + 1)))
    if nav:
        rows.append(nav)
    await who.show("\n".join(lines)[:4000], rows)


async def _answers_button(who: Asker, action: str, meeting_id: int, number: int) -> None:
    texts = who.texts
    if action == "ans":
        await _answers_view(who, meeting_id, number)
        return
    meeting, invited = await svc.officer_invitations(who.services, who.actor, meeting_id)
    inv = next((i for i in invited if i.person_id == number), None)
    if inv is None:
        await who.toast(texts("button_expired"))
        return
    if action == "af":
        await who.show(texts("answers_choose", line=answer_label(inv, texts)), [
            [(texts("rsvp_attend"), callbacks.build(MEETING, "afy", meeting.id, inv.person_id)),
             (texts("rsvp_absent"), callbacks.build(MEETING, "afn", meeting.id, inv.person_id))],
            [(texts("btn_prev"), callbacks.build(MEETING, "ans", meeting.id, 0))]])
    elif action == "afy":
        done = await svc.answer_for(who.services, who.actor, meeting.id, inv.person_id,
                                    "attend")
        await who.show(texts("answers_saved", line=answer_label(done, texts)),
                       [[(texts("btn_prev"), callbacks.build(MEETING, "ans", meeting.id, 0))]])
    else:
        await who.toast()
        await ask_for(who, "answer_for_reason", {"meeting": meeting.id, "person": inv.person_id},
                      texts("answers_ask_reason", name=inv.full_name))


@route("answer_for_reason")
async def _answer_for_reason(who: Asker, waiting: PendingInput, text: str) -> None:
    done = await svc.answer_for(who.services, who.actor, int(waiting.data["meeting"]),
                                int(waiting.data["person"]), "absent", text)
    await pending.clear(who.services.db, who.user_id)
    await who.say(who.texts("answers_saved", line=answer_label(done, who.texts)),
                  [[(who.texts("btn_prev"),
                     callbacks.build(MEETING, "ans", int(waiting.data["meeting"]), 0))]])


# --- documents ahead of the meeting -------------------------------------------------------------

DOCUMENT = "meeting_document"


async def on_file(update: Update, context: ChiboContext) -> None:
    """A file or photo: a meeting's document when the officer was asked for one, else an
    import (files) or not understood (photos)."""
    message = update.effective_message
    user = update.effective_user
    waiting = await pending.get(context.services.db, user.id) if user else None
    if message is None or waiting is None or waiting.kind != DOCUMENT:
        if message is not None and message.document is not None:
            await on_document(update, context)
        else:
            await not_understood(update, context)
        return
    who = await asker(update, context)
    if message.document is not None:
        doc = message.document
        file_id, name, mime, size, photo = (doc.file_id, doc.file_name or "tai-lieu",
                                            doc.mime_type, doc.file_size, False)
    elif message.photo:
        best = message.photo[-1]
        file_id, name, mime, size, photo = best.file_id, "anh.jpg", "image/jpeg", \
            best.file_size, True
    else:
        await who.say(who.texts("document_ask"))
        return
    done = await svc.attach_document(who.services, who.actor, int(waiting.data["meeting"]),
                                     file_id=file_id, file_name=name, mime=mime, size=size,
                                     photo=photo)
    await pending.clear(who.services.db, who.user_id)
    lines = [who.texts("document_sent", name=done.document.file_name,
                       count=fmt.number(done.recipients, who.texts.lang))]
    if done.late:
        hours = max(0, int((done.meeting.starts_at - who.services.clock.now())
                           .total_seconds()) // 3600)
        lines.append(who.texts("document_late_warning", hours=fmt.number(hours, who.texts.lang)))
    await who.say("\n".join(lines))


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
async def _schedule_text(who: Asker, waiting: PendingInput, text: str) -> None:
    await _save_schedule(who, int(waiting.data["unit"]), text)
    await pending.clear(who.services.db, who.user_id)
