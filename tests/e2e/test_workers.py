"""Two ``chibo run`` workers on one PostgreSQL database, against the emulator.

Real processes: each worker is ``python -m bot run --config FILE`` with the same
configuration, as a deployment runs them. A 500-member fan-out is delivered exactly
once and never above the configured rate (the emulator answers 429 to anything past
it); then the worker that polls is killed with SIGKILL and a member's ``/start`` is
answered by the other within 15 seconds.

Needs PostgreSQL (``CHIBO_TEST_POSTGRES``, which ``.ci/run`` sets).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

import pytest

from bot.demo.playground import BOT_USERNAME, TOKEN
from emulator import BotApiEmulator, Limits, busiest_second
from emulator.limits import Window
from storage import cluster, outbox
from storage.db import Database, open_database
from storage.outbox import Button, Envelope, OutgoingMessage
from tests.engines import POSTGRES_URL, fresh_postgres

pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason="needs CHIBO_TEST_POSTGRES "
                                "(a PostgreSQL server; .ci/run starts one)")

ROOT = Path(__file__).resolve().parents[2]
MEMBERS = 500
RATE = 20  # messages per second, the configured budget and the emulator's limit
FIRST_UID = 700_000
FAILOVER_GOAL = 15.0


class Worker:
    def __init__(self, proc: asyncio.subprocess.Process, log: IO[bytes]) -> None:
        self.proc = proc
        self.log = log

    @property
    def alive(self) -> bool:
        return self.proc.returncode is None

    async def stop(self) -> None:
        if self.alive:
            self.proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.proc.wait(), 20)
            except TimeoutError:
                self.proc.kill()
                await self.proc.wait()
        self.log.close()


def _config(directory: Path, emu: BotApiEmulator, url: str) -> Path:
    path = directory / "config.toml"
    path.write_text(
        "[telegram]\n"
        f"base_url = {json.dumps(emu.base_url)}\n"
        f"base_file_url = {json.dumps(emu.base_file_url)}\n"
        "[database]\n"
        f"url = {json.dumps(url)}\n"
        "[delivery]\n"
        f"messages_per_second = {RATE}\n", encoding="utf-8")
    return path


async def _start(config: Path, log_path: Path) -> Worker:
    log = log_path.open("ab")
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "PYTHONUNBUFFERED": "1"}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", "--config", str(config),
        stdin=asyncio.subprocess.DEVNULL, stdout=log, stderr=log, env=env, cwd=ROOT)
    return Worker(proc, log)


@asynccontextmanager
async def _workers(config: Path, directory: Path, n: int) -> AsyncIterator[list[Worker]]:
    workers = [await _start(config, directory / f"worker{i}.log") for i in range(n)]
    try:
        yield workers
    finally:
        for worker in workers:
            await worker.stop()


async def _seed(db: Database, ids: Sequence[int]) -> None:
    now = datetime.now(UTC)
    stamp = now.isoformat(timespec="seconds")
    message = OutgoingMessage("Mời họp chi bộ tháng 12", ((Button("Tham dự", "rsvp:1:a"),),))
    async with db.transaction() as conn:
        await conn.executemany(
            "INSERT INTO people (full_name, name_key, telegram_user_id, created_at) "
            "VALUES (?, ?, ?, ?)",
            [(f"Đảng viên {uid}", f"đảng viên {uid}", uid, stamp) for uid in ids])
        people = {int(r[1]): int(r[0]) for r in await conn.fetch_all(
            "SELECT id, telegram_user_id FROM people")}
        added = await outbox.enqueue(conn, [
            Envelope(f"invite:workers:{uid}", uid, "invite", message, person_id=people[uid])
            for uid in ids], now)
    assert added == len(ids)


async def _until(check: object, timeout: float, workers: Sequence[Worker], what: str,
                 logs: Path) -> None:
    deadline = time.monotonic() + timeout
    while not await check():  # type: ignore[operator]
        if time.monotonic() > deadline or not all(w.alive for w in workers):
            pytest.fail(f"{what}: not reached in {timeout:.0f} s\n{_tails(logs)}")
        await asyncio.sleep(0.2)


def _tails(logs: Path) -> str:
    """The end of every worker's log, for a failure's message."""
    return "\n".join(p.read_text(errors="replace")[-3000:]
                     for p in sorted(logs.glob("worker*.log")))


async def test_two_workers_share_a_fan_out_and_survive_the_pollers_death(
        tmp_path: Path) -> None:
    ids = list(range(FIRST_UID, FIRST_UID + MEMBERS))
    limits = Limits(global_windows=(Window(RATE, 1.0),))
    async with fresh_postgres() as url, BotApiEmulator(
            token=TOKEN, bot_username=BOT_USERNAME, limits=limits) as emu:
        emu.strict_private_chats = False
        for n, uid in enumerate(ids, 1):
            emu.user(uid, f"Member{n}")
        db = await open_database(url)
        try:
            await _seed(db, ids)
            config = _config(tmp_path, emu, url)
            async with _workers(config, tmp_path, 2) as workers:
                def delivered() -> int:
                    return sum(len(emu.stats.send_times.get(uid, ())) for uid in ids)

                async def all_delivered() -> bool:
                    return delivered() >= MEMBERS

                await _until(all_delivered, MEMBERS / RATE * 2 + 30, workers,
                             "the fan-out delivered", tmp_path)
                await asyncio.sleep(1.0)  # anything sent twice would arrive by now

                # Exactly once, never above the rate, and both workers did their share.
                assert delivered() == MEMBERS
                assert all(len(emu.stats.send_times[uid]) == 1 for uid in ids)
                assert emu.stats.rate_limited == 0
                sends = [t for uid in ids for t in emu.stats.send_times[uid]]
                assert busiest_second(sends) <= RATE
                rows = await db.fetch_all(
                    "SELECT state, claimed_by, count(*) FROM outbox GROUP BY state, claimed_by")
                assert {r[0] for r in rows} == {"sent"}
                shares = sorted(int(r[2]) for r in rows)
                # Both worked: a worker that loses a claim spends no slot on it, so the
                # two share the budget instead of one idling on rows it cannot take.
                assert len(shares) == 2 and shares[0] >= MEMBERS // 4, rows

                # The poller dies without a word; the other worker answers within 15 s.
                holder = await cluster.lease_holder(db, "poller", time.time())
                assert holder is not None
                pid = int(holder.split(":")[1])
                (poller,) = [w for w in workers if w.proc.pid == pid]
                (other,) = [w for w in workers if w is not poller]
                member = emu.user(ids[0])
                before = len(emu.stats.send_times[ids[0]])
                await member.send("/start")

                async def answered_once() -> bool:
                    return len(emu.stats.send_times[ids[0]]) > before

                await _until(answered_once, 15, workers, "/start answered", tmp_path)
                poller.proc.send_signal(signal.SIGKILL)
                await poller.proc.wait()
                killed = time.monotonic()
                before = len(emu.stats.send_times[ids[0]])
                await member.send("/start")

                async def answered_again() -> bool:
                    return len(emu.stats.send_times[ids[0]]) > before

                await _until(answered_again, FAILOVER_GOAL, [other],
                             "/start answered after the poller's death", tmp_path)
                took = time.monotonic() - killed
                print(f"failover: /start answered {took:.1f} s after SIGKILL of the poller")
                assert took < FAILOVER_GOAL
                assert await cluster.lease_holder(db, "poller", time.time()) != holder
        finally:
            await db.close()


async def test_behind_a_load_balancer_an_update_sent_to_both_workers_is_handled_once(
        tmp_path: Path) -> None:
    """Webhook mode: every worker serves the webhook. Telegram retries an update it saw
    no answer to, and the balancer may hand the retry to the other worker: the member
    is answered once, and a tap counts once."""
    import httpx

    from bot.core.config import config_from_dict
    from bot.runtime.app import build_application, start_app, stop_app
    from tests.e2e.test_webhook import HEADER, PUBLIC_URL, SECRET, free_port

    async with fresh_postgres() as url, BotApiEmulator(
            token=TOKEN, bot_username=BOT_USERNAME) as emu:
        apps, local_urls = [], []
        try:
            for _ in range(2):
                config = config_from_dict({
                    "telegram": {"base_url": emu.base_url, "base_file_url": emu.base_file_url},
                    "database": {"url": url},
                    "webhook": {"url": PUBLIC_URL, "listen": "127.0.0.1", "port": free_port(),
                                "secret_token": SECRET},
                })
                assert config.webhook is not None
                app = build_application(config, TOKEN, tick_seconds=None)
                await start_app(app, webhook=config.webhook)
                apps.append(app)
                local_urls.append(
                    f"http://127.0.0.1:{config.webhook.port}/{config.webhook.url_path}")
            an = emu.user(1001, "An")
            await an.send("/start")
            (update,) = emu.take_updates()
            async with httpx.AsyncClient(timeout=5.0) as client:
                answers = await asyncio.gather(*(
                    client.post(local, json=update, headers={HEADER: SECRET})
                    for local in local_urls))
                assert [a.status_code for a in answers] == [200, 200]
            welcome = await an.next_message()
            assert "Xin chào An" in welcome.text
            await asyncio.sleep(1.0)  # a second answer, if any, would be here by now
            assert [m.text for m in an.chat] == [welcome.text]
        finally:
            for app in apps:
                await stop_app(app)
