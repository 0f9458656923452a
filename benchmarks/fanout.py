"""Benchmark 1 (and 5): fan-out of invitations at the default limits, and the bot's memory.

The bot (``chibo run``, its own process) drains an outbox the benchmark filled with one
invitation per member, at its defaults (25 messages/s, concurrency 16), against the
emulator enforcing Telegram's limits (30/s global; 3 per 1 s and 12 per 10 s per chat).
Yardstick: the same sends with PTB's ``AIORateLimiter`` + ``asyncio.gather`` against a
fresh emulator.

Goals: achieved rate >= 0.95 x 25/s, nothing lost, at most 5 answers 429, peak RSS of
the bot process < 150 MB.

    .venv/bin/python benchmarks/fanout.py [--count N] [--no-yardstick] [--keep]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from common import (
    CONCURRENCY,
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

RATE_SHARE = 0.95
MAX_429 = 5
RSS_GOAL_MB = 150.0


@dataclass
class BotRun:
    deliveries: Deliveries
    outbox: OutboxSummary
    rate_limited: int
    startup: float  # process start -> first delivery
    wall: float  # process start -> last delivery
    peak_rss_mb: float
    cpu_seconds: float
    finished: bool


@dataclass
class YardstickFigures:
    deliveries: Deliveries
    rate_limited: int
    run: YardstickRun


async def run_bot(ids: list[int], work: Path, settings: Sequence[Setting]) -> BotRun:
    database = work / "chibo.sqlite3"
    await prepare_database(database, ids)
    async with emulator(ids) as emu:
        bot = await start_bot(write_config(work, emu, database, settings), work / "bot.log",
                              delivery_status(emu, ids))
        finished = await wait_for(outbox_done(database), child=bot,
                                  timeout=default_timeout(len(ids)), label="the outbox to drain")
        await bot.stop()
        deliveries = Deliveries.of(emu, ids)
        summary = await read_outbox(database)
        first = (deliveries.first or bot.started) - bot.started
        last = (deliveries.last or bot.started) - bot.started
        return BotRun(deliveries, summary, emu.stats.rate_limited, first, last,
                      bot.sampler.peak_rss_mb, bot.sampler.cpu_seconds, finished)


async def run_yardstick(ids: list[int], work: Path) -> YardstickFigures:
    async with emulator(ids) as emu:
        child = await start_yardstick(emu, ids, work / "yardstick.log")
        run = await finish_yardstick(child, default_timeout(len(ids)))
        return YardstickFigures(Deliveries.of(emu, ids), emu.stats.rate_limited, run)


async def main_async(args: argparse.Namespace) -> int:
    count: int = args.count
    ids = member_ids(count)
    rate = configured(args.settings, "delivery", "messages_per_second", CONFIGURED_RATE)
    rate_goal = RATE_SHARE * rate
    report = Report(f"fan-out of {count} invitations: the bot at its defaults "
                    f"({CONFIGURED_RATE:g}/s, concurrency {CONCURRENCY})"
                    f"{overrides_text(args.settings)} vs Telegram's limits")
    yardstick = not args.no_yardstick and yardstick_ready(report)
    with workdir(args.keep) as work:
        progress(f"bot: sending {count} invitations (about {count / rate:.0f}s)")
        ours = await run_bot(ids, work, args.settings)
        d = ours.deliveries
        lost_rows = ours.outbox.not_sent
        lost_people = len(d.missing(set(ids)))
        report.section("ours: chibo run (outbox Sender), own process")
        report.line(f"delivered      {d.total} message(s) to {len(d.reached)}/{count} members")
        report.line(f"achieved rate  {d.rate:.2f} msg/s (first to last delivery: "
                    f"{d.span:.1f}s, emulator clock)")
        report.line(f"lost           {lost_rows} row(s) not sent {ours.outbox.by_state}, "
                    f"{lost_people} member(s) without the message")
        report.line(f"duplicates     {len(d.duplicated)} member(s) with more than one copy")
        report.line(f"429 answers    {ours.rate_limited}")
        report.line(f"wall time      {ours.wall:.1f}s from process start to last delivery "
                    f"(start-up {ours.startup:.1f}s)")
        report.line(f"peak RSS       {ours.peak_rss_mb:.1f} MB (VmHWM of the bot process)")
        report.line(f"CPU time       {ours.cpu_seconds:.1f}s "
                    f"({1000 * ours.cpu_seconds / max(1, d.total):.1f} ms per message)")

        theirs: YardstickFigures | None = None
        if yardstick:
            progress(f"yardstick: PTB AIORateLimiter + gather, {count} sends")
            theirs = await run_yardstick(ids, work)
            y = theirs.deliveries
            report.section("yardstick: PTB ExtBot + AIORateLimiter(max_retries=3) + "
                           "asyncio.gather, own process, fresh emulator")
            report.line(f"delivered      {y.total} message(s) to {len(y.reached)}/{count} members")
            report.line(f"achieved rate  {y.rate:.2f} msg/s (first to last delivery: "
                        f"{y.span:.1f}s, emulator clock)")
            report.line(f"lost           {len(y.missing(set(ids)))} member(s) without the "
                        f"message; errors raised: {errors_text(theirs.run.errors)}")
            report.line(f"duplicates     {len(y.duplicated)} member(s) with more than one copy")
            report.line(f"429 answers    {theirs.rate_limited}")
            wall = f"{theirs.run.wall:.1f}s" if theirs.run.wall is not None else "n/a"
            report.line(f"wall time      {wall} (gather start to end)")
            report.line(f"peak RSS       {theirs.run.peak_rss_mb:.1f} MB")
            report.line(f"CPU time       {theirs.run.cpu_seconds:.1f}s")
            report.section("ours / yardstick")
            report.line(f"rate           {ratio(d.rate, y.rate)}")
            report.line(f"429 answers    {ours.rate_limited} vs {theirs.rate_limited}")
            report.line(f"peak RSS       {ratio(ours.peak_rss_mb, theirs.run.peak_rss_mb)}")

        report.section("goals")
        report.goal(f"the outbox drained in time ({'yes' if ours.finished else 'no'})",
                    ours.finished)
        report.goal(f"achieved rate >= {rate_goal:.2f} msg/s ({RATE_SHARE} x {rate:g}): "
                    f"{d.rate:.2f}", d.rate >= rate_goal)
        report.goal(f"0 lost: {lost_rows} row(s) not sent, {lost_people} member(s) "
                    f"without the message", lost_rows == 0 and lost_people == 0)
        report.goal(f"<= {MAX_429} answers 429: {ours.rate_limited}",
                    ours.rate_limited <= MAX_429)
        report.goal(f"peak RSS of the bot < {RSS_GOAL_MB:g} MB: {ours.peak_rss_mb:.1f} MB",
                    0 < ours.peak_rss_mb < RSS_GOAL_MB)
        return report.finish()


def main() -> int:
    args = parser(__doc__.splitlines()[0], default_count=5000).parse_args()
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    sys.exit(main())
