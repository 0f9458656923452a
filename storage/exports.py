"""Row-level data for the Excel export of a scope and a window (one query per sheet)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from storage.db import Database
from storage.reports import in_list

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
