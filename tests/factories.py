"""Builders for test data written through the storage layer."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from storage import people, units
from storage.db import Database


@dataclass
class SeededBranch:
    committee_id: int
    branch_id: int
    secretary: tuple[int, int]  # (person id, telegram id)
    members: list[tuple[int, int]] = field(default_factory=list)


async def seed_branch(
    db: Database,
    now: datetime,
    *,
    members: int,
    first_telegram_id: int = 5000,
    secretary_telegram_id: int = 4000,
    branch_name: str = "Chi bộ Thôn 3",
    committee_id: int | None = None,
) -> SeededBranch:
    """A committee (or the given one), a branch, a bound secretary and ``members`` bound members."""
    async with db.transaction() as conn:
        if committee_id is None:
            committee_id = await units.create_unit(
                conn, kind="committee", name="Đảng ủy xã Tân Lập", parent_id=None, now=now
            )
        branch_id = await units.create_unit(
            conn, kind="branch", name=branch_name, parent_id=committee_id, now=now
        )
        sec_id = await people.add_person(conn, full_name="Trần Thị Bí Thư",
                                         name_key="trần thị bí thư", now=now)
        await people.add_membership(conn, person_id=sec_id, unit_id=branch_id, now=now,
                                    role="secretary", admitted_on=date(2000, 5, 19),
                                    official_on=date(2001, 5, 19))
        await people.bind_telegram(conn, sec_id, secretary_telegram_id)
        seeded = SeededBranch(committee_id, branch_id, (sec_id, secretary_telegram_id))
        for i in range(members):
            name = f"Đảng viên Số {i + 1:03d}"
            pid = await people.add_person(conn, full_name=name, name_key=name.casefold(), now=now)
            await people.add_membership(conn, person_id=pid, unit_id=branch_id, now=now,
                                        admitted_on=date(2010, 1, 1), official_on=date(2011, 1, 1))
            await people.bind_telegram(conn, pid, first_telegram_id + i)
            seeded.members.append((pid, first_telegram_id + i))
    return seeded
