"""Benchmark 2: the fan-out with injected faults and blocked members.

Same set-up as ``fanout.py``, but the emulator fails 5% of sends with 502 before
delivering (``fail_rate(0.05, 502, seed=1)``), answers 5% of the delivered ones 2 s
past the bot's read timeout, 12 s at the default 10 s (``slow(12, rate=0.05, seed=2)``):
the message is there but the bot cannot know, and 2% of the members have blocked the bot.

Goals: every reachable member got the invitation; members with more than one copy are
only among the rows flagged ``possible_duplicate`` (a read timed out); every blocked
member is marked unreachable in ``people``; the failed rows are exactly the blocked ones.
Yardstick: PTB ``AIORateLimiter`` + ``asyncio.gather`` under the same faults.

    .venv/bin/python benchmarks/faults.py [--count N] [--no-yardstick] [--keep]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from common import (
    CONFIGURED_RATE,
    Deliveries,
    OutboxSummary,
    Report,
    Setting,
    YardstickRun,
    configured,
    default_timeout,
    delivery_status,
    emulator,
    errors_text,
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

from bot.core.config import DeliverySettings
from emulator import BotApiEmulator

FAIL_RATE = 0.05
SLOW_RATE = 0.05
SLOW_MARGIN = 2.0  # slow answers come this long after the bot's read timeout
BLOCKED_SHARE = 0.02
BAD_GATEWAY = "Bad Gateway"


@dataclass
class Faulted:
    deliveries: Deliveries
    rate_limited: int
    bad_gateways: int
    forbidden: int


def inject(emu: BotApiEmulator, blocked: set[int], slow: float) -> None:
    emu.faults.fail_rate(FAIL_RATE, status=502, description=BAD_GATEWAY, seed=1)
    emu.faults.slow(slow, rate=SLOW_RATE, seed=2)
    for uid in blocked:
        emu.faults.block(uid)


def faulted(emu: BotApiEmulator, ids: list[int]) -> Faulted:
    errors = emu.stats.errors
    forbidden = sum(n for text, n in errors.items() if text.startswith("Forbidden"))
    return Faulted(Deliveries.of(emu, ids), emu.stats.rate_limited, errors[BAD_GATEWAY],
                   forbidden)


async def run_bot(ids: list[int], blocked: set[int], slow: float, work: Path,
                  settings: Sequence[Setting]) -> tuple[Faulted, OutboxSummary, float, bool]:
    database = work / "chibo.sqlite3"
    await prepare_database(database, ids)
    async with emulator(ids) as emu:
        inject(emu, blocked, slow)
        bot = await start_bot(write_config(work, emu, database, settings), work / "bot.log",
                              delivery_status(emu, ids))
        finished = await wait_for(outbox_done(database), child=bot,
                                  timeout=2 * default_timeout(len(ids)),
                                  label="the outbox to drain")
        wall = time.monotonic() - bot.started
        await bot.stop()
        return faulted(emu, ids), await read_outbox(database), wall, finished


async def run_yardstick(ids: list[int], blocked: set[int], slow: float, work: Path
                        ) -> tuple[Faulted, YardstickRun]:
    async with emulator(ids) as emu:
        inject(emu, blocked, slow)
        child = await start_yardstick(emu, ids, work / "yardstick.log")
        run = await finish_yardstick(child, default_timeout(len(ids)))
        return faulted(emu, ids), run


async def main_async(args: argparse.Namespace) -> int:
    count: int = args.count
    ids = member_ids(count)
    blocked = set(random.Random(3).sample(ids, round(count * BLOCKED_SHARE)))
    reachable = set(ids) - blocked
    read_timeout = configured(args.settings, "delivery", "read_timeout_seconds",
                              DeliverySettings().read_timeout_seconds)
    slow = read_timeout + SLOW_MARGIN
    report = Report(
        f"fan-out of {count} invitations with faults: {FAIL_RATE:.0%} 502, {SLOW_RATE:.0%} "
        f"answered after {slow:g}s (read timeout {read_timeout:g}s), {len(blocked)} blocked"
        f"{overrides_text(args.settings)}"
    )
    yardstick = not args.no_yardstick and yardstick_ready(report)
    with workdir(args.keep) as work:
        progress(f"bot: sending {count} invitations under faults")
        ours, summary, wall, finished = await run_bot(ids, blocked, slow, work, args.settings)
        d = ours.deliveries
        missing = d.missing(reachable)
        unflagged = d.duplicated - summary.flagged_chats
        blocked_failed = summary.failed_chats & blocked
        other_failed = summary.failed_chats - blocked
        report.section("ours: chibo run (outbox Sender), own process")
        report.line(f"reachable      {len(d.reached & reachable)}/{len(reachable)} got the "
                    f"invitation ({len(missing)} missing)")
        report.line(f"duplicates     {len(d.duplicated)} member(s) with more than one copy "
                    f"({d.extra_copies} extra message(s)); outbox rows flagged "
                    f"possible_duplicate: {len(summary.flagged_chats)}; duplicates not "
                    f"flagged: {len(unflagged)}")
        report.line(f"blocked        {len(blocked)}; marked unreachable in people: "
                    f"{summary.unreachable_people}; failed rows among them: "
                    f"{len(blocked_failed)}")
        report.line(f"failed rows    {len(summary.failed_chats)} ({len(other_failed)} of "
                    f"reachable members); outbox states {summary.by_state}")
        report.line(f"emulator said  {ours.bad_gateways} x 502, {ours.forbidden} x 403, "
                    f"{ours.rate_limited} x 429; rows retried: {summary.retried_rows}")
        report.line(f"achieved rate  {d.rate:.2f} msg/s over {d.span:.1f}s "
                    f"(configured {CONFIGURED_RATE:g}/s)")
        report.line(f"wall time      {wall:.1f}s from process start to an empty outbox")

        if yardstick:
            progress(f"yardstick: PTB AIORateLimiter + gather, {count} sends under faults")
            theirs, run = await run_yardstick(ids, blocked, slow, work)
            y = theirs.deliveries
            y_missing = y.missing(reachable)
            report.section("yardstick: PTB ExtBot + AIORateLimiter(max_retries=3) + "
                           "asyncio.gather, same faults, fresh emulator")
            report.line(f"reachable      {len(y.reached & reachable)}/{len(reachable)} got the "
                        f"invitation ({len(y_missing)} missing)")
            report.line(f"duplicates     {len(y.duplicated)} member(s) with more than one copy")
            report.line(f"errors raised  {errors_text(run.errors)} (TimedOut: delivered or "
                        "not, the sender cannot tell; nothing records who blocked the bot)")
            report.line(f"emulator said  {theirs.bad_gateways} x 502, {theirs.forbidden} x 403, "
                        f"{theirs.rate_limited} x 429")
            report.line(f"achieved rate  {y.rate:.2f} msg/s over {y.span:.1f}s")
            wall_y = f"{run.wall:.1f}s" if run.wall is not None else "n/a"
            report.line(f"wall time      {wall_y} (gather start to end)")
            report.section("ours / yardstick")
            report.line(f"reachable members reached  "
                        f"{ratio(len(d.reached & reachable), len(y.reached & reachable))} "
                        f"({len(missing)} vs {len(y_missing)} missing)")

        report.section("goals")
        report.goal(f"the outbox drained in time ({'yes' if finished else 'no'})", finished)
        report.goal(f"every reachable member got the invitation: {len(missing)} missing",
                    not missing)
        report.goal(f"duplicates only where a read timed out: {len(d.duplicated)} duplicated, "
                    f"{len(unflagged)} of them not flagged possible_duplicate", not unflagged)
        report.goal(f"every blocked member marked unreachable: {summary.unreachable_people}"
                    f"/{len(blocked)}", summary.unreachable_people == len(blocked))
        report.goal(f"failed rows are exactly the blocked members: {len(blocked_failed)} "
                    f"blocked, {len(other_failed)} reachable",
                    blocked_failed == blocked and not other_failed)
        return report.finish()


def main() -> int:
    args = parser(__doc__.splitlines()[0], default_count=2000).parse_args()
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    sys.exit(main())
