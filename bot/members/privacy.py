"""A member's request about their personal data: export everything kept about them,
or erase it (history kept for the minutes, personal fields blanked, account unbound).

Officers of the member's branch may do this from /members; operators from the command
line (``chibo member export`` / ``chibo member erase``); both are audited.
"""

from __future__ import annotations

from typing import Any

from bot.core.access import Actor
from bot.core.errors import NotFound
from bot.core.permissions import Permission, committees_where, require_somewhere
from bot.core.services import Services
from bot.members.service import open_member
from storage import assignments, audit, invites, people, units
from storage.timefmt import to_db


async def _rows(services: Services, sql: str, person_id: int) -> list[dict[str, Any]]:
    return [dict(r) for r in await services.db.fetch_all(sql, (person_id,))]


async def person_data(services: Services, person_id: int) -> dict[str, Any]:
    """Everything the bot keeps about one person, as plain JSON-ready data."""
    record = await services.db.fetch_one(
        "SELECT id, full_name, birth_date, phone, telegram_user_id IS NOT NULL AS telegram_linked,"
        " created_at, erased_at, unreachable_since FROM people WHERE id = ?",
        (person_id,),
    )
    if record is None:
        raise NotFound()
    q = services.db
    return {
        "person": dict(record),
        "language": await q.fetch_value(
            "SELECT language FROM user_prefs WHERE telegram_user_id = "
            "(SELECT telegram_user_id FROM people WHERE id = ?)",
            (person_id,),
        ),
        "memberships": await _rows(
            services,
            "SELECT u.name AS branch, m.role, m.admitted_on, m.official_on, m.is_away, "
            "m.is_exempt, m.is_213, m.state, m.joined_at, m.ended_at FROM memberships m "
            "JOIN units u ON u.id = m.unit_id WHERE m.person_id = ?",
            person_id,
        ),
        "committee_roles": await _rows(
            services,
            "SELECT u.name AS committee, c.role, c.since FROM committee_officers c "
            "JOIN units u ON u.id = c.unit_id WHERE c.person_id = ?",
            person_id,
        ),
        "follows": await _rows(
            services,
            "SELECT u.name AS branch, f.since, f.until FROM followers f "
            "JOIN units u ON u.id = f.unit_id WHERE f.person_id = ?",
            person_id,
        ),
        "invitations": await _rows(
            services,
            "SELECT m.starts_at, u.name AS branch, m.kind, i.capacity, i.standing, i.answer, "
            "i.reason, i.answered_at FROM invitations i JOIN meetings m ON m.id = i.meeting_id "
            "JOIN units u ON u.id = m.unit_id WHERE i.person_id = ? ORDER BY m.starts_at",
            person_id,
        ),
        "attendance": await _rows(
            services,
            "SELECT m.starts_at, u.name AS branch, a.status, a.reason FROM attendance a "
            "JOIN meetings m ON m.id = a.meeting_id JOIN units u ON u.id = m.unit_id "
            "WHERE a.person_id = ? ORDER BY m.starts_at",
            person_id,
        ),
        "households": await _rows(
            services,
            "SELECT h.head_name, h.address, a.from_date, a.to_date FROM assignments a "
            "JOIN households h ON h.id = a.household_id WHERE a.person_id = ?",
            person_id,
        ),
        "duty_reports": await _rows(
            services,
            "SELECT d.period, h.head_name AS household, d.status, d.note, d.reported_at "
            "FROM duty_reports d JOIN households h ON h.id = d.household_id "
            "WHERE d.person_id = ? ORDER BY d.period",
            person_id,
        ),
        "dues": await _rows(
            services,
            "SELECT d.period, u.name AS branch, d.amount, d.paid_at FROM dues d "
            "JOIN units u ON u.id = d.unit_id WHERE d.person_id = ? ORDER BY d.period",
            person_id,
        ),
    }


async def erase(services: Services, person_id: int, actor_id: int | None) -> str:
    """Blank the person's personal data everywhere; returns the name kept for history."""
    record = await people.person(services.db, person_id)
    if record is None:
        raise NotFound()
    now = services.clock.now()
    async with services.db.transaction() as conn:
        await invites.revoke_pending(conn, person_id, now)
        await assignments.end_all_for_person(conn, person_id, now.astimezone(services.tz).date())
        await people.erase_personal_data(conn, person_id, now)
        await conn.execute(
            "UPDATE memberships SET state = 'left', ended_at = ? "
            "WHERE person_id = ? AND state = 'active'",
            (to_db(now), person_id),
        )
        await audit.write(
            conn, at=now, actor_id=actor_id, action="person.erase", detail=f"person {person_id}"
        )
    return record.full_name


async def officer_export(
    services: Services, actor: Actor, membership_id: int
) -> tuple[str, dict[str, Any]]:
    """For an officer of the member's branch: (name, data)."""
    member = await open_member(services, actor, membership_id,
                               Permission.HANDLE_PERSONAL_DATA)
    data = await person_data(services, member.person_id)
    await audit.log(
        services.db,
        at=services.clock.now(),
        actor_id=actor.telegram_user_id,
        action="person.export",
        unit_id=member.unit_id,
        detail=f"person {member.person_id}",
    )
    return member.full_name, data


async def audit_log(
    services: Services, actor: Actor, limit: int = 40
) -> list[tuple[str, int | None, str | None, str, str | None]]:
    """The audit log of the committees the actor is an officer of, and their branches."""
    require_somewhere(actor, Permission.VIEW_AUDIT)
    committees = committees_where(actor, Permission.VIEW_AUDIT)
    unit_ids: list[int] = []
    for committee_id in committees:
        unit_ids.append(committee_id)
        unit_ids += [b.id for b in await units.branches_of_committee(services.db, committee_id)]
    rows = await audit.entries(services.db, unit_ids, limit)
    await audit.log(
        services.db,
        at=services.clock.now(),
        actor_id=actor.telegram_user_id,
        action="audit.view",
        unit_id=committees[0],
    )
    return rows
