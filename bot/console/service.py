"""What each console screen shows and does, through the chat's own service functions.

Every function takes the :class:`~bot.core.access.Actor` resolved from validated init
data and returns plain JSON-ready values; the rules (who may, what a tap records, what
is audited) stay in the roll-call, member and report services the chat uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.core import formatting as fmt
from bot.core import labels
from bot.core.access import Actor
from bot.core.errors import Denied, NotFound
from bot.core.permissions import (
    Permission,
    branches_where,
    holds_somewhere,
    require_somewhere,
    unit_or_fail,
)
from bot.core.services import Services
from bot.meetings import corrections, guests, rollcall
from bot.meetings import texts as mt
from bot.meetings.rollcall import AttendanceRow, MeetingRow
from bot.members import records
from bot.members import service as members
from bot.reports import export as report_export
from bot.reports import render
from bot.reports import service as reports
from bot.reports.scope import resolve, scopes_for
from bot.texts import Language, Texts, t

_CONSOLE_STANDING = {"official": "console_standing_official",
                     "probationary": "console_standing_probationary"}
_CONSOLE_CHANNEL = {"none": "console_channel_none", "telegram": "console_channel_telegram",
                    "unreachable": "console_channel_unreachable"}
_CONSOLE_PROBATION = {"overdue": "console_probation_overdue", "soon": "console_probation_soon",
                      "later": "console_probation_later"}

Json = dict[str, Any]


def may_use(actor: Actor) -> bool:
    """Officers of a branch or a committee; everyone else gets the refusal page."""
    return holds_somewhere(actor, Permission.USE_CONSOLE)


def require_console(actor: Actor) -> None:
    require_somewhere(actor, Permission.USE_CONSOLE)


# --- home -----------------------------------------------------------------------------------


async def home(services: Services, actor: Actor, lang: Language) -> Json:
    """The branches the actor serves (their started meetings) and committees' years."""
    require_console(actor)
    branches = []
    for unit_id in branches_where(actor, Permission.RECORD_ATTENDANCE):
        unit = await unit_or_fail(services, unit_id)
        started = await rollcall.started_meetings(services, actor, unit_id)
        branches.append({"id": unit.id, "name": unit.name, "meetings": [
            {"id": m.id, "when": mt.when(m, services.tz, lang), "closed": m.state == "closed"}
            for m in started]})
    try:
        scopes = await scopes_for(services, actor)
    except Denied:
        scopes = []
    committees = [{"key": s.key, "name": s.label} for s in scopes if s.committee is not None
                  and len(s.branches) != 1]
    return {"name": actor.full_name, "branches": branches, "committees": committees}


# --- roll call ------------------------------------------------------------------------------


def _row(r: AttendanceRow, lang: Language) -> Json:
    return {"person": r.person_id, "name": r.full_name, "status": r.status,
            "reason": r.reason, "standing": t(lang, labels.STANDING[r.standing])
            if r.standing else None, "member": r.capacity == "member",
            "telegram": r.has_telegram, "late": r.late}


def _clock(instant: datetime, services: Services) -> str:
    return instant.astimezone(services.tz).strftime("%H:%M")


def _meeting(meeting: MeetingRow, unit_name: str, services: Services, lang: Language) -> Json:
    return {"id": meeting.id, "unit": meeting.unit_id,
            "title": mt.summary(meeting, unit_name, services.tz, lang),
            "correcting": meeting.correction_reason,
            "start": _clock(meeting.held_from or meeting.starts_at, services),
            "end": _clock(meeting.held_until or meeting.planned_end, services),
            "minutes": meeting.length_min, "closed": meeting.state == "closed"}


async def rollcall_view(services: Services, actor: Actor, meeting_id: int,
                        lang: Language) -> Json:
    """The whole roll call, opened (and pre-filled) exactly as ``/attendance`` opens it."""
    roll = await rollcall.open_rollcall(services, actor, meeting_id)
    unit = await unit_or_fail(services, roll.meeting.unit_id)
    view = {"meeting": _meeting(roll.meeting, unit.name, services, lang),
            "chair": roll.chair, "secretary": roll.secretary,
            "rows": [_row(r, lang) for r in roll.rows],
            "guests": [_guest(g) for g in await guests.of_meeting(services, meeting_id)]}
    if roll.meeting.state == "closed":
        view["minutes"] = rollcall.minutes_block(
            roll.rows, await rollcall.counts(services, meeting_id), lang)
    return view


def _guest(guest: guests.GuestRow) -> Json:
    return {"id": guest.id, "name": guest.full_name, "present": bool(guest.present)}


async def rollcall_tap(services: Services, actor: Actor, meeting_id: int, person_id: int,
                       lang: Language) -> Json:
    """One tap: the next state of the cycle; an excused absence without a reason or a
    standing asks for the reason, as the chat does."""
    row = await rollcall.toggle(services, actor, meeting_id, person_id)
    ask = row.status == "excused" and not row.reason and row.standing is None
    return {"row": _row(row, lang), "ask_reason": ask}


async def rollcall_reason(services: Services, actor: Actor, meeting_id: int, person_id: int,
                          reason: str, lang: Language) -> Json:
    row = await rollcall.set_reason(services, actor, meeting_id, person_id, reason)
    return {"row": _row(row, lang)}


async def rollcall_times(services: Services, actor: Actor, meeting_id: int, text: str,
                         lang: Language) -> Json:
    meeting = await rollcall.type_times(services, actor, meeting_id, text)
    unit = await unit_or_fail(services, meeting.unit_id)
    return {"meeting": _meeting(meeting, unit.name, services, lang)}


async def rollcall_role(services: Services, actor: Actor, meeting_id: int, role: str,
                        name: str) -> Json:
    if role not in ("chair", "secretary"):
        raise Denied()
    return {"role": role, "name": await rollcall.set_role(services, actor, meeting_id, role,
                                                          name)}


async def rollcall_close(services: Services, actor: Actor, meeting_id: int,
                         lang: Language, *, confirmed: bool) -> Json:
    """Close, as the chat closes: anyone still unmarked is listed for the officer to
    confirm first; after a correction the warnings follow at once."""
    if not confirmed:
        left = await rollcall.unmarked(services, actor, meeting_id)
        if left:
            names = "\n".join(f"  - {r.full_name}" for r in left)
            return {"closed": False, "unmarked": [r.person_id for r in left],
                    "question": t(lang, "rollcall_confirm_close", count=len(left),
                                  names=names)}
    roll = await corrections.close(services, actor, meeting_id)
    return {"closed": True, "minutes": rollcall.minutes_block(
        roll.rows, await rollcall.counts(services, meeting_id), lang)}


async def rollcall_add(services: Services, actor: Actor, meeting_id: int, name: str,
                       lang: Language) -> Json:
    """Someone who came without an invitation: a member present, anyone else a guest."""
    added = await rollcall.add_person(services, actor, meeting_id, name)
    return {"message": t(lang, labels.ROLLCALL_ADDED[added.kind], name=added.name),
            "roll": await rollcall_view(services, actor, meeting_id, lang)}


async def rollcall_guest(services: Services, actor: Actor, meeting_id: int,
                         guest_id: int) -> Json:
    """A guest at the roll call: present ↔ không dự."""
    if guest_id not in {g.id for g in await guests.of_meeting(services, meeting_id)}:
        raise NotFound()
    return {"guest": _guest(await guests.toggle(services, actor, guest_id))}


async def rollcall_reopen(services: Services, actor: Actor, meeting_id: int, reason: str,
                          lang: Language) -> Json:
    """A closed roll call reopened for a correction; every change then is audited with
    the old and the new mark and ``reason``."""
    await corrections.reopen(services, actor, meeting_id, reason)
    return await rollcall_view(services, actor, meeting_id, lang)


# --- members --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Standing:
    key: str
    text: str


def _standing(row: Any, lang: Language) -> _Standing:
    for flag, key in (("is_away", "away"), ("is_exempt", "exempt"), ("is_213", "213")):
        if getattr(row, flag):
            return _Standing(key, t(lang, labels.STANDING[key]))
    if row.standing_unknown:
        return _Standing("unknown", t(lang, "console_standing_unknown"))
    key = "probationary" if row.probationary else "official"
    return _Standing(key, t(lang, _CONSOLE_STANDING[key]))


def _day(value: Any) -> str | None:
    return fmt.day(value) if value is not None else None


async def members_view(services: Services, actor: Actor, unit_id: int, lang: Language) -> Json:
    """Every active member of a branch with standing, dates, channel and dues state."""
    first = await members.members_page(services, actor, unit_id, 0)
    listed = list(first.members)
    for page in range(1, first.pages):
        listed += (await members.members_page(services, actor, unit_id, page)).members
    scope = await resolve(services, actor, f"b{unit_id}")
    year = await reports.compute_year(services, scope, reports.today(services).year)
    unpaid = {m.person_id: m.unpaid_months for m in year.members}
    rows = []
    for m in listed:
        standing = _standing(m, lang)
        channel = ("unreachable" if m.unreachable_since else
                   "telegram" if m.telegram_user_id else "none")
        owed = unpaid.get(m.person_id, [])
        rows.append({"id": m.membership_id, "name": m.full_name, "standing": standing.key,
                     "standing_text": standing.text, "role": t(lang, labels.ROLE[m.role]),
                     "admitted_on": _day(m.admitted_on), "official_on": _day(m.official_on),
                     "channel": t(lang, _CONSOLE_CHANNEL[channel]),
                     "dues": t(lang, "console_dues_owed", months=", ".join(
                         fmt.month(p) for p in owed)) if owed else t(lang, "console_dues_ok"),
                     "dues_ok": not owed})
    return {"unit": {"id": first.unit.id, "name": first.unit.name}, "members": rows}


async def member_record(services: Services, actor: Actor, membership_id: int,
                        lang: Language) -> Json:
    row = await members.open_member(services, actor, membership_id)
    return {"id": row.membership_id, "name": row.full_name, "unit": row.unit_id,
            "fields": [{"field": f, "label": t(lang, labels.RECORD_FIELD[f]),
                        "value": records.shown(records.current_value(row, f, services.tz))}
                       for f in records.EDITABLE]}


async def member_correct(services: Services, actor: Actor, membership_id: int, field: str,
                         text: str, lang: Language) -> Json:
    """One field, validated like an import row and audited by the records service."""
    await records.correct_field(services, actor, membership_id, field, text, lang)
    return await member_record(services, actor, membership_id, lang)


# --- the committee's year -------------------------------------------------------------------


async def committee_year(services: Services, actor: Actor, scope_key: str | None,
                         year: int | None, lang: Language) -> Json:
    """The heatmap (the figures of ``/report branches`` and the export), the 3-month rule
    list with each month's cause, and the probations ending and overdue."""
    report = await reports.year_report(services, actor, scope_key, year)
    scope, chosen = report.scope, report.year
    heat = await report_export.heatmap_data(services, scope, chosen)  # as the export draws it
    cells = []
    for r, branch in enumerate(report.branches):
        row = []
        for m in range(12):
            value = heat.rates[r][m]
            row.append({"rate": None if value is None else round(value),
                        "missing": (r, m) in heat.missing, "no_data": (r, m) in heat.no_data})
        cells.append({"id": branch.unit_id, "name": branch.name, "months": row,
                      "rate": fmt.percent(branch.rate, lang)})
    names = {b.unit_id: b.name for b in report.branches}
    rule = [{"name": m.full_name, "branch": names.get(m.unit_id, ""), "level": m.level,
             "causes": render.causes_text(m, lang)}
            for m in report.members if m.level != "ok"]
    _, probation = await reports.probation_report(services, actor, scope.key)
    return {"key": scope.key, "label": scope.label, "year": chosen, "branches": cells,
            "rule": rule, "probations": [
                {"name": p.full_name, "branch": names.get(p.unit_id, ""),
                 "ends_on": fmt.day(p.ends_on), "status": p.status,
                 "status_text": t(lang, _CONSOLE_PROBATION[p.status])}
                for p in probation if p.status != "later"]}


async def committee_export(services: Services, actor: Actor, scope_key: str | None,
                           year: int | None, lang: Language) -> tuple[str, bytes]:
    """The workbook of ``/report export`` (file name, bytes)."""
    texts = Texts(lang)
    result = await report_export.export(services, actor, scope_key, year, texts)
    return texts("report_export_filename", year=result.year), result.workbook
