"""Households a branch follows, each with its current assignee (if any)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.db import Connection, Database, Row
from storage.timefmt import to_db


@dataclass(frozen=True, slots=True)
class Household:
    id: int
    unit_id: int
    head_name: str
    hamlet: str | None
    house_number: str | None
    address: str | None
    notes: str | None
    removed: bool
    member_id: int | None  # the person following it now
    member_name: str | None


# Columns an officer may change; the head's name also changes its lookup key.
FIELDS = ("head_name", "hamlet", "house_number", "address", "notes")

_SELECT = (
    "SELECT h.id, h.unit_id, h.head_name, h.hamlet, h.house_number, h.address, h.notes, "
    "h.removed_at, a.person_id AS member_id, p.full_name AS member_name FROM households h "
    "LEFT JOIN assignments a ON a.household_id = h.id AND a.to_date IS NULL "
    "LEFT JOIN people p ON p.id = a.person_id "
)
_ORDER = " ORDER BY h.name_key, h.id"


def _row(r: Row) -> Household:
    return Household(
        id=r["id"], unit_id=r["unit_id"], head_name=r["head_name"], hamlet=r["hamlet"],
        house_number=r["house_number"], address=r["address"], notes=r["notes"],
        removed=r["removed_at"] is not None, member_id=r["member_id"],
        member_name=r["member_name"],
    )


async def add(
    conn: Connection,
    *,
    unit_id: int,
    head_name: str,
    name_key: str,
    now: datetime,
    hamlet: str | None = None,
    house_number: str | None = None,
    address: str | None = None,
    notes: str | None = None,
) -> int:
    cur = await conn.execute(
        "INSERT INTO households (unit_id, head_name, name_key, hamlet, house_number, address, "
        "notes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (unit_id, head_name, name_key, hamlet, house_number, address, notes, to_db(now)),
    )
    return int(cur.lastrowid or 0)


async def get(db: Database, household_id: int) -> Household | None:
    row = await db.fetch_one(_SELECT + "WHERE h.id = ?", (household_id,))
    return None if row is None else _row(row)


async def count(db: Database, unit_id: int) -> int:
    return int(await db.fetch_value(
        "SELECT count(*) FROM households WHERE unit_id = ? AND removed_at IS NULL", (unit_id,)))


async def page(db: Database, unit_id: int, offset: int, limit: int) -> list[Household]:
    rows = await db.fetch_all(
        _SELECT + "WHERE h.unit_id = ? AND h.removed_at IS NULL" + _ORDER + " LIMIT ? OFFSET ?",
        (unit_id, limit, offset))
    return [_row(r) for r in rows]


async def of_unit(db: Database, unit_id: int) -> list[Household]:
    rows = await db.fetch_all(
        _SELECT + "WHERE h.unit_id = ? AND h.removed_at IS NULL" + _ORDER, (unit_id,))
    return [_row(r) for r in rows]


async def followed_by(db: Database, person_id: int) -> list[Household]:
    """Households the person follows now, in branches where they are still active."""
    rows = await db.fetch_all(
        _SELECT + "JOIN memberships m ON m.person_id = a.person_id AND m.unit_id = h.unit_id "
        "AND m.state = 'active' WHERE a.person_id = ? AND h.removed_at IS NULL"
        " ORDER BY h.unit_id, h.name_key, h.id",
        (person_id,))
    return [_row(r) for r in rows]


async def set_field(
    conn: Connection, household_id: int, field: str, value: str | None,
    name_key: str | None = None,
) -> None:
    if field not in FIELDS:
        raise ValueError(f"not an editable household field: {field}")
    await conn.execute(f"UPDATE households SET {field} = ? WHERE id = ?", (value, household_id))
    if field == "head_name" and name_key is not None:
        await conn.execute("UPDATE households SET name_key = ? WHERE id = ?",
                           (name_key, household_id))


async def remove(conn: Connection, household_id: int, now: datetime) -> None:
    """Mark removed (history and reports stay); the caller ends its assignment."""
    await conn.execute("UPDATE households SET removed_at = ? WHERE id = ? AND removed_at IS NULL",
                       (to_db(now), household_id))


async def units_with_households(db: Database) -> list[int]:
    rows = await db.fetch_all(
        "SELECT DISTINCT unit_id FROM households WHERE removed_at IS NULL ORDER BY unit_id")
    return [int(r[0]) for r in rows]
