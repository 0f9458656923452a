"""A member's request about their personal data: export everything kept about them,
or erase it (history kept for the minutes, personal fields blanked, account unbound).

Officers of the member's branch may do this from /members; operators from the command
line (``chibo member export`` / ``chibo member erase``); both are audited.
"""

from __future__ import annotations

from typing import Any, Final

from bot.core.access import Actor
from bot.core.errors import NotFound
from bot.core.permissions import Permission, committees_where, require_somewhere
from bot.core.services import Services
from bot.members.service import open_member
from bot.texts import Language, t
from storage import assignments, audit, invites, people, privacy, units


async def person_data(services: Services, person_id: int) -> dict[str, Any]:
    """Everything the bot keeps about one person, as plain JSON-ready data."""
    data = await privacy.personal_data(services.db, person_id=person_id)
    if data is None:
        raise NotFound()
    return {
        "person": data.person,
        "language": data.language,
        "memberships": data.memberships,
        "committee_roles": data.committee_roles,
        "follows": data.follows,
        "invitations": data.invitations,
        "attendance": data.attendance,
        "households": data.households,
        "duty_reports": data.duty_reports,
        "dues": data.dues,
    }


async def _audit_units(services: Services, person_id: int) -> list[int | None]:
    """Where an operator's action on a person is audited: each branch they are in (so
    its committee sees it in /audit), or nowhere in particular."""
    found = {m.unit_id for m in await people.memberships_of_person(services.db, person_id)}
    return [*sorted(found)] or [None]


async def erase(services: Services, person_id: int, actor_id: int | None,
                by: str = "command line") -> str:
    """Blank the person's personal data everywhere; returns the name kept for history.

    The audit says who erased whom, in each branch the person was in, without the data."""
    record = await people.person(services.db, person_id)
    if record is None:
        raise NotFound()
    unit_ids = await _audit_units(services, person_id)
    now = services.clock.now()
    async with services.db.transaction() as conn:
        await invites.revoke_pending(conn, person_id, now)
        await assignments.end_all_for_person(conn, person_id, now.astimezone(services.tz).date())
        await people.erase_personal_data(conn, person_id, now)
        await people.leave_everywhere(conn, person_id=person_id, now=now)
        for unit_id in unit_ids:
            await audit.write(conn, at=now, actor_id=actor_id, unit_id=unit_id,
                              action="person.erase", detail=f"person {person_id} ({by})")
    return record.full_name


async def operator_export(services: Services, person_id: int, actor_id: int,
                          by: str = "command line") -> dict[str, Any]:
    """Everything about the person for the operator, the read audited in each of the
    person's branches (so the committee sees it in /audit)."""
    data = await person_data(services, person_id)
    unit_ids = await _audit_units(services, person_id)
    async with services.db.transaction() as conn:
        for unit_id in unit_ids:
            await audit.write(conn, at=services.clock.now(), actor_id=actor_id, unit_id=unit_id,
                              action="person.export", detail=f"person {person_id} ({by})")
    return data


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


# Each audit action code (or the code's start) with the text describing it.
AUDIT_ACTIONS: Final = {"person.erase": "audit_action_person_erase",
                        "person.export": "audit_action_person_export",
                        "member.view": "audit_action_member_view",
                        "audit.view": "audit_action_audit_view",
                        "household.add": "audit_action_household_add",
                        "household.edit": "audit_action_household_edit",
                        "household.remove": "audit_action_household_remove",
                        "household.assign": "audit_action_household_assign",
                        "household.unassign": "audit_action_household_unassign",
                        "household.import": "audit_action_household_import",
                        "meeting.move": "audit_action_meeting_move",
                        "meeting.answers": "audit_action_meeting_answers",
                        "meeting.minutes": "audit_action_meeting_minutes",
                        "meeting.reopen": "audit_action_meeting_reopen",
                        "meeting.correct": "audit_action_meeting_correct",
                        "meeting.entered_later": "audit_action_meeting_entered_later",
                        "attendance.add": "audit_action_attendance_add",
                        "attendance.correct": "audit_action_attendance_correct",
                        "guest.add": "audit_action_guest_add",
                        "meeting.answer_for": "audit_action_meeting_answer_for",
                        "meeting.document": "audit_action_meeting_document",
                        "meeting.close": "audit_action_meeting_close",
                        "schedule.set": "audit_action_schedule_set",
                        "member.join_213": "audit_action_member_join_213",
                        "member.edit": "audit_action_member_edit",
                        "member.flag": "audit_action_member_flag",
                        "member.role": "audit_action_member_role",
                        "member.official": "audit_action_member_official",
                        "member.move": "audit_action_member_move",
                        "member.remove": "audit_action_member_remove",
                        "member.erase": "audit_action_member_erase",
                        "member.import": "audit_action_member_import",
                        "follow.start": "audit_action_follow_start",
                        "follow.stop": "audit_action_follow_stop",
                        "dues.paid": "audit_action_dues_paid",
                        "dues.unpaid": "audit_action_dues_unpaid",
                        "dues.import": "audit_action_dues_import", "report": "audit_action_report",
                        "report.year": "audit_action_report_year",
                        "report.branches": "audit_action_report_branches",
                        "report.duties": "audit_action_report_duties",
                        "report.probation": "audit_action_report_probation",
                        "report.meeting": "audit_action_report_meeting",
                        "report.member": "audit_action_report_member",
                        "report.export": "audit_action_report_export",
                        "unit.record_start": "audit_action_unit_record_start",
                        "group.link": "audit_action_group_link",
                        "broadcast": "audit_action_broadcast"}


def describe_action(code: str, lang: Language) -> str:
    """An audit action code in words: the longest catalogued prefix of the code, the rest
    (a field, a role, an id) as its detail; the code itself only if nothing matches."""
    parts = code.split(".")
    for end in range(len(parts), 0, -1):
        key = AUDIT_ACTIONS.get(".".join(parts[:end]))
        if key is not None:
            return t(lang, key, rest=".".join(parts[end:]))
    return code


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
