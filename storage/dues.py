"""Party dues (đảng phí): one row per member, branch and month paid."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from storage.db import Connection, Database
from storage.timefmt import to_db


async def record(conn: Connection, rows: Sequence[tuple[int, int, str, int | None]],
                 now: datetime, recorded_by: int | None) -> None:
    """(person, branch, "YYYY-MM", amount) each; recording again updates the amount."""
    await conn.executemany(
        "INSERT INTO dues (person_id, unit_id, period, amount, paid_at, recorded_by) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (person_id, unit_id, period) DO UPDATE SET "
        "amount = coalesce(excluded.amount, dues.amount), recorded_by = excluded.recorded_by",
        [(p, u, period, amount, to_db(now), recorded_by) for p, u, period, amount in rows])


async def unrecord(conn: Connection, person_id: int, unit_id: int,
                   period: str) -> None:
    await conn.execute("DELETE FROM dues WHERE person_id = ? AND unit_id = ? AND period = ?",
                       (person_id, unit_id, period))


async def paid_months(db: Database, person_id: int, unit_id: int | None,
                      year: int) -> dict[str, int | None]:
    """"YYYY-MM" -> amount of a member's payments in the year (all branches if unit None)."""
    sql = ("SELECT period, amount FROM dues WHERE person_id = ? AND period >= ? "
           "AND period <= ?")
    params: list[object] = [person_id, f"{year}-01", f"{year}-12"]
    if unit_id is not None:
        sql += " AND unit_id = ?"
        params.append(unit_id)
    return {str(r[0]): r[1] for r in await db.fetch_all(sql, params)}
