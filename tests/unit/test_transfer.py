"""``chibo migrate --from-sqlite``: the demo's SQLite database moved into PostgreSQL.

The demo plays a whole branch (members imported, meetings held, duties reported,
dues recorded, the outbox full of sent messages), so its database touches every
table the bot writes. It is copied through the command line into a fresh migrated
PostgreSQL database; every table's row count, a few real figures and the identity
sequences must come out as they went in, and a second copy must be refused.
"""

from __future__ import annotations

import asyncio
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.core.clock import FakeClock
from bot.demo.playground import playground, unpaced
from bot.demo.script import ADMIN_ID, DEMO_START, play
from bot.runtime.cli import main
from emulator import Limits
from storage import units
from storage.db import Database, open_database
from storage.transfer import SQLITE_ONLY, TransferError, copy_sqlite, foreign_key_order
from tests.engines import POSTGRES_URL, fresh_postgres

needs_postgres = pytest.mark.skipif(
    not POSTGRES_URL,
    reason="needs a PostgreSQL server: set CHIBO_TEST_POSTGRES to its maintenance database "
    "URL (.ci/run starts a throwaway one)")


async def _demo_database(path: Path) -> None:
    """The database ``chibo demo`` leaves behind, at ``path``."""
    settings = unpaced({"bot": {"admins": [ADMIN_ID], "language": "vi"}})
    async with playground(path, clock=FakeClock(DEMO_START), settings=settings,
                          limits=Limits.off()) as live_bot:
        await play(live_bot, io.StringIO())


async def _tables(db: Database) -> list[str]:
    rows = await db.fetch_all(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    return sorted(str(r[0]) for r in rows)


async def _counts(db: Database, tables: list[str]) -> dict[str, int]:
    return {t: int(await db.fetch_value(f'SELECT count(*) FROM "{t}"')) for t in tables}


FIGURES = {
    "member": "SELECT full_name, birth_date, phone FROM people WHERE full_name = ?",
    "outbox": "SELECT count(*), count(DISTINCT state), max(id) FROM outbox",
    "attendance": "SELECT status, count(*) FROM attendance GROUP BY status ORDER BY status",
    "dues": "SELECT count(*), sum(amount) FROM dues",
    "units": "SELECT id, kind, name, parent_id FROM units ORDER BY id",
}


async def _figures(db: Database) -> dict[str, list[tuple[object, ...]]]:
    params = {"member": ("Nguyễn Văn An",)}
    return {key: [tuple(r) for r in await db.fetch_all(sql, params.get(key, ()))]
            for key, sql in FIGURES.items()}


def _cli(*argv: str) -> int:
    return main(list(argv))


@needs_postgres
async def test_the_demo_database_moves_to_postgres_whole(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source_path = tmp_path / "demo.sqlite3"
    await _demo_database(source_path)
    source = await open_database(source_path)
    try:
        tables = await _tables(source)
        before = await _counts(source, tables)
        figures = await _figures(source)
    finally:
        await source.close()
    assert before["people"] >= 6 and before["outbox"] > 0 and before["units"] >= 2
    assert figures["member"] and figures["member"][0][0] == "Nguyễn Văn An"

    async with fresh_postgres() as url:
        config = tmp_path / "pg.toml"
        config.write_text(f'[database]\nurl = "{url}"\n', encoding="utf-8")
        capsys.readouterr()
        code = await asyncio.to_thread(
            _cli, "migrate", "--lang", "en", "--from-sqlite", str(source_path),
            "--config", str(config))
        out, err = capsys.readouterr()
        assert code == 0, err
        for table, count in before.items():
            if table in SQLITE_ONLY:  # the engine's own bookkeeping, not data
                continue
            assert any(line.split()[:3] == [table, str(count), str(count)]
                       for line in out.splitlines()), (table, out)
        assert "every row count matches" in out

        target = await open_database(url)
        try:
            assert await _counts(target, tables) == before
            assert await _figures(target) == figures
            # The identity sequences moved past the copied ids: a new unit takes the next.
            async with target.transaction() as conn:
                new_id = await units.create_unit(
                    conn, kind="committee", name="Đảng ủy mới", parent_id=None,
                    now=datetime(2027, 1, 1, tzinfo=UTC))
            assert new_id == max(row[0] for row in figures["units"]) + 1
            after_first = await _counts(target, tables)
        finally:
            await target.close()

        # A second copy into the database that now holds data is refused, nothing changed.
        code = await asyncio.to_thread(
            _cli, "migrate", "--lang", "en", "--from-sqlite", str(source_path),
            "--config", str(config))
        out, err = capsys.readouterr()
        assert code == 1
        assert "already holds data" in err and "nothing was copied" in err
        target = await open_database(url)
        try:
            assert await _counts(target, tables) == after_first
            with pytest.raises(TransferError, match="already holds data"):
                source = await open_database(source_path)
                try:
                    await copy_sqlite(source, target)
                finally:
                    await source.close()
        finally:
            await target.close()


def test_from_sqlite_needs_a_postgres_target_and_an_existing_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sqlite_config = tmp_path / "config.toml"
    sqlite_config.write_text("", encoding="utf-8")
    source = tmp_path / "old.sqlite3"
    source.write_bytes(b"")
    assert main(["migrate", "--from-sqlite", str(source), "--config", str(sqlite_config)]) == 2
    assert "[database] url" in capsys.readouterr().err
    pg_config = tmp_path / "pg.toml"
    pg_config.write_text('[database]\nurl = "postgresql://chibo@127.0.0.1:1/chibo"\n',
                         encoding="utf-8")
    missing = tmp_path / "missing.sqlite3"
    assert main(["migrate", "--lang", "en", "--from-sqlite", str(missing),
                 "--config", str(pg_config)]) == 2
    assert "is not a file" in capsys.readouterr().err
    assert not missing.exists()


@needs_postgres
async def test_a_file_that_is_not_sqlite_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "members.xlsx.sqlite3"
    source.write_bytes(b"this is not a database, it is a spreadsheet" * 100)
    async with fresh_postgres() as url:
        config = tmp_path / "pg.toml"
        config.write_text(f'[database]\nurl = "{url}"\n', encoding="utf-8")
        code = await asyncio.to_thread(
            _cli, "migrate", "--from-sqlite", str(source), "--config", str(config))
        assert code == 1
        assert "is not a chibo SQLite database" in capsys.readouterr().err


def test_tables_are_copied_after_the_tables_they_refer_to() -> None:
    order = foreign_key_order({
        "outbox": {"people", "units"}, "people": set(), "units": {"units"},
        "memberships": {"people", "units"}, "marks": set(),
    })
    assert order.index("units") < order.index("memberships")
    assert order.index("people") < order.index("outbox")
    with pytest.raises(TransferError, match="cycle"):
        foreign_key_order({"a": {"b"}, "b": {"a"}})
