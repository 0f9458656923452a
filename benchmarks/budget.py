"""Benchmark 6: one sending budget — a fan-out at 30/s while members tap answers.

2,000 members of one branch each have an invitation row pending in the outbox (the
fan-out); the bot (``chibo run``, its own process) runs with
``delivery.messages_per_second = 30``, the emulator with Telegram's 30 per second
overall **counting edits too** (``Limits(count_edits_globally=True)``). Once the
fan-out is under way, 200 of the members tap "✅ Tham dự" on a meeting invitation
(spread over about 20 s): each tap is an answer recorded in SQLite, an edit and a
callback answer, all drawn from the same budget as the outbox. Goals: at most 0.5 %
of the bot's requests answered 429, nothing lost (every row sent, every member
reached, every tap answered and recorded); the reply latency (tap posted → answer
received) and the interactive reply latency (tap posted -> the card's edit) are printed
with their median and p95; goals: the reply p95 under 1 s while the fan-out runs at 0.9
x the configured rate or more (the edits take their slots from the same 30/s).

    .venv/bin/python benchmarks/budget.py [--count 2000] [--taps 200]
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from telegram import Bot

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import (
    Deliveries,
    Report,
    invite_message,
    parser,
    progress,
    read_outbox,
    start_bot,
    wait_for,
    workdir,
    write_config,
)
from benchmarks.inbound import FIRST_UID, ready, seed
from bot.demo.playground import BOT_USERNAME, TOKEN
from emulator import BotApiEmulator, FakeUser, Limits, busiest_second
from storage import outbox
from storage.db import open_database
from storage.outbox import Envelope

RATE = 30
GOAL_429_SHARE = 0.005
TAP_SPREAD = 20.0  # seconds over which the taps come
START_TAPS_AFTER = 100  # fan-out messages delivered before the first tap
GOAL_REPLY_P95 = 1.0  # seconds from a tap to its card's edit, while the fan-out runs
GOAL_FAN_SHARE = 0.9  # the fan-out's rate, as a share of the configured rate


async def fill_outbox(path: Path, count: int) -> None:
    """One pending invitation per member: the fan-out."""
    db = await open_database(path)
    try:
        now = datetime.now(UTC)
        async with db.transaction() as conn:
            rows = await db.fetch_all("SELECT person_id, telegram_user_id FROM memberships "
                                      "JOIN people ON people.id = person_id ORDER BY person_id")
            envelopes = [Envelope(key=f"invite:budget:{r[1]}", chat_id=r[1], kind="invite",
                                  message=invite_message(), person_id=r[0]) for r in rows]
            added = await outbox.enqueue(conn, envelopes, now)
        if added != count:
            raise RuntimeError(f"enqueued {added} rows, expected {count}")
    finally:
        await db.close()


async def meeting_cards(emu: BotApiEmulator, uids: list[int], meeting_id: int
                        ) -> list[tuple[FakeUser, int]]:
    """The tappers' meeting invitation, sent raw with limits off (setup, not timed)."""
    emu.set_limits(Limits.off())
    markup = {"inline_keyboard": [[
        {"text": "✅ Tham dự", "callback_data": f"rsvp:{meeting_id}:y"},
        {"text": "❌ Vắng (có lý do)", "callback_data": f"rsvp:{meeting_id}:n"}]]}
    async with Bot(TOKEN, base_url=emu.base_url) as bot:
        sent = await asyncio.gather(*(
            bot.send_message(uid, "📅 GIẤY MỜI HỌP CHI BỘ", reply_markup=markup)
            for uid in uids))
    users = [emu.user(uid, f"ĐV{uid}") for uid in uids]
    emu.stats.sends = 0
    emu.stats.send_times.clear()
    emu.stats.calls_by_method.clear()
    emu.stats.errors.clear()
    emu.stats.stamp_lag_max = 0.0
    emu.set_limits(Limits(count_edits_globally=True))
    return list(zip(users, [m.message_id for m in sent], strict=True))


async def tap(emu: BotApiEmulator, user: FakeUser, message_id: int, data: str,
              delay: float) -> tuple[float, float] | None:
    """Tap after ``delay`` seconds; seconds from the tap to its answer and to the card's
    edit (the interactive reply), on the emulator's clock (None: either never came)."""
    await asyncio.sleep(delay)
    query = await user.press_data(data, message_id=message_id)
    record = user.callback(query)
    card = (user.id, message_id)
    try:
        await user.callback_answer(query, timeout=120)
        await emu.wait_until(lambda: card in emu.stats.edited_at, timeout=120)
    except (TimeoutError, AssertionError):
        return None
    return ((record.answered_at or 0.0) - record.created_at,
            emu.stats.edited_at[card] - record.created_at)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def main() -> int:
    p = parser(__doc__ or "", 2000)
    p.add_argument("--taps", type=int, default=200, help="members who tap (default 200)")
    args = p.parse_args()
    report = Report(f"Benchmark 6 — one budget: {args.count:,}-member fan-out at {RATE}/s "
                    f"while {args.taps} members tap")
    with workdir(args.keep) as work:
        database = work / "bot.sqlite3"
        meeting_id = await seed(database, args.count)
        await fill_outbox(database, args.count)
        ids = [FIRST_UID + i for i in range(args.count)]
        tappers = ids[-args.taps:]  # last in the fan-out's order: they tap before theirs
        async with BotApiEmulator(token=TOKEN, bot_username=BOT_USERNAME) as emu:
            emu.strict_private_chats = False
            for uid in ids:
                emu.user(uid, f"ĐV{uid}")
            cards = await meeting_cards(emu, tappers, meeting_id)
            config = write_config(work, emu, database,
                                  [("delivery", "messages_per_second", str(RATE))])
            child = await start_bot(config, work / "bot.log",
                                    lambda: f"{emu.stats.sends} sent, "
                                            f"{emu.stats.rate_limited} x 429")
            started = time.perf_counter()
            try:
                await ready(emu)
                await emu.wait_until(lambda: emu.stats.sends >= START_TAPS_AFTER, timeout=120)
                progress(f"fan-out under way ({emu.stats.sends} sent): the taps begin")
                step = TAP_SPREAD / max(1, len(cards))
                latencies = await asyncio.gather(*(
                    tap(emu, user, mid, f"rsvp:{meeting_id}:y", i * step)
                    for i, (user, mid) in enumerate(cards)))
                done = await wait_for(
                    lambda: _outbox_empty(database), child=child,
                    timeout=2 * args.count / RATE + 120, label="an empty outbox")
                wall = time.perf_counter() - started
            finally:
                await child.stop()
            stats = emu.stats
            fan = Deliveries.of(emu, ids)
            counted = {m: n for m, n in stats.calls_by_method.items() if m != "getUpdates"}
            requests = sum(counted.values())
        summary = await read_outbox(database)
        db = await open_database(database)
        try:
            recorded = int(await db.fetch_value(
                "SELECT count(*) FROM invitations WHERE meeting_id = ? AND answer = 'attend'",
                (meeting_id,)))
        finally:
            await db.close()
    answered = [s[0] for s in latencies if s is not None]
    replies = [s[1] for s in latencies if s is not None]
    share = stats.rate_limited / requests if requests else 0.0
    busiest = busiest_second([t for times in stats.send_times.values() for t in times]
                             + stats.edit_times)
    report.section("figures")
    first, last = fan.first or 0.0, fan.last or 0.0
    shared = sum(1 for t in stats.edit_times if first <= t <= last)
    used = (fan.total + shared - 1) / fan.span if fan.span > 0 else 0.0
    report.line(f"fan-out: {fan.total:,} messages to {len(fan.reached):,}/{args.count:,} "
                f"members in {fan.span:.1f} s: {fan.rate:.1f}/s "
                f"({fan.rate / RATE:.2f} x the configured {RATE}/s); with the {shared} edits "
                f"sent meanwhile the budget ran at {used:.1f}/s ({used / RATE:.2f} x); "
                f"outbox {summary.by_state}; {wall:.1f} s in all")
    report.line(f"requests to the Bot API (getUpdates excluded): {requests:,} "
                f"({', '.join(f'{m} {n:,}' for m, n in sorted(counted.items()))})")
    report.line(f"429 answers: {stats.rate_limited} ({share:.2%}) "
                f"{dict(stats.rate_limited_by_method)}; busiest second at the emulator: "
                f"{busiest} messages and edits arrived (the emulator stored them up to "
                f"{stats.stamp_lag_max * 1000:,.0f} ms later)")
    report.line(f"taps answered: {len(answered)}/{len(cards)}; recorded {recorded}")
    if answered:
        report.line(f"tap -> answer: median {statistics.median(answered) * 1000:.0f} ms, "
                    f"p95 {percentile(answered, 0.95) * 1000:.0f} ms, "
                    f"max {max(answered) * 1000:.0f} ms")
        report.line(f"interactive reply (tap -> the card's edit): median "
                    f"{statistics.median(replies) * 1000:.0f} ms, "
                    f"p95 {percentile(replies, 0.95) * 1000:.0f} ms, "
                    f"max {max(replies) * 1000:.0f} ms")
    report.goal("the outbox emptied", done)
    report.goal(f"<= {GOAL_429_SHARE:.1%} of requests answered 429", share <= GOAL_429_SHARE)
    report.goal(f"interactive reply p95 < {GOAL_REPLY_P95:g} s",
                bool(replies) and percentile(replies, 0.95) < GOAL_REPLY_P95)
    # The edits take their slots from the same budget: the fan-out runs at the rate when
    # it takes every slot the replies leave (fan-out + edits over the fan-out's span).
    report.goal(f"fan-out with the replies' edits >= {GOAL_FAN_SHARE:g} x the configured rate",
                used >= GOAL_FAN_SHARE * RATE)
    lost = (args.count - len(fan.reached)) + (len(cards) - len(answered))
    report.goal("0 lost (every member reached, every tap answered and recorded)",
                lost == 0 and recorded == len(cards)
                and summary.by_state.get("sent", 0) == args.count)
    return report.finish()


async def _outbox_empty(database: Path) -> bool:
    return (await read_outbox(database)).open == 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
