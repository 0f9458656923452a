"""A poller's updates are stored together, and confirmed to Telegram only once stored.

One database write per update, each before the next was looked at, made a crowd
tapping at once wait in line behind the handlers' writes; a ``getUpdates`` answer is
now stored in one statement, and the next ``getUpdates`` (which confirms it) waits
for that.
"""

from __future__ import annotations

from telegram import Bot, Update

from bot.demo.playground import TOKEN
from bot.runtime.inbox import Inbox
from storage.db import Database


async def test_a_polled_batch_is_queued_once_stored_and_a_redelivery_once(
        db: Database) -> None:
    inbox = Inbox()
    inbox.attach(db, Bot(TOKEN))
    await inbox.stored()  # the poller's first getUpdates: nothing to wait for
    for update_id in range(1, 51):
        await inbox.put(Update(update_id=update_id))
    assert inbox.qsize() == 0  # nothing is handled before it is stored
    await inbox.stored()  # the next getUpdates
    assert [inbox.get_nowait().update_id for _ in range(inbox.qsize())] == list(range(1, 51))
    assert await db.fetch_value("SELECT count(*) FROM inbound_updates") == 50
    # Telegram delivers 50 again (a second poller, a lost confirmation) with one new one.
    for update_id in (50, 51):
        await inbox.put(Update(update_id=update_id))
    await inbox.stored()
    assert [inbox.get_nowait().update_id for _ in range(inbox.qsize())] == [51]
    await inbox.close()
