"""Member management on a real SQLite file: leaving or moving ends household duties."""

from __future__ import annotations

from datetime import date

import pytest

from bot.core.access import Actor
from bot.core.clock import FakeClock
from bot.core.config import Config
from bot.core.services import Services
from bot.members.service import move_member, remove_member
from storage import assignments, households, people, units
from storage.db import Database
from tests.factories import seed_branch


@pytest.fixture
def services(db: Database, clock: FakeClock) -> Services:
    return Services(config=Config(), db=db, clock=clock)


async def test_removed_or_moved_members_stop_following_households(services: Services) -> None:
    now = services.clock.now()
    seeded = await seed_branch(services.db, now, members=2)
    secretary = Actor(telegram_user_id=seeded.secretary[1], person_id=seeded.secretary[0],
                      branch_roles={seeded.branch_id: "secretary"})
    async with services.db.transaction() as conn:
        other = await units.create_unit(conn, kind="branch", name="Chi bộ Thôn 4",
                                        parent_id=seeded.committee_id, now=now)
        ids = []
        for (person, _), head in zip(seeded.members, ("Hộ Một", "Hộ Hai"), strict=True):
            hid = await households.add(conn, unit_id=seeded.branch_id, head_name=head,
                                       name_key=head.casefold(), now=now)
            await assignments.assign(conn, hid, person, date(2026, 1, 1))
            ids.append(hid)
    leaving = await people.member(services.db, seeded.branch_id, seeded.members[0][0])
    moving = await people.member(services.db, seeded.branch_id, seeded.members[1][0])
    assert leaving is not None and moving is not None
    await remove_member(services, secretary, leaving.membership_id)
    await move_member(services, secretary, moving.membership_id, other)
    for hid in ids:
        history = await assignments.history(services.db, hid)
        assert [h.to_date for h in history] == [date(2026, 12, 1)]
    assert await services.db.fetch_value(
        "SELECT count(*) FROM assignments WHERE to_date IS NULL") == 0
