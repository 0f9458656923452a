"""Updates kept until handled: each update is stored before
Telegram is told it arrived, handled once however often it is delivered, and what a
stop left unhandled is handled after the restart, in order."""

from __future__ import annotations

import sys
from pathlib import Path

import httpx
import pytest

from storage.db import open_database
from tests.e2e.test_webhook import HEADER, SECRET, Hooked, hooked  # noqa: F401
from tests.engines import ENGINES, fresh_postgres

ROOT = Path(__file__).resolve().parents[2]


async def test_a_webhook_update_posted_three_times_is_handled_once_on_sqlite(
    hooked: Hooked,  # noqa: F811
) -> None:
    an = hooked.emu.user(1001, "An")
    await an.send("/start")
    await an.send("/help")
    start, marker = hooked.emu.take_updates()
    async with httpx.AsyncClient(timeout=5.0) as client:
        for _ in range(3):  # Telegram saw no answer in time and delivered it again
            answer = await client.post(hooked.local_url, json=start, headers={HEADER: SECRET})
            assert answer.status_code == 200
        answer = await client.post(hooked.local_url, json=marker, headers={HEADER: SECRET})
        assert answer.status_code == 200
    welcome = await an.next_message()
    assert "Xin chào An" in welcome.text
    second = await an.next_message()  # one person's updates in order: after any repeat
    assert "Xin chào An" not in second.text  # the answer to /help, not a second welcome
    assert [m.text for m in an.chat] == [welcome.text, second.text]
    db = await open_database(hooked.app.bot_data.config.database.target)
    try:
        rows = await db.fetch_all("SELECT update_id FROM inbound_updates ORDER BY update_id")
    finally:
        await db.close()
    assert [r["update_id"] for r in rows] == [start["update_id"], marker["update_id"]]


@pytest.mark.parametrize("engine", ENGINES)
async def test_kill_9_during_a_tap_burst_loses_no_tap(tmp_path: Path, engine: str) -> None:
    """A real ``chibo run`` process gets SIGKILL while 300 members' taps are being
    handled (Telegram handed every one over long before), and is started again: every
    tap is recorded and answered (the benchmark's inbound case, at CI scale). On
    PostgreSQL the new worker takes the dead one's updates over at its first sweeps."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from crash import tap_burst_killed
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    if engine == "sqlite":
        run = await tap_burst_killed(300, tmp_path, kill_after=60)
    else:
        async with fresh_postgres() as url:
            run = await tap_burst_killed(300, tmp_path, kill_after=60, database=url)
    assert run is not None, (tmp_path / "taps.log").read_text(errors="replace")[-3000:]
    assert run.queued_at_kill < run.count - run.answered_at_kill  # handed over, unhandled
    assert (run.recorded, run.answered, run.handled) == (300, 300, 300)
    assert run.finished and run.lost == 0
