"""Linking a Zalo account to a person: the code, "who you would join as", then ``1``.

The same binding rules as the Telegram link: a used, expired, replaced or unknown code
is refused with a clear line; an invitation's code and its link are one invitation, so
using either spends both. Wrong codes are counted per Zalo user and refused past
``[zalo] code_attempts_per_hour``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.core.access import Actor
from bot.core.errors import Invalid
from bot.core.services import Services
from bot.zalo import codes
from storage import people, units
from storage import zalo as store
from storage.zalo import ZaloCode

ATTEMPT_WINDOW = timedelta(hours=1)


@dataclass(frozen=True)
class Linking:
    """Who the code would link the Zalo account to."""

    code_id: int
    person_id: int
    full_name: str
    unit_name: str


async def _check(services: Services, code: ZaloCode) -> tuple[str, int | None]:
    """(the unit's name, the invitation to spend) if the code may be used now."""
    now = services.clock.now()
    if code.used_at is not None:
        raise Invalid("zalo_code_used")
    if code.expires_at <= now:
        raise Invalid("zalo_code_expired")
    if code.invite_id is not None:
        invite = await store.invite_of_code(services.db, code.invite_id)
        if invite is None:
            raise Invalid("zalo_code_unknown")
        if invite.revoked:
            raise Invalid("zalo_code_revoked")
        if invite.used:
            raise Invalid("zalo_code_used")
        if invite.expires_at <= now:
            raise Invalid("zalo_code_expired")
        if invite.unit_kind != "branch":
            raise Invalid("zalo_code_officer")
        return invite.unit_name, code.invite_id
    homes = await people.memberships_of_person(services.db, code.person_id)
    unit = await units.get_unit(services.db, homes[0].unit_id) if homes else None
    return (unit.name if unit else ""), None


async def _refuse_other_person(services: Services, zalo_user_id: str, person_id: int) -> None:
    """One Zalo account, one person: an account already linked to a member is not moved
    to another person's invitation. A member of two branches ("213") is one person, so a
    second branch's code from that account is refused clearly (the secretary records the
    second branch) rather than silently unlinking the first."""
    bound = await store.person_by_zalo(services.db, zalo_user_id)
    if bound is not None and bound.id != person_id:
        raise Invalid("zalo_account_bound_other", name=bound.full_name)


async def offer(services: Services, zalo_user_id: str, typed: str) -> Linking:
    """A code typed on Zalo: who it would link, remembered until the member replies 1."""
    now = services.clock.now()
    limit = services.config.zalo.code_attempts_per_hour
    if await store.attempts_since(services.db, zalo_user_id, now - ATTEMPT_WINDOW) >= limit:
        raise Invalid("zalo_code_wait")
    bare = codes.normalize(typed)
    code = await store.code_by_hash(services.db, codes.hash_code(bare)) if bare else None
    if code is None:
        await store.add_attempt(services.db, zalo_user_id, now)
        raise Invalid("zalo_code_unknown")
    try:
        unit_name, _ = await _check(services, code)
    except Invalid:
        await store.add_attempt(services.db, zalo_user_id, now)
        raise
    record = await people.person(services.db, code.person_id)
    if record is None or record.erased:
        raise Invalid("zalo_code_unknown")
    await _refuse_other_person(services, zalo_user_id, code.person_id)
    await store.set_pending(services.db, zalo_user_id, code.id, now)
    return Linking(code.id, code.person_id, record.full_name, unit_name)


async def confirm(services: Services, zalo_user_id: str) -> Linking | None:
    """The member replied 1 after a code: bind (None when no code is waiting)."""
    code_id = await store.pending(services.db, zalo_user_id)
    if code_id is None:
        return None
    code = await store.code_by_id(services.db, code_id)
    if code is None:
        return None
    now = services.clock.now()
    try:
        unit_name, invite_id = await _check(services, code)
        await _refuse_other_person(services, zalo_user_id, code.person_id)
    except Invalid:
        async with services.db.transaction() as conn:
            await store.clear_pending(conn, zalo_user_id)
        raise
    record = await people.person(services.db, code.person_id)
    assert record is not None
    async with services.db.transaction() as conn:
        if not await store.take_code(conn, code.id, zalo_user_id, now):
            raise Invalid("zalo_code_used")
        if invite_id is not None and not await store.take_invite(conn, invite_id, now):
            raise Invalid("zalo_code_used")
        await store.bind(conn, code.person_id, zalo_user_id)
        await store.clear_pending(conn, zalo_user_id)
    return Linking(code.id, code.person_id, record.full_name, unit_name)


async def code_for(services: Services, actor: Actor) -> tuple[str, datetime]:
    """``/zalo``: a code for a member already on Telegram to add their Zalo account."""
    if not services.config.zalo.enabled:
        raise Invalid("zalo_code_off")
    if actor.person_id is None:
        raise Invalid("not_registered")
    now = services.clock.now()
    expires = now + timedelta(days=services.config.invites.expire_days)
    async with services.db.transaction() as conn:
        code = await codes.issue(conn, person_id=actor.person_id, invite_id=None, now=now,
                                 expires_at=expires)
    return code, expires


async def choose_channel(services: Services, actor: Actor, channel: str) -> str:
    """``/zalo telegram`` or ``/zalo zalo`` from Telegram: where messages come."""
    if actor.person_id is None:
        raise Invalid("not_registered")
    if channel == "zalo":
        address = await store.zalo_address(services.db, actor.person_id)
        if address is None:
            raise Invalid("zalo_not_linked_yet")
    await store.set_channel(services.db, actor.person_id, channel)
    return channel


async def channel_of(services: Services, actor: Actor) -> str | None:
    """Where the caller's messages go, for ``/me`` (None while Zalo is off)."""
    if not services.config.zalo.enabled or actor.person_id is None:
        return None
    person = await store.person(services.db, actor.person_id)
    return person.channel if person is not None else None
