"""Benchmark: 1,000 members on Zalo receive an invitation at the configured Zalo rate.

The real bot (the production Application, in this process) against the Telegram
emulator and the Zalo emulator. A branch of N members, each linked to a Zalo account
with Zalo as their channel; a meeting is created, the outbox routes each invitation to
Zalo, and the Zalo sender drains it at ``[zalo] rate``. The Zalo emulator enforces a
limit a little above that rate (429 "Quota exceeded" past it), so pacing errors show.

Goals: 0 lost, 0 duplicates, the busiest second at most the configured rate (+1 for a
window edge), achieved rate >= 0.9 x the configured rate.

    .venv/bin/python benchmarks/zalo.py [--count 1000] [--rate 10]
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot.core.clock import SystemClock
from bot.demo.playground import playground
from bot.meetings.service import create_meeting
from bot.runtime.zalo.channel import ZaloChannel
from emulator.zalo import ZaloEmulator, ZaloLimits
from storage import people, units
from storage import zalo as zalo_store

TOKEN = "4242:zalo-benchmark-token"


async def seed(pg_db: object, zalo: ZaloEmulator, count: int, now: datetime) -> int:
    from storage.db import Database

    db = pg_db
    assert isinstance(db, Database)
    async with db.transaction() as conn:
        committee = await units.create_unit(conn, kind="committee", name="Đảng ủy xã",
                                            parent_id=None, now=now)
        branch = await units.create_unit(conn, kind="branch", name="Chi bộ Zalo",
                                         parent_id=committee, now=now)
        for n in range(count):
            name = f"Đảng viên Zalo {n + 1:04d}"
            person = await people.add_person(conn, full_name=name, name_key=name.casefold(),
                                              now=now)
            await people.add_membership(conn, person_id=person, unit_id=branch, now=now,
                                        admitted_on=date(2010, 1, 1),
                                        official_on=date(2011, 1, 1))
            user = zalo.user(name, user_id=f"z{n:019d}")
            await zalo_store.bind(conn, person, user.id)
    return branch


async def main_async(count: int, rate: float) -> int:
    os.environ["ZALO_BOT_TOKEN"] = TOKEN
    limit = math.floor(rate) + 1
    async with ZaloEmulator(token=TOKEN, limits=ZaloLimits(per_second=limit)) as zalo:
        settings = {"zalo": {"enabled": True, "base_url": zalo.base_url, "rate": rate,
                             "per_chat_interval_seconds": 1.0}}
        with tempfile.TemporaryDirectory() as tmp:
            async with playground(Path(tmp) / "bench.sqlite3", clock=SystemClock(),
                                  settings=settings) as live_bot:
                services = live_bot.services
                branch = await seed(services.db, zalo, count, services.clock.now())
                channel: ZaloChannel = live_bot.app.bot_data.zalo
                started = time.monotonic()
                meeting = await create_meeting(
                    services, None, unit_id=branch, kind="extraordinary",
                    starts_at=datetime.now(UTC) + timedelta(days=3), place="Hội trường",
                    agenda="Benchmark")
                assert meeting is not None
                channel.sender.wake()
                await channel.sender.drain(timeout=count / rate * 3 + 60)
                wall = time.monotonic() - started
                rows = await services.db.fetch_all(
                    "SELECT state, count(*) FROM outbox WHERE channel = 'zalo' GROUP BY state")
    got = {uid: sum("GIẤY MỜI" in m.text for m in u.inbox) for uid, u in zalo.users.items()}
    lost = sum(1 for n in got.values() if n == 0)
    duplicates = sum(1 for n in got.values() if n > 1)
    times = sorted(zalo.stats.send_times)
    span = times[-1] - times[0] if len(times) > 1 else 0.0
    achieved = (len(times) - 1) / span if span else 0.0
    busiest = zalo.stats.busiest_second()
    print(f"zalo fan-out of {count} invitations at rate {rate:g}/s "
          f"(emulator limit {limit}/s)")
    print(f"delivered      {sum(got.values())} message(s) to "
          f"{sum(1 for n in got.values() if n)}/{count} members")
    print(f"outbox         {dict((r[0], r[1]) for r in rows)}")
    print(f"lost           {lost}")
    print(f"duplicates     {duplicates}")
    print(f"429 answers    {zalo.stats.quota_exceeded}")
    print(f"achieved rate  {achieved:.2f} msg/s (first to last send: {span:.1f}s)")
    print(f"busiest second {busiest} sends")
    print(f"wall time      {wall:.1f}s (meeting created -> outbox drained)")
    ok = lost == 0 and duplicates == 0 and busiest <= limit and achieved >= 0.9 * rate
    print("RESULT", "PASS" if ok else "FAIL")
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=10.0)
    args = parser.parse_args()
    return asyncio.run(main_async(args.count, args.rate))


if __name__ == "__main__":
    raise SystemExit(main())
