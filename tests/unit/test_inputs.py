"""What a person is expected to type next, through the domain (handlers never see the
storage behind it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core import inputs
from bot.core.clock import FakeClock
from bot.core.config import Config
from bot.core.inputs import Waiting
from bot.core.services import Services
from storage.db import Database, open_database

USER = 5001


@pytest.fixture
def services(db: Database, clock: FakeClock) -> Services:
    return Services(config=Config(), db=db, clock=clock, bot_username="chibo_bot")


async def test_expected_input_survives_a_restart(services: Services, tmp_path: Path,
                                                  clock: FakeClock) -> None:
    await inputs.expect(services, USER, "meeting_move", {"meeting": 7, "note": "Chi bộ Thôn 3"})
    reopened = await open_database(services.db.location)
    try:
        later = Services(config=Config(), db=reopened, clock=clock)
        assert await inputs.waiting(later, USER) == Waiting(
            "meeting_move", {"meeting": 7, "note": "Chi bộ Thôn 3"}, clock.now())
    finally:
        await reopened.close()


async def test_asking_again_replaces_and_forgetting_a_kind_spares_others(
        services: Services) -> None:
    await inputs.expect(services, USER, "duty_note", {"household": 1})
    await inputs.expect(services, USER, "rsvp_reason", {"meeting": 2})
    waiting = await inputs.waiting(services, USER)
    assert waiting is not None and (waiting.kind, dict(waiting.data)) == (
        "rsvp_reason", {"meeting": 2})
    await inputs.forget(services, USER, "duty_note")  # not what they are asked for now
    assert await inputs.waiting(services, USER) is not None
    await inputs.forget(services, USER)
    assert await inputs.waiting(services, USER) is None
    assert await inputs.waiting(services, USER + 1) is None
