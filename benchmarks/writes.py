"""The ceiling of the writers' lock: write transactions per second, SQLite and PostgreSQL.

Every write transaction is serialised (SQLite's one writer; on PostgreSQL an advisory
lock every worker takes), which keeps check-then-write correct across workers. This
measures what that costs: members answering an invitation (the write a tap makes, one
short transaction each), from one process or from two ``Database`` objects on the same
database (two workers' pools), 64 at a time per process.

    .venv/bin/python benchmarks/writes.py [--count 4000] [--postgres URL]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.inbound import seed
from storage import meetings
from storage.db import Database, open_database

AT = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
DEFAULT_PG = "postgresql://chibo@127.0.0.1:54329/postgres"
CONCURRENCY = 64


async def answer_all(dbs: list[Database], meeting: int, ids: list[int]) -> float:
    gates = [asyncio.Semaphore(CONCURRENCY) for _ in dbs]

    async def one(n: int, pid: int) -> None:
        async with gates[n % len(dbs)]:
            changed = await meetings.record_answer(dbs[n % len(dbs)], meeting, pid, "attend",
                                                   None, AT)
            assert changed

    started = time.perf_counter()
    await asyncio.gather(*(one(n, pid) for n, pid in enumerate(ids)))
    return time.perf_counter() - started


async def measure(target: str, count: int, processes: int) -> float:
    meeting = await seed(target, count)  # the inbound benchmark's branch and meeting
    db = await open_database(target)
    others = [await open_database(target) for _ in range(processes - 1)]
    try:
        ids = [int(r[0]) for r in await db.fetch_all(
            "SELECT person_id FROM invitations WHERE meeting_id = ?", (meeting,))]
        seconds = await answer_all([db, *others], meeting, ids)
        answered = await db.fetch_value(
            "SELECT count(*) FROM invitations WHERE meeting_id = ? AND answer = 'attend'",
            (meeting,))
        assert answered == count, answered
        return count / seconds
    finally:
        for other in others:
            await other.close()
        await db.close()


def _admin(url: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(statement)  # type: ignore[arg-type]


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=4000)
    parser.add_argument("--postgres", default=os.environ.get("CHIBO_TEST_POSTGRES", DEFAULT_PG))
    args = parser.parse_args()
    rows: list[tuple[str, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        rows.append(("SQLite, 1 process", await measure(str(Path(tmp) / "w.sqlite3"),
                                                        args.count, 1)))
    for processes in (1, 2):
        name = f"bench_writes_{os.getpid()}_{processes}"
        base = args.postgres.rsplit("/", 1)[0]
        try:
            _admin(args.postgres, f"CREATE DATABASE {name} TEMPLATE template0 "
                   "ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'")
        except Exception as err:  # no server: say so, keep the SQLite figure
            print(f"PostgreSQL rows skipped: {type(err).__name__}: {err}", file=sys.stderr)
            break
        try:
            rows.append((f"PostgreSQL, {processes} pool(s)",
                         await measure(f"{base}/{name}", args.count, processes)))
        finally:
            _admin(args.postgres, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    print(f"Answers recorded, {args.count:,} members, {CONCURRENCY} at a time per process")
    print(f"{'engine':<26} {'write transactions/s':>22}")
    for label, rate in rows:
        print(f"{label:<26} {rate:>22,.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
