"""/report: a menu of reports, each also an argument; pages or a file when long."""

from __future__ import annotations

import io
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from telegram import Message, Update

from bot.core import formatting as fmt
from bot.core.errors import Invalid
from bot.core.names import fold_accents
from bot.core.parsing import parse_day, parse_month
from bot.reports import record, render, service, sessions
from bot.reports.buttons import (
    ASKED,
    TURNED,
    BranchesReport,
    DutiesReport,
    ExportReport,
    MeetingReport,
    MemberReport,
    ProbationReport,
    ReportButton,
    ReportCode,
    ScopeMenu,
    YearReport,
)
from bot.reports.export import export
from bot.reports.scope import Scope, resolve, scopes_for
from handlers.base import Asker, ButtonRow, Taps, asker
from handlers.console import console_row
from handlers.context import ChiboContext

MAX_PAGES = 5
T = TypeVar("T")
C = ReportCode
CODES: dict[str, ReportCode] = {"meeting": C.MEETING, "year": C.YEAR, "duties": C.DUTIES,
                                "probation": C.PROBATION, "branches": C.BRANCHES,
                                "export": C.EXPORT, "member": C.MEMBER}
ALIASES = {"cuoc hop": "meeting", "hop": "meeting", "nam": "year", "ho": "duties",
           "ho gia dinh": "duties", "du bi": "probation", "chi bo": "branches",
           "xuat": "export", "excel": "export", "dang vien": "member"}


async def report(update: Update, context: ChiboContext) -> None:
    who = await asker(update, context)
    args = context.args or []
    if not args:
        await _menu(who, None)
        return
    word = fold_accents(args[0])
    kind = word if word in CODES else ALIASES.get(word)
    rest = " ".join(args[1:]).strip()
    if kind is None:
        raise Invalid("report_usage")
    if kind == "member":
        if not rest:
            raise Invalid("report_member_usage")
        await _show(who, C.MEMBER, None, 0, rest)
    elif kind in ("year", "branches", "export") and rest:
        if not (rest.isdigit() and len(rest) == 4):
            raise Invalid("report_year_invalid")
        await _show(who, CODES[kind], None, 0, rest)
    elif kind == "duties" and rest:
        await _show(who, C.DUTIES, None, 0, _period(rest, who))
    else:
        await _show(who, CODES[kind], None, 0, "")


async def record_start(update: Update, context: ChiboContext) -> None:
    """/recordstart [dd/mm/yyyy]: the day the caller's branch (or committee) records from."""
    who = await asker(update, context)
    args = context.args or []
    if not args:
        unit = await record.record_unit(who.services, who.actor)
        current = fmt.day(unit.record_start) if unit.record_start else "—"
        await who.say(who.texts("record_start_usage", current=current))
        return
    day = parse_day(args[0], service.today(who.services))
    unit, moved = await record.set_record_start(who.services, who.actor, day)
    await who.say(who.texts("record_start_set", unit=unit.name, date=fmt.day(day),
                            moved=fmt.number(moved, who.texts.lang)))


def _period(text: str, who: Asker) -> str:
    """``mm/yyyy`` (or ``m/yyyy``, ``yyyy-mm``) -> ``yyyymm``."""
    year, month = parse_month(text)
    return f"{year:04d}{month:02d}"


async def _menu(who: Asker, scope_key: str | None) -> None:
    scopes = await scopes_for(who.services, who.actor)
    scope = await resolve(who.services, who.actor, scope_key)
    texts, today = who.texts, service.today(who.services)
    key = scope.key
    rows: list[ButtonRow] = [
        [(texts("report_btn_meeting"), MeetingReport(key, 0).encode())],
        [(texts("report_btn_year", year=today.year), YearReport(key, 0).encode()),
         (texts("report_btn_duties", month=today.strftime("%m/%Y")),
          DutiesReport(key, 0).encode())],
        [(texts("report_btn_probation"), ProbationReport(key, 0).encode())],
    ]
    if scope.committee is not None:
        rows.append([(texts("report_btn_branches"),
                      BranchesReport(key, 0).encode())])
    rows.append([(texts("report_btn_export"), ExportReport(key, 0).encode())])
    committee_scopes = [s for s in scopes if s.committee is not None]
    for s in committee_scopes:
        choices = [(texts("report_btn_all"), s.key)] + [(b.name, f"b{b.id}")
                                                        for b in s.branches]
        for start in range(0, len(choices), 3):
            rows.append([(("• " if k == key else "") + label[:30],
                          ScopeMenu(k, 0).encode()) for label, k in
                         choices[start:start + 3]])
    rows += await console_row(who, "console_button_report", s="year", c=key)
    await who.show(texts("report_menu", scope=scope.label), rows)


ASKED_TAPS = Taps("rp")  # a report from the menu (or a person picked): a new message
TURNED_TAPS = Taps("rq")  # a page turn: the same message, edited


async def on_asked(who: Asker, button: ReportButton) -> None:
    if isinstance(button, ScopeMenu):
        await _menu(who, button.scope)
    else:
        await _show(who, button.code, button.scope, button.page, button.argument)


async def on_turned(who: Asker, button: ReportButton) -> None:
    await _show(who, button.code, button.scope, button.page, button.argument, turning=True)


for _family in ASKED.values():
    ASKED_TAPS.on(_family)(on_asked)
for _family in TURNED.values():
    TURNED_TAPS.on(_family)(on_turned)


async def _progress(who: Asker, scope: Scope, code: ReportCode) -> Message | None:
    if code == C.EXPORT or len(scope.branches) > 1:
        if who.query is not None:  # a tap: its answer says it, at once
            await who.toast(who.texts("report_progress"))
            return None
        return await who.say(who.texts("report_progress"))
    return None


async def _show(who: Asker, code: ReportCode, scope_key: str | None, page: int, arg: str,
                turning: bool = False) -> None:
    """Send report ``code`` (a new message), or, ``turning``, edit the page in place."""
    services, texts = who.services, who.texts
    scope = await resolve(services, who.actor, scope_key)
    progress = None if turning else await _progress(who, scope, code)
    try:
        if code == C.EXPORT:
            await _export(who, scope, int(arg) if arg.isdigit() else None)
            await who.toast()
            return
        try:
            text, arg = await _text(who, code, scope, arg, turning)
        except service.AmbiguousMember as several:
            await _ask_which(who, scope, several)
            return
    finally:
        if progress is not None:
            await progress.delete()
    pages = render.paginate(text)
    if len(pages) > MAX_PAGES:
        chat = who.update.effective_chat
        assert chat is not None
        await who.then(lambda: who.update.get_bot().send_document(
            chat.id, io.BytesIO(text.encode()), filename=f"bao-cao-{code}.txt",
            caption=texts("report_as_file", pages=len(pages))))
        await who.toast()
        return
    page = min(max(page, 0), len(pages) - 1)
    body = pages[page]
    rows: list[ButtonRow] = []
    if len(pages) > 1:
        body += "\n\n" + texts("report_page", page=page + 1, pages=len(pages))
        nav = []
        if page > 0:
            nav.append((texts("btn_prev"), TURNED[code].of(scope.key, page - 1, arg).encode()))
        if page + 1 < len(pages):
            nav.append((texts("btn_next"), TURNED[code].of(scope.key, page + 1, arg).encode()))
        rows.append(nav)
    if turning:
        await who.show(body, rows)
    else:
        await who.toast()
        await who.say(body, rows)


class Once(Protocol):
    """One computation per question: a page turn reads the session's."""

    def __call__(self, compute: Callable[[], Awaitable[T]]) -> Awaitable[T]: ...


@dataclass(frozen=True)
class MemberAsked:
    """/report member: a name typed, or a person picked from the list (and a year)."""

    name: str
    person: int | None = None
    year: int | None = None


def _year_of(arg: str) -> int | None:
    return int(arg) if arg.isdigit() and len(arg) == 4 else None


def _month_of(arg: str) -> str | None:
    """``yyyymm`` -> ``yyyy-mm``"""
    return f"{arg[:4]}-{arg[4:]}" if arg.isdigit() and len(arg) == 6 else None


def _number_of(arg: str) -> int | None:
    return int(arg) if arg.isdigit() else None


def _nothing(arg: str) -> None:
    return None


_PICKED = re.compile(r"(\d+)(?:-(\d{4}))?")  # a member picked by id (and year), from a button


def _member_of(arg: str) -> MemberAsked:
    picked = _PICKED.fullmatch(arg)
    if picked is None:
        return MemberAsked(arg)
    return MemberAsked(arg, int(picked[1]), int(picked[2]) if picked[2] else None)


A = TypeVar("A")
Shown = tuple[str, str | None]  # the text, and the argument its page buttons carry
# when it is not the one asked (None: the same)


@dataclass(frozen=True)
class Report(Generic[A]):
    """A report's argument read as what it means for this report, and its text."""

    parse: Callable[[str], A]
    text: Callable[[Asker, Scope, A, Once], Awaitable[Shown]]


async def _year(who: Asker, scope: Scope, year: int | None, once: Once) -> Shown:
    report = await once(lambda: service.year_report(who.services, who.actor, scope.key, year))
    return render.year_text(report, who.texts), None


async def _branches(who: Asker, scope: Scope, year: int | None, once: Once) -> Shown:
    b = await once(lambda: service.branches_report(who.services, who.actor, scope.key, year))
    return render.branches_text(b.scope.label, b.year, b.branches, who.texts, b.followers), \
        None


async def _duties(who: Asker, scope: Scope, period: str | None, once: Once) -> Shown:
    s, month, duty_rows = await once(lambda: service.duties_report(
        who.services, who.actor, scope.key, period))
    return render.duties_text(s.label, month, duty_rows, who.texts), None


async def _probation(who: Asker, scope: Scope, _: None, once: Once) -> Shown:
    s, probation = await once(lambda: service.probation_report(who.services, who.actor,
                                                               scope.key))
    return render.probation_text(s.label, probation, who.texts), None


async def _meeting(who: Asker, scope: Scope, meeting_id: int | None, once: Once) -> Shown:
    meeting = await once(lambda: service.meeting_report(who.services, who.actor, scope.key,
                                                        meeting_id))
    return render.meeting_text(meeting, who.texts, who.services.tz), str(meeting.meeting.id)


async def _member(who: Asker, scope: Scope, asked: MemberAsked, once: Once) -> Shown:
    member = await service.member_report(who.services, who.actor, scope.key, asked.name,
                                         asked.year, person_id=asked.person)
    return (render.member_text(member, who.texts, who.services.tz),
            f"{member.member.person_id}-{member.year}")


# The reports shown as text (export sends a file; the scope menu is a menu).
REPORTS: dict[ReportCode, Report[Any]] = {
    C.YEAR: Report(_year_of, _year), C.BRANCHES: Report(_year_of, _branches),
    C.DUTIES: Report(_month_of, _duties), C.PROBATION: Report(_nothing, _probation),
    C.MEETING: Report(_number_of, _meeting), C.MEMBER: Report(_member_of, _member),
}


async def _text(who: Asker, code: ReportCode, scope: Scope, arg: str,
                turning: bool = False) -> tuple[str, str]:
    def once(compute: Callable[[], Awaitable[T]]) -> Awaitable[T]:
        return sessions.asked(who.services, who.actor, code, scope.key, arg, compute,
                              turning=turning)

    report = REPORTS[code]
    text, again = await report.text(who, scope, report.parse(arg), once)
    return text, arg if again is None else again


async def _ask_which(who: Asker, scope: Scope, several: service.AmbiguousMember) -> None:
    """Several members match the name: one button per person, with their branch."""
    names = {b.id: b.name for b in scope.branches}
    suffix = f"-{several.year}" if several.year else ""
    rows: list[ButtonRow] = [[(f"{m.full_name} — {names.get(m.unit_id, '')}"[:60],
                               MemberReport(scope.key, 0, f"{m.person_id}{suffix}").encode())]
                             for m in several.matches]
    await who.toast()
    await who.say(who.texts("report_member_pick", count=len(several.matches)), rows)


async def _export(who: Asker, scope: Scope, year: int | None) -> None:
    result = await export(who.services, who.actor, scope.key, year, who.texts)
    chat = who.update.effective_chat
    assert chat is not None
    bot = who.update.get_bot()
    caption = who.texts("report_export_done", scope=result.scope.label, year=result.year)
    await who.then(lambda: bot.send_document(
        chat.id, io.BytesIO(result.workbook),
        filename=who.texts("report_export_filename", year=result.year), caption=caption))
    await who.then(lambda: bot.send_photo(
        chat.id, io.BytesIO(result.chart),
        caption=who.texts("report_chart_title", scope=result.scope.label,
                          year=fmt.number(result.year, "en").replace(",", ""))))
