"""Linking a branch's Telegram group, and announcements to the whole branch.

Announcements never carry personal data. A broadcast goes to every active,
bound member and to the linked group through the outbox; once every row has
settled, the officer who sent it gets the delivery count.
"""

from __future__ import annotations

import json

from bot.core.access import Actor
from bot.core.errors import Invalid
from bot.core.permissions import Permission, acting_branch, require, unit_or_fail
from bot.core.services import Services
from bot.texts import t
from storage import audit, marks, outbox, people, units
from storage import zalo as zalo_store
from storage.outbox import Envelope, OutgoingMessage
from storage.people import MemberRow

MAX_BROADCAST = 3500


async def link_group(services: Services, actor: Actor, group_chat_id: int) -> str:
    """Link the group the command was sent in to the officer's branch; returns its name."""
    unit_id = acting_branch(actor, Permission.BROADCAST)
    unit = await unit_or_fail(services, unit_id)
    async with services.db.transaction() as conn:
        await units.link_group(conn, unit_id=unit_id, group_chat_id=group_chat_id)
        await audit.write(conn, at=services.clock.now(), actor_id=actor.telegram_user_id,
                          action="group.link", unit_id=unit_id)
    return unit.name


async def broadcast(services: Services, actor: Actor, text: str) -> int:
    """Queue an announcement to the branch; returns how many people it goes to."""
    unit_id = acting_branch(actor, Permission.BROADCAST)
    require(actor, Permission.BROADCAST, branch=unit_id)
    body = text.strip()
    if not body:
        raise Invalid("broadcast_usage")
    if len(body) > MAX_BROADCAST:
        raise Invalid("text_too_long", limit=MAX_BROADCAST)
    unit = await unit_or_fail(services, unit_id)
    now = services.clock.now()
    members = await _reachable(services, unit_id)
    langs = await services.languages_of(m.person_id for m in members)
    async with services.db.transaction() as conn:
        broadcast_id = await audit.write(
            conn, at=now, actor_id=actor.telegram_user_id, unit_id=unit_id, action="broadcast",
            detail=json.dumps({"recipients": len(members)}))
        envelopes = []
        for m in members:
            lang = langs[m.person_id]
            message = OutgoingMessage(t(lang, "broadcast_header", unit=unit.name) + "\n\n" + body)
            envelopes.append(Envelope(key=f"broadcast:{broadcast_id}:{m.person_id}",
                                      chat_id=m.telegram_user_id or 0, kind="broadcast",
                                      message=message, person_id=m.person_id, unit_id=unit_id))
        if unit.group_chat_id is not None:
            lang = services.config.bot.language
            envelopes.append(Envelope(
                key=f"broadcast:{broadcast_id}:group", chat_id=unit.group_chat_id,
                kind="group", unit_id=unit_id,
                message=OutgoingMessage(t(lang, "broadcast_header", unit=unit.name) + "\n\n"
                                        + body)))
        await outbox.enqueue(conn, envelopes, now)
    services.sender.wake()
    return len(members)


async def report_broadcasts(services: Services) -> None:
    """Tell each broadcast's author how it went, once all its messages have settled."""
    rows = await audit.unmarked(services.db, action="broadcast",
                                mark_prefix="broadcast-report:", limit=20)
    for row in rows:
        broadcast_id, author, unit_id = row.id, row.actor_id, row.unit_id
        assert unit_id is not None  # broadcast() always names the branch
        prefix = f"broadcast:{broadcast_id}:"
        states = await outbox.deliveries_under(services.db, prefix=prefix,
                                               exclude_key=prefix + "group")
        if any(s.state in ("pending", "sending") for s in states) or author is None:
            continue
        sent = sum(1 for s in states if s.state == "sent")
        failed = [str(s.full_name) for s in states if s.state != "sent" and s.full_name]
        total = len(states) + await _unbound(services, unit_id)
        lang = await services.language(int(author))
        text = t(lang, "broadcast_report", sent=sent, total=total)
        unreachable = failed + await _unbound_names(services, unit_id)
        if unreachable:
            text += " " + t(lang, "broadcast_unreachable", count=len(unreachable),
                            names=", ".join(unreachable))
        now = services.clock.now()
        async with services.db.transaction() as conn:
            if not await marks.mark_once(conn, f"broadcast-report:{broadcast_id}", now):
                continue
            person = await people.by_telegram(services.db, int(author))
            await outbox.enqueue(conn, [Envelope(
                key=f"broadcast-report:{broadcast_id}", chat_id=int(author), kind="report",
                message=OutgoingMessage(text), person_id=person.id if person else None,
                unit_id=unit_id)], now)


async def _reachable(services: Services, unit_id: int) -> list[MemberRow]:
    """Active members the bot can write to: on Telegram, or on Zalo (the outbox
    addresses each on their channel)."""
    everyone = await people.members_of(services.db, unit_id)
    on_zalo = await zalo_store.linked(services.db, [m.person_id for m in everyone
                                                    if m.telegram_user_id is None])
    return [m for m in everyone if m.telegram_user_id is not None or m.person_id in on_zalo]


async def _unbound_names(services: Services, unit_id: int) -> list[str]:
    reachable = {m.person_id for m in await _reachable(services, unit_id)}
    return [m.full_name for m in await people.members_of(services.db, unit_id)
            if m.person_id not in reachable]


async def _unbound(services: Services, unit_id: int) -> int:
    return len(await _unbound_names(services, unit_id))
