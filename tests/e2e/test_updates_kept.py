"""Updates kept until handled (issue 21, findings 2 and 7): each update is stored before
Telegram is told it arrived, handled once however often it is delivered, and what a
stop left unhandled is handled after the restart, in order."""

from __future__ import annotations

import httpx

from storage.db import open_database
from tests.e2e.test_webhook import HEADER, SECRET, Hooked, hooked  # noqa: F401


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
    db = await open_database(hooked.app.bot_data["config"].database.target)
    try:
        rows = await db.fetch_all(
            "SELECT update_id, handled_at FROM inbound_updates ORDER BY update_id")
    finally:
        await db.close()
    assert [r["update_id"] for r in rows] == [start["update_id"], marker["update_id"]]
    assert all(r["handled_at"] is not None for r in rows)
