"""Migrations: fresh database, re-run is a no-op, user_version tracks the schema."""

from __future__ import annotations

from pathlib import Path

import aiosqlite
import pytest

from storage.db import open_database
from storage.migrations import available_migrations
from storage.sqlite import apply_migrations

EXPECTED_TABLES = {
    "units",
    "people",
    "user_prefs",
    "memberships",
    "committee_officers",
    "followers",
    "invites",
    "meetings",
    "invitations",
    "attendance",
    "households",
    "assignments",
    "duty_reports",
    "dues",
    "outbox",
    "audit_log",
    "pending_inputs",
    "marks",
}


async def test_fresh_database_gets_every_table_and_the_latest_version(tmp_path: Path) -> None:
    db = await open_database(tmp_path / "fresh.sqlite3")
    try:
        rows = await db.fetch_all("SELECT name FROM sqlite_master WHERE type = 'table'")
        assert {r["name"] for r in rows} >= EXPECTED_TABLES
        assert await db.user_version() == len(available_migrations())
        assert await db.fetch_value("PRAGMA journal_mode") == "wal"
        assert await db.fetch_value("PRAGMA foreign_keys") == 1
        assert await db.integrity_check() == "ok"
    finally:
        await db.close()


async def test_rerun_is_a_noop_and_keeps_data(tmp_path: Path) -> None:
    path = tmp_path / "twice.sqlite3"
    db = await open_database(path)
    await db.execute(
        "INSERT INTO units (kind, name, created_at) VALUES ('branch', 'Chi bộ 1', '2026-01-01')"
    )
    await db.close()
    db = await open_database(path)
    try:
        assert await apply_migrations(db.connection) == []
        assert await db.fetch_value("SELECT count(*) FROM units") == 1
    finally:
        await db.close()


async def test_a_failing_migration_leaves_the_old_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from storage import migrations

    real = migrations.available_migrations()
    broken = [
        *real,
        migrations.Migration(
            len(real) + 1, "broken.sql", "CREATE TABLE ok_part (x);\nNOT SQL AT ALL;"
        ),
    ]
    monkeypatch.setattr(migrations, "available_migrations", lambda engine="sqlite": broken)
    path = tmp_path / "broken.sqlite3"
    with pytest.raises(aiosqlite.OperationalError):
        await open_database(path)
    async with aiosqlite.connect(path) as conn:
        async with conn.execute("PRAGMA user_version") as cur:
            assert (await cur.fetchone()) == (len(real),)
        async with conn.execute("SELECT name FROM sqlite_master WHERE name = 'ok_part'") as cur:
            assert await cur.fetchone() is None


async def test_transaction_rolls_back_on_error(tmp_path: Path) -> None:
    db = await open_database(tmp_path / "tx.sqlite3")
    try:
        with pytest.raises(RuntimeError):
            async with db.transaction() as conn:
                await conn.execute(
                    "INSERT INTO units (kind, name, created_at) VALUES ('branch', 'X', 'now')"
                )
                raise RuntimeError("boom")
        assert await db.fetch_value("SELECT count(*) FROM units") == 0
    finally:
        await db.close()
