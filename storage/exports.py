"""Row-level data for the Excel export of a scope and a window (one query per sheet),
as typed rows read by field name."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from storage.db import Database
from storage.reports import in_list


class MemberSheetRow(NamedTuple):
    """An active member of the scope, as the members sheet lists them."""

    full_name: str
    branch: str
    role: str
    birth_date: str | None  # ISO dates as stored
    admitted_on: str | None
    official_on: str | None
    is_away: bool
    is_exempt: bool
    is_213: bool
    phone: str | None
    has_telegram: bool
    channel: str | None  # zalo | telegram, None when unreachable


class DutySheetRow(NamedTuple):
    """One household duty report."""

    period: str  # YYYY-MM
    branch: str
    full_name: str
    household: str
    status: str
    note: str | None


class DuesSheetRow(NamedTuple):
    """One recorded payment of dues."""

    period: str  # YYYY-MM
    branch: str
    full_name: str
    amount: int | None
    paid_at: str | None  # stored UTC text


async def members(db: Database, units: Sequence[int]) -> list[MemberSheetRow]:
    return [MemberSheetRow(str(r[0]), str(r[1]), str(r[2]), r[3], r[4], r[5], bool(r[6]),
                           bool(r[7]), bool(r[8]), r[9], bool(r[10]), r[11])
            for r in await db.fetch_all(
        "SELECT p.full_name, u.name, m.role, p.birth_date, m.admitted_on, m.official_on, "
        "m.is_away, m.is_exempt, m.is_213, p.phone, p.telegram_user_id IS NOT NULL, "
        "CASE WHEN p.channel = 'zalo' AND p.zalo_user_id IS NOT NULL THEN 'zalo' "
        "WHEN p.telegram_user_id IS NOT NULL THEN 'telegram' END "
        "FROM memberships m JOIN people p ON p.id = m.person_id "
        "JOIN units u ON u.id = m.unit_id "
        f"WHERE m.unit_id IN ({in_list(units)}) AND m.state = 'active' "
        "ORDER BY u.name, p.name_key")]


async def duties(db: Database, units: Sequence[int], first: str, last: str
                 ) -> list[DutySheetRow]:
    return [DutySheetRow(str(r[0]), str(r[1]), str(r[2]), str(r[3]), str(r[4]), r[5])
            for r in await db.fetch_all(
        "SELECT d.period, u.name, p.full_name, h.head_name, d.status, d.note "
        "FROM duty_reports d JOIN households h ON h.id = d.household_id "
        "JOIN units u ON u.id = h.unit_id JOIN people p ON p.id = d.person_id "
        f"WHERE h.unit_id IN ({in_list(units)}) AND d.period >= ? AND d.period <= ? "
        "ORDER BY d.period, u.name, p.name_key", (first, last))]


async def dues(db: Database, units: Sequence[int], first: str, last: str
               ) -> list[DuesSheetRow]:
    return [DuesSheetRow(str(r[0]), str(r[1]), str(r[2]),
                         None if r[3] is None else int(r[3]), r[4])
            for r in await db.fetch_all(
        "SELECT d.period, u.name, p.full_name, d.amount, d.paid_at FROM dues d "
        "JOIN units u ON u.id = d.unit_id JOIN people p ON p.id = d.person_id "
        f"WHERE d.unit_id IN ({in_list(units)}) AND d.period >= ? AND d.period <= ? "
        "ORDER BY d.period, u.name, p.name_key", (first, last))]
