"""Everything the bot keeps about one person, read for a data-protection export.

Each part is a list of plain rows (column name -> stored value), JSON-ready as
they are: the export shows what is stored, as it is stored.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, NamedTuple

from storage.db import Connection, Database
from storage.prefs import person_languages

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
        language=(await person_languages(db, [person_id])).get(person_id),
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


class TextColumn(NamedTuple):
    table: str
    column: str


async def text_columns(db: Database) -> list[TextColumn]:
    """Every text column of the schema, on either engine: the places personal data can
    be written to."""
    if db.engine == "sqlite":
        tables = await db.fetch_all(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name")
        found: list[TextColumn] = []
        for table in tables:
            for column in await db.fetch_all(f"PRAGMA table_info({table[0]})"):
                if str(column[2]).upper() == "TEXT":
                    found.append(TextColumn(str(table[0]), str(column[1])))
        return found
    rows = await db.fetch_all(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND data_type IN ('text', 'character varying') "
        "ORDER BY table_name, ordinal_position")
    return [TextColumn(str(r[0]), str(r[1])) for r in rows if r[0] != "schema_version"]


# A secret this short could match unrelated words: it is removed only from the person's
# own rows, not searched for everywhere.
_SHORTEST_SEARCHED = 4
_REMOVED = "…"


async def scrub(conn: Connection, person_id: int) -> None:
    """Remove the person's personal texts from where they were copied: messages in the
    outbox (alerts to officers carry a member's note or reason), other people's
    half-typed inputs, and audit details (a corrected phone's old → new). Called before
    the fields themselves are blanked (``people.erase_personal_data``)."""
    person = await conn.fetch_one(
        "SELECT phone, birth_date, telegram_user_id FROM people WHERE id = ?", (person_id,))
    if person is None:
        return
    secrets = {str(v) for v in (person[0], person[1]) if v}
    if person[1]:
        secrets.add(_dmy(str(person[1])))
    for sql in ("SELECT reason FROM invitations WHERE person_id = ? AND reason IS NOT NULL",
                "SELECT reason FROM attendance WHERE person_id = ? AND reason IS NOT NULL",
                "SELECT note FROM duty_reports WHERE person_id = ? AND note IS NOT NULL"):
        secrets |= {str(r[0]) for r in await conn.fetch_all(sql, (person_id,)) if r[0]}
    for secret in sorted(secrets, key=len, reverse=True):
        needles = {secret, json.dumps(secret, ensure_ascii=False)[1:-1]}
        for needle in needles:
            if len(secret) < _SHORTEST_SEARCHED:
                await conn.execute(
                    "UPDATE outbox SET payload = REPLACE(payload, ?, ?) WHERE person_id = ?",
                    (needle, _REMOVED, person_id))
                continue
            like = f"%{_escaped(needle)}%"
            await conn.execute(
                "UPDATE outbox SET payload = REPLACE(payload, ?, ?) "
                "WHERE payload LIKE ? ESCAPE '!'", (needle, _REMOVED, like))
            await conn.execute("DELETE FROM pending_inputs WHERE data LIKE ? ESCAPE '!'",
                               (like,))
            await conn.execute(
                "UPDATE audit_log SET detail = REPLACE(detail, ?, ?) "
                "WHERE detail LIKE ? ESCAPE '!'", (needle, _REMOVED, like))
    # Corrections of the record: "person N: old → new" keeps only who and when.
    await conn.execute("UPDATE audit_log SET detail = ? WHERE detail LIKE ?",
                       (f"person {person_id}", f"person {person_id}: %"))
    if person[2] is not None:
        await conn.execute("DELETE FROM user_prefs WHERE telegram_user_id = ?", (person[2],))
    # The language chosen on their Zalo account goes with the account.
    await conn.execute("DELETE FROM zalo_prefs WHERE zalo_user_id IN "
                       "(SELECT zalo_user_id FROM people WHERE id = ?)", (person_id,))


def _escaped(text: str) -> str:
    return text.replace("!", "!!").replace("%", "!%").replace("_", "!_")


def _dmy(iso: str) -> str:
    """``1985-03-12`` as messages show it: ``12/03/1985``."""
    year, _, rest = iso.partition("-")
    month, _, day = rest.partition("-")
    return f"{day}/{month}/{year}" if day else iso
