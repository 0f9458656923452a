"""/meeting, /thematic, /meetings (answers, counts, move, cancel, nudge, answers taken for
members, documents) and /schedule."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

from telegram import Message, Update

from bot.core import formatting as fmt
from bot.core import inputs, labels
from bot.core.errors import Invalid
from bot.core.inputs import Pending, Unreadable
from bot.core.names import clean_free_text
from bot.core.paging import clamp_page
from bot.core.permissions import Permission, acting_branch, branches_where, unit_or_fail
from bot.core.services import Services
from bot.meetings import history
from bot.meetings import service as svc
from bot.meetings import texts as mt
from bot.meetings.admin import set_schedule
from bot.meetings.buttons import (
    MEETING_KINDS,
    AnswerForAction,
    MeetingAction,
    MeetingAnswerFor,
    MeetingAnswers,
    MeetingButton,
    MeetingKindButton,
    PastMeetingButton,
)
from bot.meetings.schedule import ScheduleRule, parse_rule
from bot.meetings.service import InvitationRow, MeetingRow
from bot.texts import Texts
from handlers.attendance import show_rollcall
from handlers.base import Asker, ButtonRow, Taps, asker, command_line, tap
from handlers.context import ChiboContext
from handlers.inputs import ROUTES, ask_for, route, start_again, waiting_for


@dataclass(frozen=True)
class NewMeeting(Pending, kind="meeting_new"):
    """A guided /meeting: the answers so far, and the ``step`` asked next."""

    kind: str
    unit: int
    step: Literal["kind", "when", "place", "agenda"]
    when: str | None = None  # ISO, once answered
    place: str | None = None


@dataclass(frozen=True)
class PastMeeting(Pending, kind="meeting_past"):
    """A meeting at a past time, waiting for the tap that enters it (or not)."""

    unit: int
    kind: str
    when: str  # ISO
    place: str | None = None
    agenda: str | None = None


@dataclass(frozen=True)
class NewTime(Pending, kind="meeting_move"):
    """The new time of a meeting moved."""

    meeting: int


@dataclass(frozen=True)
class AnswerForReason(Pending, kind="answer_for_reason"):
    """The reason an officer records for ``person``'s absence."""

    meeting: int
    person: int


@dataclass(frozen=True)
class MeetingDocument(Pending, kind="meeting_document"):
    """The file or photo to attach to the meeting (sent, not typed)."""

    meeting: int


@dataclass(frozen=True)
class ScheduleLine(Pending, kind="schedule"):
    """The branch's regular meeting rule, typed."""

    unit: int

M = MeetingAction
F = AnswerForAction


TAPS = Taps(MeetingButton.PREFIX)  # a family per action that carries more than the meeting


def _data(action: MeetingAction, meeting_id: int) -> str:
    return MeetingButton(action, meeting_id).encode()


def _answers(meeting_id: int, page: int) -> str:
    return MeetingAnswers(meeting_id, page).encode()


def _answer_for(action: AnswerForAction, meeting_id: int, person_id: int) -> str:
    return MeetingAnswerFor(action, meeting_id, person_id).encode()


def _summary(who: Asker, meeting: MeetingRow, unit: str) -> str:
    return mt.summary(meeting, unit, who.services.tz, who.texts.lang)


# --- creating -------------------------------------------------------------------------------


async def new_meeting(update: Update, context: ChiboContext) -> None:
    await _start_creation(update, context, "regular")


async def new_thematic(update: Update, context: ChiboContext) -> None:
    await _start_creation(update, context, "thematic")


async def _start_creation(update: Update, context: ChiboContext, kind: str) -> None:
    who = await asker(update, context)
    unit_id = acting_branch(who.actor, Permission.MANAGE_MEETINGS)
    line = command_line(context)
    if not line and kind == "regular":  # guided /meeting: which kind first
        await inputs.expect(who.services, who.user_id, NewMeeting(kind, unit_id, "kind"))
        await who.say(who.texts("meeting_ask_kind"), [
            [(who.texts(labels.MEETING_BUTTON_KIND[k]), MeetingKindButton(k).encode())]
            for k in MEETING_KINDS])
        return
    if not line:
        await ask_for(who, NewMeeting(kind, unit_id, "when"), who.texts("meeting_ask_when"))
        return
    named, line = svc.split_kind(line)
    starts, place, agenda = svc.parse_meeting_line(line, who.services)
    await _create(who, unit_id, named or kind, starts.isoformat(), place, agenda)


def _agenda_prompt(kind: str) -> str:
    return {"thematic": "meeting_ask_topic", "combined": "meeting_ask_topic",
            "extraordinary": "meeting_ask_purpose"}.get(kind, "meeting_ask_agenda")


@tap(MeetingKindButton)
async def on_kind(who: Asker, button: MeetingKindButton) -> None:
    kind = button.kind
    waiting = await inputs.waiting_as(who.services, who.user_id, NewMeeting)
    if waiting is None or waiting.step != "kind":
        await who.toast(who.texts("button_expired"))
        return
    await who.toast()
    await ask_for(who, replace(waiting, kind=kind, step="when"),
                  who.texts(labels.MEETING_KIND[kind], unit="").rstrip(" —") + "\n"
                  + who.texts("meeting_ask_when"))


async def _create(who: Asker, unit_id: int, kind: str, starts_iso: str, place: str | None,
                  agenda: str | None) -> None:
    starts = datetime.fromisoformat(starts_iso)
    if history.is_past(who.services, starts):
        await _ask_past(who, unit_id, kind, starts, place, agenda)
        return
    meeting = await svc.create_meeting(who.services, who.actor, unit_id=unit_id, kind=kind,
                                       starts_at=starts, place=place, agenda=agenda)
    assert meeting is not None
    unit = await unit_or_fail(who.services, unit_id)
    counts = await svc.counts(who.services, meeting.id)
    key = "meeting_combined" if meeting.kind == "combined" and kind == "thematic" else \
        "meeting_created"
    await who.say(who.texts(key, count=counts.total, summary=_summary(who, meeting, unit.name)))


async def _ask_past(who: Asker, unit_id: int, kind: str, starts: datetime, place: str | None,
                    agenda: str | None) -> None:
    """A past time: a meeting held before the bot was used? Asked before anything is made."""
    await history.check_when(who.services, unit_id, starts)
    await inputs.expect(who.services, who.user_id,
                        PastMeeting(unit_id, kind, starts.isoformat(), place, agenda))
    await who.say(who.texts("meeting_past_confirm",
                            kind=who.texts(labels.MEETING_BUTTON_KIND[kind]),
                            when=fmt.local_time(starts, who.services.tz),
                            place=place or "—", agenda=agenda or "—"),
                  [[(who.texts("meeting_past_btn_yes"), PastMeetingButton("y").encode()),
                    (who.texts("btn_cancel"), PastMeetingButton("n").encode())]])


@tap(PastMeetingButton)
async def on_past(who: Asker, button: PastMeetingButton) -> None:
    past = await waiting_for(who, PastMeeting)
    if past is None:
        return
    if button.answer == "n":
        await inputs.forget(who.services, who.user_id)
        await who.show(who.texts("meeting_past_cancelled"))
        return
    meeting = await history.enter_past_meeting(
        who.services, who.actor, unit_id=past.unit, kind=past.kind,
        starts_at=datetime.fromisoformat(past.when), place=past.place, agenda=past.agenda)
    await inputs.forget(who.services, who.user_id)
    await show_rollcall(who, meeting.id)


@route(PastMeeting)
async def _past_typed(who: Asker, pending: PastMeeting, text: str) -> None:
    await who.say(who.texts("meeting_past_tap"))


@route(NewMeeting)
async def _creation_step(who: Asker, pending: NewMeeting, text: str) -> None:
    unit_id, kind, step = pending.unit, pending.kind, pending.step
    if step == "kind":
        named, rest = svc.split_kind(text)
        if named is not None and not rest:
            await ask_for(who, replace(pending, kind=named, step="when"),
                          who.texts("meeting_ask_when"))
            return
        step = "when"  # a time typed straight away: a regular meeting
        kind = named or kind
        text = rest if named else text
    if step == "when":
        starts = svc.parse_when(text, who.services)
        await history.check_when(who.services, unit_id, starts)
        unit = await unit_or_fail(who.services, unit_id)
        prompt = (who.texts("meeting_ask_place_default", place=unit.default_place)
                  if unit.default_place else who.texts("meeting_ask_place"))
        await ask_for(who, replace(pending, kind=kind, step="place", when=starts.isoformat()),
                      prompt)
    elif step == "place":
        place = " ".join(text.split())[:svc.MAX_TEXT] or None
        await ask_for(who, replace(pending, step="agenda", place=place),
                      who.texts(_agenda_prompt(kind)))
    else:
        agenda = " ".join(text.split()) or None
        await inputs.forget(who.services, who.user_id)
        assert pending.when is not None  # answered at the "when" step
        await _create(who, unit_id, kind, pending.when, pending.place, agenda)


async def skip(update: Update, context: ChiboContext) -> None:
    """/skip answers a guided question with "nothing" (use the default)."""
    who = await asker(update, context)
    waiting = await inputs.waiting(who.services, who.user_id)
    if isinstance(waiting, Unreadable):
        await start_again(who)
        return
    handler = ROUTES.get(type(waiting)) if waiting else None
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
    for unit_id in branches_where(who.actor, Permission.MANAGE_MEETINGS):
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
                  texts(labels.MEETING_KIND[meeting.kind], unit="").rstrip(" —"),
                  texts("meetings_counts", attend=c.attend, absent=c.absent,
                        silent=c.unanswered, total=c.total)]
        rows.append([(texts("btn_move_meeting", n=n), _data(M.MOVE, meeting.id)),
                     (texts("btn_cancel_meeting", n=n),
                      _data(M.CANCEL, meeting.id))])
        rows.append([(texts("meeting_btn_answers", n=n),
                      _answers(meeting.id, 0)),
                     (texts("meeting_btn_document", n=n),
                      _data(M.DOCUMENT, meeting.id))])
    return lines


# --- officer buttons: move, cancel, nudge ---------------------------------------------------


@TAPS.on(MeetingButton)
async def _on_meeting(who: Asker, button: MeetingButton) -> None:
    services, texts, meeting_id = who.services, who.texts, button.meeting
    match button.action:
        case M.DOCUMENT:
            meeting = await svc.officer_meeting(services, who.actor, meeting_id)
            await who.toast()
            await ask_for(who, MeetingDocument(meeting.id), texts("document_ask"))
        case M.NUDGE:
            count = await svc.nudge_unanswered(services, who.actor, meeting_id)
            await who.toast(texts("nudge_done", count=count))
        case M.MOVE:
            await svc.officer_meeting(services, who.actor, meeting_id)
            await who.toast()
            await ask_for(who, NewTime(meeting_id),
                          texts("meeting_ask_new_time"))
        case M.CANCEL:
            meeting = await svc.officer_meeting(services, who.actor, meeting_id)
            unit = await unit_or_fail(services, meeting.unit_id)
            await who.show(texts("meeting_cancel_confirm",
                                 summary=_summary(who, meeting, unit.name)),
                           [[(texts("btn_confirm_cancel_meeting"),
                              _data(M.CANCEL_YES, meeting_id))]])
        case M.CANCEL_YES:
            meeting = await svc.cancel_meeting(services, who.actor, meeting_id)
            count = (await svc.counts(services, meeting.id)).total
            await who.show(texts("meeting_cancel_done", count=count))


@route(NewTime)
async def _move(who: Asker, pending: NewTime, text: str) -> None:
    current = await svc.officer_meeting(who.services, who.actor, pending.meeting)
    starts, place, agenda = svc.parse_move_line(text, current, who.services)
    meeting = await svc.move_meeting(who.services, who.actor, current.id, starts, place, agenda)
    await inputs.forget(who.services, who.user_id)
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
    if inv.on_zalo:
        line += " " + texts("zalo_mark")
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
                               _answer_for(F.CHOOSE, meeting_id, i.person_id))]
                             for i in shown]
    nav: list[tuple[str, str]] = []
    if page > 0:
        nav.append((texts("btn_prev"), _answers(meeting_id, page - 1)))
    if page + 1 < pages:
        nav.append((texts("btn_next"), _answers(meeting_id, page + 1)))
    if nav:
        rows.append(nav)
    await who.show("\n".join(lines)[:4000], rows)


@TAPS.on(MeetingAnswers)
async def _answers_page(who: Asker, button: MeetingAnswers) -> None:
    await _answers_view(who, button.meeting, button.page)


@TAPS.on(MeetingAnswerFor)
async def _answer_for_tap(who: Asker, button: MeetingAnswerFor) -> None:
    texts, action = who.texts, button.action
    meeting, invited = await svc.officer_invitations(who.services, who.actor, button.meeting)
    inv = next((i for i in invited if i.person_id == button.person), None)
    if inv is None:
        await who.toast(texts("button_expired"))
        return
    if action == F.CHOOSE:
        await who.show(texts("answers_choose", line=answer_label(inv, texts)), [
            [(texts("rsvp_attend"), _answer_for(F.ATTENDS, meeting.id, inv.person_id)),
             (texts("rsvp_absent"), _answer_for(F.ABSENT, meeting.id, inv.person_id))],
            [(texts("btn_prev"), _answers(meeting.id, 0))]])
    elif action == F.ATTENDS:
        done = await svc.answer_for(who.services, who.actor, meeting.id, inv.person_id,
                                    "attend")
        await who.show(texts("answers_saved", line=answer_label(done, texts)),
                       [[(texts("btn_prev"), _answers(meeting.id, 0))]])
    else:
        await who.toast()
        await ask_for(who, AnswerForReason(meeting.id, inv.person_id),
                      texts("answers_ask_reason", name=inv.full_name))


@route(AnswerForReason)
async def _answer_for_reason(who: Asker, pending: AnswerForReason, text: str) -> None:
    done = await svc.answer_for(who.services, who.actor, pending.meeting, pending.person,
                                "absent", text)
    await inputs.forget(who.services, who.user_id)
    await who.say(who.texts("answers_saved", line=answer_label(done, who.texts)),
                  [[(who.texts("btn_prev"),
                     _answers(pending.meeting, 0))]])


# --- documents ahead of the meeting -------------------------------------------------------------


async def attach_file(who: Asker, pending: MeetingDocument, message: Message) -> None:
    """The file or photo the officer was asked for: the meeting's document (routed here
    by handlers/uploads.py)."""
    if message.document is not None:
        doc = message.document
        # A file's name is shown to every member: no bidi override may disguise it.
        file_id, name, mime, size, photo = (doc.file_id,
                                            clean_free_text(doc.file_name or "") or "tai-lieu",
                                            doc.mime_type, doc.file_size, False)
    elif message.photo:
        best = message.photo[-1]
        file_id, name, mime, size, photo = best.file_id, "anh.jpg", "image/jpeg", \
            best.file_size, True
    else:
        await who.say(who.texts("document_ask"))
        return
    done = await svc.attach_document(who.services, who.actor, pending.meeting,
                                     file_id=file_id, file_name=name, mime=mime, size=size,
                                     photo=photo)
    await inputs.forget(who.services, who.user_id)
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
    assert rule.weekday is not None  # a rule names a day of the month or a weekday
    weekday = texts(labels.WEEKDAY[rule.weekday])
    if rule.week == -1:
        return texts("schedule_rule_last", weekday=weekday, time=rule.time)
    return texts("schedule_rule_week", weekday=weekday, week=rule.week, time=rule.time)


async def schedule(update: Update, context: ChiboContext) -> None:
    who = await asker(update, context)
    unit_id = acting_branch(who.actor, Permission.MANAGE_MEETINGS)
    line = command_line(context)
    if not line:
        unit = await unit_or_fail(who.services, unit_id)
        current = who.texts("schedule_none")
        if unit.schedule_rule:
            place = (who.texts("schedule_place", place=unit.default_place)
                     if unit.default_place else "")
            current = who.texts("schedule_current", rule=describe_rule(
                ScheduleRule.from_json(unit.schedule_rule), who.texts), place=place)
        await ask_for(who, ScheduleLine(unit_id),
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


@route(ScheduleLine)
async def _schedule_text(who: Asker, pending: ScheduleLine, text: str) -> None:
    await _save_schedule(who, pending.unit, text)
    await inputs.forget(who.services, who.user_id)
