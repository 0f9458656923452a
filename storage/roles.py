"""Who a Telegram account is: the bound person and the roles they hold."""

from __future__ import annotations

from dataclasses import dataclass

from storage.db import Database


@dataclass(frozen=True, slots=True)
class PersonRow:
    id: int
    full_name: str
    telegram_user_id: int | None


@dataclass(frozen=True, slots=True)
class MembershipRole:
    unit_id: int
    role: str  # member | secretary | deputy | committee_member


@dataclass(frozen=True, slots=True)
class CommitteeRole:
    unit_id: int
    role: str  # standing | member


async def person_by_telegram(db: Database, telegram_user_id: int) -> PersonRow | None:
    row = await db.fetch_one(
        "SELECT id, full_name, telegram_user_id FROM people "
        "WHERE telegram_user_id = ? AND erased_at IS NULL",
        (telegram_user_id,),
    )
    return None if row is None else PersonRow(row["id"], row["full_name"], row["telegram_user_id"])


async def active_memberships(db: Database, person_id: int) -> list[MembershipRole]:
    rows = await db.fetch_all(
        "SELECT unit_id, role FROM memberships WHERE person_id = ? AND state = 'active' "
        "ORDER BY id",
        (person_id,),
    )
    return [MembershipRole(r["unit_id"], r["role"]) for r in rows]


async def committee_roles(db: Database, person_id: int) -> list[CommitteeRole]:
    rows = await db.fetch_all(
        "SELECT unit_id, role FROM committee_officers WHERE person_id = ? ORDER BY unit_id",
        (person_id,),
    )
    return [CommitteeRole(r["unit_id"], r["role"]) for r in rows]


async def followed_units(db: Database, person_id: int) -> list[int]:
    rows = await db.fetch_all(
        "SELECT unit_id FROM followers WHERE person_id = ? AND until IS NULL ORDER BY unit_id",
        (person_id,),
    )
    return [int(r["unit_id"]) for r in rows]
