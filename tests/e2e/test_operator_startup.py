"""A real ``chibo run`` process at start-up: it stops on SIGTERM/SIGINT whatever it is
waiting for, gives up at its start-up deadline, and every start-up failure (a database
it cannot write, a Bot API that answers getMe oddly) is one line, never a traceback."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import pytest
from aiohttp import ClientSession, web

from storage.db import open_database

TOKEN = "246813:REAL-secret-token-Abcdefgh"
WORKTREE = Path(__file__).resolve().parents[2]
GOOD_ME = {"ok": True, "result": {
    "id": 246813, "is_bot": True, "first_name": "Chibo", "username": "chibo_bot",
    "can_join_groups": True, "can_read_all_group_messages": False,
    "supports_inline_queries": False}}


def _closed_port() -> int:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _config(tmp_path: Path, base: str, extra: str = "", database: Path | None = None,
            admins: str = "1") -> Path:
    config = tmp_path / "config.toml"
    database = database or tmp_path / "bot.sqlite3"
    config.write_text(
        f'[telegram]\nbase_url = "{base}/bot"\nbase_file_url = "{base}/file/bot"\n{extra}\n'
        f'[bot]\nadmins = [{admins}]\n[database]\npath = "{database}"\n', encoding="utf-8")
    return config


async def _start(config: Path, *args: str, prefix: Sequence[str] = (),
                 env_extra: dict[str, str] | None = None) -> asyncio.subprocess.Process:
    env = dict(os.environ, TELEGRAM_BOT_TOKEN=TOKEN)
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY",
                 "no_proxy"):
        env.pop(name, None)
    env.update(env_extra or {})
    return await asyncio.create_subprocess_exec(
        *prefix, sys.executable, "-m", "bot", "run", "--config", str(config), *args, env=env,
        cwd=WORKTREE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)


async def _finish(proc: asyncio.subprocess.Process, timeout: float = 60) -> tuple[str, str]:
    try:
        out, err = await asyncio.wait_for(proc.communicate(), timeout)
    except TimeoutError:
        proc.kill()
        out, err = await proc.communicate()
    return out.decode(), err.decode()


async def _stderr_until(proc: asyncio.subprocess.Process, needle: str) -> list[str]:
    assert proc.stderr is not None
    seen: list[str] = []
    async with asyncio.timeout(60):
        while True:
            line = (await proc.stderr.readline()).decode()
            assert line, f"process ended before {needle!r}: {seen}"
            seen.append(line)
            if needle in line:
                return seen


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
async def test_run_stops_within_5_s_on_a_signal_while_telegram_is_unreachable(
    tmp_path: Path, signum: signal.Signals,
) -> None:
    config = _config(tmp_path, f"http://127.0.0.1:{_closed_port()}")
    proc = await _start(config)
    await _stderr_until(proc, "did not answer getMe")  # in the retry loop now
    await asyncio.sleep(1.5)  # inside a backoff wait
    sent = time.monotonic()
    proc.send_signal(signum)
    out, err = await _finish(proc, timeout=30)
    took = time.monotonic() - sent
    assert took < 5, f"stopped {took:.1f} s after {signum.name}"
    assert proc.returncode == 0, (out, err)
    assert "Traceback" not in out + err


async def test_run_gives_up_at_the_start_up_deadline_with_one_line(tmp_path: Path) -> None:
    config = _config(tmp_path, f"http://127.0.0.1:{_closed_port()}",
                     "startup_deadline_seconds = 3")
    started = time.monotonic()
    proc = await _start(config)
    out, err = await _finish(proc)
    assert time.monotonic() - started < 30
    assert proc.returncode == 1, (out, err)
    assert "Traceback" not in out + err
    last = err.strip().splitlines()[-1]
    assert last.startswith("Bot chưa khởi động được sau 3 giây"), err
    assert "ClientConnectorError" in last or "NetworkError" in last, last


def _lock(data: Path) -> None:
    for path in data.glob("bot.sqlite3*"):
        path.chmod(0o444)
    data.chmod(0o555)  # the WAL and SHM files cannot be created either


async def test_run_on_a_database_it_cannot_write_is_one_line_and_exit_2(
    tmp_path: Path,
) -> None:
    # Root ignores file modes: the bot then runs without the capability that does so.
    prefix: list[str] = []
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv: file modes cannot stop a write")
        prefix = [setpriv, "--bounding-set=-dac_override,-dac_read_search", "--"]
    data = tmp_path / "data"
    db = await open_database(data / "bot.sqlite3")
    await db.close()
    _lock(data)
    try:
        async with _bot_api(GOOD_ME) as base:
            config = _config(tmp_path, base, database=data / "bot.sqlite3")
            proc = await _start(config, prefix=prefix)
            out, err = await _finish(proc)
    finally:
        data.chmod(0o755)
    assert proc.returncode == 2, (out, err)
    assert "Traceback" not in out + err
    lines = [line for line in err.splitlines() if " INFO " not in line and line.strip()]
    assert len(lines) == 1, lines
    assert lines[0].startswith("Không ghi được vào cơ sở dữ liệu"), lines
    assert "bot.sqlite3" in lines[0] and "readonly" in lines[0]


async def test_run_against_a_bot_api_whose_get_me_lacks_a_field_is_one_line(
    tmp_path: Path,
) -> None:
    async with _bot_api({"ok": True, "result": {"id": 246813, "is_bot": True}}) as base:
        proc = await _start(_config(tmp_path, base))
        out, err = await _finish(proc)
    assert proc.returncode == 1, (out, err)
    assert "Traceback" not in out + err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert lines[0].startswith("Bot API trả lời getMe không đúng chuẩn"), lines


class _BotApi:
    def __init__(self, me: dict[str, object]) -> None:
        self.me = me

    async def handle(self, request: web.Request) -> web.Response:
        if request.path.endswith("/getMe"):
            return web.json_response(self.me)
        if request.path.endswith("/getUpdates"):
            await asyncio.sleep(0.2)
            return web.json_response({"ok": True, "result": []})
        return web.json_response({"ok": True, "result": True})


def _bot_api(me: dict[str, object]) -> _Serving:
    return _Serving(_BotApi(me))


class _Serving:
    def __init__(self, api: _BotApi) -> None:
        self.api = api
        self.runner: web.AppRunner | None = None

    async def __aenter__(self) -> str:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self.api.handle)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        port = _closed_port()
        await web.TCPSite(self.runner, "127.0.0.1", port).start()
        return f"http://127.0.0.1:{port}"

    async def __aexit__(self, *exc: object) -> None:
        assert self.runner is not None
        await self.runner.cleanup()




class _Proxy:
    """A forward HTTP proxy on 127.0.0.1: it relays each absolute-URI request and
    remembers the Bot API methods it carried."""

    def __init__(self) -> None:
        self.methods: list[str] = []

    async def handle(self, request: web.Request) -> web.StreamResponse:
        target = str(request.url)
        self.methods.append(target.rsplit("/", 1)[-1])
        async with ClientSession() as session, session.request(
                request.method, target, data=await request.read(),
                headers={"Content-Type": request.headers.get("Content-Type", "")}) as answer:
            return web.Response(status=answer.status, body=await answer.read(),
                                content_type=answer.content_type)


@pytest.mark.parametrize("how", ["proxy_url", "HTTPS_PROXY"])
async def test_run_reaches_telegram_through_the_proxy(tmp_path: Path, how: str) -> None:
    proxy = _Proxy()
    relay = web.Application()
    relay.router.add_route("*", "/{tail:.*}", proxy.handle)
    runner = web.AppRunner(relay)
    await runner.setup()
    port = _closed_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    proxy_url = f"http://127.0.0.1:{port}"
    try:
        async with _bot_api(GOOD_ME) as base:
            if how == "proxy_url":  # with a wrong bot_username and no admins: warnings
                config = _config(tmp_path, base, f'proxy_url = "{proxy_url}"\n'
                                 'bot_username = "other_bot"', admins="")
                proc = await _start(config)
            else:
                proc = await _start(_config(tmp_path, base), env_extra={"HTTPS_PROXY": proxy_url})
            seen = await _stderr_until(proc, "chibo started as @chibo_bot")
            proc.send_signal(signal.SIGTERM)
            out, err = await _finish(proc, timeout=30)
    finally:
        await runner.cleanup()
    assert proc.returncode == 0, (out, err)
    assert "getMe" in proxy.methods and "setMyCommands" in proxy.methods, proxy.methods
    warnings = [line for line in seen if " WARNING " in line]
    if how == "proxy_url":
        assert any("bot_username is @other_bot but this token is @chibo_bot" in line
                   for line in warnings), seen
        assert any("[bot] admins is empty" in line for line in warnings), seen
    else:
        assert warnings == [], warnings
