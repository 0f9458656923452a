"""Which member follows which household, with history (from/to dates).

A household has at most one open assignment (``to_date IS NULL``), which the
schema enforces with a partial unique index; changing the member closes the
open row and opens a new one, so the history stays.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from storage.db import Connection, Database


@dataclass(frozen=True, slots=True)
class Assignment:
    household_id: int
    person_id: int
    full_name: str
    from_date: date
    to_date: date | None


async def _current(conn: Connection, household_id: int) -> int | None:
    row = await conn.fetch_one(
        "SELECT person_id FROM assignments WHERE household_id = ? AND to_date IS NULL",
        (household_id,),
    )
    return None if row is None else int(row[0])


async def assign(conn: Connection, household_id: int, person_id: int,
                 on: date) -> int:
    """Give the household to ``person_id`` from ``on``: the new assignment's id, or 0
    (false) when it already was theirs."""
    current = await _current(conn, household_id)
    if current == person_id:
        return 0
    if current is not None:
        await unassign(conn, household_id, on)
    cur = await conn.execute(
        "INSERT INTO assignments (household_id, person_id, from_date) VALUES (?, ?, ?) "
        "RETURNING id",
        (household_id, person_id, on.isoformat()),
    )
    return int(cur.lastrowid or 0)


async def unassign(conn: Connection, household_id: int, on: date) -> bool:
    cur = await conn.execute(
        "UPDATE assignments SET to_date = ? WHERE household_id = ? AND to_date IS NULL",
        (on.isoformat(), household_id),
    )
    return cur.rowcount > 0


async def history(db: Database, household_id: int) -> list[Assignment]:
    rows = await db.fetch_all(
        "SELECT a.household_id, a.person_id, p.full_name, a.from_date, a.to_date "
        "FROM assignments a JOIN people p ON p.id = a.person_id WHERE a.household_id = ? "
        "ORDER BY a.id", (household_id,))
    return [
        Assignment(r[0], r[1], r[2], date.fromisoformat(r[3]),
                   date.fromisoformat(r[4]) if r[4] else None)
        for r in rows
    ]


async def counts(db: Database, unit_id: int) -> dict[int, int]:
    """person id -> households of the branch they follow now."""
    rows = await db.fetch_all(
        "SELECT a.person_id, count(*) FROM assignments a "
        "JOIN households h ON h.id = a.household_id "
        "WHERE h.unit_id = ? AND h.removed_at IS NULL AND a.to_date IS NULL GROUP BY a.person_id",
        (unit_id,))
    return {int(r[0]): int(r[1]) for r in rows}


async def end_for_member(conn: Connection, person_id: int, unit_id: int,
                         on: date) -> int:
    """Close a person's current assignments in one branch (they left or moved)."""
    cur = await conn.execute(
        "UPDATE assignments SET to_date = ? WHERE person_id = ? AND to_date IS NULL "
        "AND household_id IN (SELECT id FROM households WHERE unit_id = ?)",
        (on.isoformat(), person_id, unit_id))
    return cur.rowcount


async def end_all_for_person(conn: Connection, person_id: int, on: date) -> int:
    cur = await conn.execute(
        "UPDATE assignments SET to_date = ? WHERE person_id = ? AND to_date IS NULL",
        (on.isoformat(), person_id))
    return cur.rowcount


async def current_household_heads(db: Database, *, person_id: int) -> list[str]:
    """Heads of the households the person follows now (not removed ones), by name."""
    rows = await db.fetch_all(
        "SELECT h.head_name FROM assignments a JOIN households h ON h.id = a.household_id "
        "WHERE a.person_id = ? AND a.to_date IS NULL AND h.removed_at IS NULL "
        "ORDER BY h.head_name", (person_id,))
    return [str(r[0]) for r in rows]
