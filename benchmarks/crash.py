"""Benchmark 3: ``kill -9`` the bot half-way through a fan-out, restart it, count copies.

The bot (``chibo run``, its own process) drains an outbox of one invitation per member;
when the emulator has received about half of them the process gets SIGKILL. It is then
started again on the same config and database and runs until the outbox is empty. Every
answer of the emulator comes ``--latency`` seconds (default 0.2, a server far from
Telegram's) after the message was stored, so that sends are in flight, delivered but not
yet recorded, when the process dies.

Goals: every member has the invitation; members with more than one copy <= the sender's
concurrency (16), the most that can be in flight when the process dies.

Inbound case (``--inbound``): every member taps "✅ Tham dự" on an invitation at once
(3,000 by default); the bot gets SIGKILL after ``--kill-after`` answers (500), when
Telegram has long handed over every tap, and is started again. Goals: every tap
recorded, every tap answered, none lost (``taps lost after kill -9: 0``).
Yardstick: PTB ``AIORateLimiter`` + ``asyncio.gather`` killed at the same point; it keeps
no record of what went out, so a restart must send the whole list again (every member
already served gets a second copy) or drop it (every member not yet served is lost).

    .venv/bin/python benchmarks/crash.py [--count N] [--latency S] [--no-yardstick] [--keep]
    .venv/bin/python benchmarks/crash.py --inbound [--count 3000] [--kill-after 500]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from common import (
    BOT_USERNAME,
    CONCURRENCY,
    TOKEN,
    Child,
    Deliveries,
    OutboxSummary,
    Report,
    Setting,
    configured,
    default_timeout,
    delivered_count,
    delivery_status,
    emulator,
    finish_yardstick,
    member_ids,
    outbox_done,
    overrides_text,
    parser,
    prepare_database,
    progress,
    ratio,
    read_outbox,
    start_bot,
    start_yardstick,
    wait_for,
    workdir,
    write_config,
    yardstick_ready,
)
from inbound import invitations, seed

from emulator import BotApiEmulator
from storage.db import open_database

KILL_AT = 0.5
LATENCY = 0.2
TAPS = 3000
KILL_AFTER_ANSWERS = 500


@dataclass
class CrashRun:
    deliveries: Deliveries
    outbox: OutboxSummary
    delivered_at_kill: int
    in_flight_at_kill: int  # rows left in 'sending' by the killed process
    recovery: float  # restart -> first delivery of the new process
    wall: float  # first start -> empty outbox
    rate_limited: int
    finished: bool


async def kill_half_way(child: Child, emu: BotApiEmulator, ids: list[int]) -> int | None:
    """SIGKILL ``child`` once the emulator holds KILL_AT of the messages; how many it held."""
    target = round(KILL_AT * len(ids))
    reached = await wait_for(lambda: delivered_count(emu, ids) >= target, child=child,
                             timeout=default_timeout(len(ids)), label=f"{target} deliveries")
    if not reached:
        return None
    child.kill()
    await child.wait_closed()
    return delivered_count(emu, ids)


async def run_bot(ids: list[int], work: Path, latency: float, settings: Sequence[Setting]
                  ) -> CrashRun | None:
    database = work / "chibo.sqlite3"
    await prepare_database(database, ids)
    async with emulator(ids) as emu:
        if latency > 0:
            emu.faults.slow(latency)
        config = write_config(work, emu, database, settings)
        first = await start_bot(config, work / "bot.log", delivery_status(emu, ids))
        at_kill = await kill_half_way(first, emu, ids)
        if at_kill is None:
            await first.stop()
            return None
        in_flight = (await read_outbox(database)).by_state.get("sending", 0)
        progress(f"killed the bot (pid {first.pid}) at {at_kill}/{len(ids)} delivered, "
                 f"{in_flight} row(s) in flight; restarting")
        second = await start_bot(config, work / "bot.log", delivery_status(emu, ids))
        finished = await wait_for(outbox_done(database), child=second,
                                  timeout=default_timeout(len(ids)), label="the outbox to drain")
        wall = time.monotonic() - first.started
        await second.stop()
        deliveries = Deliveries.of(emu, ids)
        after = [t for uid in ids for t in emu.stats.send_times.get(uid, ())
                 if t >= second.started]
        recovery = (min(after) - second.started) if after else float("nan")
        return CrashRun(deliveries, await read_outbox(database), at_kill, in_flight, recovery,
                        wall, emu.stats.rate_limited, finished)


async def run_yardstick(ids: list[int], work: Path, latency: float) -> int | None:
    """Delivered when the yardstick process was killed at the same point."""
    async with emulator(ids) as emu:
        if latency > 0:
            emu.faults.slow(latency)
        child = await start_yardstick(emu, ids, work / "yardstick.log")
        at_kill = await kill_half_way(child, emu, ids)
        if at_kill is None:
            await finish_yardstick(child, 10.0)
        return at_kill


async def main_async(args: argparse.Namespace) -> int:
    count: int = args.count
    latency: float = args.latency
    ids = member_ids(count)
    concurrency = int(configured(args.settings, "delivery", "concurrency", CONCURRENCY))
    report = Report(f"crash: kill -9 the bot at {KILL_AT:.0%} of {count} invitations "
                    f"(answers after {latency:g}s){overrides_text(args.settings)}, restart, "
                    "count copies")
    yardstick = not args.no_yardstick and yardstick_ready(report)
    with workdir(args.keep) as work:
        progress(f"bot: sending {count} invitations, SIGKILL at about {KILL_AT:.0%}")
        ours = await run_bot(ids, work, latency, args.settings)
        if ours is None:
            report.section("goals")
            report.goal("the bot reached the kill point", False)
            return report.finish()
        d = ours.deliveries
        missing = d.missing(set(ids))
        report.section("ours: chibo run (outbox Sender), killed and restarted")
        report.line(f"killed at      {ours.delivered_at_kill}/{count} delivered; rows left "
                    f"in flight ('sending'): {ours.in_flight_at_kill}")
        report.line(f"members        {len(d.reached)}/{count} got the invitation "
                    f"({len(missing)} missing)")
        report.line(f"duplicates     {len(d.duplicated)} member(s) with more than one copy; "
                    f"rows flagged possible_duplicate: {len(ours.outbox.flagged_chats)}")
        report.line(f"outbox         {ours.outbox.by_state}; 429 answers: {ours.rate_limited}")
        report.line(f"recovery       {ours.recovery:.1f}s from restart to the first delivery")
        report.line(f"wall time      {ours.wall:.1f}s from first start to an empty outbox")

        if yardstick:
            progress(f"yardstick: PTB AIORateLimiter + gather, SIGKILL at about {KILL_AT:.0%}")
            theirs = await run_yardstick(ids, work, latency)
            report.section("yardstick: PTB ExtBot + AIORateLimiter + asyncio.gather, "
                           "killed at the same point")
            if theirs is None:
                report.line("the yardstick did not reach the kill point")
            else:
                report.line(f"killed at      {theirs}/{count} delivered")
                report.line(f"restart        no record of what went out: send the list again "
                            f"-> {theirs} duplicate(s); or drop it -> {count - theirs} lost")
                report.section("ours / yardstick")
                report.line(f"duplicates     {len(d.duplicated)} vs {theirs} if the yardstick "
                            f"sends the list again (ratio {ratio(len(d.duplicated), theirs)})")
                report.line(f"lost           {len(missing)} vs {count - theirs} if it drops "
                            "the list")

        report.section("goals")
        report.goal(f"the outbox drained after the restart ({'yes' if ours.finished else 'no'})",
                    ours.finished)
        report.goal(f"every member has the invitation: {len(missing)} missing", not missing)
        report.goal(f"duplicates <= concurrency ({concurrency}): {len(d.duplicated)}",
                    len(d.duplicated) <= concurrency)
        return report.finish()


@dataclass
class TapCrash:
    """What a tap burst cut by ``kill -9`` and a restart came to."""

    count: int
    answered_at_kill: int
    queued_at_kill: int  # taps Telegram still held (not yet handed to the bot)
    recorded: int  # answers in the database after the restart
    answered: int  # taps answered (Telegram takes one answer per tap)
    handled: int  # updates marked handled in the database
    finished: bool

    @property
    def lost(self) -> int:
        return self.count - min(self.recorded, self.answered)


async def tap_burst_killed(count: int, work: Path, kill_after: int,
                           database: Path | str | None = None) -> TapCrash | None:
    """``count`` members tap at once; ``chibo run`` is killed after ``kill_after`` answers,
    started again, and runs until every tap is recorded and answered (or a timeout).
    ``database``: a PostgreSQL URL (an empty database), else a SQLite file in ``work``."""
    database = database or work / "taps.sqlite3"
    meeting_id = await seed(database, count)
    async with BotApiEmulator(token=TOKEN, bot_username=BOT_USERNAME) as emu:
        targets = await invitations(emu, count, meeting_id)
        config = write_config(work, emu, database)
        answers = emu.stats.calls_by_method
        first = await start_bot(config, work / "taps.log")
        if not await wait_for(lambda: answers["getUpdates"] > 0, child=first, timeout=60,
                              label="the bot to poll"):
            await first.stop()
            return None
        for user, message_id in targets:
            await user.press_data(f"rsvp:{meeting_id}:y", message_id=message_id)
        if not await wait_for(lambda: answers["answerCallbackQuery"] >= kill_after,
                              child=first, timeout=default_timeout(count),
                              label=f"{kill_after} answers"):
            await first.stop()
            return None
        first.kill()
        await first.wait_closed()
        at_kill, queued = answers["answerCallbackQuery"], emu.pending_updates()
        progress(f"killed the bot (pid {first.pid}) after {at_kill} answers; Telegram "
                 f"still held {queued} tap(s); restarting")
        second = await start_bot(config, work / "taps.log")

        def everyone_answered() -> bool:
            return sum(1 for c in emu.callbacks() if c.answered) >= count

        finished = await wait_for(everyone_answered, child=second,
                                  timeout=default_timeout(count), label="every tap answered")
        await second.stop()
        answered = sum(1 for c in emu.callbacks() if c.answered)
    db = await open_database(database)
    try:
        recorded = int(await db.fetch_value(
            "SELECT count(*) FROM invitations WHERE meeting_id = ? AND answer = 'attend'",
            (meeting_id,)))
        handled = int(await db.fetch_value(
            "SELECT count(*) FROM inbound_updates WHERE handled_at IS NOT NULL"))
    finally:
        await db.close()
    return TapCrash(count, at_kill, queued, recorded, answered, handled, finished)


async def inbound_async(args: argparse.Namespace) -> int:
    count: int = args.count
    report = Report(f"crash, inbound: {count} taps at once, kill -9 after "
                    f"{args.kill_after} answers, restart")
    with workdir(args.keep) as work:
        run = await tap_burst_killed(count, work, args.kill_after)
    report.section("ours: chibo run, killed during the burst and restarted")
    if run is None:
        report.goal("the bot reached the kill point", False)
        return report.finish()
    report.line(f"killed at      {run.answered_at_kill} answers; taps Telegram still held: "
                f"{run.queued_at_kill}")
    report.line(f"recorded       {run.recorded}/{count}; answered {run.answered}/{count}; "
                f"updates handled {run.handled}")
    report.section("goals")
    report.goal(f"taps lost after kill -9: {run.lost}", run.lost == 0 and run.finished)
    return report.finish()


def main() -> int:
    p = parser(__doc__.splitlines()[0], default_count=4000)
    p.add_argument("--latency", type=float, default=LATENCY,
                   help=f"seconds between storing a message and answering (default {LATENCY:g})")
    p.add_argument("--inbound", action="store_true",
                   help=f"the inbound case: a tap burst (default {TAPS} taps) cut by kill -9")
    p.add_argument("--kill-after", type=int, default=KILL_AFTER_ANSWERS,
                   help=f"inbound: answers before the kill (default {KILL_AFTER_ANSWERS})")
    args = p.parse_args()
    if args.inbound:
        if "--count" not in sys.argv:
            args.count = TAPS
        return asyncio.run(inbound_async(args))
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    sys.exit(main())
