"""Units, personal invite links and joining: the rules, without Telegram.

Invite tokens carry 144 random bits (``secrets.token_urlsafe(18)``, 24 chars of
``A-Za-z0-9_-``); only their SHA-256 is stored, so a database copy cannot be
used to join. A token is shown once, to whoever created it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from bot.core import hooks
from bot.core.access import Actor
from bot.core.clock import today_in
from bot.core.errors import Invalid
from bot.core.names import clean_name, name_key
from bot.core.permissions import Permission, authorize, require, unit_or_fail
from bot.core.services import Services
from bot.core.tokens import hash_token, invite_link, new_token
from bot.zalo import codes as zalo_codes
from storage import audit, invites, people, units
from storage.invites import InviteRow
from storage.units import UnitRow

BRANCH_ROLES = ("secretary", "deputy", "committee_member", "member")
COMMITTEE_ROLES = ("standing", "member")


@dataclass(frozen=True)
class IssuedInvite:
    invite_id: int
    person_id: int
    unit_id: int
    unit_name: str
    full_name: str
    role: str
    token: str
    link: str
    expires_at: datetime
    zalo_code: str | None = None  # "XXXX-XXXX" when the Zalo channel is enabled


class InviteState(Enum):
    VALID = "valid"
    USED = "used"
    EXPIRED = "expired"
    REVOKED = "revoked"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class InvitePreview:
    state: InviteState
    invite: InviteRow | None = None
    full_name: str = ""
    unit_name: str = ""
    unit_kind: str = ""


@dataclass(frozen=True)
class Joined:
    full_name: str
    unit_name: str
    role: str
    second_branch: bool = False  # joined besides the branch they belong to
    official_here: bool = False  # ... and this one is the official membership, not the 213


@dataclass(frozen=True)
class SecondBranch:
    """The account already belongs to a member of other branches: the link offers to
    join this branch too, as a "213" member, with the same account."""

    person_id: int
    full_name: str
    home_units: list[str]
    official_here: bool = False  # every other membership is a "213" relation: this one is


# --- units ---------------------------------------------------------------------------


async def create_unit(
    services: Services, actor: Actor, *, kind: str, name: str, parent_id: int | None
) -> UnitRow:
    """Admins create committees (top level) and branches (under a committee)."""
    require(actor, Permission.ADMIN_UNITS)
    try:
        clean = clean_name(name)
    except Invalid as err:  # the person-name wording would confuse here
        if err.key != "name_invalid":
            raise
        raise Invalid("unit_name_invalid") from None
    same = [u for u in await units.all_units(services.db) if u.name.casefold() == clean.casefold()]
    if same:
        raise Invalid("unit_name_taken", name=same[0].name, id=same[0].id)
    if kind == "committee":
        parent_id = None
    elif kind == "branch":
        parent = await units.get_unit(services.db, parent_id) if parent_id else None
        if parent is None or parent.kind != "committee":
            raise Invalid("unit_parent_needed")
    else:
        raise Invalid("unit_kind_invalid")
    async with services.db.transaction() as conn:
        unit_id = await units.create_unit(conn, kind=kind, name=clean, parent_id=parent_id,
                                          now=services.clock.now(),
                                          record_start=today_in(services).replace(day=1))
    unit = await units.get_unit(services.db, unit_id)
    assert unit is not None
    return unit


@dataclass(frozen=True)
class UnitSummary:
    unit: UnitRow
    members: int | None  # active members of a branch; None for a committee


async def units_overview(services: Services, actor: Actor) -> list[UnitSummary]:
    """For admins: every unit, each branch with its active members (one query for all)."""
    require(actor, Permission.ADMIN_UNITS)
    rows = await units.all_units(services.db)
    counts = await units.active_member_counts(services.db)
    return [UnitSummary(u, None if u.kind == "committee" else counts.get(u.id, 0))
            for u in rows]


async def admin_units(services: Services, actor: Actor, kind: str | None = None
                      ) -> list[UnitRow]:
    """For admins: every unit (or every unit of one ``kind``), to pick one from."""
    require(actor, Permission.ADMIN_UNITS)
    return [u for u in await units.all_units(services.db) if kind is None or u.kind == kind]


async def appoint_target(services: Services, actor: Actor, unit_id: int) -> UnitRow:
    """For admins: the unit they are about to appoint a first officer to."""
    return await authorize(services, actor, Permission.ADMIN_UNITS, unit_id)


# --- invites ---------------------------------------------------------------------------


async def issue_invite(
    services: Services,
    *,
    unit_id: int,
    full_name: str,
    role: str = "member",
    created_by: int | None = None,
    person_id: int | None = None,
    undelivered: bool = False,
) -> IssuedInvite:
    """A fresh personal link for ``full_name`` in a unit (no permission check: callers do).
    ``undelivered``: the link is part of a file still to be sent (a list import).

    In a branch, an unbound member with that name gets a new link (older ones are
    revoked); otherwise the member is created. In a committee, the link appoints a
    committee officer.
    """
    unit = await unit_or_fail(services, unit_id)
    if unit.kind == "branch" and role not in BRANCH_ROLES:
        raise Invalid("role_invalid")
    if unit.kind == "committee" and role not in COMMITTEE_ROLES:
        role = "standing" if role == "secretary" else "member"
    now = services.clock.now()
    clean = clean_name(full_name)
    token = new_token()
    expires = now + timedelta(days=services.config.invites.expire_days)
    async with services.db.transaction() as conn:
        if person_id is None and unit.kind == "branch":
            for existing in await people.find_in_unit(services.db, unit_id, name_key(clean)):
                if existing.telegram_user_id is None:
                    person_id = existing.person_id
                    break
        if person_id is None and unit.kind == "branch":
            # Leave and return: a person who belonged here comes back as the same person
            # (dates, Telegram account), in a new membership period from today.
            former = await people.former_in_unit(services.db, unit_id, name_key(clean))
            if len(former) == 1:
                person_id = former[0]
                await people.reopen_membership(conn, person_id, unit_id, now)
        if person_id is None:
            person_id = await people.add_person(conn, full_name=clean, name_key=name_key(clean),
                                                now=now)
            if unit.kind == "branch":
                await people.add_membership(conn, person_id=person_id, unit_id=unit_id,
                                            now=now, role=role)
        else:
            await invites.revoke_pending(conn, person_id, now)
            if unit.kind == "branch" and role != "member":
                row = await people.member(services.db, unit_id, person_id)
                if row is not None:
                    await people.set_role(conn, row.membership_id, role)
        invite_id = await invites.create(
            conn, token_hash=hash_token(token), person_id=person_id, unit_id=unit_id,
            role=role, created_by=created_by, now=now, expires_at=expires,
            undelivered=undelivered,
        )
        zalo_code = None
        if services.config.zalo.enabled:  # the same invitation, typed on Zalo
            zalo_code = await zalo_codes.issue(conn, person_id=person_id, invite_id=invite_id,
                                               now=now, expires_at=expires)
    if unit.kind == "branch":  # a late joiner is invited to the meetings ahead at once
        await hooks.membership().invite_to_upcoming(services, person_id, unit_id)
    record = await people.person(services.db, person_id)
    assert record is not None
    return IssuedInvite(
        invite_id=invite_id, person_id=person_id, unit_id=unit_id, unit_name=unit.name,
        full_name=record.full_name, role=role, token=token,
        link=invite_link(services.bot_username, token), expires_at=expires,
        zalo_code=zalo_code,
    )


async def officer_invite(services: Services, actor: Actor, unit_id: int,
                         full_name: str) -> IssuedInvite:
    require(actor, Permission.MANAGE_MEMBERS, branch=unit_id)
    matches = await people.find_in_unit(services.db, unit_id, name_key(clean_name(full_name)))
    if matches and all(m.telegram_user_id is not None for m in matches):
        raise Invalid("invite_already_joined", name=matches[0].full_name)
    return await issue_invite(services, unit_id=unit_id, full_name=full_name,
                              created_by=actor.person_id)


async def appoint(services: Services, actor: Actor, unit_id: int, full_name: str) -> IssuedInvite:
    """Admins invite a unit's first secretary (branch) or standing officer (committee)."""
    unit = await authorize(services, actor, Permission.ADMIN_UNITS, unit_id)
    role = "secretary" if unit.kind == "branch" else "standing"
    return await issue_invite(services, unit_id=unit_id, full_name=full_name, role=role,
                              created_by=actor.person_id)


async def preview(services: Services, token: str) -> InvitePreview:
    invite = await invites.by_hash(services.db, hash_token(token))
    if invite is None:
        return InvitePreview(InviteState.UNKNOWN)
    state = InviteState.VALID
    if invite.revoked_at is not None:
        state = InviteState.REVOKED
    elif invite.used_at is not None:
        state = InviteState.USED
    elif invite.expires_at <= services.clock.now():
        state = InviteState.EXPIRED
    record = await people.person(services.db, invite.person_id)
    unit = await units.get_unit(services.db, invite.unit_id)
    return InvitePreview(state, invite, record.full_name if record else "",
                         unit.name if unit else "", unit.kind if unit else "")


async def second_branch(services: Services, seen: InvitePreview,
                        telegram_user_id: int) -> SecondBranch | None:
    """A branch link opened by the account of a member of *other* branches, for the same
    name: one person in two branches ("213"), not a second person."""
    if seen.invite is None or seen.unit_kind != "branch":
        return None
    bound = await people.by_telegram(services.db, telegram_user_id)
    if bound is None or bound.id == seen.invite.person_id:
        return None
    invited = await people.person(services.db, seen.invite.person_id)
    if invited is None or invited.telegram_user_id is not None:
        return None
    if name_key(invited.full_name) != bound.name_key:
        return None
    homes = await people.memberships_of_person(services.db, bound.id)
    if not homes or any(m.unit_id == seen.invite.unit_id for m in homes):
        return None
    names = []
    for home in homes:
        unit = await units.get_unit(services.db, home.unit_id)
        if unit is not None:
            names.append(unit.name)
    # Exactly one official membership: if the branch where they live already marked them
    # "213", the branch joined now (where they work) is the official one.
    official_here = all(home.is_213 for home in homes)
    return SecondBranch(bound.id, bound.full_name, names, official_here)


async def check_account(services: Services, seen: InvitePreview,
                        telegram_user_id: int) -> SecondBranch | None:
    """Refuse early when this Telegram account already belongs to someone else; a member
    of other branches opening a link for their own name may join as 213."""
    if seen.invite is None or seen.unit_kind == "committee":
        return None
    bound = await people.by_telegram(services.db, telegram_user_id)
    if bound is not None and bound.id != seen.invite.person_id:
        second = await second_branch(services, seen, telegram_user_id)
        if second is None:
            raise Invalid("account_bound_other", name=bound.full_name)
        return second
    return None


async def redeem(services: Services, token: str, telegram_user_id: int) -> Joined:
    """Bind the Telegram account to the invited person; the link is then spent."""
    seen = await preview(services, token)
    if seen.state is not InviteState.VALID or seen.invite is None:
        raise Invalid(f"invite_{seen.state.value}")
    invite = seen.invite
    now = services.clock.now()
    bound = await people.by_telegram(services.db, telegram_user_id)
    committee = seen.unit_kind == "committee"
    second = await second_branch(services, seen, telegram_user_id)
    if second is not None:
        return await _join_second_branch(services, seen, invite, second, telegram_user_id)
    if bound is not None and bound.id != invite.person_id and not committee:
        raise Invalid("account_bound_other", name=bound.full_name)
    async with services.db.transaction() as conn:
        if not await invites.mark_used(conn, invite.id, telegram_user_id, now):
            raise Invalid("invite_used")
        person_id = invite.person_id
        if committee and bound is not None and bound.id != invite.person_id:
            # An officer already known to the bot takes a committee role: no second person.
            await invites.reassign(conn, invite_id=invite.id, person_id=bound.id)
            await people.delete_if_unused(conn, person_id=invite.person_id)
            person_id = bound.id
        else:
            await people.release_account(conn, telegram_user_id=telegram_user_id,
                                         keeper_id=person_id)
            await people.bind_telegram(conn, person_id, telegram_user_id)
        if committee:
            await people.add_committee_officer(conn, person_id, invite.unit_id, invite.role, now)
    await hooks.membership().send_invitations_to(services, person_id)  # invited before the link
    return Joined(seen.full_name, seen.unit_name, invite.role)


async def _join_second_branch(services: Services, seen: InvitePreview, invite: InviteRow,
                              second: SecondBranch, telegram_user_id: int) -> Joined:
    """The record the second branch made for this person becomes part of the person the
    account belongs to; the new membership is the "213" relation (or, when the other
    branch already marked them 213, the official one) and keeps its own facts (the party
    dates of the first membership fill what the second branch did not know)."""
    now = services.clock.now()
    home = (await people.memberships_of_person(services.db, second.person_id))[0]
    async with services.db.transaction() as conn:
        if not await invites.mark_used(conn, invite.id, telegram_user_id, now):
            raise Invalid("invite_used")
        await people.merge_person(conn, invite.person_id, second.person_id)
        await people.start_second_membership(conn, second.person_id, invite.unit_id,
                                             admitted_on=home.admitted_on,
                                             official_on=home.official_on,
                                             relation=not second.official_here)
        await audit.write(conn, at=now, actor_id=telegram_user_id, unit_id=invite.unit_id,
                          action="member.join_213",
                          detail=f"person {second.person_id} (was {invite.person_id})")
    await hooks.membership().invite_to_upcoming(services, second.person_id, invite.unit_id)
    await hooks.membership().send_invitations_to(services, second.person_id)
    return Joined(second.full_name, seen.unit_name, invite.role, second_branch=True,
                  official_here=second.official_here)


