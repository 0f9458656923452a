"""The scheduler's scans run once per due moment, whichever worker wakes first.

Two workers are two ``Services`` on two separate connections to the same database
(on PostgreSQL, two pools: what two processes hold), waking at the same instant and
running every scan at once. What they cause is what one worker alone causes."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.core.clock import FakeClock
from bot.core.config import Config
from bot.core.services import Services
from bot.duties import reminders as duties
from bot.meetings import jobs as meeting_jobs
from bot.meetings.schedule import ScheduleRule
from storage import units
from storage.db import Database, open_database
from tests.factories import seed_branch


async def _outbox(db: Database) -> list[tuple[str, int]]:
    rows = await db.fetch_all("SELECT business_key, chat_id FROM outbox ORDER BY business_key")
    return [(str(r[0]), int(r[1])) for r in rows]


async def _both_wake(first: Services, second: Services) -> None:
    await asyncio.gather(*(job(s) for s in (first, second) for job in (
        meeting_jobs.due_work, duties.due_work)))


async def test_two_workers_waking_together_do_the_work_once(db: Database,
                                                            clock: FakeClock) -> None:
    branch = await seed_branch(db, clock.now(), members=12)
    rule = ScheduleRule(time="19:30", day=5)
    async with db.transaction() as conn:
        await units.set_schedule(conn, unit_id=branch.branch_id, rule=rule.to_json(),
                                 place="Nhà văn hóa thôn 3")
    other_db = await open_database(db.location)
    try:
        first = Services(config=Config(), db=db, clock=clock)
        second = Services(config=Config(), db=other_db, clock=clock)
        start = clock.now()  # 1 December, 08:00 in Hanoi; the meeting is on the 5th
        # Through the week: the meeting is created and invited, reminded 3 days and 2 hours
        # ahead, its officers' digest sent the day before, by whichever worker is first.
        for later in (timedelta(0), timedelta(days=2), timedelta(days=3, hours=12),
                      timedelta(days=4, hours=10)):
            clock.set(start + later)
            await _both_wake(first, second)
        final = await _outbox(db)
        meetings = await db.fetch_all("SELECT unit_id, auto_month FROM meetings")
    finally:
        await other_db.close()
    assert len(meetings) == len({(r[0], r[1]) for r in meetings}) >= 1
    members = {tg for _, tg in branch.members}
    kinds = {key.split(":")[0] for key, _ in final}
    assert {"invite", "remind", "digest"} <= kinds, kinds  # the scans did cause work
    assert members <= {chat for _, chat in final}
    # A third wake, alone, finds nothing left to do: the two did it all, once.
    await meeting_jobs.due_work(first)
    await duties.due_work(first)
    assert await _outbox(db) == final
