"""Zalo accounts, one-use Zalo codes, pending confirmations and handled events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.db import Connection, Database, IntegrityError, Row
from storage.prefs import carry_zalo_language
from storage.timefmt import from_db, to_db

CHANNELS = ("telegram", "zalo")


@dataclass(frozen=True, slots=True)
class ZaloCode:
    id: int
    person_id: int
    invite_id: int | None
    expires_at: datetime
    used_at: datetime | None


@dataclass(frozen=True, slots=True)
class ZaloPerson:
    """A person as the Zalo channel sees them."""

    id: int
    full_name: str
    telegram_user_id: int | None
    zalo_user_id: str | None
    channel: str


_CODE_COLUMNS = "id, person_id, invite_id, expires_at, used_at"


def _code(r: Row) -> ZaloCode:
    return ZaloCode(r["id"], r["person_id"], r["invite_id"], from_db(r["expires_at"]),
                    from_db(r["used_at"]) if r["used_at"] else None)


async def create_code(conn: Connection, *, code_hash: str, person_id: int,
                      invite_id: int | None, now: datetime, expires_at: datetime) -> int:
    cur = await conn.execute(
        "INSERT INTO zalo_codes (code_hash, person_id, invite_id, created_at, expires_at) "
        "VALUES (?, ?, ?, ?, ?) RETURNING id",
        (code_hash, person_id, invite_id, to_db(now), to_db(expires_at)))
    return int(cur.lastrowid or 0)


async def code_by_hash(db: Database, code_hash: str) -> ZaloCode | None:
    row = await db.fetch_one(f"SELECT {_CODE_COLUMNS} FROM zalo_codes WHERE code_hash = ?",
                             (code_hash,))
    return None if row is None else _code(row)


async def code_by_id(db: Database, code_id: int) -> ZaloCode | None:
    row = await db.fetch_one(f"SELECT {_CODE_COLUMNS} FROM zalo_codes WHERE id = ?",
                             (code_id,))
    return None if row is None else _code(row)


async def take_code(conn: Connection, code_id: int, zalo_user_id: str, now: datetime) -> bool:
    """Spend the code (compare-and-set); False when it was spent first."""
    cur = await conn.execute(
        "UPDATE zalo_codes SET used_at = ?, used_by = ? WHERE id = ? AND used_at IS NULL",
        (to_db(now), zalo_user_id, code_id))
    return cur.rowcount == 1


async def take_invite(conn: Connection, invite_id: int, now: datetime) -> bool:
    """Spend the personal invitation a code belongs to (its link can no longer be used)."""
    cur = await conn.execute(
        "UPDATE invites SET used_at = ? WHERE id = ? AND used_at IS NULL "
        "AND revoked_at IS NULL", (to_db(now), invite_id))
    return cur.rowcount == 1


async def spend_codes_of_invite(conn: Connection, invite_id: int, now: datetime) -> None:
    """The link was used on Telegram: its Zalo code is spent too (one invitation, one use)."""
    await conn.execute("UPDATE zalo_codes SET used_at = ? WHERE invite_id = ? "
                       "AND used_at IS NULL", (to_db(now), invite_id))


async def bind(conn: Connection, person_id: int, zalo_user_id: str) -> None:
    """The Zalo account belongs to this person now (taken from anyone who had it), and
    becomes their preferred channel (the one linked last); a language chosen on it
    becomes theirs on Telegram too."""
    await conn.execute("UPDATE people SET zalo_user_id = NULL WHERE zalo_user_id = ? "
                       "AND id != ?", (zalo_user_id, person_id))
    await conn.execute("UPDATE people SET zalo_user_id = ?, channel = 'zalo', "
                       "unreachable_since = NULL, unreachable_reason = NULL WHERE id = ?",
                       (zalo_user_id, person_id))
    await carry_zalo_language(conn, person_id)


async def set_channel(db: Database, person_id: int, channel: str) -> None:
    assert channel in CHANNELS
    await db.execute("UPDATE people SET channel = ? WHERE id = ?", (channel, person_id))


_PERSON = "SELECT id, full_name, telegram_user_id, zalo_user_id, channel FROM people "


async def person_by_zalo(db: Database, zalo_user_id: str) -> ZaloPerson | None:
    r = await db.fetch_one(_PERSON + "WHERE zalo_user_id = ? AND erased_at IS NULL",
                           (zalo_user_id,))
    return None if r is None else ZaloPerson(r[0], r[1], r[2], r[3], r[4])


async def person(db: Database, person_id: int) -> ZaloPerson | None:
    r = await db.fetch_one(_PERSON + "WHERE id = ?", (person_id,))
    return None if r is None else ZaloPerson(r[0], r[1], r[2], r[3], r[4])


async def set_pending(db: Database, zalo_user_id: str, code_id: int, now: datetime) -> None:
    async with db.transaction() as conn:
        await conn.execute("DELETE FROM zalo_pending WHERE zalo_user_id = ?", (zalo_user_id,))
        await conn.execute("INSERT INTO zalo_pending (zalo_user_id, code_id, created_at) "
                           "VALUES (?, ?, ?)", (zalo_user_id, code_id, to_db(now)))


async def pending(db: Database, zalo_user_id: str) -> int | None:
    value = await db.fetch_value("SELECT code_id FROM zalo_pending WHERE zalo_user_id = ?",
                                 (zalo_user_id,))
    return None if value is None else int(value)


async def clear_pending(conn: Connection, zalo_user_id: str) -> None:
    await conn.execute("DELETE FROM zalo_pending WHERE zalo_user_id = ?", (zalo_user_id,))


async def add_attempt(db: Database, zalo_user_id: str, now: datetime) -> None:
    await db.execute("INSERT INTO zalo_attempts (zalo_user_id, at) VALUES (?, ?)",
                     (zalo_user_id, to_db(now)))


async def attempts_since(db: Database, zalo_user_id: str, since: datetime) -> int:
    return int(await db.fetch_value(
        "SELECT count(*) FROM zalo_attempts WHERE zalo_user_id = ? AND at > ?",
        (zalo_user_id, to_db(since))))


async def take_event(db: Database, event_id: str, now: datetime) -> bool:
    """True the first time ``event_id`` is seen; False for a redelivered event."""
    try:
        async with db.transaction() as conn:
            await conn.execute("INSERT INTO zalo_events (event_id, taken_at) VALUES (?, ?)",
                               (event_id, to_db(now)))
    except IntegrityError:
        return False
    return True


async def zalo_address(db: Database, person_id: int) -> str | None:
    value = await db.fetch_value("SELECT zalo_user_id FROM people WHERE id = ? "
                                 "AND erased_at IS NULL", (person_id,))
    return None if value is None else str(value)


@dataclass(frozen=True, slots=True)
class InviteOfCode:
    unit_id: int
    unit_kind: str
    unit_name: str
    used: bool
    revoked: bool
    expires_at: datetime


async def invite_of_code(db: Database, invite_id: int) -> InviteOfCode | None:
    r = await db.fetch_one(
        "SELECT i.unit_id, u.kind, u.name, i.used_at, i.revoked_at, i.expires_at "
        "FROM invites i JOIN units u ON u.id = i.unit_id WHERE i.id = ?", (invite_id,))
    if r is None:
        return None
    return InviteOfCode(int(r[0]), str(r[1]), str(r[2]), r[3] is not None, r[4] is not None,
                        from_db(r[5]))


async def linked(db: Database, person_ids: list[int]) -> set[int]:
    """Those of ``person_ids`` who have a Zalo account."""
    found: set[int] = set()
    for start in range(0, len(person_ids), 500):
        chunk = person_ids[start:start + 500]
        if not chunk:
            continue
        marks = ", ".join("?" for _ in chunk)
        rows = await db.fetch_all(f"SELECT id FROM people WHERE zalo_user_id IS NOT NULL "
                                  f"AND erased_at IS NULL AND id IN ({marks})", tuple(chunk))
        found.update(int(r[0]) for r in rows)
    return found
