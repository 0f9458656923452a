"""Guests: people who are not members of the branch, invited to one meeting."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.db import Connection, Database, Row
from storage.timefmt import to_db


@dataclass(frozen=True, slots=True)
class GuestRow:
    id: int
    meeting_id: int
    full_name: str
    note: str | None
    telegram_user_id: int | None
    answer: str | None  # attend | absent, when the guest answered through their link
    present: bool | None  # None until the roll call


_COLS = "id, meeting_id, full_name, note, telegram_user_id, answer, present"


def _guest(r: Row) -> GuestRow:
    present = r["present"]
    return GuestRow(int(r["id"]), int(r["meeting_id"]), str(r["full_name"]), r["note"],
                    r["telegram_user_id"], r["answer"],
                    None if present is None else bool(present))


async def add(conn: Connection, meeting_id: int, *, full_name: str, note: str | None,
              added_by: int | None, now: datetime, present: bool | None = None,
              token_hash: str | None = None) -> int:
    cur = await conn.execute(
        "INSERT INTO guests (meeting_id, full_name, note, token_hash, present, added_by, "
        "added_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (meeting_id, full_name, note, token_hash, None if present is None else int(present),
         added_by, to_db(now)))
    assert cur.lastrowid is not None
    return int(cur.lastrowid)


async def of_meeting(db: Database, meeting_id: int) -> list[GuestRow]:
    rows = await db.fetch_all(f"SELECT {_COLS} FROM guests WHERE meeting_id = ? ORDER BY id",
                              (meeting_id,))
    return [_guest(r) for r in rows]


async def get(db: Database, guest_id: int) -> GuestRow | None:
    row = await db.fetch_one(f"SELECT {_COLS} FROM guests WHERE id = ?", (guest_id,))
    return None if row is None else _guest(row)


async def set_present(conn: Connection, guest_id: int, present: bool) -> None:
    await conn.execute("UPDATE guests SET present = ? WHERE id = ?", (int(present), guest_id))


async def fill_absent(conn: Connection, meeting_id: int) -> None:
    """At the close of the roll call a guest not marked present did not come (không dự)."""
    await conn.execute("UPDATE guests SET present = 0 WHERE meeting_id = ? AND present IS NULL",
                       (meeting_id,))


async def by_token(db: Database, token_hash: str) -> GuestRow | None:
    row = await db.fetch_one(f"SELECT {_COLS} FROM guests WHERE token_hash = ?", (token_hash,))
    return None if row is None else _guest(row)


async def bind(conn: Connection, guest_id: int, telegram_user_id: int) -> bool:
    """Bind the guest's Telegram account (the first to open the link); False if taken."""
    cur = await conn.execute(
        "UPDATE guests SET telegram_user_id = ? WHERE id = ? AND (telegram_user_id IS NULL "
        "OR telegram_user_id = ?)", (telegram_user_id, guest_id, telegram_user_id))
    return cur.rowcount == 1


async def set_answer(conn: Connection, guest_id: int, answer: str) -> None:
    await conn.execute("UPDATE guests SET answer = ? WHERE id = ?", (answer, guest_id))


async def prefill_present(conn: Connection, meeting_id: int) -> None:
    """At the roll call, a guest who said they would come starts as present."""
    await conn.execute("UPDATE guests SET present = 1 WHERE meeting_id = ? AND present IS NULL "
                       "AND answer = 'attend'", (meeting_id,))
