"""/report: a menu of reports, each also an argument; pages or a file when long."""

from __future__ import annotations

import io
import re
from collections.abc import Awaitable, Callable
from typing import TypeVar

from telegram import Message, Update

from bot.core import formatting as fmt
from bot.core.errors import Invalid
from bot.core.names import fold_accents
from bot.core.parsing import parse_day, parse_month
from bot.reports import record, render, service, sessions
from bot.reports.buttons import ReportButton, ReportCode, ReportPage
from bot.reports.export import export
from bot.reports.scope import Scope, resolve, scopes_for
from handlers.base import Asker, ButtonRow, asker, tap
from handlers.console import console_row
from handlers.context import ChiboContext

MAX_PAGES = 5
T = TypeVar("T")
CODES: dict[str, ReportCode] = {"meeting": "m", "year": "y", "duties": "d", "probation": "p",
                                "branches": "b", "export": "x", "member": "u"}
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
        await _show(who, "u", None, 0, rest)
    elif kind in ("year", "branches", "export") and rest:
        if not (rest.isdigit() and len(rest) == 4):
            raise Invalid("report_year_invalid")
        await _show(who, CODES[kind], None, 0, rest)
    elif kind == "duties" and rest:
        await _show(who, "d", None, 0, _period(rest, who))
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
        [(texts("report_btn_meeting"), ReportButton("m", key, 0).encode())],
        [(texts("report_btn_year", year=today.year), ReportButton("y", key, 0).encode()),
         (texts("report_btn_duties", month=today.strftime("%m/%Y")),
          ReportButton("d", key, 0).encode())],
        [(texts("report_btn_probation"), ReportButton("p", key, 0).encode())],
    ]
    if scope.committee is not None:
        rows.append([(texts("report_btn_branches"), ReportButton("b", key, 0).encode())])
    rows.append([(texts("report_btn_export"), ReportButton("x", key, 0).encode())])
    committee_scopes = [s for s in scopes if s.committee is not None]
    for s in committee_scopes:
        choices = [(texts("report_btn_all"), s.key)] + [(b.name, f"b{b.id}")
                                                        for b in s.branches]
        for start in range(0, len(choices), 3):
            rows.append([(("• " if k == key else "") + label[:30],
                          ReportButton("s", k, 0).encode()) for label, k in
                         choices[start:start + 3]])
    rows += await console_row(who, "console_button_report", s="year", c=key)
    await who.show(texts("report_menu", scope=scope.label), rows)


@tap(ReportButton)
async def on_button(who: Asker, button: ReportButton) -> None:
    """A report from the menu: a new message."""
    await _tapped(who, button, turning=False)


@tap(ReportPage)
async def on_page(who: Asker, button: ReportPage) -> None:
    """A page turn: the same message, edited."""
    await _tapped(who, button, turning=True)


async def _tapped(who: Asker, button: ReportButton, *, turning: bool) -> None:
    if button.report == "s":
        await _menu(who, button.scope)
    else:
        await _show(who, button.report, button.scope, button.page, button.arg or "", turning)


async def _progress(who: Asker, scope: Scope, code: str) -> Message | None:
    if code == "x" or len(scope.branches) > 1:
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
        if code == "x":
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
            nav.append((texts("btn_prev"),
                        ReportPage(code, scope.key, page - 1, arg or None).encode()))
        if page + 1 < len(pages):
            nav.append((texts("btn_next"),
                        ReportPage(code, scope.key, page + 1, arg or None).encode()))
        rows.append(nav)
    if turning:
        await who.show(body, rows)
    else:
        await who.toast()
        await who.say(body, rows)


async def _text(who: Asker, code: str, scope: Scope, arg: str,
                turning: bool = False) -> tuple[str, str]:
    services, texts, actor, tz = who.services, who.texts, who.actor, who.services.tz
    year = int(arg) if arg.isdigit() and len(arg) == 4 else None

    def once(compute: Callable[[], Awaitable[T]]) -> Awaitable[T]:
        """One computation per question: a page turn reads the session's."""
        return sessions.asked(services, actor, code, scope.key, arg, compute, turning=turning)

    if code == "y":
        return render.year_text(await once(lambda: service.year_report(
            services, actor, scope.key, year)), texts), arg
    if code == "b":
        b = await once(lambda: service.branches_report(services, actor, scope.key, year))
        return render.branches_text(b.scope.label, b.year, b.branches, texts, b.followers), arg
    if code == "d":
        period = f"{arg[:4]}-{arg[4:]}" if arg.isdigit() and len(arg) == 6 else None
        s, month, duty_rows = await once(lambda: service.duties_report(
            services, actor, scope.key, period))
        return render.duties_text(s.label, month, duty_rows, texts), arg
    if code == "p":
        s, probation = await once(lambda: service.probation_report(services, actor, scope.key))
        return render.probation_text(s.label, probation, texts), arg
    if code == "m":
        meeting = await once(lambda: service.meeting_report(
            services, actor, scope.key, int(arg) if arg.isdigit() else None))
        return render.meeting_text(meeting, texts, tz), str(meeting.meeting.id)
    picked = _PICKED.fullmatch(arg)
    member = await service.member_report(
        services, actor, scope.key, arg, int(picked[2]) if picked and picked[2] else None,
        person_id=int(picked[1]) if picked else None)
    return render.member_text(member, texts, tz), f"{member.member.person_id}-{member.year}"


_PICKED = re.compile(r"(\d+)(?:-(\d{4}))?")  # a member picked by id (and year), from a button


async def _ask_which(who: Asker, scope: Scope, several: service.AmbiguousMember) -> None:
    """Several members match the name: one button per person, with their branch."""
    names = {b.id: b.name for b in scope.branches}
    suffix = f"-{several.year}" if several.year else ""
    rows: list[ButtonRow] = [[(f"{m.full_name} — {names.get(m.unit_id, '')}"[:60],
                               ReportButton("u", scope.key, 0,
                                            f"{m.person_id}{suffix}").encode())]
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
