"""Committee members assigned to follow a branch (cấp ủy viên phụ trách chi bộ).

Only an officer of the committee above a branch may assign its followers, and
only from that committee's own officers. Followers are told of each assignment and
its end (through the outbox), are invited to every upcoming meeting of the branch from
the day they are assigned (including meetings created before), and their presence is
counted per person in the committee's reports.
"""

from __future__ import annotations

from dataclasses import dataclass

import aiosqlite

from bot.core.access import Actor
from bot.core.errors import Denied, NotFound
from bot.core.services import Services
from bot.meetings import texts as mt
from bot.meetings.service import epoch
from bot.texts import as_language, t
from storage import audit, outbox, people, roles, units
from storage import meetings as meeting_store
from storage.meetings import MeetingRow
from storage.outbox import Envelope, OutgoingMessage
from storage.timefmt import to_db
from storage.units import UnitRow


@dataclass(frozen=True)
class Candidate:
    person_id: int
    full_name: str
    following: bool


def _require_committee_officer(actor: Actor, committee_id: int | None) -> int:
    if committee_id is None or committee_id not in actor.committee_roles:
        raise Denied("committee_only")
    return committee_id


async def followable_branches(services: Services, actor: Actor) -> list[UnitRow]:
    if not actor.committee_roles:
        raise Denied("committee_only")
    result: list[UnitRow] = []
    for committee_id in actor.committee_roles:
        result += await units.branches_of_committee(services.db, committee_id)
    return result


async def _branch(services: Services, actor: Actor, branch_id: int) -> UnitRow:
    branch = await units.get_unit(services.db, branch_id)
    if branch is None or branch.kind != "branch":
        raise NotFound("unit_not_found")
    _require_committee_officer(actor, branch.parent_id)
    return branch


async def candidates(services: Services, actor: Actor, branch_id: int) -> list[Candidate]:
    branch = await _branch(services, actor, branch_id)
    rows = await services.db.fetch_all(
        "SELECT p.id, p.full_name, EXISTS (SELECT 1 FROM followers f WHERE f.person_id = p.id "
        "AND f.unit_id = ? AND f.until IS NULL) FROM committee_officers c "
        "JOIN people p ON p.id = c.person_id WHERE c.unit_id = ? ORDER BY p.name_key",
        (branch.id, branch.parent_id))
    return [Candidate(int(r[0]), str(r[1]), bool(r[2])) for r in rows]


async def toggle_follow(services: Services, actor: Actor, branch_id: int,
                        person_id: int) -> tuple[UnitRow, Candidate]:
    branch = await _branch(services, actor, branch_id)
    current = {c.person_id: c for c in await candidates(services, actor, branch_id)}
    who = current.get(person_id)
    if who is None:
        raise NotFound()
    instant = services.clock.now()
    now = to_db(instant)
    upcoming = await meeting_store.of_unit(services.db, branch.id, since=instant)
    async with services.db.transaction() as conn:
        if who.following:
            await conn.execute("UPDATE followers SET until = ? WHERE person_id = ? AND "
                               "unit_id = ? AND until IS NULL", (now, person_id, branch.id))
        else:
            await conn.execute("INSERT INTO followers (person_id, unit_id, since) "
                               "VALUES (?, ?, ?)", (person_id, branch.id, now))
            for meeting in upcoming:
                await meeting_store.invite(conn, meeting.id, [(person_id, "follower", None)])
        await audit.write(conn, at=instant, actor_id=actor.telegram_user_id,
                          action="follow.stop" if who.following else "follow.start",
                          unit_id=branch.id, detail=f"person {person_id}")
        await _tell(services, conn, branch, person_id, not who.following, upcoming)
    return branch, Candidate(who.person_id, who.full_name, not who.following)


async def _tell(services: Services, conn: aiosqlite.Connection, branch: UnitRow,
                person_id: int, following: bool, upcoming: list[MeetingRow]) -> None:
    """The follower hears of the assignment (or its end) and, when assigned, gets the
    invitation to each upcoming meeting; all through the outbox, in the same transaction."""
    person = await people.person(services.db, person_id)
    tg = person.telegram_user_id if person is not None else None
    if tg is None:
        return
    lang = as_language((await roles.languages(services.db, [int(tg)])).get(int(tg)),
                       services.config.bot.language)
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
                message=mt.invitation(meeting, branch.name, inv, services.tz, lang)))
    await outbox.enqueue(conn, envelopes, now)
