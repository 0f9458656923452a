"""Meetings follow membership: a member added, imported, transferred in or returning is
invited at once to the branch's upcoming meetings; a member transferred out has the old
branch's upcoming invitations withdrawn; a transfer is told to the member and to both
branches' officers (names only, never to a group), through the outbox like every notice.
"""

from __future__ import annotations

from bot.core import formatting as fmt
from bot.core.clock import epoch
from bot.core.permissions import unit_or_fail
from bot.core.services import Services
from bot.meetings import texts as mt
from bot.meetings.service import envelope, recipients, send_documents
from bot.texts import t
from storage import meetings as store
from storage import outbox, people, roles
from storage.db import Connection
from storage.meetings import MeetingRow
from storage.outbox import Envelope, OutgoingMessage
from storage.units import UnitRow


async def invite_to_upcoming(services: Services, person_id: int,
                             unit_id: int) -> list[MeetingRow]:
    """Invite an active member to every upcoming meeting of ``unit_id`` (idempotent)."""
    member = await people.member(services.db, unit_id, person_id)
    if member is None or member.state != "active":
        return []
    upcoming = await store.of_unit(services.db, unit_id, since=services.clock.now())
    if not upcoming:
        return []
    async with services.db.transaction() as conn:
        for meeting in upcoming:
            await store.invite(conn, meeting.id, [(person_id, "member", member.standing)])
    await send_invitations_to(services, person_id, upcoming)
    return upcoming


async def send_invitations_to(services: Services, person_id: int,
                              meetings: list[MeetingRow] | None = None) -> int:
    """The invitation messages of one person's upcoming meetings (all of them when
    ``meetings`` is None: an account just bound); keyed like the first sending, so a
    message already sent is never sent twice."""
    if meetings is None:
        meetings = [m for m, _ in await store.upcoming_for_person(
            services.db, person_id, services.clock.now())]
    sent = 0
    async with services.db.transaction() as conn:
        for meeting in meetings:
            unit = await unit_or_fail(services, meeting.unit_id)
            mine = [(inv, lang) for inv, lang in await recipients(services, meeting.id)
                    if inv.person_id == person_id]
            for inv, lang in mine:
                message = mt.invitation(meeting, unit.name, inv, services.tz, lang)
                sent += await outbox.enqueue(conn, [envelope(
                    f"invite:{meeting.id}:{epoch(meeting.starts_at)}:{person_id}", inv,
                    message, meeting, "invite")], services.clock.now())
            if mine:
                await send_documents(conn, services, meeting, unit,
                                     await store.documents(services.db, meeting.id))
    services.sender.wake()
    return sent


async def withdraw_upcoming(conn: Connection, services: Services, person_id: int,
                            meetings: list[MeetingRow]) -> None:
    """Unsent messages about the old branch's upcoming meetings are skipped (the
    invitations themselves fall outside the person's period and are listed no more)."""
    for meeting in meetings:
        await store.skip_pending_for(conn, meeting.id, person_id)


async def invited_upcoming(services: Services, person_id: int,
                           unit_id: int) -> list[MeetingRow]:
    """The person's upcoming invitations in one branch (before a transfer ends them)."""
    return [m for m, _ in await store.upcoming_for_person(services.db, person_id,
                                                          services.clock.now())
            if m.unit_id == unit_id]


async def after_transfer(services: Services, person_id: int, full_name: str,
                         old: UnitRow, new: UnitRow, withdrawn: list[MeetingRow]) -> None:
    """Withdraw the old branch's invitations, invite to the new branch's meetings, and
    tell the member and both branches' officers."""
    now = services.clock.now()
    tz = services.tz
    day = fmt.day(now.astimezone(tz).date())
    async with services.db.transaction() as conn:
        await withdraw_upcoming(conn, services, person_id, withdrawn)
    invited = await invite_to_upcoming(services, person_id, new.id)
    stamp = int(now.timestamp())
    envelopes: list[Envelope] = []
    record = await people.person(services.db, person_id)
    if record is not None and record.reachable:
        lang = await services.language_of(person_id)
        lines = [t(lang, "transfer_member", old=old.name, new=new.name, day=day)]
        if withdrawn:
            lines.append(t(lang, "transfer_withdrawn", old=old.name, meetings=", ".join(
                mt.when(m, tz, lang) for m in withdrawn)))
        if invited:
            lines.append(t(lang, "transfer_invited", count=len(invited)))
        envelopes.append(Envelope(key=f"transfer:{person_id}:{new.id}:{stamp}:member",
                                  chat_id=record.chat_id, kind="notice",
                                  person_id=person_id, unit_id=new.id,
                                  message=OutgoingMessage("\n".join(lines))))
    for unit, key in ((old, "transfer_officers_out"), (new, "transfer_officers_in")):
        officers = [o for o in await roles.branch_officers(services.db, unit.id)
                    if o.person_id != person_id]
        langs = await services.languages_of(o.person_id for o in officers)
        for officer in officers:
            lang = langs[officer.person_id]
            envelopes.append(Envelope(
                key=f"transfer:{person_id}:{new.id}:{stamp}:{officer.person_id}",
                chat_id=officer.telegram_user_id, kind="notice", person_id=officer.person_id,
                unit_id=unit.id, message=OutgoingMessage(t(
                    lang, key, name=full_name, old=old.name, new=new.name, day=day))))
    async with services.db.transaction() as conn:
        await outbox.enqueue(conn, envelopes, now)
    services.sender.wake()
