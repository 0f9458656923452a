"""Assembling each report for a scope: fetch the rows, compute the figures, audit the read.

Every report view is written to the audit log (who, what, when): reports carry
personal data, and the committee must be able to see who read them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from bot.core.access import Actor
from bot.core.errors import Invalid, NotFound
from bot.core.services import Services
from bot.imports.names import name_key
from bot.reports import figures
from bot.reports.periods import year_window
from bot.reports.scope import Scope, resolve
from storage import assignments, audit, people
from storage import meetings as meeting_store
from storage import reports as rows
from storage.meetings import AttendanceRow, InvitationRow, MeetingRow
from storage.people import MemberRow


def today(services: Services) -> date:
    return services.clock.now().astimezone(services.tz).date()


async def _audit(services: Services, actor: Actor, scope: Scope, what: str) -> None:
    await audit.log(services.db, at=services.clock.now(), actor_id=actor.telegram_user_id,
                    action=f"report.{what}", unit_id=scope.committee.id if scope.committee
                    and len(scope.branches) != 1 else scope.branches[0].id if scope.branches
                    else None, detail=scope.key)


async def _members(services: Services, scope: Scope) -> list[MemberRow]:
    result: list[MemberRow] = []
    for branch in scope.branches:
        result += await people.members_of(services.db, branch.id)
    return result


# --- year -----------------------------------------------------------------------------------


@dataclass
class YearReport:
    scope: Scope
    year: int
    members: list[figures.MemberYear]
    branches: list[figures.BranchYear] = field(default_factory=list)

    @property
    def warned(self) -> list[figures.MemberYear]:
        return [m for m in self.members if m.level == "warn"]

    @property
    def flagged(self) -> list[figures.MemberYear]:
        return [m for m in self.members if m.level == "flag"]


async def compute_year(services: Services, scope: Scope, year: int) -> YearReport:
    since, until = year_window(year, services.tz)
    members = await _members(services, scope)
    counts = await rows.attendance_counts(services.db, scope.ids, since, until)
    unexcused = await rows.unexcused_instants(services.db, scope.ids, since, until)
    dues = await rows.dues_paid(services.db, scope.ids, year)
    return YearReport(scope, year, figures.member_years(
        members, counts, unexcused, dues, year, today(services), services.tz))


async def year_report(services: Services, actor: Actor, scope_key: str | None,
                      year: int | None) -> YearReport:
    scope = await resolve(services, actor, scope_key)
    chosen = year or today(services).year
    if not 2000 <= chosen <= today(services).year + 1:
        raise Invalid("report_year_invalid")
    report = await compute_year(services, scope, chosen)
    report.branches = await compute_branches(services, scope, chosen)  # short, extraordinary
    await _audit(services, actor, scope, "year")
    return report


# --- branches -------------------------------------------------------------------------------


async def compute_branches(services: Services, scope: Scope, year: int
                           ) -> list[figures.BranchYear]:
    since, until = year_window(year, services.tz)
    meetings = await rows.meetings_in(services.db, scope.ids, since,
                                      min(until, services.clock.now()))
    attendance = await rows.branch_attendance(services.db, scope.ids, since, until)
    branches = [(b.id, b.name, await people.count_members(services.db, b.id))
                for b in scope.branches]
    settings = services.config.meetings
    return figures.branch_years(branches, meetings, attendance, year, today(services),
                                services.tz, settings.default_duration_minutes,
                                settings.combined_duration_minutes)


async def branches_report(services: Services, actor: Actor, scope_key: str | None,
                          year: int | None) -> tuple[Scope, int, list[figures.BranchYear]]:
    scope = await resolve(services, actor, scope_key)
    chosen = year or today(services).year
    result = await compute_branches(services, scope, chosen)
    await _audit(services, actor, scope, "branches")
    return scope, chosen, result


# --- duties ---------------------------------------------------------------------------------


async def duties_report(services: Services, actor: Actor, scope_key: str | None,
                        period: str | None) -> tuple[Scope, str, list[rows.DutyCount]]:
    scope = await resolve(services, actor, scope_key)
    chosen = period or today(services).strftime("%Y-%m")
    result = await rows.duty_counts(services.db, scope.ids, chosen)
    await _audit(services, actor, scope, "duties")
    return scope, chosen, result


# --- probation ------------------------------------------------------------------------------


async def probation_report(services: Services, actor: Actor, scope_key: str | None
                           ) -> tuple[Scope, list[figures.Probation]]:
    scope = await resolve(services, actor, scope_key)
    result = figures.probations(await rows.probationary(services.db, scope.ids),
                                today(services))
    await _audit(services, actor, scope, "probation")
    return scope, result


# --- one meeting ----------------------------------------------------------------------------


@dataclass
class MeetingReport:
    scope: Scope
    meeting: MeetingRow
    unit_name: str
    invitations: list[InvitationRow]
    attendance: list[AttendanceRow]


async def meeting_report(services: Services, actor: Actor, scope_key: str | None,
                         meeting_id: int | None) -> MeetingReport:
    scope = await resolve(services, actor, scope_key)
    if meeting_id is None:
        latest: list[MeetingRow] = []
        for branch in scope.branches:
            latest += await meeting_store.of_unit(
                services.db, branch.id, until=services.clock.now(),
                states=("scheduled", "closed"), newest_first=True, limit=1)
        if not latest:
            upcoming = [m for b in scope.branches for m in await meeting_store.of_unit(
                services.db, b.id, since=services.clock.now(), limit=1)]
            latest = upcoming
        if not latest:
            raise NotFound("report_no_meeting")
        meeting = max(latest, key=lambda m: m.starts_at)
    else:
        found = await meeting_store.get(services.db, meeting_id)
        if found is None or found.unit_id not in scope.ids:
            raise NotFound("meeting_not_found")
        meeting = found
    unit = next(b for b in scope.branches if b.id == meeting.unit_id)
    await _audit(services, actor, scope, "meeting")
    return MeetingReport(scope, meeting, unit.name,
                         await meeting_store.invitations(services.db, meeting.id),
                         await meeting_store.attendance(services.db, meeting.id))


# --- one member -----------------------------------------------------------------------------


@dataclass
class MemberReport:
    member: MemberRow
    unit_name: str
    year: int
    meetings: list[rows.MemberMeeting]
    duties: list[tuple[str, str, str, str | None]]
    dues: list[tuple[str, int | None]]
    figures: figures.MemberYear | None = None
    households: list[str] = field(default_factory=list)


async def member_report(services: Services, actor: Actor, scope_key: str | None, name: str,
                        year: int | None, *, person_id: int | None = None) -> MemberReport:
    """One member's year, found by name (accent-aware) or, for page turns, by id."""
    scope = await resolve(services, actor, scope_key)
    everyone = await _members(services, scope)
    key = name_key(name)
    if person_id is not None:
        found = [m for m in everyone if m.person_id == person_id]
    elif not key:
        raise Invalid("report_member_usage")
    else:
        found = [m for m in everyone if name_key(m.full_name) == key]
        if not found:
            found = [m for m in everyone if key in name_key(m.full_name)]
    if not found:
        raise NotFound("report_member_not_found", name=name.strip()[:100])
    if len(found) > 1:
        raise Invalid("report_member_ambiguous", names=", ".join(m.full_name for m in found[:10]))
    member = found[0]
    chosen = year or today(services).year
    since, until = year_window(chosen, services.tz)
    year_figures = await compute_year(services, Scope(
        [b for b in scope.branches if b.id == member.unit_id], scope.committee, ""), chosen)
    households = await assignments.current_household_heads(services.db,
                                                           person_id=member.person_id)
    dues = [(period, amount) for person, unit, period, amount in
            await rows.dues_paid(services.db, [member.unit_id], chosen)
            if person == member.person_id]
    await _audit(services, actor, scope, f"member.{member.person_id}")
    return MemberReport(
        member=member,
        unit_name=next(b.name for b in scope.branches if b.id == member.unit_id),
        year=chosen,
        meetings=await rows.member_meetings(services.db, member.person_id, since, until),
        duties=await rows.member_duty_reports(services.db, member.person_id, chosen),
        dues=sorted(dues),
        figures=next((f for f in year_figures.members if f.person_id == member.person_id),
                     None),
        households=households,
    )
