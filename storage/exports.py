"""Row-level data for the Excel export of a scope and a window (one query per sheet)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from storage.db import Database
from storage.periods import counted, in_period
from storage.reports import in_list
from storage.timefmt import to_db

Row = tuple[Any, ...]


async def members(db: Database, units: Sequence[int]) -> list[Row]:
    return [tuple(r) for r in await db.fetch_all(
        "SELECT p.full_name, u.name, m.role, p.birth_date, m.admitted_on, m.official_on, "
        "m.is_away, m.is_exempt, m.is_213, p.phone, p.telegram_user_id IS NOT NULL, "
        "CASE WHEN p.channel = 'zalo' AND p.zalo_user_id IS NOT NULL THEN 'zalo' "
        "WHEN p.telegram_user_id IS NOT NULL THEN 'telegram' END "
        "FROM memberships m JOIN people p ON p.id = m.person_id "
        "JOIN units u ON u.id = m.unit_id "
        f"WHERE m.unit_id IN ({in_list(units)}) AND m.state = 'active' "
        "ORDER BY u.name, p.name_key")]


async def meetings(db: Database, units: Sequence[int], since: datetime,
                   until: datetime) -> list[Row]:
    return [tuple(r) for r in await db.fetch_all(
        "SELECT u.name, m.kind, m.starts_at, m.duration_min, m.place, m.agenda, m.state, "
        "(SELECT count(*) FROM invitations i WHERE i.meeting_id = m.id AND i.capacity = 'member' "
        f"AND {in_period()}), (SELECT count(*) FROM attendance a JOIN invitations i ON "
        "i.meeting_id = a.meeting_id AND i.person_id = a.person_id WHERE a.meeting_id = m.id "
        f"AND a.status = 'present' AND i.capacity = 'member' AND {in_period()}), "
        "m.held_from, m.ended_at "
        "FROM meetings m JOIN units u ON u.id = m.unit_id "
        f"WHERE m.unit_id IN ({in_list(units)}) AND m.starts_at >= ? AND m.starts_at < ? "
        "ORDER BY m.starts_at, u.name", (to_db(since), to_db(until)))]


async def attendance(db: Database, units: Sequence[int], since: datetime,
                     until: datetime) -> list[Row]:
    return [tuple(r) for r in await db.fetch_all(
        "SELECT m.starts_at, u.name, p.full_name, i.capacity, i.standing, a.status, a.reason "
        "FROM attendance a JOIN meetings m ON m.id = a.meeting_id JOIN units u ON u.id = "
        "m.unit_id JOIN people p ON p.id = a.person_id JOIN invitations i ON i.meeting_id = "
        f"a.meeting_id AND i.person_id = a.person_id WHERE m.unit_id IN ({in_list(units)}) "
        f"AND m.starts_at >= ? AND m.starts_at < ? AND {in_period()} "
        "ORDER BY m.starts_at, u.name, p.name_key",
        (to_db(since), to_db(until)))]


async def duties(db: Database, units: Sequence[int], first: str, last: str) -> list[Row]:
    return [tuple(r) for r in await db.fetch_all(
        "SELECT d.period, u.name, p.full_name, h.head_name, d.status, d.note "
        "FROM duty_reports d JOIN households h ON h.id = d.household_id "
        "JOIN units u ON u.id = h.unit_id JOIN people p ON p.id = d.person_id "
        f"WHERE h.unit_id IN ({in_list(units)}) AND d.period >= ? AND d.period <= ? "
        "ORDER BY d.period, u.name, p.name_key", (first, last))]


async def dues(db: Database, units: Sequence[int], first: str, last: str) -> list[Row]:
    return [tuple(r) for r in await db.fetch_all(
        "SELECT d.period, u.name, p.full_name, d.amount, d.paid_at FROM dues d "
        "JOIN units u ON u.id = d.unit_id JOIN people p ON p.id = d.person_id "
        f"WHERE d.unit_id IN ({in_list(units)}) AND d.period >= ? AND d.period <= ? "
        "ORDER BY d.period, u.name, p.name_key", (first, last))]


async def monthly_rates(db: Database, units: Sequence[int], since: datetime,
                        until: datetime) -> list[tuple[int, str, int, int]]:
    """(branch, meeting start, counted present, counted invited) per closed meeting."""
    rows = await db.fetch_all(
        "SELECT m.unit_id, m.starts_at, "
        "sum(CASE WHEN a.status = 'present' AND i.standing IS NULL THEN 1 ELSE 0 END), "
        "sum(CASE WHEN i.standing IS NULL THEN 1 ELSE 0 END) "
        "FROM meetings m JOIN attendance a ON a.meeting_id = m.id JOIN invitations i ON "
        "i.meeting_id = a.meeting_id AND i.person_id = a.person_id "
        f"WHERE m.unit_id IN ({in_list(units)}) AND m.state = 'closed' AND i.capacity = 'member' "
        f"AND m.starts_at >= ? AND m.starts_at < ? AND {counted()} GROUP BY m.id",
        (to_db(since), to_db(until)))
    return [(int(r[0]), str(r[1]), int(r[2] or 0), int(r[3] or 0)) for r in rows]
