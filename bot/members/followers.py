"""Committee members assigned to follow a branch (cấp ủy viên phụ trách chi bộ).

Only an officer of the committee above a branch may assign its followers, and
only from that committee's own officers. Followers are told of each assignment and
its end (through the outbox), are invited to every upcoming meeting of the branch from
the day they are assigned (including meetings created before), and their presence is
counted per person in the committee's reports.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core import hooks
from bot.core.access import Actor
from bot.core.clock import epoch
from bot.core.errors import NotFound
from bot.core.permissions import Permission, committees_where, require, require_somewhere
from bot.core.services import Services
from bot.texts import t
from storage import audit, followers, outbox, people, units
from storage import meetings as meeting_store
from storage.db import Connection
from storage.meetings import MeetingRow
from storage.outbox import Envelope, OutgoingMessage
from storage.units import UnitRow


@dataclass(frozen=True)
class Candidate:
    person_id: int
    full_name: str
    following: bool


async def followable_branches(services: Services, actor: Actor) -> list[UnitRow]:
    require_somewhere(actor, Permission.ASSIGN_FOLLOWERS)
    result: list[UnitRow] = []
    for committee_id in committees_where(actor, Permission.ASSIGN_FOLLOWERS):
        result += await units.branches_of_committee(services.db, committee_id)
    return result


async def _branch(services: Services, actor: Actor, branch_id: int) -> UnitRow:
    branch = await units.get_unit(services.db, branch_id)
    if branch is None or branch.kind != "branch":
        raise NotFound("unit_not_found")
    require(actor, Permission.ASSIGN_FOLLOWERS, committee=branch.parent_id)
    return branch


async def candidates(services: Services, actor: Actor, branch_id: int) -> list[Candidate]:
    branch = await _branch(services, actor, branch_id)
    assert branch.parent_id is not None  # _branch checked the committee above it
    rows = await followers.candidates(services.db, branch_id=branch.id,
                                      committee_id=branch.parent_id)
    return [Candidate(r.person_id, r.full_name, r.following) for r in rows]


async def toggle_follow(services: Services, actor: Actor, branch_id: int,
                        person_id: int) -> tuple[UnitRow, Candidate]:
    branch = await _branch(services, actor, branch_id)
    current = {c.person_id: c for c in await candidates(services, actor, branch_id)}
    who = current.get(person_id)
    if who is None:
        raise NotFound()
    now = services.clock.now()
    upcoming = await meeting_store.of_unit(services.db, branch.id, since=now)
    async with services.db.transaction() as conn:
        if who.following:
            await followers.stop(conn, person_id=person_id, unit_id=branch.id, now=now)
        else:
            await followers.start(conn, person_id=person_id, unit_id=branch.id, now=now)
            for meeting in upcoming:
                await meeting_store.invite(conn, meeting.id, [(person_id, "follower", None)])
        await audit.write(conn, at=now, actor_id=actor.telegram_user_id,
                          action="follow.stop" if who.following else "follow.start",
                          unit_id=branch.id, detail=f"person {person_id}")
        await _tell(services, conn, branch, person_id, not who.following, upcoming)
    return branch, Candidate(who.person_id, who.full_name, not who.following)


async def _tell(services: Services, conn: Connection, branch: UnitRow,
                person_id: int, following: bool, upcoming: list[MeetingRow]) -> None:
    """The follower hears of the assignment (or its end) and, when assigned, gets the
    invitation to each upcoming meeting; all through the outbox, in the same transaction."""
    person = await people.person(services.db, person_id)
    if person is None or not person.reachable:
        return
    tg = person.chat_id  # 0 for a person only on Zalo: enqueue routes by person_id
    lang = await services.language_of(person_id)
    now = services.clock.now()
    stamp = epoch(now)
    key = "follow_assigned" if following else "follow_unassigned"
    envelopes = [Envelope(key=f"follow:{branch.id}:{person_id}:{stamp}:{int(following)}",
                          chat_id=int(tg), kind="follow", person_id=person_id,
                          unit_id=branch.id,
                          message=OutgoingMessage(t(lang, key, unit=branch.name,
                                                    count=len(upcoming))))]
    if following:
        for meeting in upcoming:
            inv = await meeting_store.invitation(services.db, meeting.id, person_id)
            if inv is None or inv.capacity != "follower":
                continue  # already invited as a member of the branch
            envelopes.append(Envelope(
                key=f"invite:{meeting.id}:{epoch(meeting.starts_at)}:{person_id}",
                chat_id=int(tg), kind="invite", person_id=person_id, unit_id=branch.id,
                stale_after=meeting.starts_at,
                message=hooks.meeting_text().invitation(meeting, branch.name, inv,
                                                        services.tz, lang)))
    await outbox.enqueue(conn, envelopes, now)
