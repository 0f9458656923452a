"""Personal one-time invite links; only a SHA-256 of the token is stored."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from storage.db import Connection, Database, Row
from storage.timefmt import from_db, to_db


@dataclass(frozen=True, slots=True)
class InviteRow:
    id: int
    person_id: int
    unit_id: int
    role: str
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None
    used_by: int | None
    revoked_at: datetime | None


def _row(r: Row) -> InviteRow:
    return InviteRow(
        id=r["id"], person_id=r["person_id"], unit_id=r["unit_id"], role=r["role"],
        created_at=from_db(r["created_at"]), expires_at=from_db(r["expires_at"]),
        used_at=from_db(r["used_at"]) if r["used_at"] else None, used_by=r["used_by"],
        revoked_at=from_db(r["revoked_at"]) if r["revoked_at"] else None,
    )


_COLUMNS = "id, person_id, unit_id, role, created_at, expires_at, used_at, used_by, revoked_at"


async def create(
    conn: Connection,
    *,
    token_hash: str,
    person_id: int,
    unit_id: int,
    role: str,
    created_by: int | None,
    now: datetime,
    expires_at: datetime,
    undelivered: bool = False,
) -> int:
    cur = await conn.execute(
        "INSERT INTO invites (token_hash, person_id, unit_id, role, created_by, created_at, "
        "expires_at, undelivered) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (token_hash, person_id, unit_id, role, created_by, to_db(now), to_db(expires_at),
         1 if undelivered else 0),
    )
    return int(cur.lastrowid or 0)


async def mark_delivered(db: Database, invite_ids: Sequence[int]) -> None:
    """The links reached the officer (the file of an import was sent)."""
    if not invite_ids:
        return
    marks = ",".join("?" * len(invite_ids))
    await db.execute(f"UPDATE invites SET undelivered = 0 WHERE id IN ({marks})",
                     tuple(invite_ids))


async def handed_out(db: Database, unit_id: int, now: datetime) -> set[int]:
    """People of the unit holding a live link that reached an officer."""
    rows = await db.fetch_all(
        "SELECT DISTINCT person_id FROM invites WHERE unit_id = ? AND undelivered = 0 "
        "AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ?", (unit_id, to_db(now)))
    return {int(r[0]) for r in rows}


@dataclass(frozen=True, slots=True)
class Stranded:
    """Live links an import created whose file never reached the officer who made it."""

    created_by: int
    unit_id: int
    count: int
    since: datetime


async def stranded(db: Database, created_before: datetime, now: datetime) -> list[Stranded]:
    rows = await db.fetch_all(
        "SELECT created_by, unit_id, count(*), min(created_at) FROM invites "
        "WHERE undelivered = 1 AND created_by IS NOT NULL AND created_at < ? "
        "AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ? "
        "GROUP BY created_by, unit_id ORDER BY created_by, unit_id",
        (to_db(created_before), to_db(now)))
    return [Stranded(int(r[0]), int(r[1]), int(r[2]), from_db(r[3])) for r in rows]


async def mark_told(conn: Connection, item: Stranded, created_before: datetime) -> None:
    await conn.execute(
        "UPDATE invites SET undelivered = 2 WHERE undelivered = 1 AND created_by = ? "
        "AND unit_id = ? AND created_at < ?",
        (item.created_by, item.unit_id, to_db(created_before)))


async def by_hash(db: Database, token_hash: str) -> InviteRow | None:
    row = await db.fetch_one(f"SELECT {_COLUMNS} FROM invites WHERE token_hash = ?",
                             (token_hash,))
    return None if row is None else _row(row)


async def revoke_pending(conn: Connection, person_id: int, now: datetime) -> int:
    """Revoke every unused, unrevoked invite of a person; returns how many."""
    cur = await conn.execute(
        "UPDATE invites SET revoked_at = ? WHERE person_id = ? AND used_at IS NULL "
        "AND revoked_at IS NULL",
        (to_db(now), person_id),
    )
    return cur.rowcount


async def mark_used(
    conn: Connection, invite_id: int, telegram_user_id: int, now: datetime
) -> bool:
    """Atomically take the invite; False when someone else used it first."""
    cur = await conn.execute(
        "UPDATE invites SET used_at = ?, used_by = ? WHERE id = ? AND used_at IS NULL "
        "AND revoked_at IS NULL",
        (to_db(now), telegram_user_id, invite_id),
    )
    return cur.rowcount == 1


async def pending_for(db: Database, person_id: int, now: datetime) -> InviteRow | None:
    row = await db.fetch_one(
        f"SELECT {_COLUMNS} FROM invites WHERE person_id = ? AND used_at IS NULL "
        "AND revoked_at IS NULL AND expires_at > ? ORDER BY id DESC LIMIT 1",
        (person_id, to_db(now)),
    )
    return None if row is None else _row(row)


async def reassign(conn: Connection, *, invite_id: int, person_id: int) -> None:
    """Record that the invite was taken up by ``person_id`` (someone the bot already knew)."""
    await conn.execute("UPDATE invites SET person_id = ? WHERE id = ?", (person_id, invite_id))
