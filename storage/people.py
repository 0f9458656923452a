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
    joined_at: str | None = None  # start in this branch: an instant, or a date
    ended_at: str | None = None  # moved away or removed

    @property
    def probationary(self) -> bool:
        """Admitted and not yet official. Without an admission date the standing is
        unknown (``standing_unknown``), never assumed probationary."""
        return self.admitted_on is not None and self.official_on is None

    @property
    def standing_unknown(self) -> bool:
        return self.admitted_on is None and self.official_on is None

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
    "m.is_exempt, m.is_213, m.state, p.unreachable_since, m.joined_at, m.ended_at "
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
        joined_at=r["joined_at"], ended_at=r["ended_at"],
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


@dataclass(frozen=True, slots=True)
class PersonRecord:
    id: int
    full_name: str
    name_key: str
    birth_date: date | None
    phone: str | None
    telegram_user_id: int | None
    erased: bool


async def person(db: Database, person_id: int) -> PersonRecord | None:
    r = await db.fetch_one(
        "SELECT id, full_name, name_key, birth_date, phone, telegram_user_id, erased_at "
        "FROM people WHERE id = ?", (person_id,))
    if r is None:
        return None
    return PersonRecord(r["id"], r["full_name"], r["name_key"], _date(r["birth_date"]),
                        r["phone"], r["telegram_user_id"], r["erased_at"] is not None)


async def by_telegram(db: Database, telegram_user_id: int) -> PersonRecord | None:
    value = await db.fetch_value(
        "SELECT id FROM people WHERE telegram_user_id = ?", (telegram_user_id,))
    return None if value is None else await person(db, int(value))


async def find_in_unit(db: Database, unit_id: int, name_key: str) -> list[MemberRow]:
    rows = await db.fetch_all(
        _MEMBER_SELECT + "WHERE m.unit_id = ? AND p.name_key = ? AND m.state = 'active' "
        "ORDER BY p.id", (unit_id, name_key))
    return [_member(r) for r in rows]


async def membership(db: Database, membership_id: int) -> MemberRow | None:
    row = await db.fetch_one(_MEMBER_SELECT + "WHERE m.id = ?", (membership_id,))
    return None if row is None else _member(row)


async def count_members(db: Database, unit_id: int) -> int:
    return int(await db.fetch_value(
        "SELECT count(*) FROM memberships WHERE unit_id = ? AND state = 'active'", (unit_id,)))


async def members_page(db: Database, unit_id: int, offset: int, limit: int) -> list[MemberRow]:
    rows = await db.fetch_all(
        _MEMBER_SELECT + "WHERE m.unit_id = ? AND m.state = 'active' "
        "ORDER BY p.name_key, p.id LIMIT ? OFFSET ?", (unit_id, limit, offset))
    return [_member(r) for r in rows]


async def memberships_of_person(db: Database, person_id: int) -> list[MemberRow]:
    rows = await db.fetch_all(
        _MEMBER_SELECT + "WHERE m.person_id = ? AND m.state = 'active' ORDER BY m.id",
        (person_id,))
    return [_member(r) for r in rows]


async def set_flag(conn: aiosqlite.Connection, membership_id: int, flag: str, value: bool) -> None:
    column = {"away": "is_away", "exempt": "is_exempt", "213": "is_213"}[flag]
    await conn.execute(f"UPDATE memberships SET {column} = ? WHERE id = ?",
                       (int(value), membership_id))


async def set_role(conn: aiosqlite.Connection, membership_id: int, role: str) -> None:
    await conn.execute("UPDATE memberships SET role = ? WHERE id = ?", (role, membership_id))


async def set_official(conn: aiosqlite.Connection, membership_id: int, on: date) -> None:
    await conn.execute("UPDATE memberships SET official_on = ? WHERE id = ?",
                       (on.isoformat(), membership_id))


async def end_membership(
    conn: aiosqlite.Connection, membership_id: int, state: str, now: datetime
) -> None:
    await conn.execute("UPDATE memberships SET state = ?, ended_at = ? WHERE id = ?",
                       (state, to_db(now), membership_id))


async def move_membership(
    conn: aiosqlite.Connection, membership_id: int, to_unit: int, now: datetime
) -> int:
    """End the membership as 'transferred' and open one in ``to_unit`` with the same facts."""
    row = await (await conn.execute(
        "SELECT person_id, admitted_on, official_on, is_away, is_exempt, is_213 "
        "FROM memberships WHERE id = ?", (membership_id,))).fetchone()
    assert row is not None
    await end_membership(conn, membership_id, "transferred", now)
    cur = await conn.execute(
        "INSERT INTO memberships (person_id, unit_id, role, admitted_on, official_on, is_away, "
        "is_exempt, is_213, joined_at) VALUES (?, ?, 'member', ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (person_id, unit_id) DO UPDATE SET state = 'active', ended_at = NULL, "
        "role = 'member'",
        (row[0], to_unit, row[1], row[2], row[3], row[4], row[5], to_db(now)),
    )
    return int(cur.lastrowid or 0)


async def erase_personal_data(conn: aiosqlite.Connection, person_id: int, now: datetime) -> None:
    """Blank personal fields and unbind the account; the name stays for the minutes' history."""
    await conn.execute("DELETE FROM pending_inputs WHERE telegram_user_id IN "
                       "(SELECT telegram_user_id FROM people WHERE id = ?)", (person_id,))
    await conn.execute(
        "UPDATE people SET birth_date = NULL, phone = NULL, telegram_user_id = NULL, "
        "unreachable_since = NULL, unreachable_reason = NULL, erased_at = ? WHERE id = ?",
        (to_db(now), person_id))
    await conn.execute("UPDATE invitations SET reason = NULL WHERE person_id = ?", (person_id,))
    await conn.execute("UPDATE attendance SET reason = NULL WHERE person_id = ?", (person_id,))
    await conn.execute("UPDATE duty_reports SET note = NULL WHERE person_id = ?", (person_id,))
    # Texts already sent to them (their answers, their reminders) are not kept either.
    await conn.execute("""UPDATE outbox SET payload = '{"text": ""}' WHERE person_id = ? """
                       "AND state IN ('sent', 'failed', 'skipped')", (person_id,))


async def add_committee_officer(
    conn: aiosqlite.Connection, person_id: int, unit_id: int, role: str, now: datetime
) -> None:
    await conn.execute(
        "INSERT INTO committee_officers (person_id, unit_id, role, since) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (person_id, unit_id) DO UPDATE SET role = excluded.role",
        (person_id, unit_id, role, to_db(now)))


SETUP_DAYS = 7  # members added within a week of the branch's creation were there from the start


async def start_founders_at(conn: aiosqlite.Connection, unit_id: int, start: date) -> int:
    """Members who were there when the branch began recording (added in the week it was
    set up in the bot) start at ``start``, the earlier record start; members added later,
    or with an earlier start already, keep theirs. Returns how many changed."""
    cur = await conn.execute(
        "UPDATE memberships SET joined_at = ? WHERE unit_id = ? AND joined_at > ? "
        "AND joined_at < (SELECT strftime('%Y-%m-%dT%H:%M:%S+00:00', created_at, ?) "
        "FROM units WHERE id = ?)",
        (start.isoformat(), unit_id, start.isoformat(), f"+{SETUP_DAYS} days", unit_id))
    return cur.rowcount
