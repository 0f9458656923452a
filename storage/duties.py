"""Monthly reports on households, and who owes them.

A period is a month, ``"YYYY-MM"``; a household has at most one report per
period (reporting again replaces it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from storage.db import Connection, Database
from storage.timefmt import from_db, to_db

STATUSES = ("normal", "problem")

# Current assignments of live households to people still active in that branch.
_FOLLOWING = (
    "FROM assignments a JOIN households h ON h.id = a.household_id "
    "JOIN people p ON p.id = a.person_id "
    "JOIN memberships m ON m.person_id = a.person_id AND m.unit_id = h.unit_id "
    "AND m.state = 'active' "
    "WHERE a.to_date IS NULL AND h.removed_at IS NULL "
)


@dataclass(frozen=True, slots=True)
class DutyReport:
    household_id: int
    period: str
    person_id: int
    status: str  # normal | problem
    note: str | None
    reported_at: datetime


@dataclass(frozen=True, slots=True)
class Holder:
    """A bound member who follows at least one household."""

    person_id: int
    telegram_user_id: int


@dataclass(frozen=True, slots=True)
class MemberStatus:
    person_id: int
    full_name: str
    households: int
    reported: int
    problems: int

    @property
    def complete(self) -> bool:
        return self.reported >= self.households


@dataclass(frozen=True, slots=True)
class SentRow:
    person_id: int
    state: str
    sent_at: datetime | None


async def record(
    conn: Connection, *, household_id: int, period: str, person_id: int,
    status: str, note: str | None, now: datetime,
) -> None:
    if status not in STATUSES:
        raise ValueError(f"unknown duty status {status!r}")
    await conn.execute(
        "INSERT INTO duty_reports (household_id, period, person_id, status, note, reported_at) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (household_id, period) DO UPDATE SET "
        "person_id = excluded.person_id, status = excluded.status, note = excluded.note, "
        "reported_at = excluded.reported_at",
        (household_id, period, person_id, status, note, to_db(now)),
    )


async def reports(db: Database, period: str,
                  household_ids: Sequence[int]) -> dict[int, DutyReport]:
    if not household_ids:
        return {}
    marks = ",".join("?" * len(household_ids))
    rows = await db.fetch_all(
        "SELECT household_id, period, person_id, status, note, reported_at FROM duty_reports "
        f"WHERE period = ? AND household_id IN ({marks})", (period, *household_ids))
    return {
        int(r[0]): DutyReport(int(r[0]), r[1], int(r[2]), r[3], r[4], from_db(r[5]))
        for r in rows
    }


async def holders(db: Database) -> list[Holder]:
    """Bound members who follow households now, across every branch."""
    rows = await db.fetch_all(
        "SELECT DISTINCT a.person_id, p.telegram_user_id " + _FOLLOWING
        + "AND (p.telegram_user_id IS NOT NULL OR p.zalo_user_id IS NOT NULL) "
        "AND p.erased_at IS NULL ORDER BY a.person_id")
    # Telegram account 0: on Zalo only (the outbox addresses it there).
    return [Holder(int(r[0]), int(r[1] or 0)) for r in rows]


async def unit_status(db: Database, unit_id: int, period: str) -> list[MemberStatus]:
    """Per member following households of the branch: how many, reported, problems."""
    rows = await db.fetch_all(
        "SELECT a.person_id, p.full_name, count(*), count(r.household_id), "
        "coalesce(sum(CASE WHEN r.status = 'problem' THEN 1 ELSE 0 END), 0) "
        "FROM assignments a JOIN households h ON h.id = a.household_id "
        "JOIN people p ON p.id = a.person_id "
        "JOIN memberships m ON m.person_id = a.person_id AND m.unit_id = h.unit_id "
        "AND m.state = 'active' "
        "LEFT JOIN duty_reports r ON r.household_id = h.id AND r.period = ? "
        "WHERE a.to_date IS NULL AND h.removed_at IS NULL AND h.unit_id = ? "
        "GROUP BY a.person_id, p.id ORDER BY p.name_key, a.person_id",
        (period, unit_id))
    return [MemberStatus(int(r[0]), r[1], int(r[2]), int(r[3]), int(r[4])) for r in rows]


async def outbox_rows(db: Database, key_prefix: str) -> list[SentRow]:
    """Outbox rows whose business key starts with ``key_prefix`` (e.g. ``duty:2027-01:``)."""
    # A range on the unique key (':' + 1 == ';') uses its index, unlike LIKE.
    upper = key_prefix[:-1] + chr(ord(key_prefix[-1]) + 1)
    rows = await db.fetch_all(
        "SELECT person_id, state, sent_at FROM outbox WHERE business_key >= ? "
        "AND business_key < ? AND person_id IS NOT NULL", (key_prefix, upper))
    return [SentRow(int(r[0]), r[1], from_db(r[2]) if r[2] else None) for r in rows]
