"""The operator's command line as an IT officer uses it: files only the owner can read,
backups that refuse a mistyped folder, units and imports that refuse what makes no
sense, people found by name, and one language per run."""

from __future__ import annotations

import asyncio
import os
import socket
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.runtime.cli import main
from storage.db import open_database


@pytest.fixture
def usual_umask() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _config(tmp_path: Path, extra: str = "") -> Path:
    path = tmp_path / "config.toml"
    path.write_text(f'[telegram]\nbot_username = "chibo_bot"\n[database]\n'
                    f'path = "{tmp_path / "chibo.sqlite3"}"\n{extra}', encoding="utf-8")
    return path


def test_database_wal_and_shm_are_created_owner_only_under_umask_022(
    tmp_path: Path, usual_umask: None,
) -> None:
    def modes_now() -> dict[str, int]:
        return {p.name: _mode(p) for p in tmp_path.glob("chibo.sqlite3*")}

    async def touch() -> None:
        db = await open_database(tmp_path / "chibo.sqlite3")
        try:
            async with db.transaction() as conn:
                await conn.execute("INSERT INTO marks (key, done_at) VALUES ('k', 'now')")
            modes = modes_now()
        finally:
            await db.close()
        assert set(modes) >= {"chibo.sqlite3", "chibo.sqlite3-wal", "chibo.sqlite3-shm"}
        assert set(modes.values()) == {0o600}, {k: oct(v) for k, v in modes.items()}

    asyncio.run(touch())


def test_backup_and_export_are_owner_only_under_umask_022(
    tmp_path: Path, usual_umask: None, capsys: pytest.CaptureFixture[str],
) -> None:
    config = _config(tmp_path)
    assert main(["unit", "add", "--name", "Đảng ủy xã Tân Lập", "--config", str(config)]) == 0
    backup = tmp_path / "chibo-backup.sqlite3"
    assert main(["backup", str(backup), "--config", str(config)]) == 0
    assert _mode(backup) == 0o600


def test_backup_refuses_a_folder_that_does_not_exist(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    config = _config(tmp_path)
    assert main(["unit", "add", "--name", "Đảng ủy xã Tân Lập", "--config", str(config)]) == 0
    capsys.readouterr()
    target = tmp_path / "nonexistent" / "dir" / "x.sqlite3"
    assert main(["backup", str(target), "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert "không có thư mục" in err and str(target.parent) in err, err
    assert not (tmp_path / "nonexistent").exists()


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _with_branch(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """A configuration whose database holds committee 1 and its branch 2."""
    c = str(_config(tmp_path))
    _run(capsys, "unit", "add", "--name", "Đảng ủy xã Tân Lập", "--config", c)
    _run(capsys, "unit", "add", "--name", "Chi bộ Thôn 3", "--parent", "1", "--config", c)
    return c


def test_unit_add_refuses_duplicates_empty_names_and_explains_a_bad_parent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    c = str(_config(tmp_path))
    code, out, err = _run(capsys, "unit", "list", "--config", c)
    assert code == 0 and out == ""
    assert "Chưa có đơn vị nào" in err and "chibo unit add" in err
    code, out, _ = _run(capsys, "unit", "add", "--name", "Đảng ủy xã Tân Lập", "--config", c)
    committee = int(out)
    code, out, _ = _run(capsys, "unit", "add", "--name", "Chi bộ Thôn 3", "--parent",
                        str(committee), "--config", c)
    branch = int(out)
    code, out, err = _run(capsys, "unit", "add", "--name", "  đảng ủy XÃ tân lập ", "--config", c)
    assert code == 1 and out == ""
    assert f'Đã có đơn vị tên "Đảng ủy xã Tân Lập" (id {committee})' in err
    code, out, err = _run(capsys, "unit", "add", "--name", "   ", "--config", c)
    assert code == 1 and "Tên đơn vị không hợp lệ" in err and "họ tên" not in err.lower()
    code, out, err = _run(capsys, "unit", "add", "--name", "Chi bộ Thôn 4", "--parent", "99",
                          "--config", c)
    assert code == 1 and "Không có đảng ủy id 99" in err and "/units" not in err
    code, out, err = _run(capsys, "unit", "add", "--name", "Chi bộ Thôn 4", "--parent",
                          str(branch), "--config", c)
    assert code == 1 and f"Đơn vị {branch} là chi bộ" in err and "/units" not in err
    code, out, _ = _run(capsys, "unit", "list", "--config", c)
    assert out.splitlines() == [f"{committee}\tđảng ủy\tĐảng ủy xã Tân Lập",
                                f"{branch}\tchi bộ\tChi bộ Thôn 3  (thuộc {committee})"]


def test_import_refuses_a_committee_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    c = str(_config(tmp_path))
    _run(capsys, "unit", "add", "--name", "Đảng ủy xã Tân Lập", "--config", c)
    members = tmp_path / "members.csv"
    members.write_text("Họ và tên\nNguyễn Văn An\n", encoding="utf-8")
    code, out, err = _run(capsys, "import", str(members), "--unit", "1", "--config", c)
    assert code == 1 and out == ""
    assert "Đơn vị 1 (Đảng ủy xã Tân Lập) là đảng ủy" in err
    code, out, err = _run(capsys, "member", "list", "--unit", "1", "--config", c)
    assert code == 1 and out == ""


def test_member_list_finds_people_by_name_without_accents_and_prints_ids(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    c = _with_branch(tmp_path, capsys)
    members = tmp_path / "members.csv"
    members.write_text("Họ và tên,Ngày vào Đảng\nNguyễn Văn An,01/01/2010\n"
                       "Trần Thị Bình,01/01/2011\nLê Văn Anh,01/01/2012\n", encoding="utf-8")
    code, _, err = _run(capsys, "import", str(members), "--unit", "2", "--config", c)
    assert code == 0, err
    code, out, _ = _run(capsys, "member", "list", "--unit", "2", "--config", c)
    assert code == 0 and len(out.splitlines()) == 3
    code, out, _ = _run(capsys, "member", "list", "--unit", "2", "--name", "nguyen van",
                        "--config", c)
    assert code == 0 and len(out.splitlines()) == 1
    person, name, role = out.strip().split("\t")
    assert name == "Nguyễn Văn An" and role == "Đảng viên"
    code, out, _ = _run(capsys, "member", "export", "--person", person, "--config", c)
    assert '"full_name": "Nguyễn Văn An"' in out
    code, out, err = _run(capsys, "member", "list", "--unit", "2", "--name", "Bình",
                          "--lang", "en", "--config", c)
    assert code == 0 and "Trần Thị Bình\tMember" in out
    code, out, err = _run(capsys, "member", "list", "--unit", "2", "--name", "xyz",
                          "--config", c)
    assert code == 1 and 'Không có ai trong đơn vị 2 khớp với "xyz"' in err


def test_one_language_per_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    c = _with_branch(tmp_path, capsys)
    members = tmp_path / "members.csv"
    members.write_text("Họ và tên,Ngày vào Đảng\nNguyễn Văn An,31/02/2010\n",
                       encoding="utf-8")
    code, _, err = _run(capsys, "import", str(members), "--unit", "2", "--lang", "en",
                          "--config", c)
    assert code == 1
    assert "1 problem: nothing imported" in err
    assert not any(word in err for word in ("Dòng", "dòng", "không hợp lệ", "chưa nhập")), err
    code, _, err = _run(capsys, "import", str(members), "--unit", "2", "--config", c)
    assert "1 vấn đề: chưa nhập gì" in err and "problem" not in err
    en = _config(tmp_path, '[bot]\nlanguage = "en"\n')
    code, _, err = _run(capsys, "member", "erase", "--person", "1", "--config", str(en))
    assert code == 2 and err.startswith("member erase: this cannot be undone")


def test_an_unreachable_database_under_lang_en_is_one_english_line_with_its_cause(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = tmp_path / "pg.toml"
    config.write_text(f'[database]\nurl = "postgresql://chibo@127.0.0.1:{port}/chibo"\n',
                      encoding="utf-8")
    code, out, err = _run(capsys, "status", "--lang", "en", "--config", str(config))
    assert code == 1 and out == ""
    assert err.startswith("Could not connect to the database"), err
    assert "\t" not in err and len(err.strip().splitlines()) == 1, err
    assert "refused" in err.lower(), err


def test_a_malformed_token_is_refused_by_its_shape(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "abc")
    code, out, err = _run(capsys, "run", "--config", str(_config(tmp_path)))
    assert code == 2 and out == ""
    assert err.startswith("Token của bot không đúng dạng"), err
    assert "abc" not in err


@pytest.mark.parametrize("command", [("run",), ("status",), ("unit", "list")])
def test_an_sqlite_older_than_the_sql_needs_is_refused_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    command: tuple[str, ...],
) -> None:
    import sqlite3

    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "246813:REAL-secret-token-Abcdefgh")
    monkeypatch.setattr(sqlite3, "sqlite_version_info", (3, 31, 1))
    monkeypatch.setattr(sqlite3, "sqlite_version", "3.31.1")
    code, out, err = _run(capsys, *command, "--config", str(_config(tmp_path)))
    assert code == 2 and out == ""
    assert err.strip().splitlines() == [
        "Python trên máy này dùng thư viện SQLite 3.31.1, cũ hơn bản 3.39.0 mà bot cần; hãy "
        "dùng Python có SQLite 3.39.0 trở lên (hoặc PostgreSQL: [database] url). Chưa chạy, "
        "không đổi gì."], err
    assert not list(tmp_path.glob("chibo.sqlite3*"))  # nothing created


def test_the_readmes_example_member_file_imports_cleanly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    c = _with_branch(tmp_path, capsys)
    example = Path(__file__).resolve().parents[2] / "examples" / "members.csv"
    code, out, err = _run(capsys, "import", str(example), "--unit", "2", "--config", c)
    assert code == 0, err
    assert len(out.splitlines()) == 4 and "Đã nhập 4, bỏ qua 0." in err
