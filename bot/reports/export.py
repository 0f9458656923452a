"""/report export: an .xlsx workbook and a PNG chart of attendance by month.

Workbook: sheets for members, meetings, attendance, household duties, dues, each
branch's months (a month before the record start reads "—", no data) and each
follower's presence, Vietnamese headers (English for English readers), a frozen header
row, widths that fit, and dates as real Excel dates in the configured time zone (see
``xlsx``). Chart: a branch gets a line of its monthly rate; a committee gets a heatmap,
one row per branch and one column per month, readable with 30 branches and more.
"""

from __future__ import annotations

import asyncio
import io
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.core import formatting as fmt
from bot.core import labels
from bot.core.access import Actor
from bot.core.services import Services
from bot.core.xlsx import Cell, Workbook
from bot.reports.figures import BranchYear, is_short
from bot.reports.ledger import Ledger, gc_paused
from bot.reports.periods import in_record
from bot.reports.scope import Scope, resolve
from bot.reports.service import book_of, compute_branches, compute_followers
from bot.texts import Texts
from storage import audit, exports
from storage.ledger import MeetingRecord
from storage.meetings import held_length
from storage.reports import FollowerPresence

_STATE = {"scheduled": "xl_state_scheduled", "closed": "xl_state_closed",
          "cancelled": "xl_state_cancelled", "unconfirmed": "xl_state_unconfirmed"}
_CAPACITY = {"member": "xl_capacity_member", "follower": "xl_capacity_follower"}
_DUTY = {"normal": "report_duty_normal", "problem": "report_duty_problem"}

HEADERS = {
    "members": ("xl_name", "xl_branch", "xl_role", "xl_birth", "xl_admitted", "xl_official",
                "xl_standing", "xl_phone", "xl_telegram", "xl_channel"),
    "meetings": ("xl_branch", "xl_kind", "xl_start", "xl_minutes", "xl_place", "xl_agenda",
                 "xl_state", "xl_invited", "xl_present", "xl_short"),
    "attendance": ("xl_start", "xl_branch", "xl_name", "xl_capacity", "xl_standing",
                   "xl_status", "xl_reason"),
    "duties": ("xl_month", "xl_branch", "xl_name", "xl_household", "xl_duty_status",
               "xl_note"),
    "dues": ("xl_month", "xl_branch", "xl_name", "xl_amount", "xl_paid_at"),
    "months": ("xl_branch", "xl_month", "xl_regular", "xl_rate"),
    "followers": ("xl_name", "xl_present", "xl_invited", "xl_follower_presence"),
}
WIDTHS = {"xl_name": 28, "xl_branch": 22, "xl_place": 24, "xl_agenda": 36, "xl_reason": 30,
          "xl_note": 30, "xl_household": 24, "xl_start": 17, "xl_paid_at": 17}


@dataclass
class Export:
    scope: Scope
    year: int
    workbook: bytes
    chart: bytes
    rows: dict[str, int]  # sheet -> data rows


def _local(text: str | None, tz: ZoneInfo) -> datetime | None:
    if not text:
        return None
    value = datetime.fromisoformat(text)
    return value.astimezone(tz).replace(tzinfo=None)


def _naive(instant: datetime, tz: ZoneInfo) -> datetime:
    return instant.astimezone(tz).replace(tzinfo=None)


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _sheet(book: Workbook, title: str, headers: Sequence[str], texts: Texts,
           rows: Iterable[Sequence[Cell]]) -> int:
    return book.add_sheet(title, [texts(h) for h in headers],
                          [WIDTHS.get(h, 14) for h in headers], rows)


def _standing(texts: Texts, away: int, exempt: int, is_213: int) -> str:
    return ", ".join(texts(labels.STANDING[k]) for k, on in
                     (("away", away), ("exempt", exempt), ("213", is_213)) if on)


async def build_workbook(services: Services, scope: Scope, year: int, texts: Texts,
                         branch_rows: list[BranchYear] | None = None,
                         series: dict[str, list[float | None]] | None = None,
                         book: Ledger | None = None) -> tuple[bytes, dict[str, int]]:
    """Fetch the rows on the event loop, then write the workbook in a worker thread: a
    committee's year is about a million cells, which must not stall other people's taps.
    The meetings and attendance sheets are the ledger's seats."""
    tz = services.tz
    first, last = f"{year}-01", f"{year}-12"
    db, ids = services.db, scope.ids
    book = book or await book_of(services, scope, year, months=False)
    fetched = {
        "members": await exports.members(db, ids),
        "meetings": meeting_rows(book, scope),
        "attendance": attendance_rows(book, scope),
        "duties": await exports.duties(db, ids, first, last),
        "dues": await exports.dues(db, ids, first, last),
    }
    if series is None:
        series = monthly_series(book, scope, every_branch=True)
    if branch_rows is None:
        branch_rows = await compute_branches(services, scope, year, book)
    fetched["months"] = [
        (b.name, f"{year}-{m:02d}",
         b.regular_by_month.get(f"{year}-{m:02d}", NO_DATA if not in_record(
             f"{year}-{m:02d}", b.record_start) else None),
         _rate_cell(series.get(b.name, [None] * 12)[m - 1], f"{year}-{m:02d}",
                    b.record_start))
        for b in branch_rows for m in range(1, 13)]
    fetched["followers"] = [_follower_row(f, texts)
                            for f in await compute_followers(services, scope, year)]
    settings = services.config.meetings
    minimums = (settings.default_duration_minutes, settings.combined_duration_minutes)
    return await asyncio.to_thread(_write_workbook, fetched, texts, tz, minimums)


def _state(meeting: MeetingRecord) -> str:
    """``closed`` (held), or ``unconfirmed``: past, no closed roll call, not held."""
    return "closed" if meeting.confirmed else "unconfirmed"


@gc_paused()
def meeting_rows(book: Ledger, scope: Scope) -> list[exports.Row]:
    """(branch, kind, start, length, place, agenda, state, invited, present): the scope's
    meetings that started, with their counted seats (official members in their period)."""
    names = {b.id: b.name for b in scope.branches}
    invited: dict[int, int] = defaultdict(int)
    present: dict[int, int] = defaultdict(int)
    for seat in book.seats:
        if seat.capacity == "member" and seat.held is not None and seat.outcome != \
                "not_invited":
            invited[seat.meeting.id] += 1
            present[seat.meeting.id] += seat.outcome == "present"
    return [(names[m.unit_id], m.kind, m.starts_at, held_length(m.held_from, m.ended_at,
                                                               m.duration_min),
             m.place, m.agenda, _state(m), invited[m.id], present[m.id])
            for m in book.meetings if m.unit_id in names]


@gc_paused()
def attendance_rows(book: Ledger, scope: Scope) -> list[exports.Row]:
    """(start, branch, name, capacity, standing, outcome, reason) of every seat."""
    names = {b.id: b.name for b in scope.branches}
    return [(s.meeting.starts_at, names[s.meeting.unit_id], s.full_name, s.capacity,
             s.standing, s.outcome, s.reason)
            for s in book.seats if s.meeting.unit_id in names and s.outcome != "not_invited"]


NO_DATA = "—"  # a month before the record start: no data, never "missing"


def _rate_cell(value: float | None, month: str, start: date | None) -> Cell:
    if not in_record(month, start):
        return NO_DATA
    return None if value is None else round(value, 1)


def _follower_row(f: FollowerPresence, texts: Texts) -> exports.Row:
    return (f.full_name, f.present, f.invited,
            texts("xl_follower_line", present=fmt.ratio(f.present, f.invited, texts.lang)))


def _write_workbook(fetched: dict[str, list[exports.Row]], texts: Texts, tz: ZoneInfo,
                    minimums: tuple[int, int] = (90, 120)) -> tuple[bytes, dict[str, int]]:
    book = Workbook()
    counts: dict[str, int] = {}
    counts["members"] = _sheet(book, texts("xl_sheet_members"), HEADERS["members"], texts, (
        (r[0], r[1], texts(labels.ROLE[r[2]]), _day(r[3]), _day(r[4]), _day(r[5]),
         _standing(texts, r[6], r[7], r[8]), r[9], texts("xl_yes") if r[10] else texts("xl_no"),
         texts(labels.CHANNEL[r[11]]) if r[11] else "")
        for r in fetched["members"]))
    counts["meetings"] = _sheet(book, texts("xl_sheet_meetings"), HEADERS["meetings"], texts, (
        (r[0], texts(labels.REPORT_KIND[r[1]]), _naive(r[2], tz), r[3], r[4], r[5],
         texts(_STATE[r[6]]), r[7], r[8],
         texts("xl_yes") if r[6] == "closed" and is_short(r[1], r[3], *minimums) else "")
        for r in fetched["meetings"]))
    counts["attendance"] = _sheet(book, texts("xl_sheet_attendance"), HEADERS["attendance"],
                                  texts, (
        (_naive(r[0], tz), r[1], r[2], texts(_CAPACITY[r[3]]),
         texts(labels.STANDING[r[4]]) if r[4] else "", texts(labels.REPORT_STATUS[r[5]]), r[6])
        for r in fetched["attendance"]))
    counts["duties"] = _sheet(book, texts("xl_sheet_duties"), HEADERS["duties"], texts, (
        (r[0], r[1], r[2], r[3], texts(_DUTY[r[4]]), r[5])
        for r in fetched["duties"]))
    counts["dues"] = _sheet(book, texts("xl_sheet_dues"), HEADERS["dues"], texts, (
        (r[0], r[1], r[2], r[3], _local(r[4], tz)) for r in fetched["dues"]))
    counts["months"] = _sheet(book, texts("xl_sheet_months"), HEADERS["months"], texts, (
        (r[0], fmt.month(r[1]), r[2], r[3]) for r in fetched["months"]))
    counts["followers"] = _sheet(book, texts("xl_sheet_followers"), HEADERS["followers"],
                                 texts, fetched["followers"])
    return book.to_bytes(), counts


@gc_paused()
def monthly_series(book: Ledger, scope: Scope, *, every_branch: bool = False
                   ) -> dict[str, list[float | None]]:
    """Attendance rate by month (12 values, None without data), per branch for a
    committee (``every_branch``: also those without any data), or one series for a
    branch: the ledger's counted seats, month by month."""
    present: dict[tuple[int, int], int] = defaultdict(int)
    counted: dict[tuple[int, int], int] = defaultdict(int)
    for seat in book.seats:
        if seat.counted:
            key = (seat.meeting.unit_id, seat.day.month)
            counted[key] += 1
            present[key] += seat.outcome == "present"
    series: dict[str, list[float | None]] = {}
    for branch in scope.branches:
        values = [present[(branch.id, m)] / counted[(branch.id, m)] * 100
                  if counted[(branch.id, m)] else None for m in range(1, 13)]
        if any(v is not None for v in values) or len(scope.branches) == 1 or every_branch:
            series[branch.name] = values
    return series


def render_chart(series: dict[str, list[float | None]], title: str, texts: Texts) -> bytes:
    """PNG line chart. Uses matplotlib's object API (no pyplot global state), so it is
    safe in a worker thread while another export draws in another."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(10, 5.5), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    months = list(range(1, 13))
    for name, values in list(series.items())[:20]:
        axes.plot(months, [v if v is not None else float("nan") for v in values],
                  marker="o", label=name)
    axes.set_title(title)
    axes.set_xlabel(texts("report_chart_month"))
    axes.set_ylabel(texts("report_chart_rate"))
    axes.set_xticks(months)
    axes.set_ylim(0, 105)
    axes.grid(alpha=0.3)
    if 1 < len(series) <= 20:
        axes.legend(fontsize=8, loc="lower left", ncol=2)
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()


@dataclass
class Heatmap:
    """A committee's year at a glance: one row per branch, one column per month."""

    names: list[str]
    rates: list[list[float | None]]  # percent, None without a closed meeting
    missing: set[tuple[int, int]]  # (row, month index): month over, no regular meeting
    no_data: set[tuple[int, int]]  # before the branch's record start
    unconfirmed: set[tuple[int, int]] = field(default_factory=set)  # a meeting not confirmed


async def heatmap_data(services: Services, scope: Scope, year: int) -> Heatmap:
    book = await book_of(services, scope, year, months=False)
    return heatmap_from(await compute_branches(services, scope, year, book),
                        monthly_series(book, scope, every_branch=True), year)


def heatmap_from(rows: list[BranchYear], series: dict[str, list[float | None]],
                 year: int) -> Heatmap:
    result = Heatmap([], [], set(), set())
    for r, branch in enumerate(rows):
        result.names.append(branch.name)
        result.rates.append(series.get(branch.name, [None] * 12))
        for m in range(12):
            month = f"{year}-{m + 1:02d}"
            if month in branch.missing_months:
                result.missing.add((r, m))
            if not in_record(month, branch.record_start):
                result.no_data.add((r, m))
        for day in branch.unconfirmed:
            if day.year == year:
                result.unconfirmed.add((r, day.month - 1))
    return result


def render_heatmap(data: Heatmap, title: str, texts: Texts) -> bytes:
    """PNG heatmap: the rate in each cell (red low, green high), × where a month ended
    without a regular meeting, grey before the record start. The height grows with the
    number of branches, so 30 or 50 rows stay readable."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.colors import ListedColormap
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch, Rectangle

    rows = max(len(data.names), 1)
    figure = Figure(figsize=(11, 1.6 + 0.32 * rows), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    values = [[float("nan") if v is None else v for v in row] for row in data.rates] or [
        [float("nan")] * 12]
    cmap = ListedColormap(["#d73027", "#fc8d59", "#fee08b", "#d9ef8b", "#91cf60", "#1a9850"],
                          bad="#ffffff")
    image = axes.imshow(values, cmap=cmap, vmin=40, vmax=100, aspect="auto")
    for r, row in enumerate(data.rates):
        for m, value in enumerate(row):
            if (r, m) in data.no_data:
                axes.add_patch(Rectangle((m - 0.5, r - 0.5), 1, 1, color="#c8c8c8"))
                continue
            label = fmt.number(round(value), texts.lang) if value is not None else ""
            if (r, m) in data.missing:
                label = (label + " " if label else "") + "×"
            if (r, m) in data.unconfirmed:
                label = (label + " " if label else "") + "?"
            if label:
                axes.text(m, r, label, ha="center", va="center", fontsize=8)
    axes.set_xticks(range(12), [f"{m:02d}" for m in range(1, 13)])
    axes.set_yticks(range(len(data.names)), [n[:28] for n in data.names], fontsize=8)
    axes.set_xlabel(texts("report_chart_month"))
    axes.set_title(title)
    colorbar = figure.colorbar(image, ax=axes, fraction=0.03, pad=0.02)
    colorbar.set_label(texts("report_chart_rate"))
    figure.legend(handles=[Patch(color="#c8c8c8", label=texts("report_heatmap_no_data")),
                           Patch(facecolor="white", edgecolor="black",
                                 label=texts("report_heatmap_missing")),
                           Patch(facecolor="white", edgecolor="grey",
                                 label=texts("report_heatmap_unconfirmed"))],
                  loc="lower left", fontsize=8, ncol=3, frameon=False)
    figure.tight_layout(rect=(0, 0.04, 1, 1))
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()


async def export(services: Services, actor: Actor, scope_key: str | None, year: int | None,
                 texts: Texts) -> Export:
    scope = await resolve(services, actor, scope_key)
    chosen = year or services.clock.now().astimezone(services.tz).year
    book = await book_of(services, scope, chosen, months=False)
    branch_rows = await compute_branches(services, scope, chosen, book)
    every = monthly_series(book, scope, every_branch=True)
    workbook, counts = await build_workbook(services, scope, chosen, texts, branch_rows, every,
                                            book)
    title = texts("report_chart_title", scope=scope.label, year=chosen)
    if scope.committee is not None and len(scope.branches) > 1:
        heatmap = heatmap_from(branch_rows, every, chosen)
        chart = await asyncio.to_thread(render_heatmap, heatmap, title, texts)
    else:
        series = monthly_series(book, scope)
        chart = await asyncio.to_thread(render_chart, series, title, texts)
    await audit.log(services.db, at=services.clock.now(), actor_id=actor.telegram_user_id,
                    action="report.export", unit_id=(scope.committee or scope.branches[0]).id,
                    detail=scope.key)
    return Export(scope, chosen, workbook, chart, counts)
