"""Benchmark 4: inbound answer taps per second, ours against a bare PTB application.

5,000 members each press "✅ Tham dự" on their invitation at once. Ours: the real bot
(``chibo run``, its own process) records each answer in SQLite, edits the invitation to
show it, and answers the tap. Yardstick: a bare python-telegram-bot Application (its own
process, ``ptb_answer_only.py``) that only answers callback queries, with the same
update concurrency. Both poll the same kind of emulator, which runs in an OS process of
its own (``emulator_process.py``; ``--no-emulator-process``: in this process, where the
crowd's work held its loop), not collecting garbage while it counts (``--emulator-gc``:
it does; a collection holds its loop and bunches its stamps), so the server's work is
charged to neither bot and its stamps are not late. The figure is taps fully handled per
second answered, from the first tap posted to the last answer; for ours also the time
from a tap to its answer (p50/p95/max), the time until the last card is edited, and
what the emulator counted: 429 answers and the busiest second of messages and edits
(never above the configured rate: the edits share the one sending budget).

    .venv/bin/python benchmarks/inbound.py [--count 5000] [--arrival at-once|spread|burst]

``--arrival`` says how the taps come: all in the same instant (``at-once``, the
default), at an even pace over ``--over`` seconds (``spread``: 5,000 over 60 s is
~83 a second, a committee answering within a minute), or in ten bursts as large,
``--over / 10`` seconds apart (``burst``). The yardstick gets the same profile.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from telegram import Bot

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import (
    CONFIGURED_RATE,
    Report,
    parser,
    ratio,
    start_bot,
    workdir,
    write_config,
)
from benchmarks.emulator_process import RemoteEmulator, loop_lag
from bot.demo.playground import BOT_USERNAME, TOKEN
from emulator import BotApiEmulator, FakeUser, Limits, busiest_second
from storage import meetings, people, units
from storage.db import open_database

GOAL_RATIO = 0.7
GOAL_P95 = 2.0  # seconds from a tap to its answer
FIRST_UID = 800_000_001
CONCURRENCY = 64  # the bot's PerUserUpdateProcessor(64)
SEEDED = datetime(2026, 1, 1, tzinfo=UTC)


async def seed(target: Path | str, count: int) -> int:
    """A branch of ``count`` bound members and one meeting, a month ahead, inviting them;
    ``target`` is a SQLite path or a PostgreSQL URL (the ids are the engine's)."""
    db = await open_database(target)
    try:
        async with db.transaction() as conn:
            committee = await units.create_unit(conn, kind="committee", name="Đảng ủy",
                                                parent_id=None, now=SEEDED)
            branch = await units.create_unit(conn, kind="branch", name="Chi bộ",
                                             parent_id=committee, now=SEEDED)
            invitees = []
            for i in range(count):
                pid = await people.add_person(conn, full_name=f"Đảng viên {i}",
                                              name_key=f"đảng viên {i}", now=SEEDED)
                await people.add_membership(conn, person_id=pid, unit_id=branch, now=SEEDED,
                                            admitted_on=date(2010, 1, 1),
                                            official_on=date(2011, 1, 1))
                await people.bind_telegram(conn, pid, FIRST_UID + i)
                invitees.append((pid, "member", None))
            meeting_id = await meetings.create(
                conn, unit_id=branch, kind="regular",
                starts_at=datetime.now(UTC) + timedelta(days=30), duration_min=90,
                place="Hội trường", agenda=None, created_by=None, now=SEEDED)
            assert meeting_id is not None
            await meetings.invite(conn, meeting_id, invitees)
        return meeting_id
    finally:
        await db.close()


async def invitations(emu: BotApiEmulator, count: int, meeting_id: int, *,
                      first_uid: int = FIRST_UID) -> list[tuple[FakeUser, int]]:
    """One invitation in each member's chat, sent raw with limits off (setup, not timed)."""
    emu.set_limits(Limits.off())
    emu.strict_private_chats = False
    users = [emu.user(first_uid + i, f"ĐV{i}") for i in range(count)]
    markup = {"inline_keyboard": [[
        {"text": "✅ Tham dự", "callback_data": f"rsvp:{meeting_id}:y"},
        {"text": "❌ Vắng (có lý do)", "callback_data": f"rsvp:{meeting_id}:n"}]]}
    ids: list[int] = []
    async with Bot(TOKEN, base_url=emu.base_url) as bot:
        for start in range(0, count, 200):
            sent = await asyncio.gather(*(
                bot.send_message(first_uid + i, "📅 GIẤY MỜI HỌP CHI BỘ", reply_markup=markup)
                for i in range(start, min(count, start + 200))))
            ids += [m.message_id for m in sent]
    emu.set_limits(Limits())
    return list(zip(users, ids, strict=True))


@dataclass
class Taps:
    """What the emulator saw of one crowd tapping."""

    count: int
    answers: list[float]  # seconds from each tap posted to its answer
    answered_in: float  # first tap posted -> last answer
    edited_in: float | None  # first tap posted -> last edit (None: no edits expected)
    rate_limited: int
    busiest_second: int  # most messages and edits arriving at the emulator in any second
    stamp_lag: float  # the emulator's longest lag from a request's arrival to storing it
    loop_lag: float  # the longest the emulator's event loop was held (arrivals wait)
    final: int = 0  # cards in their final state (counted by the emulator's process)
    arrivals: list[float] = field(default_factory=list)  # messages and edits, stamped
    gc: str = ""  # the emulator process's garbage collections while it counted

    @property
    def answered_per_second(self) -> float:
        return len(self.answers) / self.answered_in

    def percentile(self, q: float) -> float:
        ordered = sorted(self.answers)
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def schedule(count: int, arrival: str, over: float) -> list[float]:
    """When each tap is posted, in seconds after the first."""
    if arrival == "spread":
        return [over * i / count for i in range(count)]
    if arrival == "burst":
        bursts = 10
        return [over / bursts * (i * bursts // count) for i in range(count)]
    return [0.0] * count


async def tap_all(emu: BotApiEmulator, targets: list[tuple[FakeUser, int]], data: str,
                  *, edits: bool, offsets: list[float] | None = None) -> Taps:
    """Post each tap at its offset; wait until each is answered (and, for ours, edited).
    A tap's time to its answer counts from the instant it was posted."""
    calls = emu.stats.calls_by_method
    edited0 = calls["editMessageText"]
    sends0, edit_times0 = emu.stats.sends, len(emu.stats.edit_times)
    emu.stats.stamp_lag_max = 0.0

    def edited() -> bool:
        return calls["editMessageText"] - edited0 >= len(targets)

    watching = asyncio.Event()
    watch = asyncio.create_task(loop_lag(watching))
    started, cpu = time.monotonic(), time.process_time()
    queries = []
    for (user, message_id), offset in zip(targets, offsets or [0.0] * len(targets),
                                          strict=True):
        if offset > time.monotonic() - started:
            await asyncio.sleep(offset - (time.monotonic() - started))
        queries.append(await user.press_data(data, message_id=message_id))
        # Let the emulator's server take the requests that arrived meanwhile: thousands of
        # taps posted in one go held its loop for a quarter of a second, and the edits
        # arriving then were stamped together, as if the bot had sent them in a bunch.
        await asyncio.sleep(0)
    records = [user.callback(q) for (user, _), q in zip(targets, queries, strict=True)]
    await emu.wait_until(lambda: all(r.answered for r in records), timeout=900.0)
    answered_in = max(r.answered_at or 0.0 for r in records) - started
    edited_in = None
    if edits:
        await emu.wait_until(edited, timeout=900.0)
        edited_in = time.monotonic() - started
    wall = time.monotonic() - started
    watching.set()
    print(f"  (emulator process: {time.process_time() - cpu:.1f} s CPU in {wall:.1f} s)",
          file=sys.stderr)
    sent = [t for times in emu.stats.send_times.values() for t in times if t >= started]
    assert emu.stats.sends - sends0 == len(sent)
    return Taps(len(targets), [(r.answered_at or 0.0) - r.created_at for r in records],
                answered_in, edited_in, emu.stats.rate_limited,
                busiest_second(sent + emu.stats.edit_times[edit_times0:]),
                emu.stats.stamp_lag_max, await watch)


async def tap_remote(emu: RemoteEmulator, targets: list[tuple[int, int]], data: str,
                     *, edits: bool, offsets: list[float]) -> Taps:
    """``tap_all`` against an emulator in a process of its own: the taps due are posted
    in batches through its control routes, and this process only polls its progress."""
    started = time.monotonic()
    due = 0
    while due < len(targets):
        now = time.monotonic() - started
        if offsets[due] > now:
            await asyncio.sleep(offsets[due] - now)
            continue
        last = due
        while last < len(targets) and last - due < 500 and offsets[last] <= now:
            last += 1
        await emu.call("POST", "tap", {"data": data, "taps": targets[due:last]})
        due = last

    async def until(done: Any) -> None:
        deadline = time.monotonic() + 900.0
        while not done(await emu.call("GET", "progress")):
            if time.monotonic() > deadline:
                raise TimeoutError("the bot did not keep up within 900 s")
            await asyncio.sleep(0.2)

    await until(lambda p: p["answered"] >= len(targets))
    if edits:
        await until(lambda p: p["edited"] >= len(targets))
    got = await emu.call("GET", "result")
    print(f"  (emulator process: {got['cpu']:.1f} s CPU in {got['wall']:.1f} s)",
          file=sys.stderr)
    first = got["first_tap"]
    return Taps(len(targets), got["answers"], got["last_answer"] - first,
                got["last_edit"] - first if edits else None, got["rate_limited"],
                got["busiest_second"], got["stamp_lag"], got["loop_lag"], got["final"],
                got["arrivals"],
                f"{got['gc_count']} collections, {got['gc_total'] * 1000:,.0f} ms in all, "
                f"the longest {got['gc_longest'] * 1000:,.0f} ms")


async def remote_ready(emu: RemoteEmulator) -> None:
    """Until the bot polls (its start-up is not timed)."""
    deadline = time.monotonic() + 60.0
    while not (await emu.call("GET", "progress"))["polls"]:
        if time.monotonic() > deadline:
            raise TimeoutError("the bot did not poll within 60 s")
        await asyncio.sleep(0.1)


async def ours_remote(count: int, work: Path, offsets: list[float], *,
                      collect: bool = False) -> tuple[Taps, int, int, int | None]:
    """``ours`` with the emulator in a process of its own."""
    database = work / "bot.sqlite3"
    meeting_id = await seed(database, count)
    async with RemoteEmulator(TOKEN, BOT_USERNAME, collect=collect) as emu:
        ids = await emu.call("POST", "invite", {"count": count, "first_uid": FIRST_UID,
                                                "meeting_id": meeting_id})
        targets = [(FIRST_UID + i, m) for i, m in enumerate(ids)]
        child = await start_bot(write_config(work, emu, database),  # type: ignore[arg-type]
                                work / "bot.log", env=trace_starts(work))
        try:
            await remote_ready(emu)
            taps = await tap_remote(emu, targets, f"rsvp:{meeting_id}:y", edits=True,
                                    offsets=offsets)
        finally:
            await child.stop()
    return taps, await recorded_answers(database, meeting_id), taps.final, \
        bot_side_busiest(work / "bot.log")


def trace_starts(work: Path) -> dict[str, str]:
    """The bot's environment that makes it write its send starts (``send_starts/``)."""
    return {"PYTHONPATH": str(Path(__file__).with_name("send_starts")),
            "CHIBO_SEND_STARTS": str(work / "send_starts.txt")}


def start_to_arrival(work: Path, taps: Taps) -> str:
    """Each send's start at the bot set against its arrival stamp at the emulator, in
    order (the n-th start with the n-th arrival; the pace keeps them ~40 ms apart, so
    they do not overtake one another): the lag's distribution and the busiest second of
    starts as this benchmark counts them."""
    path = work / "send_starts.txt"
    if not path.exists() or not taps.arrivals:
        return "send starts not recorded"
    first = min(taps.arrivals) - 5.0
    starts = sorted(t for t in map(float, path.read_text().split()) if t >= first)
    n = min(len(starts), len(taps.arrivals))
    lags = sorted(a - s for a, s in zip(taps.arrivals[-n:], starts[-n:], strict=True))

    def at(q: float) -> str:
        return f"{lags[min(n - 1, round(q * (n - 1)))] * 1000:,.1f}"

    return (f"{len(starts):,} send starts, {len(taps.arrivals):,} arrivals; start -> "
            f"arrival lag min {lags[0] * 1000:,.1f} / p50 {at(0.5)} / p95 {at(0.95)} / "
            f"p99 {at(0.99)} / max {lags[-1] * 1000:,.1f} ms; busiest second of starts "
            f"{busiest_second(starts)}")


@asynccontextmanager
async def running_yardstick(base_url: str, work: Path) -> AsyncIterator[None]:
    """The bare PTB application (``ptb_answer_only.py``) polling ``base_url``, its output in
    ``yardstick.log``, stopped on the way out."""
    with (work / "yardstick.log").open("ab") as log:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, str(Path(__file__).with_name("ptb_answer_only.py")), base_url,
            str(CONCURRENCY), stdin=asyncio.subprocess.DEVNULL, stdout=log, stderr=log,
            env={**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN})
        try:
            yield
        finally:
            proc.terminate()
            await proc.wait()


async def yardstick_remote(count: int, work: Path, offsets: list[float], *,
                           collect: bool = False) -> Taps:
    async with RemoteEmulator(TOKEN, BOT_USERNAME, collect=collect) as emu:
        ids = await emu.call("POST", "invite", {"count": count, "first_uid": FIRST_UID,
                                                "meeting_id": 1})
        targets = [(FIRST_UID + i, m) for i, m in enumerate(ids)]
        async with running_yardstick(emu.base_url, work):
            await remote_ready(emu)
            return await tap_remote(emu, targets, "rsvp:1:y", edits=False, offsets=offsets)


async def recorded_answers(database: Path, meeting_id: int) -> int:
    db = await open_database(database)
    try:
        return int(await db.fetch_value(
            "SELECT count(*) FROM invitations WHERE meeting_id = ? AND answer = 'attend'",
            (meeting_id,)))
    finally:
        await db.close()


def bot_side_busiest(log: Path) -> int | None:
    """The most sends the bot started within a second, as it logged at its stop."""
    found = re.findall(r"at most (\d+) sends started in a second", log.read_text(errors="replace"))
    return int(found[-1]) if found else None


async def ready(emu: BotApiEmulator) -> None:
    """Until the bot polls (its start-up is not timed)."""
    await emu.wait_until(lambda: emu.stats.calls_by_method["getUpdates"] > 0, timeout=60.0)


async def ours(count: int, work: Path,
               offsets: list[float]) -> tuple[Taps, int, int, int | None]:
    database = work / "bot.sqlite3"
    meeting_id = await seed(database, count)
    async with BotApiEmulator(token=TOKEN, bot_username=BOT_USERNAME) as emu:
        targets = await invitations(emu, count, meeting_id)
        child = await start_bot(write_config(work, emu, database), work / "bot.log")
        try:
            await ready(emu)
            if os.environ.get("INBOUND_PROFILE"):  # py-spy the bot while it handles the taps
                spy = await asyncio.create_subprocess_exec(
                    str(Path(sys.executable).with_name("py-spy")), "record", "-o",
                    os.environ["INBOUND_PROFILE"], "-f", "raw", "-p", str(child.pid), "-d", "8")
            taps = await tap_all(emu, targets, f"rsvp:{meeting_id}:y", edits=True,
                                 offsets=offsets)
            if os.environ.get("INBOUND_PROFILE"):
                await spy.wait()
            final = sum(1 for user, message_id in targets
                        if any(m.message_id == message_id and "Trả lời của đồng chí" in m.text
                               for m in user.chat))
        finally:
            await child.stop()
    return taps, await recorded_answers(database, meeting_id), final, \
        bot_side_busiest(work / "bot.log")


async def yardstick(count: int, work: Path, offsets: list[float]) -> Taps:
    async with BotApiEmulator(token=TOKEN, bot_username=BOT_USERNAME) as emu:
        targets = await invitations(emu, count, 1)
        async with running_yardstick(emu.base_url, work):
            await ready(emu)
            return await tap_all(emu, targets, "rsvp:1:y", edits=False, offsets=offsets)


def _answers(report: Report, taps: Taps) -> None:
    report.line(f"{taps.count:,} taps answered in {taps.answered_in:.1f} s: "
                f"{taps.answered_per_second:,.0f} taps answered/s")
    report.line(f"tap -> answer: p50 {taps.percentile(0.5) * 1000:,.0f} ms, "
                f"p95 {taps.percentile(0.95) * 1000:,.0f} ms, "
                f"max {max(taps.answers) * 1000:,.0f} ms")


async def main() -> int:
    cli = parser(__doc__ or "", 5000)
    cli.add_argument("--arrival", choices=("at-once", "spread", "burst"), default="at-once",
                     help="how the taps come (default: all at once)")
    cli.add_argument("--over", type=float, default=60.0,
                     help="seconds the spread or burst taps come over (default 60)")
    cli.add_argument("--emulator-process", action=argparse.BooleanOptionalAction,
                     default=True,
                     help="run the emulator in an OS process of its own, apart from the "
                          "crowd (default); --no-emulator-process: in this process")
    cli.add_argument("--emulator-gc", action=argparse.BooleanOptionalAction, default=False,
                     help="with --emulator-process: let the emulator's process collect "
                          "garbage while it counts (default: not; a collection holds its "
                          "loop up to ~0.2 s and bunches the arrivals it stamps)")
    args = cli.parse_args()
    remote = args.emulator_process
    served = {"collect": args.emulator_gc} if remote else {}
    offsets = schedule(args.count, args.arrival, args.over)
    how = "at once" if args.arrival == "at-once" else f"{args.arrival} over {args.over:g} s"
    how += ", emulator in its own process" if remote else ", emulator in this process"
    how += " collecting garbage" if args.emulator_gc and remote else ""
    report = Report(f"Benchmark 4 — inbound answer taps ({args.count:,} members, {how})")
    with workdir(args.keep) as work:
        taps, recorded, final, started = await (ours_remote if remote else ours)(
            args.count, work, offsets, **served)
        report.section("chibo (answer recorded in SQLite, tap answered, invitation edited)")
        _answers(report, taps)
        assert taps.edited_in is not None
        report.line(f"last edit {taps.edited_in:.1f} s after the first tap "
                    f"({args.count / taps.edited_in:,.1f} edits/s; the budget is "
                    f"{CONFIGURED_RATE:g}/s)")
        report.line(f"answers recorded: {recorded:,}; cards edited to their final state: "
                    f"{final:,}; 429 answers: {taps.rate_limited}; busiest second at the "
                    f"emulator: {taps.busiest_second} messages and edits arrived (the "
                    f"emulator stored them up to {taps.stamp_lag * 1000:,.0f} ms later; its "
                    f"event loop was held up to {taps.loop_lag * 1000:,.0f} ms); the bot "
                    f"started at most {started} sends in a second")
        if remote:
            report.line(f"the emulator's process: {taps.gc}; "
                        f"{start_to_arrival(work, taps)}")
        report.goal("every answer recorded", recorded == args.count)
        report.goal("every card edited to its final state", final == args.count)
        report.goal("0 x 429", taps.rate_limited == 0)
        report.goal(f"no second above the configured rate ({CONFIGURED_RATE:g}/s)",
                    taps.busiest_second <= CONFIGURED_RATE)
        report.goal(f"tap -> answer p95 < {GOAL_P95:g} s", taps.percentile(0.95) < GOAL_P95)
        if args.no_yardstick:
            return report.finish()
        theirs = await (yardstick_remote if remote else yardstick)(args.count, work, offsets,
                                                                      **served)
    report.section("yardstick (bare PTB Application: answers the tap, nothing else)")
    _answers(report, theirs)
    report.section("comparison")
    report.line("ratio ours/yardstick (taps answered/s): "
                f"{ratio(taps.answered_per_second, theirs.answered_per_second)}"
                + ("" if args.arrival == "at-once" else " (bounded by the arrival rate)"))
    report.line("tap -> answer p95, ours/yardstick: "
                f"{taps.percentile(0.95):.2f} s / {theirs.percentile(0.95):.2f} s")
    report.goal(f"ratio >= {GOAL_RATIO}",
                taps.answered_per_second / theirs.answered_per_second >= GOAL_RATIO)
    return report.finish()


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
