"""Committee officers following a branch (cấp ủy viên phụ trách chi bộ), with history:
stopping closes the open row (``until``), starting opens a new one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.db import Connection, Database
from storage.timefmt import to_db


@dataclass(frozen=True, slots=True)
class CandidateRow:
    """An officer of the committee above a branch, and whether they follow it now."""

    person_id: int
    full_name: str
    following: bool


async def current(db: Database, *, unit_id: int) -> list[int]:
    """The people following the branch now (person ids)."""
    rows = await db.fetch_all(
        "SELECT person_id FROM followers WHERE unit_id = ? AND until IS NULL", (unit_id,))
    return [int(r[0]) for r in rows]


async def candidates(db: Database, *, branch_id: int, committee_id: int) -> list[CandidateRow]:
    """The committee's officers, by name, each marked when following the branch."""
    rows = await db.fetch_all(
        "SELECT p.id, p.full_name, EXISTS (SELECT 1 FROM followers f WHERE f.person_id = p.id "
        "AND f.unit_id = ? AND f.until IS NULL) FROM committee_officers c "
        "JOIN people p ON p.id = c.person_id WHERE c.unit_id = ? ORDER BY p.name_key",
        (branch_id, committee_id))
    return [CandidateRow(int(r[0]), str(r[1]), bool(r[2])) for r in rows]


async def start(conn: Connection, *, person_id: int, unit_id: int,
                now: datetime) -> None:
    await conn.execute("INSERT INTO followers (person_id, unit_id, since) VALUES (?, ?, ?)",
                       (person_id, unit_id, to_db(now)))


async def stop(conn: Connection, *, person_id: int, unit_id: int,
               now: datetime) -> None:
    await conn.execute("UPDATE followers SET until = ? WHERE person_id = ? AND "
                       "unit_id = ? AND until IS NULL", (to_db(now), person_id, unit_id))
