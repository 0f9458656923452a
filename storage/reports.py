"""SQL behind the reports that the ledger does not hold (followers' presence across
branches, probation, duties). Attendance, the 3-month rule and dues are read by the
ledger (``storage/ledger.py``). Every query takes a list of branch ids (the scope)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from storage.db import Database


def in_list(ids: Sequence[int]) -> str:
    """A literal ``IN (...)`` list of integer ids (never user text)."""
    return ",".join(str(int(i)) for i in ids) or "NULL"


@dataclass(frozen=True, slots=True)
class FollowerPresence:
    person_id: int
    full_name: str
    present: int
    invited: int


@dataclass(frozen=True, slots=True)
class ProbationRow:
    membership_id: int
    person_id: int
    unit_id: int
    full_name: str
    admitted_on: str


async def probationary(db: Database, units: Sequence[int]) -> list[ProbationRow]:
    rows = await db.fetch_all(
        "SELECT m.id, m.person_id, m.unit_id, p.full_name, m.admitted_on FROM memberships m "
        "JOIN people p ON p.id = m.person_id "
        f"WHERE m.unit_id IN ({in_list(units)}) AND m.state = 'active' AND m.official_on IS NULL "
        "AND m.admitted_on IS NOT NULL ORDER BY m.admitted_on, p.name_key")
    return [ProbationRow(int(r[0]), int(r[1]), int(r[2]), str(r[3]), str(r[4])) for r in rows]


class MemberDutyReport(NamedTuple):
    period: str
    head_name: str  # the household's head
    status: str
    note: str | None


async def member_duty_reports(db: Database, person_id: int, year: int
                              ) -> list[MemberDutyReport]:
    """A member's household reports in the year."""
    rows = await db.fetch_all(
        "SELECT d.period, h.head_name, d.status, d.note FROM duty_reports d "
        "JOIN households h ON h.id = d.household_id WHERE d.person_id = ? "
        "AND d.period >= ? AND d.period <= ? ORDER BY d.period, h.head_name",
        (person_id, f"{year}-01", f"{year}-12"))
    return [MemberDutyReport(str(r[0]), str(r[1]), str(r[2]), r[3]) for r in rows]


@dataclass(frozen=True, slots=True)
class DutyCount:
    person_id: int
    unit_id: int
    full_name: str
    households: int
    reported: int
    problems: int


async def duty_counts(db: Database, units: Sequence[int], period: str) -> list[DutyCount]:
    """Per member with households: followed now, reported in ``period``, problems raised."""
    rows = await db.fetch_all(
        "SELECT a.person_id, h.unit_id, p.full_name, count(*), count(d.household_id), "
        "sum(CASE WHEN d.status = 'problem' THEN 1 ELSE 0 END) FROM assignments a "
        "JOIN households h ON h.id = a.household_id AND h.removed_at IS NULL "
        "JOIN people p ON p.id = a.person_id "
        "LEFT JOIN duty_reports d ON d.household_id = a.household_id AND d.period = ? "
        f"WHERE a.to_date IS NULL AND h.unit_id IN ({in_list(units)}) "
        "GROUP BY a.person_id, h.unit_id, p.id ORDER BY h.unit_id, p.name_key",
        (period,))
    return [DutyCount(int(r[0]), int(r[1]), str(r[2]), int(r[3]), int(r[4]), int(r[5] or 0))
            for r in rows]
