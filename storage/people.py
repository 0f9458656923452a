"""People, their memberships in branches, and their standing there."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime

import aiosqlite

from storage.db import Database
from storage.timefmt import to_db


@dataclass(frozen=True, slots=True)
class MemberRow:
    """A person as a member of one branch."""

    person_id: int
    membership_id: int
    unit_id: int
    full_name: str
    birth_date: date | None
    phone: str | None
    telegram_user_id: int | None
    role: str
    admitted_on: date | None
    official_on: date | None
    is_away: bool
    is_exempt: bool
    is_213: bool
    state: str
    unreachable_since: str | None

    @property
    def probationary(self) -> bool:
        return self.official_on is None

    @property
    def standing(self) -> str | None:
        """The standing that excuses absences by default, if any."""
        if self.is_away:
            return "away"
        if self.is_exempt:
            return "exempt"
        if self.is_213:
            return "213"
        return None


_MEMBER_SELECT = (
    "SELECT p.id AS person_id, m.id AS membership_id, m.unit_id, p.full_name, p.birth_date, "
    "p.phone, p.telegram_user_id, m.role, m.admitted_on, m.official_on, m.is_away, "
    "m.is_exempt, m.is_213, m.state, p.unreachable_since "
    "FROM memberships m JOIN people p ON p.id = m.person_id "
)


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _member(r: sqlite3.Row) -> MemberRow:
    return MemberRow(
        person_id=r["person_id"], membership_id=r["membership_id"], unit_id=r["unit_id"],
        full_name=r["full_name"], birth_date=_date(r["birth_date"]), phone=r["phone"],
        telegram_user_id=r["telegram_user_id"], role=r["role"],
        admitted_on=_date(r["admitted_on"]), official_on=_date(r["official_on"]),
        is_away=bool(r["is_away"]), is_exempt=bool(r["is_exempt"]), is_213=bool(r["is_213"]),
        state=r["state"], unreachable_since=r["unreachable_since"],
    )


async def add_person(
    conn: aiosqlite.Connection,
    *,
    full_name: str,
    name_key: str,
    now: datetime,
    birth_date: date | None = None,
    phone: str | None = None,
) -> int:
    cur = await conn.execute(
        "INSERT INTO people (full_name, name_key, birth_date, phone, created_at) "
        "VALUES (?, ?, ?, ?, ?)",
        (full_name, name_key, birth_date.isoformat() if birth_date else None, phone, to_db(now)),
    )
    return int(cur.lastrowid or 0)


async def add_membership(
    conn: aiosqlite.Connection,
    *,
    person_id: int,
    unit_id: int,
    now: datetime,
    role: str = "member",
    admitted_on: date | None = None,
    official_on: date | None = None,
) -> int:
    cur = await conn.execute(
        "INSERT INTO memberships (person_id, unit_id, role, admitted_on, official_on, joined_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (person_id, unit_id, role, admitted_on.isoformat() if admitted_on else None,
         official_on.isoformat() if official_on else None, to_db(now)),
    )
    return int(cur.lastrowid or 0)


async def bind_telegram(conn: aiosqlite.Connection, person_id: int, telegram_user_id: int) -> None:
    await conn.execute(
        "UPDATE people SET telegram_user_id = ? WHERE id = ?", (telegram_user_id, person_id)
    )


async def member(db: Database, unit_id: int, person_id: int) -> MemberRow | None:
    row = await db.fetch_one(
        _MEMBER_SELECT + "WHERE m.unit_id = ? AND m.person_id = ?", (unit_id, person_id)
    )
    return None if row is None else _member(row)


async def members_of(db: Database, unit_id: int, *, active_only: bool = True) -> list[MemberRow]:
    where = "WHERE m.unit_id = ?" + (" AND m.state = 'active'" if active_only else "")
    rows = await db.fetch_all(_MEMBER_SELECT + where + " ORDER BY p.name_key, p.id", (unit_id,))
    return [_member(r) for r in rows]
