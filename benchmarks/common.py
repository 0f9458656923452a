"""What the delivery benchmarks share: the emulator, the bot process, the yardstick, figures.

The emulator (``emulator``) runs inside the benchmark process; the bot runs as its
own process (``chibo run``) on a database the benchmark fills beforehand, so its memory
can be read from ``/proc`` and it can be killed with SIGKILL. The yardstick, a plain
python-telegram-bot ``ExtBot`` with PTB's ``AIORateLimiter`` and ``asyncio.gather``
(``ptb_yardstick.py``), also runs as its own process, against a fresh emulator.

Every delivery figure is counted on the emulator side: a message counts as delivered
when the emulator stored it in the recipient's chat, whatever the sender believes.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib.util
import json
import os
import shutil
import signal
import sqlite3
import sys
import tempfile
import time
import tomllib
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from bot.core.config import DeliverySettings
from bot.demo.playground import BOT_USERNAME, TOKEN
from emulator import BotApiEmulator, Limits
from storage import outbox
from storage.db import Database, is_server_url, open_database
from storage.outbox import Button, Envelope, OutgoingMessage

if __package__:  # imported as benchmarks.common
    from .invite import INVITE_BUTTONS, INVITE_TEXT
else:  # a script in this folder imported it as common
    from invite import INVITE_BUTTONS, INVITE_TEXT

HERE = Path(__file__).resolve().parent
FIRST_UID = 700_000_001
CONFIGURED_RATE = DeliverySettings().messages_per_second  # the bot's default, read from it
CONCURRENCY = DeliverySettings().concurrency  # the bot's default (32), read from it
PROGRESS_EVERY = 15.0
POLL_EVERY = 0.5


# --- command line and report -------------------------------------------------------------

def parser(description: str, default_count: int) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--count", type=int, default=default_count,
                   help=f"members to invite (default {default_count})")
    p.add_argument("--no-yardstick", action="store_true",
                   help="skip the PTB AIORateLimiter + gather comparison run")
    p.add_argument("--keep", action="store_true",
                   help="keep the work directory (database, config, logs) and print its path")
    p.add_argument("--set", dest="settings", metavar="SECTION.KEY=VALUE", action="append",
                   type=setting_arg, default=[],
                   help="override a key of the bot's config.toml, VALUE in TOML syntax, "
                        "e.g. --set delivery.concurrency=32 (repeatable)")
    return p


Setting = tuple[str, str, str]  # section, key, TOML value as typed


def setting_arg(text: str) -> Setting:
    name, sep, value = text.partition("=")
    section, dot, key = name.strip().partition(".")
    if not sep or not dot or not section or not key:
        raise argparse.ArgumentTypeError(f"{text!r} is not SECTION.KEY=VALUE")
    try:
        tomllib.loads(f"v = {value}")
    except tomllib.TOMLDecodeError as exc:
        raise argparse.ArgumentTypeError(f"{value!r} is not a TOML value ({exc})") from None
    return section, key.strip(), value.strip()


def overrides_text(settings: Sequence[Setting]) -> str:
    """For titles: ``' with delivery.concurrency=32'``, or ``''`` without overrides."""
    if not settings:
        return ""
    return " with " + ", ".join(f"{s}.{k}={v}" for s, k, v in settings)


def configured(settings: Sequence[Setting], section: str, key: str, default: float) -> float:
    """The value the bot runs with: an override from ``--set``, else the default."""
    for s, k, value in reversed(settings):
        if (s, k) == (section, key):
            return float(tomllib.loads(f"v = {value}")["v"])
    return default


class Report:
    """Figures printed as they come, goals judged at the end (exit code 0 = all met)."""

    def __init__(self, title: str) -> None:
        self._missed: list[str] = []
        self._goals = 0
        print(title, flush=True)
        print("=" * len(title), flush=True)

    def section(self, title: str) -> None:
        print(f"\n{title}", flush=True)

    def line(self, text: str) -> None:
        print(f"  {text}", flush=True)

    def goal(self, text: str, met: bool) -> None:
        self._goals += 1
        if not met:
            self._missed.append(text)
        print(f"  [{'met' if met else 'NOT MET'}] {text}", flush=True)

    def finish(self) -> int:
        print(flush=True)
        if self._missed:
            print(f"RESULT: {len(self._missed)} of {self._goals} goal(s) NOT met", flush=True)
            return 1
        print(f"RESULT: all {self._goals} goal(s) met", flush=True)
        return 0


def progress(text: str) -> None:
    """Progress of a long run, on stderr so the figures on stdout stay readable."""
    print(f"  … {text}", file=sys.stderr, flush=True)


def ratio(ours: float, theirs: float) -> str:
    return f"{ours / theirs:.2f}" if theirs else "n/a"


# --- work directory, members, database -----------------------------------------------------

@contextlib.contextmanager
def workdir(keep: bool) -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="chibo-bench-"))
    try:
        yield path
    finally:
        if keep:
            print(f"\nwork directory kept: {path}", flush=True)
        else:
            shutil.rmtree(path, ignore_errors=True)


def member_ids(count: int) -> list[int]:
    """Telegram user ids of the members (their private chat ids too)."""
    return list(range(FIRST_UID, FIRST_UID + count))


def invite_message() -> OutgoingMessage:
    return OutgoingMessage(INVITE_TEXT, (tuple(Button(t, d) for t, d in INVITE_BUTTONS),))


async def prepare_database(target: Path | str, ids: Sequence[int]) -> None:
    """A migrated database with one person per member and one pending invitation each;
    ``target`` is a SQLite path or a PostgreSQL URL (an empty database: the explicit
    ids go into its identity columns)."""
    db = await open_database(target)
    now = datetime.now(UTC)
    stamp = now.isoformat(timespec="seconds")
    try:
        async with db.transaction() as conn:
            await conn.executemany(
                "INSERT INTO people (id, full_name, name_key, telegram_user_id, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                [(i + 1, f"Đảng viên {i + 1}", f"đảng viên {i + 1}", uid, stamp)
                 for i, uid in enumerate(ids)],
            )
            message = invite_message()
            envelopes = [
                Envelope(key=f"invite:bench:{uid}", chat_id=uid, kind="invite",
                         message=message, person_id=i + 1)
                for i, uid in enumerate(ids)
            ]
            added = await outbox.enqueue(conn, envelopes, now)
        if added != len(ids):
            raise RuntimeError(f"enqueued {added} rows, expected {len(ids)}")
    finally:
        await db.close()


@dataclass
class OutboxSummary:
    by_state: dict[str, int]
    flagged_chats: set[int]  # chats whose row is flagged possible_duplicate
    failed_chats: set[int]
    unreachable_people: int
    retried_rows: int  # rows that took more than one attempt

    @property
    def open(self) -> int:
        return self.by_state.get("pending", 0) + self.by_state.get("sending", 0)

    @property
    def not_sent(self) -> int:
        return sum(n for state, n in self.by_state.items() if state != "sent")


def _read_outbox(path: Path) -> OutboxSummary:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10.0)
    try:
        by_state = dict(conn.execute("SELECT state, count(*) FROM outbox GROUP BY state"))
        flagged = {r[0] for r in conn.execute(
            "SELECT chat_id FROM outbox WHERE possible_duplicate = 1")}
        failed = {r[0] for r in conn.execute("SELECT chat_id FROM outbox WHERE state = 'failed'")}
        unreachable = conn.execute(
            "SELECT count(*) FROM people WHERE unreachable_since IS NOT NULL").fetchone()[0]
        retried = conn.execute("SELECT count(*) FROM outbox WHERE attempts > 1").fetchone()[0]
    finally:
        conn.close()
    return OutboxSummary(by_state, flagged, failed, int(unreachable), int(retried))


async def read_outbox(path: Path) -> OutboxSummary:
    return await asyncio.to_thread(_read_outbox, path)


async def summarise_outbox(db: Database) -> OutboxSummary:
    """``read_outbox`` through an open ``Database``: either engine, while the bot runs."""
    by_state = {str(r[0]): int(r[1]) for r in await db.fetch_all(
        "SELECT state, count(*) FROM outbox GROUP BY state")}
    flagged = {int(r[0]) for r in await db.fetch_all(
        "SELECT chat_id FROM outbox WHERE possible_duplicate = 1")}
    failed = {int(r[0]) for r in await db.fetch_all(
        "SELECT chat_id FROM outbox WHERE state = 'failed'")}
    unreachable = await db.fetch_value(
        "SELECT count(*) FROM people WHERE unreachable_since IS NOT NULL")
    retried = await db.fetch_value("SELECT count(*) FROM outbox WHERE attempts > 1")
    return OutboxSummary(by_state, flagged, failed, int(unreachable or 0), int(retried or 0))


# --- the emulator and what it received -------------------------------------------------------

@asynccontextmanager
async def emulator(ids: Sequence[int], limits: Limits | None = None
                   ) -> AsyncIterator[BotApiEmulator]:
    """A fresh emulator with Telegram's default limits where every member started the bot."""
    emu = BotApiEmulator(token=TOKEN, bot_username=BOT_USERNAME, limits=limits or Limits())
    emu.strict_private_chats = False
    for n, uid in enumerate(ids, 1):
        emu.user(uid, f"Member{n}")
    await emu.start()
    try:
        yield emu
    finally:
        await emu.stop()


def delivered_count(emu: BotApiEmulator, ids: Sequence[int]) -> int:
    times = emu.stats.send_times
    return sum(len(times.get(uid, ())) for uid in ids)


def delivery_status(emu: BotApiEmulator, ids: Sequence[int]) -> Callable[[], str]:
    """A progress line: messages delivered so far and the emulator's error answers."""
    def status() -> str:
        errors = ", ".join(f"{n} x {text[:40]}" for text, n in emu.stats.errors.items())
        return f"{delivered_count(emu, ids)}/{len(ids)} delivered; errors: {errors or 'none'}"
    return status


@dataclass
class Deliveries:
    """What the members' chats hold, as the emulator saw it."""

    copies: dict[int, int]  # member -> messages received
    first: float | None
    last: float | None
    total: int

    @classmethod
    def of(cls, emu: BotApiEmulator, ids: Sequence[int]) -> Deliveries:
        times = emu.stats.send_times
        copies = {uid: len(times.get(uid, ())) for uid in ids}
        stamps = [t for uid in ids for t in times.get(uid, ())]
        return cls(copies, min(stamps, default=None), max(stamps, default=None), len(stamps))

    @property
    def span(self) -> float:
        return (self.last - self.first) if self.first is not None and self.last else 0.0

    @property
    def rate(self) -> float:
        """Messages per second from the first delivery to the last ((n - 1) intervals)."""
        return (self.total - 1) / self.span if self.span > 0 else 0.0

    @property
    def reached(self) -> set[int]:
        return {uid for uid, n in self.copies.items() if n >= 1}

    @property
    def duplicated(self) -> set[int]:
        return {uid for uid, n in self.copies.items() if n > 1}

    @property
    def extra_copies(self) -> int:
        return sum(n - 1 for n in self.copies.values() if n > 1)

    def missing(self, expected: set[int]) -> set[int]:
        return {uid for uid in expected if self.copies.get(uid, 0) == 0}


# --- processes ---------------------------------------------------------------------------------

Status = Callable[[], str]


class ProcSampler:
    """Samples a process's memory (VmHWM/VmRSS) and CPU time from /proc while it lives."""

    def __init__(self) -> None:
        self.peak_rss_kb = 0
        self.cpu_seconds = 0.0
        self._tick = os.sysconf("SC_CLK_TCK")

    def sample(self, pid: int) -> None:
        with contextlib.suppress(OSError, ValueError, IndexError):
            status = Path(f"/proc/{pid}/status").read_text()
            for line in status.splitlines():
                if line.startswith(("VmHWM:", "VmRSS:")):
                    self.peak_rss_kb = max(self.peak_rss_kb, int(line.split()[1]))
            stat = Path(f"/proc/{pid}/stat").read_text()
            fields = stat.rsplit(")", 1)[1].split()
            self.cpu_seconds = (int(fields[11]) + int(fields[12])) / self._tick

    @property
    def peak_rss_mb(self) -> float:
        return self.peak_rss_kb / 1024


class Child:
    """A child process with its memory sampled until it ends."""

    def __init__(self, proc: asyncio.subprocess.Process, log: IO[bytes], name: str,
                 status: Status | None = None) -> None:
        self.proc = proc
        self.name = name
        self.started = time.monotonic()
        self.sampler = ProcSampler()
        self._log = log
        self._status = status
        self._task = asyncio.create_task(self._sample())

    @property
    def pid(self) -> int:
        return self.proc.pid

    @property
    def alive(self) -> bool:
        return self.proc.returncode is None

    async def _sample(self) -> None:
        next_progress = self.started + PROGRESS_EVERY
        while self.proc.returncode is None:
            self.sampler.sample(self.proc.pid)
            now = time.monotonic()
            if self._status is not None and now >= next_progress:
                progress(f"{self.name} {now - self.started:5.0f}s: {self._status()}")
                next_progress += PROGRESS_EVERY
            await asyncio.sleep(0.25)

    def kill(self) -> None:
        """SIGKILL, as a crash would."""
        self.sampler.sample(self.proc.pid)
        with contextlib.suppress(ProcessLookupError):
            self.proc.send_signal(signal.SIGKILL)

    async def stop(self, timeout: float = 20.0) -> int:
        """SIGTERM (a graceful stop), SIGKILL if it does not end in time."""
        if self.alive:
            self.sampler.sample(self.proc.pid)
            with contextlib.suppress(ProcessLookupError):
                self.proc.send_signal(signal.SIGTERM)
        try:
            code = await asyncio.wait_for(self.proc.wait(), timeout)
        except TimeoutError:
            self.kill()
            code = await self.proc.wait()
        return await self.wait_closed(code)

    async def wait_closed(self, code: int | None = None) -> int:
        code = await self.proc.wait() if code is None else code
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._log.close()
        return code


def write_config(directory: Path, emu: BotApiEmulator, database: Path | str,
                 settings: Sequence[Setting] = ()) -> Path:
    """The bot's config.toml: the emulator as Bot API server, the database (a SQLite
    path as ``[database] path``, a ``postgresql://`` URL as ``[database] url``), the
    overrides; everything else is the bot's default."""
    key = "url" if is_server_url(database) else "path"
    sections: dict[str, dict[str, str]] = {
        "telegram": {"base_url": json.dumps(emu.base_url),
                     "base_file_url": json.dumps(emu.base_file_url)},
        "database": {key: json.dumps(str(database))},
    }
    for section, key, value in settings:
        sections.setdefault(section, {})[key] = value
    text = "\n".join(
        f"[{section}]\n" + "".join(f"{key} = {value}\n" for key, value in keys.items())
        for section, keys in sections.items()
    )
    path = directory / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _chibo_command() -> list[str]:
    # ``python -m bot`` from this checkout (cwd below), not the venv's ``chibo`` script:
    # that one imports the tree the venv was installed from, which in a second worktree
    # is not the code being measured.
    return [sys.executable, "-m", "bot"]


async def start_bot(config: Path, log_path: Path, status: Status | None = None, *,
                    name: str = "bot", env: dict[str, str] | None = None) -> Child:
    """``chibo run --config FILE`` with the emulator's token in the environment (and
    ``env``, e.g. ``CHIBO_WEBHOOK_PORT`` for one worker of several)."""
    log = log_path.open("ab")
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "PYTHONUNBUFFERED": "1", **(env or {})}
    proc = await asyncio.create_subprocess_exec(
        *_chibo_command(), "run", "--config", str(config),
        stdin=asyncio.subprocess.DEVNULL, stdout=log, stderr=log, env=env, cwd=HERE.parent,
    )
    return Child(proc, log, name, status)


async def wait_for(check: Callable[[], Any], *, child: Child, timeout: float,
                   label: str) -> bool:
    """Poll ``check`` (sync or async) until true; False on timeout or if the child dies."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return True
        if not child.alive:
            progress(f"{child.name} process ended (exit {child.proc.returncode}) before {label}")
            return False
        if time.monotonic() >= deadline:
            progress(f"timed out after {timeout:.0f}s waiting for {label}")
            return False
        await asyncio.sleep(POLL_EVERY)


def outbox_done(database: Path) -> Callable[[], Any]:
    async def check() -> bool:
        return (await read_outbox(database)).open == 0
    return check


def default_timeout(count: int) -> float:
    """Generous: twice the time the configured rate needs, plus start-up and retries."""
    return 2 * count / CONFIGURED_RATE + 120


# --- the yardstick -------------------------------------------------------------------------------

@dataclass
class YardstickRun:
    """What the PTB AIORateLimiter + gather process reported (None if it was killed)."""

    ok: int | None = None
    errors: dict[str, int] = field(default_factory=dict)
    wall: float | None = None
    peak_rss_mb: float = 0.0
    cpu_seconds: float = 0.0
    exit_code: int | None = None


def yardstick_ready(report: Report) -> bool:
    """PTB's AIORateLimiter needs aiolimiter, which the bot itself does not depend on."""
    if importlib.util.find_spec("aiolimiter") is not None:
        return True
    report.line('yardstick skipped: aiolimiter is missing; install it with .venv/bin/pip '
                'install "python-telegram-bot[rate-limiter]"')
    return False


async def start_yardstick(emu: BotApiEmulator, ids: Sequence[int], log_path: Path,
                          *, max_retries: int = 3) -> Child:
    """``ptb_yardstick.py`` sending to ``ids``; progress is read off the emulator."""
    log = log_path.open("ab")
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "PYTHONUNBUFFERED": "1"}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, str(HERE / "ptb_yardstick.py"), "--base-url", emu.base_url,
        "--first-uid", str(ids[0]), "--count", str(len(ids)),
        "--max-retries", str(max_retries),
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE, stderr=log, env=env,
    )
    return Child(proc, log, "yardstick", delivery_status(emu, ids))


async def finish_yardstick(child: Child, timeout: float) -> YardstickRun:
    """Wait for the yardstick process and parse the JSON line it prints last."""
    assert child.proc.stdout is not None
    try:
        out = await asyncio.wait_for(child.proc.stdout.read(), timeout)
    except TimeoutError:
        progress(f"yardstick did not finish in {timeout:.0f}s; killed")
        child.kill()
        out = b""
    code = await child.wait_closed()
    run = YardstickRun(peak_rss_mb=child.sampler.peak_rss_mb,
                       cpu_seconds=child.sampler.cpu_seconds, exit_code=code)
    lines = out.decode("utf-8", "replace").strip().splitlines()
    if lines:
        with contextlib.suppress(ValueError):
            data = json.loads(lines[-1])
            run.ok, run.errors, run.wall = data["ok"], data["errors"], data["wall"]
    return run


def errors_text(errors: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(errors.items())) or "none"
