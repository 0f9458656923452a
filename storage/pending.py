"""What a person is expected to send next (a reason, a note, a confirmation).

Kept in the database so a restart does not forget a half-finished answer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from storage.db import Database
from storage.engine import bookkeeping
from storage.timefmt import from_db, to_db


@dataclass(frozen=True, slots=True)
class PendingInput:
    kind: str
    data: dict[str, Any]
    created_at: datetime


async def put(db: Database, telegram_user_id: int, kind: str, data: dict[str, Any],
              now: datetime) -> None:
    with bookkeeping():  # a question asked, not the person's data
        await _put(db, telegram_user_id, kind, data, now)


async def _put(db: Database, telegram_user_id: int, kind: str, data: dict[str, Any],
               now: datetime) -> None:
    await db.execute(
        "INSERT INTO pending_inputs (telegram_user_id, kind, data, created_at) "
        "VALUES (?, ?, ?, ?) ON CONFLICT (telegram_user_id) DO UPDATE SET kind = excluded.kind, "
        "data = excluded.data, created_at = excluded.created_at",
        (telegram_user_id, kind, json.dumps(data, ensure_ascii=False), to_db(now)),
    )


async def get(db: Database, telegram_user_id: int) -> PendingInput | None:
    row = await db.fetch_one(
        "SELECT kind, data, created_at FROM pending_inputs WHERE telegram_user_id = ?",
        (telegram_user_id,),
    )
    if row is None:
        return None
    return PendingInput(row["kind"], json.loads(row["data"]), from_db(row["created_at"]))


async def clear(db: Database, telegram_user_id: int, kind: str | None = None) -> None:
    with bookkeeping():
        await _clear(db, telegram_user_id, kind)


async def _clear(db: Database, telegram_user_id: int, kind: str | None) -> None:
    if kind is None:
        await db.execute("DELETE FROM pending_inputs WHERE telegram_user_id = ?",
                         (telegram_user_id,))
    else:
        await db.execute("DELETE FROM pending_inputs WHERE telegram_user_id = ? AND kind = ?",
                         (telegram_user_id, kind))
