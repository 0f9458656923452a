"""The admins' list of units: every unit with its active members, in one query however
many branches there are."""

from __future__ import annotations

import pytest

from bot.core.access import Actor
from bot.core.clock import FakeClock
from bot.core.config import Config
from bot.core.errors import Denied
from bot.core.services import Services
from bot.members.registration import units_overview
from storage.db import Database
from tests.factories import seed_branch

ADMIN = Actor(telegram_user_id=1, is_admin=True)


@pytest.fixture
def services(db: Database, clock: FakeClock) -> Services:
    return Services(config=Config(), db=db, clock=clock, bot_username="chibo_bot")


async def _statements(services: Services) -> int:
    """How many SQL statements one listing runs."""
    seen: list[str] = []
    await services.db.connection.set_trace_callback(seen.append)
    try:
        await units_overview(services, ADMIN)
    finally:
        await services.db.connection.set_trace_callback(None)
    return len(seen)


async def test_every_unit_with_its_active_members(services: Services) -> None:
    first = await seed_branch(services.db, services.clock.now(), members=3)
    second = await seed_branch(services.db, services.clock.now(), members=0,
                               first_telegram_id=6000, secretary_telegram_id=4001,
                               branch_name="Chi bộ Thôn 4", committee_id=first.committee_id)
    listed = [(s.unit.id, s.unit.kind, s.members) for s in await units_overview(services, ADMIN)]
    assert listed == [(first.committee_id, "committee", None),
                      (first.branch_id, "branch", 4),  # the secretary and 3 members
                      (second.branch_id, "branch", 1)]


@pytest.mark.sqlite_only  # counts statements through SQLite's trace callback
async def test_one_query_however_many_branches(services: Services) -> None:
    first = await seed_branch(services.db, services.clock.now(), members=2)
    one_branch = await _statements(services)
    for n in range(5):
        await seed_branch(services.db, services.clock.now(), members=1,
                          first_telegram_id=7000 + 10 * n, secretary_telegram_id=4100 + n,
                          branch_name=f"Chi bộ {n}", committee_id=first.committee_id)
    assert await _statements(services) == one_branch <= 2


async def test_only_admins_list_units(services: Services) -> None:
    await seed_branch(services.db, services.clock.now(), members=1)
    with pytest.raises(Denied):
        await units_overview(services, Actor(telegram_user_id=4000))
