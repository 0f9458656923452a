"""Everything the bot keeps about one person, read for a data-protection export.

Each part is a list of plain rows (column name -> stored value), JSON-ready as
they are: the export shows what is stored, as it is stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from storage.db import Database

Record = dict[str, Any]


@dataclass(frozen=True, slots=True)
class PersonalData:
    person: Record
    language: str | None
    memberships: list[Record]
    committee_roles: list[Record]
    follows: list[Record]
    invitations: list[Record]
    attendance: list[Record]
    households: list[Record]
    duty_reports: list[Record]
    dues: list[Record]


async def _rows(db: Database, sql: str, person_id: int) -> list[Record]:
    return [dict(r) for r in await db.fetch_all(sql, (person_id,))]


async def personal_data(db: Database, *, person_id: int) -> PersonalData | None:
    """Every row about the person, or None when there is no such person."""
    record = await db.fetch_one(
        "SELECT id, full_name, birth_date, phone, telegram_user_id IS NOT NULL AS telegram_linked,"
        " created_at, erased_at, unreachable_since FROM people WHERE id = ?",
        (person_id,),
    )
    if record is None:
        return None
    return PersonalData(
        person=dict(record),
        language=await db.fetch_value(
            "SELECT language FROM user_prefs WHERE telegram_user_id = "
            "(SELECT telegram_user_id FROM people WHERE id = ?)",
            (person_id,),
        ),
        memberships=await _rows(
            db,
            "SELECT u.name AS branch, m.role, m.admitted_on, m.official_on, m.is_away, "
            "m.is_exempt, m.is_213, m.state, m.joined_at, m.ended_at FROM memberships m "
            "JOIN units u ON u.id = m.unit_id WHERE m.person_id = ?",
            person_id,
        ),
        committee_roles=await _rows(
            db,
            "SELECT u.name AS committee, c.role, c.since FROM committee_officers c "
            "JOIN units u ON u.id = c.unit_id WHERE c.person_id = ?",
            person_id,
        ),
        follows=await _rows(
            db,
            "SELECT u.name AS branch, f.since, f.until FROM followers f "
            "JOIN units u ON u.id = f.unit_id WHERE f.person_id = ?",
            person_id,
        ),
        invitations=await _rows(
            db,
            "SELECT m.starts_at, u.name AS branch, m.kind, i.capacity, i.standing, i.answer, "
            "i.reason, i.answered_at FROM invitations i JOIN meetings m ON m.id = i.meeting_id "
            "JOIN units u ON u.id = m.unit_id WHERE i.person_id = ? ORDER BY m.starts_at",
            person_id,
        ),
        attendance=await _rows(
            db,
            "SELECT m.starts_at, u.name AS branch, a.status, a.reason FROM attendance a "
            "JOIN meetings m ON m.id = a.meeting_id JOIN units u ON u.id = m.unit_id "
            "WHERE a.person_id = ? ORDER BY m.starts_at",
            person_id,
        ),
        households=await _rows(
            db,
            "SELECT h.head_name, h.address, a.from_date, a.to_date FROM assignments a "
            "JOIN households h ON h.id = a.household_id WHERE a.person_id = ?",
            person_id,
        ),
        duty_reports=await _rows(
            db,
            "SELECT d.period, h.head_name AS household, d.status, d.note, d.reported_at "
            "FROM duty_reports d JOIN households h ON h.id = d.household_id "
            "WHERE d.person_id = ? ORDER BY d.period",
            person_id,
        ),
        dues=await _rows(
            db,
            "SELECT d.period, u.name AS branch, d.amount, d.paid_at FROM dues d "
            "JOIN units u ON u.id = d.unit_id WHERE d.person_id = ? ORDER BY d.period",
            person_id,
        ),
    )
