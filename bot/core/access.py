"""Who is asking: the actor behind a Telegram account and the roles they hold.

The actor is read from the database on the server side; nothing the client sends
(callback data included) is trusted to say who someone is. What the roles allow is
decided in :mod:`bot.core.permissions`, not here and not by callers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from storage import roles
from storage.db import Database

OFFICER_ROLES = frozenset({"secretary", "deputy", "committee_member"})


@dataclass(frozen=True)
class Actor:
    telegram_user_id: int
    person_id: int | None = None
    full_name: str | None = None
    is_admin: bool = False
    branch_roles: dict[int, str] = field(default_factory=dict)  # unit id -> role
    committee_roles: dict[int, str] = field(default_factory=dict)  # unit id -> role
    followed_branches: tuple[int, ...] = ()
    language: str | None = None  # stored preference, if any

    @property
    def registered(self) -> bool:
        return self.person_id is not None

    @property
    def officer_branches(self) -> list[int]:
        return [unit for unit, role in self.branch_roles.items() if role in OFFICER_ROLES]

    @property
    def is_branch_officer(self) -> bool:
        return bool(self.officer_branches)

    @property
    def is_committee_officer(self) -> bool:
        return bool(self.committee_roles)

    def is_officer_of(self, branch_id: int) -> bool:
        return self.branch_roles.get(branch_id) in OFFICER_ROLES


async def resolve_actor(db: Database, telegram_user_id: int, admins: list[int]) -> Actor:
    facts = await roles.account_facts(db, telegram_user_id)
    is_admin = telegram_user_id in admins
    if facts.person is None:
        return Actor(telegram_user_id=telegram_user_id, is_admin=is_admin,
                     language=facts.language)
    return Actor(
        telegram_user_id=telegram_user_id,
        person_id=facts.person.id,
        full_name=facts.person.full_name,
        is_admin=is_admin,
        branch_roles={m.unit_id: m.role for m in facts.memberships or []},
        committee_roles={c.unit_id: c.role for c in facts.committee or []},
        followed_branches=tuple(facts.follows or []),
        language=facts.language,
    )
