"""Start-up survives a flaky Bot API, and a rejected token is one line, exit code 2,
and never printed: not on stdout, not on stderr, not in a traceback at shutdown."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from pathlib import Path

import pytest

from bot.demo.playground import TOKEN, Playground
from bot.runtime import app as app_module
from bot.runtime.app import build_application, connect, stop_app
from emulator import BotApiEmulator

REAL_TOKEN = "246813:REAL-secret-token-Abcdefgh"
WRONG_TOKEN = "975310:WRONG-secret-token-Zyxwvuts"
WORKTREE = Path(__file__).resolve().parents[2]


async def test_set_my_commands_failing_does_not_stop_start_up_and_is_retried(
    live_bot: Playground, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(app_module, "MENU_RETRY_FIRST", 0.05)
    await live_bot.stop()
    before = len([c for c in live_bot.emu.calls_to("setMyCommands") if c.ok])
    live_bot.emu.faults.fail_next(3, status=502, description="Bad Gateway",
                            methods={"setMyCommands"})
    await live_bot.start()  # used to end start-up with the 502
    an = live_bot.emu.user(1001, "An")
    assert (await an.ask("/help")).text  # the bot serves meanwhile

    def set_again() -> bool:
        return len([c for c in live_bot.emu.calls_to("setMyCommands") if c.ok]) >= before + 2

    await live_bot.emu.wait_until(set_again, timeout=10)
    assert dict(live_bot.emu.commands[""])["meetings"] == "Cuộc họp sắp tới"
    assert dict(live_bot.emu.commands["en"])["meetings"] == "Upcoming meetings"
    assert len([c for c in live_bot.emu.calls_to("setMyCommands") if c.status == 502]) == 3


async def test_get_me_failing_transiently_is_retried_with_backoff(
    live_bot: Playground, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(app_module, "CONNECT_RETRY_FIRST", 0.05)
    await live_bot.stop()
    live_bot.emu.faults.fail_next(2, status=502, description="Bad Gateway", methods={"getMe"})
    live_bot.emu.faults.fail_next(1, status=500, description="Internal Server Error",
                            methods={"getMe"})
    app = build_application(live_bot.config, TOKEN, clock=live_bot.clock, tick_seconds=None)
    try:
        await asyncio.wait_for(connect(app), 10)
        assert app.bot.username == "chibo_bot"
    finally:
        await stop_app(app)
    statuses = [c.status for c in live_bot.emu.calls_to("getMe")]
    assert statuses[-4:] == [502, 502, 500, 200]


async def test_a_rejected_token_stops_connect_at_once_and_closes_the_sessions(
    live_bot: Playground,
) -> None:
    app = build_application(live_bot.config, WRONG_TOKEN, clock=live_bot.clock, tick_seconds=None)
    with pytest.raises(app_module.TokenRejected) as caught:
        await asyncio.wait_for(connect(app), 10)
    assert caught.value.status == 401
    assert WRONG_TOKEN not in repr(caught.value) and caught.value.__cause__ is None
    request = app.bot.request
    assert getattr(request, "_session", None) is None  # closed after the failed start


def _config(tmp_path: Path, base_url: str, file_url: str) -> Path:
    config = tmp_path / "config.toml"
    config.write_text(
        f'[telegram]\nbase_url = "{base_url}"\nbase_file_url = "{file_url}"\n'
        f'[database]\npath = "{tmp_path / "bot.sqlite3"}"\n', encoding="utf-8")
    return config


async def _chibo(config: Path, token: str, *args: str) -> tuple[int, str, str]:
    env = dict(os.environ, TELEGRAM_BOT_TOKEN=token, PYTHONWARNINGS="always::ResourceWarning")
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, "--config", str(config), env=env, cwd=WORKTREE,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        out, err = await asyncio.wait_for(proc.communicate(), 60)
    except TimeoutError:
        proc.kill()
        out, err = await proc.communicate()
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


def _assert_clean(out: str, err: str, token: str) -> None:
    both = out + err
    assert token not in both
    assert token.split(":")[1] not in both
    assert "Traceback" not in both and "Exception ignored" not in both
    assert "Unclosed" not in both


async def test_run_with_a_rejected_token_prints_one_line_exits_2_and_leaks_nothing(
    tmp_path: Path,
) -> None:
    async with BotApiEmulator(token=REAL_TOKEN) as emu:
        config = _config(tmp_path, emu.base_url, emu.base_file_url)
        code, out, err = await _chibo(config, WRONG_TOKEN, "run")
    _assert_clean(out, err, WRONG_TOKEN)
    lines = [line for line in (out + err).splitlines() if line.strip()]
    assert code == 2
    assert len(lines) == 1, lines
    assert lines[0].startswith("Telegram từ chối token (401)")


@pytest.mark.parametrize("command", [["invite", "--unit", "1", "--name", "Nguyễn Văn An"],
                                     ["import", "members.csv", "--unit", "1"]])
async def test_cli_commands_print_one_line_when_telegram_rejects_the_token(
    tmp_path: Path, command: list[str],
) -> None:
    (tmp_path / "members.csv").write_text("Họ và tên\nNguyễn Văn An\n", encoding="utf-8")
    command = [str(tmp_path / c) if c.endswith(".csv") else c for c in command]
    async with BotApiEmulator(token=REAL_TOKEN) as emu:
        config = _config(tmp_path, emu.base_url, emu.base_file_url)
        code, out, err = await _chibo(config, WRONG_TOKEN, *command)
    _assert_clean(out, err, WRONG_TOKEN)
    lines = [line for line in (out + err).splitlines() if line.strip()]
    assert code == 1 and len(lines) == 1, lines
    assert "Telegram từ chối token (401)" in lines[0]


async def test_cli_invite_prints_one_line_when_the_bot_api_is_unreachable(
    tmp_path: Path,
) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = _config(tmp_path, f"http://127.0.0.1:{port}/bot",
                     f"http://127.0.0.1:{port}/file/bot")
    code, out, err = await _chibo(config, REAL_TOKEN, "invite", "--unit", "1",
                                  "--name", "Nguyễn Văn An")
    _assert_clean(out, err, REAL_TOKEN)
    lines = [line for line in (out + err).splitlines() if line.strip()]
    assert code == 1 and len(lines) == 1, lines
    assert "Không gọi được Bot API của Telegram" in lines[0]
