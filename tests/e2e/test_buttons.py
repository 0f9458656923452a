"""Forged or stale callback data is refused in one place for every button family: the
tap is answered with the catalog's refusal, no message is sent or edited, and the
database does not change."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from telegram.ext import CallbackQueryHandler

from bot.core.callbacks import Codec
from bot.core.clock import FakeClock
from bot.demo.playground import Playground, playground
from handlers.base import Tap, Taps
from tests.conftest import ADMIN_ID, TEST_LIMITS
from tests.e2e.test_authz import snapshot
from tests.factories import seed_branch

EXPIRED = "Nút này không còn hiệu lực."


@pytest.fixture
async def live_bot(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Playground]:
    """The usual playground, with flood control out of the way of a hundred taps."""
    async with playground(
        tmp_path / "bot.sqlite3", clock=clock, limits=TEST_LIMITS,
        settings={"bot": {"admins": [ADMIN_ID], "user_commands_per_minute": 10**6},
                  "delivery": {"read_timeout_seconds": 1.0}},
    ) as ground:
        yield ground


def forgeries(prefix: str, membership: int) -> list[str]:
    return [f"{prefix}:", f"{prefix}:o", f"{prefix}:o:{membership}:1:2:3:4",
            f"{prefix}:x:-1", f"{prefix}:{membership}:{membership}:zz",
            f"{prefix}:o:0{membership}", f"{prefix}:" + ":".join(["1"] * 40)]


async def test_forged_data_for_every_family_is_refused_and_changes_nothing(
        live_bot: Playground) -> None:
    seeded = await seed_branch(live_bot.services.db, live_bot.clock.now(), members=2)
    secretary = live_bot.emu.user(seeded.secretary[1], "Bí thư")
    listing = await secretary.ask("/members")
    membership = int(await live_bot.services.db.fetch_value(
        "SELECT id FROM memberships WHERE person_id = ?", (seeded.members[0][0],)))
    before = await snapshot(live_bot)
    codecs = [c for c in Codec.families.values() if c.__module__.startswith("bot.")]
    families = sorted(p for p, c in Codec.families.items() if c in codecs)
    buttons = [h for group in live_bot.app.handlers.values() for h in group
               if isinstance(h, CallbackQueryHandler) and h.pattern is not None]
    # all go through the one place
    assert all(isinstance(h.callback, Tap | Taps) for h in buttons)
    assert sorted(h.callback.name for h in buttons) == sorted({c.PREFIX for c in codecs})
    for prefix in families:
        forged = [d for d in forgeries(prefix, membership)
                  if not any(c.matches(d) for c in codecs)]  # join:o is a (wrong) invite
        assert len(forged) >= 6, prefix
        for data in forged:
            query = await secretary.press_data(data, message_id=listing.message_id)
            assert await secretary.callback_answer(query) == EXPIRED, data
    assert await snapshot(live_bot) == before
    assert secretary.drain() == []  # nothing sent
    shown = secretary.last_message
    assert shown is not None and shown.message_id == listing.message_id
    assert not shown.edited and shown.text == listing.text
