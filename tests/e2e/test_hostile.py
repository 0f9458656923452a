"""Hostile input: at least 10,000 random and malformed updates through the real
application; no unhandled exception, every person answered, the database intact.

How it works
------------
* **The application** is the production one (``bot.runtime.app.build_application`` via
  ``bot.demo.playground``) against the in-repo Bot API emulator, with flood limits off, on a
  seeded committee (``tests.history.seed_history``: two branches, their secretaries, a
  deputy, members, a committee officer, six months of meetings, households and dues),
  plus upcoming meetings, an invite, a linked group, strangers and an admin. The
  outbox sender is paused while updates are played so that every Bot API call belongs to
  the update being processed; it is resumed at the end and drains what was queued (with
  the clock moved on, so reminders about hostile meetings go out too).
* **Updates** are made with the emulator's user API (texts, commands, uploads, edits,
  button presses, group and channel posts), fetched with a real ``getUpdates`` call,
  sometimes altered on the way (a size field claiming 6 MB, the tapped message made
  inaccessible, the query aged past Telegram's limit, the message deleted before the bot
  reads the tap), and given to ``Application.process_update`` one at a time, the way
  python-telegram-bot's own tests drive an application. Service updates Telegram sends
  but the emulator does not make (blocked/unblocked, reactions, join requests, a bot
  writing in a group, an edited channel post) are built as JSON.
* **Hypothesis** generates the updates (at least 10,000 of them):
  ``tests.hostile.strategies.actions`` covers random and hostile text (zero-width,
  right-to-left, 10,000-character names, format braces, SQL), every registered command
  (read from the application's handlers, so new commands are covered) with junk
  arguments, ``/meeting 31/02/2026 25:61 | … | …`` lines, answers to the questions the
  bot asks, real buttons pressed again later (replayed), twice, on deleted, inaccessible
  or expired messages or without a message, forged, overlong and garbled callback data
  for every button family (also read from the handlers), edits, files of every wrong
  kind (``tests.hostile.files``: empty, a PDF, a JPEG named ``.xlsx``, a size field
  claiming 6 MB, formulas, merged cells, 100,000 rows, a broken zip, a zip bomb…),
  photos, stickers, contacts, group messages from strangers and channel posts. A sync
  test runs ``@given`` over batches of ``BATCH`` actions on one long-lived world, driven
  by an ``asyncio.Runner``: one example per batch keeps every example within
  Hypothesis' buffer, while the world (and so the state the actions reach) keeps growing
  from batch to batch. Examples share that world, so a failing one would not replay on
  its own: instead of raising in the example (and shrinking against a world that moved
  on), every problem is recorded with the update that caused it, and the test fails at
  the end listing each distinct problem once. Generation is seeded
  (``CHIBO_HOSTILE_SEED``) so CI runs are reproducible; set another seed to explore
  (``CHIBO_HOSTILE_EXAMPLES`` sets the number of batches).
* **Deterministic phases** around it give breadth that Hypothesis' draws (which like to
  repeat values within an example) may miss: a *sweep* (every command bare and with
  junk and forged data for every family, in private and in the group, from one person
  of every role; guided conversations answered with hostile texts; every file uploaded),
  a *crawl* (officers and members press every button the bot shows them, newest first,
  answering questions with hostile texts: cards, confirmations, erasures, pages), and a
  *polling* phase, where people write concurrently through the real long-polling path
  (the updater and the per-person update processor) and each waits for the answer.
* **Checks**, per update: nothing escapes ``process_update``; nothing is logged at
  ERROR (the error handler logs every non-``AppError`` as "unhandled error while
  handling an update"); a person's private message gets at least one message back; a
  person's button press gets its callback query answered (except a query Telegram
  already expired, and a replay of a query already answered); every message the bot
  sends or edits is in the chat the update came from, and nothing but the answer to
  ``/linkgroup`` is shown in a group. Channel posts, service updates, edits and group
  messages may go unanswered. At the end the outbox drains without errors and
  ``PRAGMA integrity_check`` (and ``foreign_key_check``) are clean.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Iterator
from contextlib import AsyncExitStack, contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from bot.core.clock import FakeClock
from bot.core.config import BotSettings
from bot.demo.playground import Playground, playground
from emulator import Limits
from tests.conftest import ADMIN_ID, START
from tests.factories import seed_branch
from tests.history import seed_history
from tests.hostile.driver import (
    GROUP_ID,
    Driver,
    ErrorLog,
    Failure,
    commands,
    families,
    record_detail,
)
from tests.hostile.strategies import Action, actions

MIN_UPDATES = 10_000  # drawn by Hypothesis; the sweep and the crawl come on top
BATCH = 50
CRAWL_STEPS = 150
POLL_STEPS = 40
EXAMPLES = int(os.environ.get("CHIBO_HOSTILE_EXAMPLES", str(MIN_UPDATES // BATCH + 4)))
SEED = int(os.environ.get("CHIBO_HOSTILE_SEED", "20261201"))
NOISY = ("aiosqlite", "httpx", "httpcore", "telegram", "aiohttp", "apscheduler", "hpack")


@contextmanager
def quiet_and_watched(errors: ErrorLog) -> Iterator[None]:
    """Capture every ERROR record; keep debug chatter (and its cost) out of 10,000 updates."""
    root = logging.getLogger()
    saved = {name: logging.getLogger(name).level for name in NOISY}
    for name in NOISY:
        logging.getLogger(name).setLevel(logging.WARNING)
    root.addHandler(errors)
    try:
        yield
    finally:
        root.removeHandler(errors)
        for name, level in saved.items():
            logging.getLogger(name).setLevel(level)


class World:
    """The running bot, its seeded data and the driver, alive across examples."""

    def __init__(self, stack: AsyncExitStack, live_bot: Playground, driver: Driver,
                 clock: FakeClock) -> None:
        self.stack, self.live_bot, self.driver, self.clock = stack, live_bot, driver, clock
        self.setup_updates = 0
        people = driver.people
        self.officers = [*people["admin"], *people["secretary"][:1], *people["deputy"]]
        self.others = [*people["member"][:1], *people["stranger"][:1]]
        self.crawlers = [*people["admin"], *people["committee"], *people["secretary"],
                         *people["deputy"], *people["member"][:2], *people["stranger"][:1]]

    @classmethod
    async def open(cls, tmp_path: Path, errors: ErrorLog) -> World:
        stack = AsyncExitStack()
        clock = FakeClock(START)
        bot: dict[str, Any] = {"admins": [ADMIN_ID]}
        if "user_commands_per_minute" in BotSettings.model_fields:
            bot["user_commands_per_minute"] = 10**9  # flood control has a test of its own
        live_bot = await stack.enter_async_context(playground(
            tmp_path / "hostile.sqlite3", clock=clock, limits=Limits.off(), settings={
                "bot": bot,
                "delivery": {"read_timeout_seconds": 5.0, "messages_per_second": 1000,
                             "private_chat_interval_seconds": 0,
                             "group_messages_per_minute": 10**6},
            }))
        live_bot.emu.strict_private_chats = False
        assert live_bot.app.updater is not None
        await live_bot.app.updater.stop()  # updates are fetched and processed one by one below
        await live_bot.sender.stop()  # resumed in finish(): every call belongs to one update
        people = await cls._seed(live_bot)
        world = cls(stack, live_bot, Driver(live_bot, people, errors), clock)
        await world._warm_up(people)
        return world

    @staticmethod
    async def _seed(live_bot: Playground) -> dict[str, list[int]]:
        db = live_bot.services.db
        history = await seed_history(db, branches=2, members_per_branch=10,
                                     first_month=date(2026, 6, 1), months=6, seed=3)
        first_branch = history.branch_ids[0]
        deputy = history.members[first_branch][1]
        await db.execute("UPDATE memberships SET role = 'deputy' WHERE person_id = ?", (deputy,))
        officers = {history.committee_officer_tg, *history.secretary_tg.values()}
        deputy_tg = int(await db.fetch_value(
            "SELECT telegram_user_id FROM people WHERE id = ?", (deputy,)))
        members = [int(r[0]) for r in await db.fetch_all(
            "SELECT telegram_user_id FROM people WHERE telegram_user_id IS NOT NULL "
            "ORDER BY id")]
        return {
            "admin": [ADMIN_ID],
            "committee": [history.committee_officer_tg],
            "secretary": list(history.secretary_tg.values()),
            "deputy": [deputy_tg],
            "member": [m for m in members if m not in officers and m != deputy_tg],
            "stranger": [700_001 + i for i in range(5)],
            "newcomer": [800_001 + i for i in range(4)],
        }

    async def _warm_up(self, people: dict[str, list[int]]) -> None:
        """Real work to act on: a chat with every person, meetings (one under way), an
        invite link to redeem, a linked group."""
        d = self.driver
        secretary, other = people["secretary"]
        for uid in sorted({u for pool in people.values() for u in pool}):
            await d.say("setup", uid, "/help")
        await d.group.send(d.user(secretary), "/linkgroup")
        await d.fetch_and_process("setup")
        await d.say("setup", secretary, "/meeting 01/12/2026 08:30 | Hội trường | Họp ngay")
        await d.say("setup", secretary, "/meeting 10/12/2026 19:30 | Hội trường | Thường kỳ")
        await d.say("setup", other, "/thematic 12/12/2026 19:30 | Nhà văn hóa | Chuyên đề")
        await d.say("setup", secretary, "/invite Nguyễn Văn Mới")
        await d.say("setup", other, "/invite Trần Thị Mới")
        self.clock.advance(timedelta(hours=1))  # the first meeting is under way: roll call
        for uid in people["member"][:6]:
            await d.say("setup", uid, "/meetings")
        self.setup_updates = d.figures.tried.pop("setup")
        d.figures.phases.pop("set-up")
        assert not d.failures, d.failures[:3]

    async def run(self, batch: list[Action]) -> None:
        for action in batch:
            await self.driver.perform(action)

    async def finish(self) -> str:
        """Resume the outbox, let the clock run into the reminders, drain; then check."""
        errors_before = len(self.driver.errors.records)
        await self.live_bot.sender.start()
        await self.live_bot.settle(timeout=120)
        for hours in (24, 48, 24 * 8):
            self.clock.advance(timedelta(hours=hours))
            await self.live_bot.settle(timeout=120)
        for record in self.driver.errors.records[errors_before:]:
            self.driver.failures.append(Failure("outbox", f"logged {record.levelname} by "
                                                f"{record.name}", "", record_detail(record)))
        db = self.live_bot.services.db
        assert await db.fetch_all("PRAGMA foreign_key_check") == []
        return await db.integrity_check()

    async def close(self) -> None:
        await self.stack.aclose()


def report(driver: Driver, setup: int, seconds: float) -> str:
    f = driver.figures
    lines = [f"hostile updates tried: {f.total} in {seconds:.0f} s (+{setup} set-up updates)",
             "  by phase: " + ", ".join(f"{k} {v}" for k, v in f.phases.items()),
             "  by category: " + ", ".join(f"{k} {v}" for k, v in f.tried.most_common()),
             "  answers checked: " + ", ".join(f"{k} {v}" for k, v in f.checked.items()),
             "  outcomes: " + ", ".join(f"{k} {v}" for k, v in f.outcomes.most_common()),
             "  refusals by key: " + ", ".join(f"{k} {v}" for k, v in
                                                f.refusals.most_common(15)),
             "  allowed to go unanswered: " + ", ".join(f"{k} {v}" for k, v in
                                                          f.ignored.most_common())]
    return "\n".join(lines)


def distinct(failures: list[Failure]) -> list[tuple[int, Failure]]:
    seen: dict[tuple[str, str], list[Failure]] = {}
    for failure in failures:
        lines = [ln for ln in failure.detail.strip().splitlines() if ln.strip()]
        key = (failure.problem, lines[-1] if lines else "")
        seen.setdefault(key, []).append(failure)
    return [(len(group), group[0]) for group in seen.values()]


def test_hostile_updates_never_break_the_bot(tmp_path: Path) -> None:
    errors = ErrorLog()
    started = time.monotonic()
    with quiet_and_watched(errors), asyncio.Runner() as runner:
        world = runner.run(World.open(tmp_path, errors))
        try:
            app = world.live_bot.app
            strategy = st.lists(actions(commands(app), families(app)),
                                min_size=BATCH, max_size=BATCH)

            @seed(SEED)
            @settings(max_examples=EXAMPLES, deadline=None, database=None,
                      phases=[Phase.generate], suppress_health_check=list(HealthCheck))
            @given(batch=strategy)
            def explore(batch: list[Action]) -> None:
                runner.run(world.run(batch))

            runner.run(world.driver.sweep(commands(app), families(app)))
            runner.run(world.driver.scripts(world.officers, world.others))
            world.driver.phase = "random"
            explore()
            runner.run(world.driver.crawl(world.crawlers, CRAWL_STEPS))
            runner.run(world.driver.polling(world.crawlers + world.others, POLL_STEPS))
            integrity = runner.run(world.finish())
        finally:
            runner.run(world.close())
    driver = world.driver
    summary = report(driver, world.setup_updates, time.monotonic() - started)
    print(summary)
    problems = distinct(driver.failures)
    assert not problems, summary + "\n\n" + "\n\n".join(
        f"[{count}x] {f.category}: {f.problem}\n  update: {f.update}\n  {f.detail[-3000:]}"
        for count, f in problems[:20]) + f"\n\n({len(problems)} distinct problems)"
    assert integrity == "ok"
    assert driver.figures.phases["random"] >= MIN_UPDATES or EXAMPLES < MIN_UPDATES // BATCH
    assert GROUP_ID in driver.bot_messages  # the group was linked: group paths ran


# --- the bugs the property test found, each pinned by a plain example ---------------------

ASK_REASON = "Xin đồng chí cho biết lý do vắng mặt (gõ một tin nhắn):"
SAVED = "Đã ghi: đồng chí vắng mặt, lý do: Đi công tác."


async def test_a_tap_telegram_no_longer_takes_an_answer_to_still_does_its_work(
        live_bot: Playground) -> None:
    """Taps queued while the bot was down arrive too old to answer: the absence is still
    recorded with its reason, and nothing is logged as a bug."""
    seeded = await seed_branch(live_bot.services.db, live_bot.clock.now(), members=1)
    secretary = live_bot.emu.user(seeded.secretary[1], "Bí thư")
    member = live_bot.emu.user(seeded.members[0][1], "Đảng viên")
    await secretary.ask("/meeting 10/12/2026 19:30 | Hội trường | Thường kỳ")
    await member.ask("/meetings")
    errors = ErrorLog()
    logging.getLogger().addHandler(errors)
    try:
        query = await member.press("❌ Vắng (có lý do)")
        member.callback(query).created_at -= 3600  # before the bot reads it: too old
        await live_bot.emu.wait_until(lambda: any(m.text == ASK_REASON for m in member.chat))
        await member.send("Đi công tác")
        await live_bot.emu.wait_until(lambda: any(m.text == SAVED for m in member.chat))
    finally:
        logging.getLogger().removeHandler(errors)
    assert errors.records == []


async def test_a_tap_on_a_deleted_message_is_answered_with_a_new_message(
        live_bot: Playground) -> None:
    seeded = await seed_branch(live_bot.services.db, live_bot.clock.now(), members=2)
    secretary = live_bot.emu.user(seeded.secretary[1], "Bí thư")
    listing = await secretary.ask("/members")
    # Lists are in Vietnamese order (by given name): the member comes first.
    query = await secretary.press("1. Đảng viên Số 001", message_id=listing.message_id)
    await live_bot.app.bot.delete_message(secretary.id, listing.message_id)  # deleted meanwhile
    await secretary.callback_answer(query)
    card = secretary.last_message
    assert card is not None and card.message_id != listing.message_id
    assert card.text.startswith("Đảng viên Số 001\nChi bộ: Chi bộ Thôn 3")


async def test_a_forged_tap_in_a_group_shows_nothing_there(live_bot: Playground) -> None:
    """No button is ever sent to a group; a tap forged there must not put a member's card
    (or an export of their data) in front of the whole group."""
    seeded = await seed_branch(live_bot.services.db, live_bot.clock.now(), members=1)
    secretary = live_bot.emu.user(seeded.secretary[1], "Bí thư")
    group = live_bot.emu.group(-100555, "Chi bộ Thôn 3")
    linked = await group.ask(secretary, "/linkgroup")
    membership = int(await live_bot.services.db.fetch_value(
        "SELECT id FROM memberships WHERE person_id = ?", (seeded.members[0][0],)))
    for data in (f"mem:o:{membership}", f"prv:x:{membership}", f"due:o:{membership}"):
        query = await group.press_data(secretary, data, message_id=linked.message_id)
        assert await group.callback_answer(query) == "Nút này không còn hiệu lực."
    assert [m.text for m in group.chat] == [linked.text]  # not edited, nothing added


async def test_an_edited_command_is_not_run_again(live_bot: Playground) -> None:
    """Fixing a typo in "/broadcast …" must not send the announcement twice.

    The secretary is one of the people the announcement goes to: the outbox would put it
    (and the delivery report) in their chat at its own pace, between the replies read
    below. The sender is held while the replies are read and driven explicitly after."""
    seeded = await seed_branch(live_bot.services.db, live_bot.clock.now(), members=2)
    secretary = live_bot.emu.user(seeded.secretary[1], "Bí thư")
    await live_bot.sender.stop()
    sent = await secretary.send("/broadcast Họp lúc 8h")
    assert (await secretary.next_message()).text.startswith("Đang gửi thông báo đến 3")
    await secretary.edit(sent["message_id"], "/broadcast Họp lúc 9h")
    answer = await secretary.next_message()
    assert answer.text == ("Tôi không làm theo tin nhắn đã sửa. "
                           "Xin đồng chí gửi lại thành tin nhắn mới.")
    assert await live_bot.services.db.fetch_value(
        "SELECT count(*) FROM audit_log WHERE action = 'broadcast'") == 1
    await live_bot.sender.start()
    await live_bot.sender.drain()
    announced = [m.text for m in secretary.drain() if m.text.startswith("📢")]
    assert len(announced) == 1 and announced[0].endswith("Họp lúc 8h"), announced


async def test_dues_of_a_year_the_card_does_not_show_cannot_be_forged(
        live_bot: Playground) -> None:
    seeded = await seed_branch(live_bot.services.db, live_bot.clock.now(), members=1)
    secretary = live_bot.emu.user(seeded.secretary[1], "Bí thư")
    card = await secretary.ask("/members")
    membership = int(await live_bot.services.db.fetch_value(
        "SELECT id FROM memberships WHERE person_id = ?", (seeded.members[0][0],)))
    for period in ("190001", "202701", "202613"):
        query = await secretary.press_data(f"due:t:{membership}:{period}",
                                           message_id=card.message_id)
        assert await secretary.callback_answer(query) == "Tháng này không hợp lệ."
    assert await live_bot.services.db.fetch_value("SELECT count(*) FROM dues") == 0
