"""The outbox: every message the bot sends on its own initiative is a row first.

A row's ``business_key`` is unique, so enqueuing the same fact twice stores it
once. Rows move ``pending -> sending -> sent | failed``; ``skipped`` marks what
went stale before it could be sent. Instants are UTC ISO text.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from storage.db import Connection, Database
from storage.timefmt import from_db, to_db


@dataclass(frozen=True, slots=True)
class Button:
    text: str
    data: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class OutgoingMessage:
    """What to send: plain text and optional inline buttons (no Telegram types here).
    With ``file_id`` it is a file already on Telegram (a meeting's document), sent as
    ``media`` (document or photo) with the text as its caption."""

    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    file_id: str | None = None
    media: str = "document"

    def to_json(self) -> str:
        rows = [[{k: v for k, v in (("text", b.text), ("data", b.data), ("url", b.url)) if v}
                 for b in row] for row in self.buttons]
        data: dict[str, Any] = {"text": self.text, "buttons": rows}
        if self.file_id is not None:
            data["file"] = {"id": self.file_id, "media": self.media}
        return json.dumps(data, ensure_ascii=False)

    @classmethod
    def from_json(cls, raw: str) -> OutgoingMessage:
        data: dict[str, Any] = json.loads(raw)
        rows = tuple(
            tuple(Button(b["text"], b.get("data"), b.get("url")) for b in row)
            for row in data.get("buttons", [])
        )
        file: dict[str, str] = data.get("file") or {}
        return cls(text=data["text"], buttons=rows, file_id=file.get("id"),
                   media=file.get("media", "document"))


@dataclass(frozen=True, slots=True)
class Envelope:
    """One message to enqueue."""

    key: str
    chat_id: int
    kind: str
    message: OutgoingMessage
    person_id: int | None = None
    unit_id: int | None = None
    not_before: datetime | None = None
    stale_after: datetime | None = None


@dataclass(frozen=True, slots=True)
class OutboxRow:
    id: int
    key: str
    chat_id: int
    kind: str
    message: OutgoingMessage
    person_id: int | None
    unit_id: int | None
    attempts: int
    possible_duplicate: bool


@dataclass
class OutboxStats:
    by_state: dict[str, int] = field(default_factory=dict)
    sent_24h: int = 0
    failed_24h: int = 0
    possible_duplicates: int = 0
    retrying: int = 0  # pending again after a failed attempt
    unreachable: list[tuple[int, str, str, str]] = field(default_factory=list)
    # (person id, name, since, reason)
    workers: list[str] = field(default_factory=list)  # live workers on a shared engine
    poller: str | None = None  # the worker holding the poller lease, if one does
    # The queue is stuck: messages due for a while and none sent meanwhile.
    stalled_due: int = 0  # how many are due
    stalled_since: str | None = None  # since when the oldest of them is due


async def enqueue(conn: Connection, envelopes: Sequence[Envelope], now: datetime) -> int:
    """Insert inside the caller's transaction; returns how many were new.

    Every message to a person passes here, so this is where it is addressed:
    a person whose preferred channel is Zalo gets it on Zalo (``channel`` 'zalo',
    ``chat_id`` the person's id); a person with no Telegram account (``chat_id`` 0) and
    no Zalo account has nowhere to get it, and the row is not stored."""
    zalo = await _on_zalo(conn, {e.person_id for e in envelopes if e.person_id is not None})
    rows = []
    for e in envelopes:
        channel, chat_id = "telegram", e.chat_id
        if e.person_id in zalo and e.chat_id in (0, zalo[e.person_id]):
            channel, chat_id = "zalo", e.person_id
        elif not e.chat_id:
            continue
        rows.append((
            e.key, chat_id, e.person_id, e.unit_id, e.kind, e.message.to_json(),
            to_db(e.not_before or now), to_db(e.stale_after) if e.stale_after else None,
            to_db(now), channel,
        ))
    return await conn.executemany(
        "INSERT INTO outbox (business_key, chat_id, person_id, unit_id, kind, payload, "
        "next_attempt_at, stale_after, created_at, channel) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (business_key) DO NOTHING",
        rows,
    )


async def _on_zalo(conn: Connection, person_ids: set[int]) -> dict[int, int]:
    """Person id -> Telegram account (0 if none) of those who prefer Zalo and have it."""
    if not person_ids:
        return {}
    ids = sorted(person_ids)
    found: dict[int, int] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        marks = ", ".join("?" for _ in chunk)
        for r in await conn.fetch_all(
                "SELECT id, telegram_user_id FROM people WHERE channel = 'zalo' "
                f"AND zalo_user_id IS NOT NULL AND id IN ({marks})", tuple(chunk)):
            found[int(r[0])] = int(r[1] or 0)
    return found


async def recover_in_flight(db: Database, *, live: Sequence[str] | None = None,
                            channel: str | None = None) -> int:
    """Rows a crash left in ``sending`` may or may not have gone out: send again, flagged.
    ``channel``: only that channel's rows (a sender starting; the other channel's sender
    may be sending already); None: every channel (the sweep for dead workers).

    ``live`` None or empty: every such row (one process owns a SQLite database, so whatever is in
    flight at its start was left by its previous life). Else only rows claimed by a
    worker not in ``live``: another live worker's rows are its own business."""
    params: tuple[str, ...] = () if channel is None else (channel,)
    sql = "" if channel is None else " AND channel = ?"
    if live:
        marks = ", ".join("?" for _ in live)
        sql += f" AND (claimed_by IS NULL OR claimed_by NOT IN ({marks}))"
        params += tuple(live)
    async with db.transaction() as conn:
        # Each channel's sender recovers its own rows: the other may be sending already.
        cur = await conn.execute(
            "UPDATE outbox SET state = 'pending', possible_duplicate = 1, claimed_by = NULL "
            f"WHERE state = 'sending'{sql}", params)
        return cur.rowcount


async def release_orphans(db: Database, worker: str | None, keep: Iterable[int]) -> int:
    """Put back to ``pending`` the rows in ``sending`` under ``worker`` but not in ``keep``
    (the rows it is sending, or holds an unwritten outcome for): a claim whose answer was
    lost on the way, an un-claim the database refused. ``worker`` None: the one process
    of a SQLite database, whose rows carry no worker."""
    kept = sorted(set(keep))
    marks = ", ".join("?" for _ in kept)
    spared = f" AND id NOT IN ({marks})" if kept else ""
    async with db.transaction() as conn:
        cur = await conn.execute(
            "UPDATE outbox SET state = 'pending', claimed_by = NULL "
            f"WHERE state = 'sending' AND claimed_by IS NOT DISTINCT FROM ?{spared}",
            (worker, *kept))
        return cur.rowcount


async def skip_stale(db: Database, now: datetime) -> int:
    async with db.transaction() as conn:
        cur = await conn.execute(
            "UPDATE outbox SET state = 'skipped', last_error = 'stale' "
            "WHERE state = 'pending' AND stale_after IS NOT NULL AND stale_after <= ?",
            (to_db(now),),
        )
        return cur.rowcount


async def due(db: Database, now: datetime, limit: int,
              channel: str = "telegram") -> list[OutboxRow]:
    """Due rows in enqueue order, at most one per chat (a chat's next waits its turn), and
    none for a chat with a row in flight (whichever worker sends it).

    Ordered by id, not by next attempt: a retried row keeps its place in line once due,
    instead of waiting behind a whole fan-out enqueued after it."""
    rows = await db.fetch_all(
        "SELECT id, business_key, chat_id, kind, payload, person_id, unit_id, attempts, "
        "possible_duplicate FROM outbox WHERE id IN ("
        "  SELECT min(id) FROM outbox WHERE state = 'pending' AND next_attempt_at <= ? "
        "  AND channel = ? AND chat_id NOT IN "
        "  (SELECT chat_id FROM outbox WHERE state = 'sending' AND channel = ?) "
        "  GROUP BY chat_id) "
        "ORDER BY id LIMIT ?",
        (to_db(now), channel, channel, limit),
    )
    return [
        OutboxRow(
            id=r["id"], key=r["business_key"], chat_id=r["chat_id"], kind=r["kind"],
            message=OutgoingMessage.from_json(r["payload"]), person_id=r["person_id"],
            unit_id=r["unit_id"], attempts=r["attempts"],
            possible_duplicate=bool(r["possible_duplicate"]),
        )
        for r in rows
    ]


async def claim(db: Database, row_id: int, worker: str | None = None) -> bool:
    """Mark one row as leaving now; False if someone else took it. A compare-and-set in one
    statement: of two workers claiming the same row at once, exactly one changes it."""
    async with db.unlocked() as conn:
        cur = await conn.execute(
            "UPDATE outbox SET state = 'sending', attempts = attempts + 1, claimed_by = ? "
            "WHERE id = ? AND state = 'pending'",
            (worker, row_id),
        )
        return cur.rowcount == 1


async def unclaim(db: Database, row_id: int, worker: str | None) -> None:
    """Give back a row claimed but not sent (its chat's turn was not free after all)."""
    async with db.unlocked() as conn:
        await conn.execute(
            "UPDATE outbox SET state = 'pending', attempts = attempts - 1 "
            "WHERE id = ? AND state = 'sending' AND claimed_by IS NOT DISTINCT FROM ?",
            (row_id, worker))


async def next_due_at(db: Database) -> datetime | None:
    value = await db.fetch_value(
        "SELECT min(next_attempt_at) FROM outbox WHERE state = 'pending'"
    )
    return None if value is None else from_db(value)


async def count_due(db: Database, now: datetime, channel: str = "telegram") -> int:
    return int(await db.fetch_value(
        "SELECT count(*) FROM outbox WHERE state IN ('pending', 'sending') "
        "AND next_attempt_at <= ? AND channel = ?",
        (to_db(now), channel),
    ))


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened to one claimed row, written back in a batch."""

    row_id: int
    state: str  # sent | pending | failed
    at: datetime
    message_id: int | None = None
    next_attempt_at: datetime | None = None
    error: str | None = None
    possible_duplicate: bool = False


async def record(db: Database, outcomes: Sequence[Outcome]) -> None:
    if not outcomes:
        return
    async with db.transaction() as conn:
        await conn.executemany(
            "UPDATE outbox SET state = ?, message_id = coalesce(?, message_id), "
            "sent_at = CASE WHEN ? = 'sent' THEN ? ELSE sent_at END, "
            "next_attempt_at = coalesce(?, next_attempt_at), last_error = ?, "
            "possible_duplicate = CASE WHEN ? = 1 THEN 1 ELSE possible_duplicate END "
            "WHERE id = ?",
            [
                (
                    o.state, o.message_id, o.state, to_db(o.at),
                    to_db(o.next_attempt_at) if o.next_attempt_at else None, o.error,
                    int(o.possible_duplicate), o.row_id,
                )
                for o in outcomes
            ],
        )


async def pieces_sent(db: Database, row_id: int) -> int:
    """How many pieces of a row sent in pieces (a long Zalo message) already went out."""
    value = await db.fetch_value("SELECT pieces_sent FROM outbox WHERE id = ?", (row_id,))
    return int(value or 0)


async def piece_sent(db: Database, row_id: int, count: int) -> None:
    """The row's first ``count`` pieces went out (written as each is accepted; never
    lowered, so a late write cannot send a piece twice)."""
    async with db.unlocked() as conn:
        await conn.execute(
            "UPDATE outbox SET pieces_sent = ? WHERE id = ? AND pieces_sent < ?",
            (count, row_id, count))


class MessageRef(NamedTuple):
    chat_id: int
    message_id: int


async def message_id_for(db: Database, key: str) -> MessageRef | None:
    """Where a sent row landed, for later edits."""
    row = await db.fetch_one(
        "SELECT chat_id, message_id FROM outbox WHERE business_key = ? "
        "AND message_id IS NOT NULL AND channel = 'telegram'",
        (key,),
    )
    return None if row is None else MessageRef(int(row["chat_id"]), int(row["message_id"]))


async def stats(db: Database, now: datetime, since: datetime,
                stall_after: timedelta | None = None) -> OutboxStats:
    """Counts for the status; with ``stall_after``, whether the queue is stuck: rows due
    for longer than that and none sent during it."""
    result = OutboxStats()
    if stall_after is not None:
        await _stall(db, now, stall_after, result)
    for r in await db.fetch_all("SELECT state, count(*) AS n FROM outbox GROUP BY state"):
        result.by_state[r["state"]] = r["n"]
    result.sent_24h = int(await db.fetch_value(
        "SELECT count(*) FROM outbox WHERE state = 'sent' AND sent_at >= ?", (to_db(since),)))
    result.failed_24h = int(await db.fetch_value(
        "SELECT count(*) FROM outbox WHERE state = 'failed' AND created_at >= ?",
        (to_db(since),)))
    result.retrying = int(await db.fetch_value(
        "SELECT count(*) FROM outbox WHERE state = 'pending' AND last_error IS NOT NULL"))
    result.possible_duplicates = int(await db.fetch_value(
        "SELECT count(*) FROM outbox WHERE possible_duplicate = 1 AND state = 'sent'"))
    result.unreachable = [
        (r["id"], r["full_name"], r["unreachable_since"], r["unreachable_reason"] or "")
        for r in await db.fetch_all(
            "SELECT id, full_name, unreachable_since, unreachable_reason FROM people "
            "WHERE unreachable_since IS NOT NULL ORDER BY unreachable_since")
    ]
    return result


async def _stall(db: Database, now: datetime, stall_after: timedelta,
                 result: OutboxStats) -> None:
    limit = to_db(now - stall_after)
    row = await db.fetch_one(
        "SELECT count(*) AS n, min(next_attempt_at) AS since FROM outbox "
        "WHERE state = 'pending' AND next_attempt_at <= ?", (limit,))
    if row is None or not row["n"]:
        return
    moved = await db.fetch_value(
        "SELECT count(*) FROM outbox WHERE state = 'sent' AND sent_at > ?", (limit,))
    if int(moved) == 0:
        result.stalled_due = int(await db.fetch_value(
            "SELECT count(*) FROM outbox WHERE state = 'pending' AND next_attempt_at <= ?",
            (to_db(now),)))
        result.stalled_since = str(row["since"])


async def mark_unreachable(db: Database, person_id: int, since: datetime, reason: str) -> bool:
    """True when the person was reachable until now (so officers are told only once)."""
    async with db.transaction() as conn:
        cur = await conn.execute(
            "UPDATE people SET unreachable_since = ?, unreachable_reason = ? "
            "WHERE id = ? AND unreachable_since IS NULL",
            (to_db(since), reason, person_id),
        )
        return cur.rowcount == 1


async def clear_unreachable_zalo(db: Database, zalo_user_id: str) -> None:
    """The person wrote on Zalo: whatever blocked delivery there is over."""
    await db.execute(
        "UPDATE people SET unreachable_since = NULL, unreachable_reason = NULL "
        "WHERE zalo_user_id = ? AND unreachable_since IS NOT NULL", (zalo_user_id,))


async def clear_unreachable(db: Database, telegram_user_id: int) -> None:
    await db.execute(
        "UPDATE people SET unreachable_since = NULL, unreachable_reason = NULL "
        "WHERE telegram_user_id = ? AND unreachable_since IS NOT NULL",
        (telegram_user_id,),
    )


@dataclass(frozen=True, slots=True)
class DeliveryRow:
    """Where one message of a fan-out stands, and to whom it went."""

    state: str
    person_id: int | None
    full_name: str | None


async def deliveries_under(db: Database, *, prefix: str, exclude_key: str) -> list[DeliveryRow]:
    """The rows whose business key starts with ``prefix`` (an index range), but one key."""
    rows = await db.fetch_all(
        "SELECT o.state, o.person_id, p.full_name FROM outbox o LEFT JOIN people p "
        "ON p.id = o.person_id WHERE o.business_key >= ? AND o.business_key < ? "
        "AND o.business_key != ?",
        (prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1), exclude_key))
    return [DeliveryRow(str(r[0]), r[1], r[2]) for r in rows]
