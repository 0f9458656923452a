"""What a person is expected to type next, through the domain (handlers never see the
storage behind it): one typed value per kind, stored rows read back as that type."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

import handlers  # noqa: F401  (registers every kind the bot asks for)
from bot.core import inputs
from bot.core.clock import FakeClock
from bot.core.config import Config
from bot.core.inputs import Pending, Unreadable
from bot.core.services import Services
from handlers.meetings import NewMeeting
from handlers.rsvp import AbsenceReason
from storage import pending
from storage.db import Database, open_database

USER = 5001


@dataclass(frozen=True)
class Moved(Pending, kind="test_meeting_move"):
    meeting: int
    note: str | None = None


@dataclass(frozen=True)
class Note(Pending, kind="test_duty_note"):
    household: int


@pytest.fixture
def services(db: Database, clock: FakeClock) -> Services:
    return Services(config=Config(), db=db, clock=clock, bot_username="chibo_bot")


async def test_expected_input_survives_a_restart(services: Services, tmp_path: Path,
                                                  clock: FakeClock) -> None:
    await inputs.expect(services, USER, Moved(7, "Chi bộ Thôn 3"))
    reopened = await open_database(services.db.location)
    try:
        later = Services(config=Config(), db=reopened, clock=clock)
        assert await inputs.waiting(later, USER) == Moved(7, "Chi bộ Thôn 3")
    finally:
        await reopened.close()


async def test_asking_again_replaces_and_forgetting_a_kind_spares_others(
        services: Services) -> None:
    await inputs.expect(services, USER, Note(1))
    await inputs.expect(services, USER, Moved(2))
    assert await inputs.waiting(services, USER) == Moved(2)
    assert await inputs.waiting_as(services, USER, Note) is None
    await inputs.forget(services, USER, Note)  # not what they are asked for now
    assert await inputs.waiting(services, USER) is not None
    await inputs.forget(services, USER)
    assert await inputs.waiting(services, USER) is None
    assert await inputs.waiting(services, USER + 1) is None


async def test_rows_stored_by_the_previous_version_load_as_their_kind(
        services: Services, clock: FakeClock) -> None:
    """The dicts the bot stored before the kinds were typed read as the typed value."""
    await pending.put(services.db, USER, "absence_reason",
                      {"meeting": 12, "chat": 5001, "message": 40}, clock.now())
    assert await inputs.waiting(services, USER) == AbsenceReason(12, 5001, 40)
    await pending.put(services.db, USER, "meeting_new",
                      {"kind": "regular", "unit": 3, "step": "place",
                       "when": "2026-12-20T19:30:00+07:00"}, clock.now())
    assert await inputs.waiting(services, USER) == NewMeeting(
        "regular", 3, "place", "2026-12-20T19:30:00+07:00")


@pytest.mark.parametrize(("kind", "data"), [
    ("rsvp_reason", {"meeting": 2}),  # a kind this version no longer asks for
    ("absence_reason", {"meeting": "twelve", "chat": 1, "message": 2}),  # another shape
    ("meeting_new", {"kind": "regular", "unit": 3, "step": "dance"}),
    ("absence_reason", ["not", "a", "dict"]),
])
async def test_a_row_no_kind_reads_is_unreadable_not_a_crash(
        services: Services, clock: FakeClock, kind: str, data: object) -> None:
    await pending.put(services.db, USER, kind, data, clock.now())  # type: ignore[arg-type]
    assert await inputs.waiting(services, USER) == Unreadable(kind)


def test_every_kind_survives_its_round_trip_and_names_one_class() -> None:
    for kind, family in Pending.kinds.items():
        assert kind == family.KIND
    assert inputs.load("absence_reason", AbsenceReason(1, 2, 3).as_json()) == \
        AbsenceReason(1, 2, 3)
    with pytest.raises(TypeError):
        @dataclass(frozen=True)
        class Impostor(Pending, kind="absence_reason"):
            meeting: int
