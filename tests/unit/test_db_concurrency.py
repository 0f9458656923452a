"""The database layer under concurrent tasks: no dirty reads, no self-deadlock.

Each test runs real tasks against a real SQLite file; a hang is turned into a
failure by ``asyncio.wait_for`` so a regression cannot stall the suite."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from storage.db import Database, NestedTransactionError, open_database

HANG = 5.0  # seconds: far beyond what any of these takes when it works

ADD_UNIT = "INSERT INTO units (kind, name, created_at) VALUES ('branch', ?, '2026-12-01')"


async def _units(db: Database) -> list[str]:
    return [r["name"] for r in await db.fetch_all("SELECT name FROM units ORDER BY id")]


class Boom(Exception):
    pass


async def test_a_read_never_sees_another_tasks_write_that_is_later_rolled_back(
    db: Database,
) -> None:
    written, release = asyncio.Event(), asyncio.Event()

    async def doomed() -> None:
        async with db.transaction() as conn:
            await conn.execute(ADD_UNIT, ("Chi bộ ma",))
            written.set()
            await release.wait()
            raise Boom

    task = asyncio.create_task(doomed())
    await asyncio.wait_for(written.wait(), HANG)
    seen_all = await asyncio.wait_for(_units(db), HANG)
    seen_one = await asyncio.wait_for(db.fetch_value("SELECT count(*) FROM units"), HANG)
    release.set()
    with pytest.raises(Boom):
        await task
    assert seen_all == [] and seen_one == 0
    assert await _units(db) == []


async def test_reads_see_what_another_task_committed(db: Database) -> None:
    async with db.transaction() as conn:
        await conn.execute(ADD_UNIT, ("Chi bộ 1",))
    assert await _units(db) == ["Chi bộ 1"]
    await db.execute(ADD_UNIT, ("Chi bộ 2",))
    assert await _units(db) == ["Chi bộ 1", "Chi bộ 2"]


async def test_a_read_inside_a_transaction_sees_its_own_writes(db: Database) -> None:
    async with db.transaction() as conn:
        await conn.execute(ADD_UNIT, ("Chi bộ 1",))
        assert await asyncio.wait_for(_units(db), HANG) == ["Chi bộ 1"]


async def test_a_nested_transaction_is_a_savepoint_not_a_deadlock(db: Database) -> None:
    async def nested() -> None:
        async with db.transaction() as conn:
            await conn.execute(ADD_UNIT, ("ngoài",))
            async with db.transaction() as inner:
                await inner.execute(ADD_UNIT, ("trong",))
            with pytest.raises(Boom):
                async with db.transaction() as inner:
                    await inner.execute(ADD_UNIT, ("hủy",))
                    raise Boom
            await conn.execute(ADD_UNIT, ("sau",))
            await conn.executemany(ADD_UNIT, [("nhiều 1",), ("nhiều 2",)])

    await asyncio.wait_for(nested(), HANG)
    assert await _units(db) == ["ngoài", "trong", "sau", "nhiều 1", "nhiều 2"]


async def test_a_lone_write_inside_a_transaction_is_refused_at_once(db: Database) -> None:
    """Inside a transaction, writes go through its connection: a write through the
    Database would silently join it (or, on another engine, miss it)."""
    async def inside() -> None:
        async with db.transaction() as conn:
            await conn.execute(ADD_UNIT, ("Chi bộ 1",))
            with pytest.raises(NestedTransactionError):
                await db.execute(ADD_UNIT, ("lẻ 1",))
            with pytest.raises(NestedTransactionError):
                await db.execute_count(ADD_UNIT, ("lẻ 2",))
            with pytest.raises(NestedTransactionError):
                await db.execute_many(ADD_UNIT, [("lẻ 3",)])
            with pytest.raises(NestedTransactionError):
                async with db.unlocked() as other:
                    await other.execute(ADD_UNIT, ("lẻ 4",))
            assert await db.fetch_value("SELECT count(*) FROM units") == 1  # reads: fine

    await asyncio.wait_for(inside(), HANG)
    assert await _units(db) == ["Chi bộ 1"]
    assert await db.execute(ADD_UNIT + " RETURNING id", ("Chi bộ 2",)) > 0  # outside: fine


async def test_an_outer_rollback_undoes_the_savepoints_too(db: Database) -> None:
    with pytest.raises(Boom):
        async with db.transaction():
            async with db.transaction() as inner:
                await inner.execute(ADD_UNIT, ("trong",))
            async with db.transaction() as again:
                await again.execute(ADD_UNIT, ("ngoài",))
            raise Boom
    assert await _units(db) == []


async def test_another_task_waits_for_the_writer_instead_of_joining_its_transaction(
    db: Database,
) -> None:
    written, release = asyncio.Event(), asyncio.Event()

    async def first() -> None:
        async with db.transaction() as conn:
            await conn.execute(ADD_UNIT, ("một",))
            written.set()
            await release.wait()
            raise Boom

    async def second() -> None:
        async with db.transaction() as conn:
            await conn.execute(ADD_UNIT, ("hai",))

    one = asyncio.create_task(first())
    await written.wait()
    two = asyncio.create_task(second())
    await asyncio.sleep(0)  # let the second task reach the lock
    assert not two.done()
    release.set()
    with pytest.raises(Boom):
        await one
    await asyncio.wait_for(two, HANG)
    assert await _units(db) == ["hai"]


async def test_many_concurrent_writers_and_readers(db: Database) -> None:
    async def write(i: int) -> None:
        async with db.transaction() as conn:
            await conn.execute(ADD_UNIT, (f"a{i}",))
            await conn.execute(ADD_UNIT, (f"b{i}",))

    async def read() -> int:
        # Committed units come in pairs: a reader never sees half a transaction.
        return int(await db.fetch_value("SELECT count(*) FROM units"))

    results = await asyncio.wait_for(
        asyncio.gather(*(write(i) for i in range(30)), *(read() for _ in range(60))), HANG)
    assert all(n % 2 == 0 for n in results[30:])
    assert len(await _units(db)) == 60


@pytest.mark.sqlite_only  # SQLite's online backup API
async def test_a_backup_inside_a_transaction_is_refused_at_once(
    db: Database, tmp_path: Path,
) -> None:
    async def inside() -> None:
        async with db.transaction():
            await db.backup_to(tmp_path / "copy.sqlite3")

    with pytest.raises(NestedTransactionError):
        await asyncio.wait_for(inside(), HANG)


async def test_an_in_memory_database_reads_under_the_lock() -> None:
    db = await open_database(":memory:")
    try:
        written, release = asyncio.Event(), asyncio.Event()

        async def doomed() -> None:
            async with db.transaction() as conn:
                await conn.execute(ADD_UNIT, ("ma",))
                written.set()
                await release.wait()
                raise Boom

        task = asyncio.create_task(doomed())
        await written.wait()
        read = asyncio.create_task(db.fetch_value("SELECT count(*) FROM units"))
        await asyncio.sleep(0)
        release.set()
        with pytest.raises(Boom):
            await task
        assert await asyncio.wait_for(read, HANG) == 0
    finally:
        await db.close()
