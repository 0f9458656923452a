"""Benchmark 4: inbound answer taps per second, ours against a bare PTB application.

5,000 members each press "✅ Tham dự" on their invitation at once. Ours: the real bot
(``chibo run``, its own process) records each answer in SQLite, edits the invitation to
show it, and answers the tap. Yardstick: a bare python-telegram-bot Application (its own
process, ``ptb_answer_only.py``) that only answers callback queries, with the same
update concurrency. Both poll the same kind of emulator, which runs in this process,
so the server's work is not charged to either bot. The figure is taps fully handled per
second, from the first tap posted to the last answer (and, for ours, the last edit).

    .venv/bin/python benchmarks/inbound.py [--count 5000]
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from telegram import Bot

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import Report, parser, ratio, start_bot, workdir, write_config
from bot.demo.playground import BOT_USERNAME, TOKEN
from emulator import BotApiEmulator, FakeUser, Limits
from storage import meetings, people, units
from storage.db import open_database

GOAL_RATIO = 0.7
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


async def invitations(emu: BotApiEmulator, count: int,
                      meeting_id: int) -> list[tuple[FakeUser, int]]:
    """One invitation in each member's chat, sent raw with limits off (setup, not timed)."""
    emu.set_limits(Limits.off())
    emu.strict_private_chats = False
    users = [emu.user(FIRST_UID + i, f"ĐV{i}") for i in range(count)]
    markup = {"inline_keyboard": [[
        {"text": "✅ Tham dự", "callback_data": f"rsvp:{meeting_id}:y"},
        {"text": "❌ Vắng (có lý do)", "callback_data": f"rsvp:{meeting_id}:n"}]]}
    ids: list[int] = []
    async with Bot(TOKEN, base_url=emu.base_url) as bot:
        for start in range(0, count, 200):
            sent = await asyncio.gather(*(
                bot.send_message(FIRST_UID + i, "📅 GIẤY MỜI HỌP CHI BỘ", reply_markup=markup)
                for i in range(start, min(count, start + 200))))
            ids += [m.message_id for m in sent]
    emu.set_limits(Limits())
    return list(zip(users, ids, strict=True))


async def tap_all(emu: BotApiEmulator, targets: list[tuple[FakeUser, int]], data: str,
                  *, edits: bool) -> float:
    """Post every tap at once; seconds until each is answered (and edited, for ours)."""
    calls = emu.stats.calls_by_method
    answered0, edited0 = calls["answerCallbackQuery"], calls["editMessageText"]

    def done() -> bool:
        answered = calls["answerCallbackQuery"] - answered0 >= len(targets)
        return answered and (not edits or calls["editMessageText"] - edited0 >= len(targets))

    started, cpu = time.perf_counter(), time.process_time()
    for user, message_id in targets:
        await user.press_data(data, message_id=message_id)
    await emu.wait_until(done, timeout=900.0)
    wall = time.perf_counter() - started
    print(f"  (emulator process: {time.process_time() - cpu:.1f} s CPU in {wall:.1f} s)",
          file=sys.stderr)
    return wall


async def ready(emu: BotApiEmulator) -> None:
    """Until the bot polls (its start-up is not timed)."""
    await emu.wait_until(lambda: emu.stats.calls_by_method["getUpdates"] > 0, timeout=60.0)


async def ours(count: int, work: Path) -> tuple[float, int]:
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
            seconds = await tap_all(emu, targets, f"rsvp:{meeting_id}:y", edits=True)
            if os.environ.get("INBOUND_PROFILE"):
                await spy.wait()
        finally:
            await child.stop()
    db = await open_database(database)
    try:
        recorded = int(await db.fetch_value(
            "SELECT count(*) FROM invitations WHERE meeting_id = ? AND answer = 'attend'",
            (meeting_id,)))
    finally:
        await db.close()
    return seconds, recorded


async def yardstick(count: int, work: Path) -> float:
    async with BotApiEmulator(token=TOKEN, bot_username=BOT_USERNAME) as emu:
        targets = await invitations(emu, count, 1)
        log = (work / "yardstick.log").open("ab")
        proc = await asyncio.create_subprocess_exec(
            sys.executable, str(Path(__file__).with_name("ptb_answer_only.py")), emu.base_url,
            str(CONCURRENCY), stdin=asyncio.subprocess.DEVNULL, stdout=log, stderr=log,
            env={**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN})
        try:
            await ready(emu)
            return await tap_all(emu, targets, "rsvp:1:y", edits=False)
        finally:
            proc.terminate()
            await proc.wait()
            log.close()


async def main() -> int:
    args = parser(__doc__ or "", 5000).parse_args()
    report = Report(f"Benchmark 4 — inbound answer taps ({args.count:,} members)")
    with workdir(args.keep) as work:
        seconds, recorded = await ours(args.count, work)
        our_rate = args.count / seconds
        report.section("chibo (answer recorded in SQLite, invitation edited, tap answered)")
        report.line(f"{args.count:,} taps fully handled in {seconds:.1f} s: "
                    f"{our_rate:,.0f} taps/s")
        report.line(f"answers recorded: {recorded:,}")
        report.goal("every answer recorded", recorded == args.count)
        if args.no_yardstick:
            return report.finish()
        their_seconds = await yardstick(args.count, work)
    their_rate = args.count / their_seconds
    report.section("yardstick (bare PTB Application: answers the tap, nothing else)")
    report.line(f"{args.count:,} taps answered in {their_seconds:.1f} s: {their_rate:,.0f} taps/s")
    report.section("comparison")
    report.line(f"ratio ours/yardstick: {ratio(our_rate, their_rate)}")
    report.goal(f"ratio >= {GOAL_RATIO}", our_rate / their_rate >= GOAL_RATIO)
    return report.finish()


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
