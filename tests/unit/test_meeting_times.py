"""A new meeting's time: read the Vietnamese way and refused unless in the future, in
the domain (the guided /meeting asks it first, before the place and the agenda)."""

from __future__ import annotations

import pytest

from bot.core.clock import FakeClock
from bot.core.config import Config
from bot.core.errors import Invalid
from bot.core.services import Services
from bot.meetings.service import parse_new_time
from storage.db import Database


@pytest.fixture
def services(db: Database, clock: FakeClock) -> Services:
    return Services(config=Config(), db=db, clock=clock, bot_username="chibo_bot")


def test_a_future_time_is_read_in_the_branch_timezone(services: Services) -> None:
    # The clock stands at 01/12/2026 08:00 in Hanoi.
    starts = parse_new_time("05/12/2026 19:30", services)
    assert (starts.day, starts.month, starts.hour, starts.minute) == (5, 12, 19, 30)
    assert starts.utcoffset() is not None and starts.utcoffset().total_seconds() == 7 * 3600


@pytest.mark.parametrize("text", ["30/11/2026 19:30", "01/12/2026 08:00", "01/12/2026 07:59"])
def test_a_time_not_in_the_future_is_refused(services: Services, text: str) -> None:
    with pytest.raises(Invalid) as refused:
        parse_new_time(text, services)
    assert refused.value.key == "meeting_in_past"


def test_a_malformed_time_says_what_was_expected(services: Services) -> None:
    with pytest.raises(Invalid) as refused:
        parse_new_time("19:30", services)
    assert refused.value.key == "meeting_when_invalid"
