"""Who a Telegram account is: the bound person and the roles they hold."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

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


@dataclass
class AccountFacts:
    """Everything the bot needs to know about a Telegram account, read in one query."""

    person: PersonRow | None = None
    memberships: list[MembershipRole] | None = None
    committee: list[CommitteeRole] | None = None
    follows: list[int] | None = None
    language: str | None = None


_ACCOUNT_SQL = """
WITH me AS (SELECT id, full_name FROM people WHERE telegram_user_id = :tg AND erased_at IS NULL)
SELECT 'p' AS k, id AS unit, full_name AS v FROM me
UNION ALL SELECT 'm', m.unit_id, m.role FROM memberships m JOIN me ON me.id = m.person_id
    WHERE m.state = 'active'
UNION ALL SELECT 'c', c.unit_id, c.role FROM committee_officers c JOIN me ON me.id = c.person_id
UNION ALL SELECT 'f', f.unit_id, NULL FROM followers f JOIN me ON me.id = f.person_id
    WHERE f.until IS NULL
UNION ALL SELECT 'l', NULL, language FROM user_prefs WHERE telegram_user_id = :tg
"""


async def account_facts(db: Database, telegram_user_id: int) -> AccountFacts:
    facts = AccountFacts(memberships=[], committee=[], follows=[])
    assert facts.memberships is not None and facts.committee is not None
    assert facts.follows is not None
    for kind, unit, value in await db.fetch_all(_ACCOUNT_SQL, {"tg": telegram_user_id}):
        if kind == "p":
            facts.person = PersonRow(int(unit), str(value), telegram_user_id)
        elif kind == "m":
            facts.memberships.append(MembershipRole(int(unit), str(value)))
        elif kind == "c":
            facts.committee.append(CommitteeRole(int(unit), str(value)))
        elif kind == "f":
            facts.follows.append(int(unit))
        else:
            facts.language = str(value)
    return facts


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


@dataclass(frozen=True, slots=True)
class Recipient:
    person_id: int
    full_name: str
    telegram_user_id: int
    unit_id: int


async def branch_officers(db: Database, unit_id: int) -> list[Recipient]:
    """Bound officers (secretary, deputy, committee member) of a branch, reachable on
    Telegram or Zalo. ``telegram_user_id`` is 0 for an officer only on Zalo:
    envelopes carry the officer's ``person_id`` and ``outbox.enqueue`` addresses each one
    on the officer's preferred channel, so callers need not know the channel."""
    rows = await db.fetch_all(
        "SELECT p.id, p.full_name, p.telegram_user_id, m.unit_id FROM memberships m "
        "JOIN people p ON p.id = m.person_id "
        "WHERE m.unit_id = ? AND m.state = 'active' AND m.role != 'member' "
        "AND (p.telegram_user_id IS NOT NULL OR p.zalo_user_id IS NOT NULL) "
        "AND p.erased_at IS NULL ORDER BY p.id",
        (unit_id,),
    )
    return [Recipient(r[0], r[1], int(r[2] or 0), r[3]) for r in rows]


class BranchName(NamedTuple):
    id: int
    name: str


async def branches_of(db: Database, person_id: int) -> list[BranchName]:
    """The branches where the person is active."""
    rows = await db.fetch_all(
        "SELECT u.id, u.name FROM memberships m JOIN units u ON u.id = m.unit_id "
        "WHERE m.person_id = ? AND m.state = 'active' ORDER BY u.id",
        (person_id,),
    )
    return [BranchName(int(r[0]), str(r[1])) for r in rows]


async def person_name(db: Database, person_id: int) -> str | None:
    value = await db.fetch_value("SELECT full_name FROM people WHERE id = ?", (person_id,))
    return None if value is None else str(value)
