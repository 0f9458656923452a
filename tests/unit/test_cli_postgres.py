"""The operator's commands on PostgreSQL: backup through pg_dump, migrate and status."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from bot.runtime.cli import main
from tests.engines import POSTGRES_URL, fresh_postgres

URL = "postgresql://chibo@db.example.org:5432/chibo"
PASSWORD = "pw-from-the-environment"

needs_postgres = pytest.mark.skipif(
    not POSTGRES_URL,
    reason="needs a PostgreSQL server: set CHIBO_TEST_POSTGRES (.ci/run starts one)")


def _config(tmp_path: Path, url: str = URL) -> Path:
    path = tmp_path / "pg.toml"
    path.write_text(f'[database]\nurl = "{url}"\n', encoding="utf-8")
    return path


def test_backup_without_pg_dump_explains_the_command_without_the_password(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHIBO_DATABASE_PASSWORD", PASSWORD)
    monkeypatch.setattr(shutil, "which", lambda name: None)
    target = tmp_path / "chibo.dump"
    assert main(["backup", str(target), "--config", str(_config(tmp_path))]) == 1
    err = capsys.readouterr().err
    assert f"pg_dump --format=custom --file={target} --no-password {URL}" in err
    assert "PGPASSWORD" in err and PASSWORD not in err
    assert not target.exists()


def test_backup_runs_pg_dump_with_the_password_in_its_environment_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHIBO_DATABASE_PASSWORD", PASSWORD)
    monkeypatch.setattr(shutil, "which", lambda name: "/opt/pg/bin/pg_dump")
    seen: dict[str, Any] = {}

    def fake_run(argv: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        seen.update(argv=argv, env=kwargs["env"])
        return subprocess.CompletedProcess(argv, 0, "", "")

    monkeypatch.setattr(subprocess, "run", fake_run)
    target = tmp_path / "chibo.dump"
    assert main(["backup", str(target), "--config", str(_config(tmp_path))]) == 0
    assert seen["argv"] == ["/opt/pg/bin/pg_dump", "--format=custom", f"--file={target}",
                            "--no-password", URL]
    assert seen["env"]["PGPASSWORD"] == PASSWORD
    assert "PGPASSWORD" not in os.environ  # the child's environment, not ours
    out = capsys.readouterr()
    assert "Đã ghi bản sao lưu vào" in out.out and PASSWORD not in out.out + out.err


def test_backup_reports_a_pg_dump_failure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: "/opt/pg/bin/pg_dump")
    monkeypatch.setattr(subprocess, "run", lambda argv, **kw: subprocess.CompletedProcess(
        argv, 1, "", "pg_dump: error: connection to server failed\n"))
    assert main(["backup", str(tmp_path / "x.dump"), "--config", str(_config(tmp_path))]) == 1
    assert "pg_dump lỗi: pg_dump: error: connection" in capsys.readouterr().err


@needs_postgres
async def test_migrate_status_and_backup_on_a_real_server(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    async with fresh_postgres() as url:
        config = str(_config(tmp_path, url))
        assert await asyncio.to_thread(main, ["migrate", "--config", config]) == 0
        assert "đang ở phiên bản lược đồ" in capsys.readouterr().out
        assert await asyncio.to_thread(main, ["status", "--config", config]) == 0
        capsys.readouterr()
        if shutil.which("pg_dump") is None:
            return
        target = tmp_path / "chibo.dump"
        assert await asyncio.to_thread(main, ["backup", str(target), "--config", config]) == 0
        assert target.read_bytes().startswith(b"PGDMP")  # pg_dump's custom format
        assert target.stat().st_mode & 0o777 == 0o600  # owner only, whatever the umask


@needs_postgres
def test_a_database_that_cannot_be_reached_is_one_line_and_no_password(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHIBO_DATABASE_PASSWORD", PASSWORD)
    missing = POSTGRES_URL.rsplit("/", 1)[0] + "/no_such_chibo_database"
    assert main(["migrate", "--config", str(_config(tmp_path, missing))]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("Không kết nối được cơ sở dữ liệu (")
    assert "no_such_chibo_database" in err and "CHIBO_DATABASE_PASSWORD" in err
    assert PASSWORD not in err and "Traceback" not in err and len(err.splitlines()) == 1
