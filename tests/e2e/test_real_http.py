"""The real bot over HTTP: welcome, help, language switch, menus, backup while running."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import aiosqlite
import pytest

from bot.demo.playground import Playground
from tests.conftest import ADMIN_ID
from tests.engines import E2E_ON_POSTGRES


async def test_start_help_lang_in_vietnamese_then_english(live_bot: Playground) -> None:
    an = live_bot.emu.user(1001, "An")
    welcome = await an.ask("/start")
    assert "Xin chào An" in welcome.text
    assert "link mời" in welcome.text

    help_vi = await an.ask("/help")
    assert "Các lệnh đồng chí có thể dùng" in help_vi.text
    assert "/meetings" in help_vi.text
    assert "/invite" not in help_vi.text  # not an officer
    assert "/status" not in help_vi.text  # not an admin

    switched = await an.ask("/lang en")
    assert switched.text == "Switched to English."

    help_en = await an.ask("/help")
    assert help_en.text.startswith("Commands you can use:")
    assert "/lang vi|en" in help_en.text

    # Remembered in the database, not in memory.
    assert await live_bot.services.language(1001) == "en"


async def test_lang_without_a_valid_choice_explains(live_bot: Playground) -> None:
    binh = live_bot.emu.user(1002, "Bình")
    assert (await binh.ask("/lang fr")).text == "Cách dùng: /lang vi hoặc /lang en"
    assert await live_bot.services.language(1002) == "vi"


async def test_unknown_command_and_free_text_are_answered(live_bot: Playground) -> None:
    chi = live_bot.emu.user(1003, "Chi")
    assert "không hiểu lệnh" in (await chi.ask("/frobnicate")).text
    assert "chưa hiểu tin nhắn" in (await chi.ask("xin chào")).text


async def test_admin_sees_admin_help_and_status(live_bot: Playground) -> None:
    admin = live_bot.emu.user(ADMIN_ID, "Quản trị")
    assert "/newunit" in (await admin.ask("/help")).text
    status = await admin.ask("/status")
    assert status.text.startswith("Tình trạng gửi tin")
    assert "Mọi đảng viên đều liên lạc được." in status.text

    member = live_bot.emu.user(1004, "Dũng")
    assert (await member.ask("/status")).text == "Lệnh này chỉ dành cho quản trị viên."


async def test_command_menus_are_set_for_both_languages(live_bot: Playground) -> None:
    vi = dict(live_bot.emu.commands[""])
    en = dict(live_bot.emu.commands["en"])
    assert vi["meetings"] == "Cuộc họp sắp tới"
    assert en["meetings"] == "Upcoming meetings"


async def test_backup_while_running_passes_integrity_check(live_bot: Playground,
                                                           tmp_path: Path) -> None:
    if E2E_ON_POSTGRES:
        pytest.skip("SQLite's online backup (PostgreSQL's: tests/unit/test_cli_postgres.py)")
    an = live_bot.emu.user(1001, "An")
    await an.ask("/lang en")
    config = tmp_path / "config.toml"
    config.write_text(f'[database]\npath = "{live_bot.config.database.path}"\n', encoding="utf-8")
    target = tmp_path / "backup.sqlite3"
    # A separate process, as an operator would run it next to the live bot.
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "backup",
        str(target),
        "--config",
        str(config),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await proc.communicate()
    assert proc.returncode == 0, err.decode()
    assert "Đã ghi bản sao lưu vào" in out.decode()
    assert (await an.ask("/help")).text.startswith("Commands you can use:")  # still serving
    async with aiosqlite.connect(target) as copy:
        async with copy.execute("PRAGMA integrity_check") as cur:
            assert await cur.fetchone() == ("ok",)
        async with copy.execute(
            "SELECT language FROM user_prefs WHERE telegram_user_id = 1001"
        ) as cur:
            assert await cur.fetchone() == ("en",)
