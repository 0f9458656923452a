"""Benchmark 7: reports on a committee's two years of history.

A committee of 50 branches and 5,000 members with 24 months of meetings, answers, roll
calls, household duty reports and dues (``tests.history.seed_history``). The real bot
(in-process, long polling against the Bot API emulator) answers the committee officer's
``/report year``, ``/report branches`` and ``/report export``; each is timed from the
command sent until the report has arrived in the officer's chat (the file for a long
text, the first page for a paged one, both the .xlsx and the PNG for the export). The
SQL aggregates behind each report are timed directly on the same database for comparison,
and the bot's own stages (SQL + figures, text or workbook, chart) are timed in-process
to show where the rest goes.

Goals on the 2-core benchmark machine: each report under 1 s, the export under 5 s.

    .venv/bin/python benchmarks/reports.py [--branches 50] [--members-per-branch 100]
                                           [--months 24] [--repeat 3]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import re
import statistics
import sys
import tempfile
import time
import zipfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.core.access import resolve_actor
from bot.core.clock import FakeClock
from bot.demo.playground import Playground, playground
from bot.reports import ledger, render, service
from bot.reports.export import build_workbook, heatmap_data, render_heatmap
from bot.reports.periods import year_window
from bot.reports.scope import Scope, resolve
from bot.runtime.delivery.limits import ChatGates
from bot.texts import Texts
from emulator import FakeUser
from emulator.views import BotMessageView
from storage import exports, people
from storage import ledger as ledger_store
from storage import reports as aggregates
from storage.db import Database, open_database
from tests.history import History, seed_history

NOW = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)  # "this year" is 2026, 11 months of data
YEAR = 2026
FIRST_MONTH = date(2024, 12, 1)
COMMITTEE_NAME = "Đảng ủy xã Tân Lập"
SHEETS = ["Đảng viên", "Cuộc họp", "Điểm danh", "Theo dõi hộ", "Đảng phí", "Theo tháng",
          "Cấp ủy viên phụ trách"]
REPORT_GOAL = 1.0
EXPORT_GOAL = 5.0
TIMEOUT = 120.0
TABLES = ("units", "people", "memberships", "meetings", "invitations", "attendance",
          "households", "assignments", "duty_reports", "dues")
T = TypeVar("T")


# --- timing helpers -------------------------------------------------------------------------

def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def spread(values: list[float]) -> str:
    return " / ".join(f"{v:.3f}" for v in values)


async def timed(call: Callable[[], Awaitable[T]]) -> tuple[float, T]:
    started = time.perf_counter()
    result = await call()
    return time.perf_counter() - started, result


class LoopLag:
    """The longest the event loop was blocked while it ran, sampled every 10 ms. The bot,
    the emulator and this script share the loop, so a long stall is some synchronous work
    (in practice the bot's: see the in-process stages)."""

    TICK = 0.01

    def __init__(self) -> None:
        self.worst = 0.0
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        while True:
            started = time.perf_counter()
            await asyncio.sleep(self.TICK)
            self.worst = max(self.worst, time.perf_counter() - started - self.TICK)

    async def __aenter__(self) -> LoopLag:
        self._task = asyncio.create_task(self._run())
        await asyncio.sleep(0)
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._task is not None
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task


async def median_of(call: Callable[[], Awaitable[Any]], repeat: int) -> tuple[float, list[float]]:
    runs = [(await timed(call))[0] for _ in range(repeat)]
    return median(runs), runs


# --- seeding ---------------------------------------------------------------------------------

async def seed(path: Path, args: argparse.Namespace) -> tuple[History, float, dict[str, int]]:
    """The committee's history, written before the bot opens the database."""
    db = await open_database(path)
    try:
        seconds, history = await timed(lambda: seed_history(
            db, branches=args.branches, members_per_branch=args.members_per_branch,
            first_month=FIRST_MONTH, months=args.months, households_per_member=1))
        counts = {t: int(await db.fetch_value(f"SELECT count(*) FROM {t}")) for t in TABLES}
    finally:
        await db.close()
    return history, seconds, counts


# --- through the bot ---------------------------------------------------------------------------

@dataclass
class Delivered:
    """One report as the officer received it."""

    seconds: float  # command sent -> the report (file or first page) in the chat
    all_seconds: float  # ... -> every page read (equal to ``seconds`` for a file)
    text: str = ""
    pages: int = 1
    as_file: bool = False
    messages: list[BotMessageView] = field(default_factory=list)
    stall: float = 0.0  # the longest event-loop stall meanwhile
    turn_messages: int = 0  # new messages the page turns sent (a turn should only edit)


async def read_text_report(user: FakeUser, command: str) -> Delivered:
    """Send ``command``; wait past the progress message for the report; turn every page."""
    user.drain()
    started = time.perf_counter()
    await user.send(command)
    message = await user.next_message(timeout=TIMEOUT)
    while message.text.startswith("⏳"):
        message = await user.next_message(timeout=TIMEOUT)
    first = time.perf_counter() - started
    if message.document is not None:
        return Delivered(first, first, message.document.data.decode(), as_file=True)
    text, pages = message.text, 1
    before = len(user.chat)
    while "Sau »" in message.button_labels:
        await user.callback_answer(await user.press("Sau »", message_id=message.message_id),
                                   timeout=TIMEOUT)
        message = next(m for m in user.chat if m.message_id == message.message_id)
        text += "\n" + message.text
        pages += 1
    return Delivered(first, time.perf_counter() - started, text, pages,
                     turn_messages=len(user.chat) - before)


async def read_export(user: FakeUser) -> Delivered:
    """Send ``/report export``; wait until both the workbook and the chart have arrived."""
    user.drain()
    started = time.perf_counter()
    await user.send("/report export")
    got: list[BotMessageView] = []
    while len([m for m in got if m.document is not None or m.photo is not None]) < 2:
        got.append(await user.next_message(timeout=TIMEOUT))
    seconds = time.perf_counter() - started
    return Delivered(seconds, seconds, messages=got)


def check_year(result: Delivered, members: int) -> tuple[bool, str]:
    lines = re.findall(r"^\d+\. ", result.text, flags=re.MULTILINE)
    named = COMMITTEE_NAME in result.text.split("\n")[0]
    how = f"file of {len(result.text):,} chars" if result.as_file else f"{result.pages} page(s)"
    return named and len(lines) == members, (
        f"{how}; title names {COMMITTEE_NAME!r}: {named}; "
        f"member lines {len(lines):,}/{members:,}")


def check_branches(result: Delivered, branches: int) -> tuple[bool, str]:
    heads = [line for line in result.text.split("\n") if line.startswith("▪ ")]
    ok = COMMITTEE_NAME in result.text and len(heads) == branches
    how = f"file of {len(result.text):,} chars" if result.as_file else f"{result.pages} page(s)"
    return ok, f"{how}; branches listed {len(heads)}/{branches}"


def sheet_rows(data: bytes) -> list[int]:
    """Data rows per sheet, counted in the sheet XML (openpyxl's read-only mode has no
    row count for a sheet without a <dimension>, and a full load of a million cells takes
    longer than the whole benchmark)."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = sorted((n for n in z.namelist() if n.startswith("xl/worksheets/sheet")),
                       key=lambda n: int(re.sub(r"\D", "", n)))
        return [z.read(n).count(b"<row ") - 1 for n in names]


def check_export(result: Delivered, expected_rows: dict[str, int]) -> tuple[bool, str]:
    document = next((m.document for m in result.messages if m.document is not None), None)
    photo = next((m.photo for m in result.messages if m.photo is not None), None)
    if document is None or photo is None:
        return False, "workbook or chart missing"
    book = load_workbook(io.BytesIO(document.data), read_only=True)
    try:
        names = list(book.sheetnames)
        first = [next(book[n].iter_rows(min_row=2, max_row=2, values_only=True), ())
                 for n in names]
    finally:
        book.close()
    rows = dict(zip(names, sheet_rows(document.data), strict=False))
    filled = all(any(v is not None for v in row) for row in first)
    rows_ok = all(rows.get(sheet) == expected_rows[sheet] for sheet in SHEETS)
    png_ok = photo[:8] == b"\x89PNG\r\n\x1a\n"
    detail = ", ".join(f"{k} {v:,}" for k, v in rows.items())
    return names == SHEETS and rows_ok and filled and png_ok, (
        f"xlsx {len(document.data) / 1e6:.1f} MB opens with openpyxl, {len(names)} sheets "
        f"({detail}); rows as in the database: {rows_ok}; PNG {len(photo) / 1e3:.0f} kB: "
        f"{png_ok}")


async def ask_help(user: FakeUser) -> float:
    user.drain()
    started = time.perf_counter()
    await user.send("/help")
    await user.next_message(timeout=TIMEOUT)
    return time.perf_counter() - started


async def responsiveness(live_bot: Playground, history: History, officer: FakeUser,
                         pause: float) -> tuple[list[float], list[float]]:
    """Reply times of /help from other members, idle and while the export is being made
    (each probe from a new member, so no chat's reply pacing is involved)."""
    tg = iter(range(history.committee_officer_tg + 2,
                    history.committee_officer_tg + 2 + 10_000))
    idle = [await ask_help(live_bot.emu.user(next(tg), "ĐV")) for _ in range(3)]
    await asyncio.sleep(pause)
    export = asyncio.create_task(read_export(officer))
    during: list[float] = []
    while not export.done():
        during.append(await ask_help(live_bot.emu.user(next(tg), "ĐV")))
        await asyncio.sleep(0.02)
    await export
    return idle, during


# --- the SQL behind each report -----------------------------------------------------------------

async def sql_ledger(db: Database, ids: list[int], zone: ZoneInfo) -> int:
    """What every figure reads: the ledger's rows (memberships, meetings, seats, dues)."""
    since, until = year_window(YEAR, zone)
    rows = await ledger_store.ledger_rows(db, ids, since, until, f"{YEAR}-01", f"{YEAR}-12")
    followers = await ledger_store.followers_of(db, ids)
    return len(rows.memberships) + len(rows.meetings) + len(rows.seats) + len(rows.paid) \
        + len(followers)


async def sql_year(db: Database, ids: list[int], zone: ZoneInfo) -> int:
    return await sql_ledger(db, ids, zone)


async def sql_branches(db: Database, ids: list[int], zone: ZoneInfo) -> int:
    return await sql_ledger(db, ids, zone)


async def sql_export(db: Database, ids: list[int], zone: ZoneInfo) -> dict[str, int]:
    """The rows each sheet must have: the meetings and attendance sheets are the ledger's
    (meetings held or due; every seat but those never invited)."""
    since, until = year_window(YEAR, zone)
    first, last = f"{YEAR}-01", f"{YEAR}-12"
    book = await ledger.load(db, ids, YEAR, NOW, zone, 10)
    return {
        "Đảng viên": len(await exports.members(db, ids)),
        "Cuộc họp": len(book.meetings),
        "Điểm danh": sum(s.outcome != "not_invited" for s in book.seats),
        "Theo dõi hộ": len(await exports.duties(db, ids, first, last)),
        "Đảng phí": len(await exports.dues(db, ids, first, last)),
        "Theo tháng": len(ids) * 12,
        "Cấp ủy viên phụ trách": len(await aggregates.follower_presence(db, ids, since, until)),
    }


async def sql_members_loop(db: Database, ids: list[int]) -> int:
    """What /report year also reads: the members, one query per branch."""
    return sum([len(await people.members_of(db, i)) for i in ids])


async def sql_member_counts_loop(db: Database, ids: list[int]) -> int:
    """What /report branches also reads: the member count, one query per branch."""
    return sum([await people.count_members(db, i) for i in ids])


# --- main ----------------------------------------------------------------------------------------

def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--branches", type=int, default=50, help="branches (default 50)")
    p.add_argument("--members-per-branch", type=int, default=100,
                   help="members per branch (default 100)")
    p.add_argument("--months", type=int, default=24, help="months of history (default 24)")
    p.add_argument("--repeat", type=int, default=3,
                   help="runs of each measurement, the median is reported (default 3)")
    p.add_argument("--back-to-back", action="store_true",
                   help="send each command as soon as the previous report arrived (the "
                        "per-chat reply pacing then adds up to a second or two)")
    args = p.parse_args()
    if min(args.branches, args.members_per_branch, args.months, args.repeat) < 1:
        p.error("every option must be at least 1")
    return args


@dataclass
class Row:
    name: str
    bot: float
    sql: float
    goal: float

    @property
    def met(self) -> bool:
        return self.bot < self.goal


async def measure(live_bot: Playground, history: History, args: argparse.Namespace,
                  out: Callable[[str], None]) -> tuple[list[Row], bool]:
    services = live_bot.services
    zone = services.tz
    db = services.db
    ids = history.branch_ids
    members = args.branches * args.members_per_branch
    officer = live_bot.emu.user(history.committee_officer_tg, "Thường trực")
    repeat = args.repeat
    checks_ok = True

    out(f"\nThrough the bot: the committee officer, committee scope, {repeat} run(s) each "
        "(seconds, run by run)")
    # The bot paces its replies per chat (a burst of 2, then one message a second), so a
    # command sent right after the previous report waits for the chat, not for the report.
    # Wait (untimed) until the chat's allowance is back, as it is for a person who reads.
    pause = 0.0 if args.back_to_back else (
        live_bot.config.delivery.private_chat_interval_seconds * ChatGates.PRIVATE_BURST + 0.25)
    out("  (each command sent as soon as the previous report arrived: the per-chat reply "
        "pacing is part of the figures)" if args.back_to_back else
        f"  (before each command the chat rests {pause:.2f} s, untimed, so the per-chat "
        "reply pacing starts full)")
    runs: dict[str, list[Delivered]] = {"year": [], "branches": [], "export": []}
    for _ in range(repeat):
        for name, read in (("year", lambda: read_text_report(officer, "/report year")),
                           ("branches", lambda: read_text_report(officer, "/report branches")),
                           ("export", lambda: read_export(officer))):
            await asyncio.sleep(pause)
            async with LoopLag() as lag:
                result = await read()
            result.stall = lag.worst
            runs[name].append(result)
    expected_rows = await sql_export(db, ids, zone)
    for name, check in (("year", lambda r: check_year(r, members)),
                        ("branches", lambda r: check_branches(r, args.branches)),
                        ("export", lambda r: check_export(r, expected_rows))):
        ok, detail = check(runs[name][-1])
        checks_ok &= ok
        seconds = [r.seconds for r in runs[name]]
        out(f"  /report {name:<8} {spread(seconds)} -> median {median(seconds):.3f} s; "
            f"longest event-loop stall {max(r.stall for r in runs[name]):.3f} s")
        if any(r.pages > 1 for r in runs[name]):
            every = [r.all_seconds for r in runs[name]]
            last = runs[name][-1]
            out(f"  {'':17} with every page turned at once (paced per chat): {spread(every)} "
                f"-> median {median(every):.3f} s; the {last.pages - 1} turn(s) also sent "
                f"{last.turn_messages} new message(s)")
        out(f"  {'':17} [{'ok' if ok else 'WRONG'}] {detail}")

    idle, during = await responsiveness(live_bot, history, officer, pause)
    out(f"  another member's /help while the export is made: answered in up to "
        f"{max(during, default=float('nan')):.3f} s ({len(during)} probes; idle "
        f"{median(idle):.3f} s)")

    out(f"\nRaw SQL on the same database, {repeat} run(s) each (median s)")
    sql: dict[str, float] = {}
    for name, call, what in (
        ("year", lambda: sql_year(db, ids, zone), "ledger rows"),
        ("branches", lambda: sql_branches(db, ids, zone), "ledger rows"),
        ("export", lambda: sql_export(db, ids, zone),
         "exports.members/duties/dues + ledger rows + followers"),
    ):
        sql[name], each = await median_of(call, repeat)
        out(f"  {name:<9} {sql[name]:.3f}  ({spread(each)})  {what}")
    since, until = year_window(YEAR, zone)
    first, last = f"{YEAR}-01", f"{YEAR}-12"
    for label, one in (
        ("ledger.ledger_rows", lambda: ledger_store.ledger_rows(
            db, ids, since, until, first, last)),
        ("exports.members", lambda: exports.members(db, ids)),
        ("exports.duties", lambda: exports.duties(db, ids, first, last)),
        ("exports.dues", lambda: exports.dues(db, ids, first, last)),
        ("people.members_of x branches", lambda: sql_members_loop(db, ids)),
        ("people.count_members x branches", lambda: sql_member_counts_loop(db, ids)),
    ):
        seconds, _ = await median_of(one, repeat)
        out(f"    {label:<32} {seconds:.3f}")

    out("\nWhere the bot's time goes, in-process (median s): figures = SQL + Python")
    actor = await resolve_actor(db, history.committee_officer_tg, [])
    scope: Scope = await resolve(services, actor, None)
    texts = Texts("vi")
    stage: dict[str, float] = {}
    stage["year figures"], _ = await median_of(
        lambda: service.compute_year(services, scope, YEAR), repeat)
    year_report = await service.compute_year(services, scope, YEAR)
    stage["year text"], _ = await median_of(
        lambda: asyncio.to_thread(render.year_text, year_report, texts), repeat)
    stage["branches figures"], _ = await median_of(
        lambda: service.compute_branches(services, scope, YEAR), repeat)
    branch_rows = await service.compute_branches(services, scope, YEAR)
    stage["branches text"], _ = await median_of(lambda: asyncio.to_thread(
        render.branches_text, scope.label, YEAR, branch_rows, texts), repeat)
    stage["export workbook"], _ = await median_of(
        lambda: build_workbook(services, scope, YEAR, texts), repeat)
    stage["export heatmap data"], _ = await median_of(
        lambda: heatmap_data(services, scope, YEAR), repeat)
    heatmap = await heatmap_data(services, scope, YEAR)
    stage["export heatmap PNG"], _ = await median_of(
        lambda: asyncio.to_thread(render_heatmap, heatmap, "chart", texts), repeat)
    for label, seconds in stage.items():
        out(f"  {label:<22} {seconds:.3f}")

    rows = [
        Row("/report year", median([r.seconds for r in runs["year"]]), sql["year"],
            REPORT_GOAL),
        Row("/report branches", median([r.seconds for r in runs["branches"]]),
            sql["branches"], REPORT_GOAL),
        Row("/report export", median([r.seconds for r in runs["export"]]), sql["export"],
            EXPORT_GOAL),
    ]
    return rows, checks_ok


def files_size(directory: Path) -> int:
    return sum(f.stat().st_size for f in directory.iterdir())


async def main() -> int:
    args = parse_args()
    began = time.perf_counter()
    members = args.branches * args.members_per_branch
    title = (f"Benchmark 7 — reports: {args.branches} branches, {members:,} members, "
             f"{args.months} months")
    print(title, flush=True)
    print("=" * len(title), flush=True)

    def out(text: str) -> None:
        print(text, flush=True)

    with tempfile.TemporaryDirectory(prefix="chibo-bench-reports-") as tmp:
        path = Path(tmp) / "bot.sqlite3"
        history, seed_seconds, counts = await seed(path, args)
        out(f"\nSeeded in {seed_seconds:.1f} s (first month {FIRST_MONTH:%m/%Y}; "
            f"clock {NOW:%Y-%m-%d %H:%M} UTC, report year {YEAR})")
        out("  " + ", ".join(f"{t} {n:,}" for t, n in counts.items()))
        async with playground(path, clock=FakeClock(NOW)) as live_bot:
            rows, checks_ok = await measure(live_bot, history, args, out)
        size_mb = files_size(Path(tmp)) / 1e6
        out(f"\nDatabase and WAL: {size_mb:.0f} MB")

    out("")
    header = f"{'report':<18} | {'through the bot':>15} | {'raw SQL':>8} | {'goal':>6} | result"
    out(header)
    out("-" * len(header))
    for row in rows:
        goal = f"< {row.goal:.0f} s"
        out(f"{row.name:<18} | {row.bot:>13.3f} s | {row.sql:>6.3f} s | {goal:>6} | "
            f"{'met' if row.met else 'NOT MET'}")
    out(f"\nresults checked: {'all correct' if checks_ok else 'SOME WRONG (see above)'}")
    out(f"total runtime: {time.perf_counter() - began:.0f} s")
    missed = [r.name for r in rows if not r.met]
    if missed or not checks_ok:
        out(f"RESULT: NOT MET: {', '.join(missed) or 'wrong results'}")
        return 1
    out(f"RESULT: all {len(rows)} goals met")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
