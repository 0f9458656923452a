"""Committees and branches."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from storage.db import Connection, Database, Row
from storage.timefmt import to_db


@dataclass(frozen=True, slots=True)
class UnitRow:
    id: int
    kind: str  # committee | branch
    name: str
    parent_id: int | None
    group_chat_id: int | None
    schedule_rule: str | None
    default_place: str | None
    record_start: date | None = None  # ghi nhận từ: no data before it (None: no limit)


_COLUMNS = "id, kind, name, parent_id, group_chat_id, schedule_rule, default_place, record_start"


def _row(r: Row) -> UnitRow:
    start = r["record_start"]
    return UnitRow(r["id"], r["kind"], r["name"], r["parent_id"], r["group_chat_id"],
                   r["schedule_rule"], r["default_place"],
                   date.fromisoformat(start) if start else None)


async def create_unit(
    conn: Connection, *, kind: str, name: str, parent_id: int | None, now: datetime,
    record_start: date | None = None,
) -> int:
    """A new unit recording from ``record_start`` (default: the first day of ``now``'s
    month)."""
    start = record_start or now.date().replace(day=1)
    cur = await conn.execute(
        "INSERT INTO units (kind, name, parent_id, created_at, record_start) "
        "VALUES (?, ?, ?, ?, ?) RETURNING id",
        (kind, name, parent_id, to_db(now), start.isoformat()),
    )
    return int(cur.lastrowid or 0)


async def set_record_start(conn: Connection, unit_id: int, start: date) -> None:
    await conn.execute("UPDATE units SET record_start = ? WHERE id = ?",
                       (start.isoformat(), unit_id))


async def get_unit(db: Database, unit_id: int) -> UnitRow | None:
    row = await db.fetch_one(f"SELECT {_COLUMNS} FROM units WHERE id = ?", (unit_id,))
    return None if row is None else _row(row)


async def all_units(db: Database) -> list[UnitRow]:
    rows = await db.fetch_all(f"SELECT {_COLUMNS} FROM units ORDER BY coalesce(parent_id, id), id")
    return [_row(r) for r in rows]


async def branches_of_committee(db: Database, committee_id: int) -> list[UnitRow]:
    rows = await db.fetch_all(
        f"SELECT {_COLUMNS} FROM units WHERE parent_id = ? AND kind = 'branch' ORDER BY name, id",
        (committee_id,),
    )
    return [_row(r) for r in rows]


async def find_unit_by_name(db: Database, name: str) -> UnitRow | None:
    row = await db.fetch_one(f"SELECT {_COLUMNS} FROM units WHERE name = ? ORDER BY id", (name,))
    return None if row is None else _row(row)


async def set_schedule(conn: Connection, *, unit_id: int, rule: str,
                       place: str | None) -> None:
    """Save the branch's regular-meeting rule (as JSON) and its default place."""
    await conn.execute("UPDATE units SET schedule_rule = ?, default_place = ? WHERE id = ?",
                       (rule, place, unit_id))


async def link_group(conn: Connection, *, unit_id: int, group_chat_id: int) -> None:
    await conn.execute("UPDATE units SET group_chat_id = ? WHERE id = ?",
                       (group_chat_id, unit_id))


async def active_member_counts(db: Database) -> dict[int, int]:
    """Active members per unit, for every unit that has any (one query)."""
    rows = await db.fetch_all(
        "SELECT unit_id, count(*) FROM memberships WHERE state = 'active' GROUP BY unit_id")
    return {int(r[0]): int(r[1]) for r in rows}
