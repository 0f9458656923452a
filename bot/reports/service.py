"""Assembling each report for a scope: fetch the rows, compute the figures, audit the read.

Every report view is written to the audit log (who, what, when): reports carry
personal data, and the committee must be able to see who read them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from bot.core.access import Actor
from bot.core.errors import Invalid, NotFound
from bot.core.hooks import MeetingCounts
from bot.core.names import fold_accents, name_key
from bot.core.services import Services
from bot.reports import figures, ledger
from bot.reports.ledger import Ledger, Seat
from bot.reports.periods import local_day
from bot.reports.scope import Scope, resolve
from storage import assignments, audit, people
from storage import ledger as ledger_store
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


async def _members_in_year(services: Services, scope: Scope, year: int) -> list[MemberRow]:
    """Everyone of the scope whose membership overlaps the year (active or ended), once
    per person and branch (the latest period: a person who came back is one person)."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    result: dict[tuple[int, int], MemberRow] = {}
    for branch in scope.branches:
        for m in await people.members_of(services.db, branch.id, active_only=False):
            start = local_day(m.joined_at, services.tz)
            end = local_day(m.ended_at, services.tz)
            if (start is None or start <= last) and (end is None or end > first):
                key = (m.person_id, m.unit_id)
                known = result.get(key)
                if known is None or m.state == "active" or (
                        known.state != "active" and m.membership_id > known.membership_id):
                    result[key] = m
    return list(result.values())


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


async def book_of(services: Services, scope: Scope, year: int,
                  person_id: int | None = None, months: bool = True,
                  counted: bool = False) -> Ledger:
    """The ledger of the scope's people (or one person) for the year, as of now
    (``months=False``: the person × month facts made only when asked for;
    ``counted=True``: for figures that only count, see ``ledger.load``)."""
    return await ledger.load(services.db, scope.ids, year, services.clock.now(), services.tz,
                             services.config.dues.due_day, person_id, months, counted)


async def compute_year(services: Services, scope: Scope, year: int,
                       book: Ledger | None = None) -> YearReport:
    """The year of everyone who belonged to the scope's branches during it."""
    book = book or await book_of(services, scope, year, counted=True)
    return YearReport(scope, year, figures.member_years(book, scope.ids))


async def year_report(services: Services, actor: Actor, scope_key: str | None,
                      year: int | None) -> YearReport:
    scope = await resolve(services, actor, scope_key)
    chosen = year or today(services).year
    if not 2000 <= chosen <= today(services).year + 1:
        raise Invalid("report_year_invalid")
    book = await book_of(services, scope, chosen, counted=True)
    report = await compute_year(services, scope, chosen, book)
    report.branches = await compute_branches(services, scope, chosen, book)
    await _audit(services, actor, scope, "year")
    return report


# --- branches -------------------------------------------------------------------------------


async def compute_branches(services: Services, scope: Scope, year: int,
                           book: Ledger | None = None) -> list[figures.BranchYear]:
    book = book or await book_of(services, scope, year, months=False, counted=True)
    branches = [(b.id, b.name, await people.count_members(services.db, b.id), b.record_start)
                for b in scope.branches]
    settings = services.config.meetings
    return figures.branch_years(book, branches, settings.default_duration_minutes,
                                settings.combined_duration_minutes)


@dataclass
class BranchesReport:
    scope: Scope
    year: int
    branches: list[figures.BranchYear]
    followers: list[rows.FollowerPresence]


async def compute_followers(services: Services, scope: Scope, year: int,
                            book: Ledger | None = None) -> list[rows.FollowerPresence]:
    """Each follower of the scope's branches, from the ledger's seats; for a committee,
    counted across every branch they follow."""
    book = book or await book_of(services, scope, year, months=False, counted=True)
    counts = book.follower_counts(scope.ids)
    if scope.committee is not None and counts:
        followed = await ledger_store.followed_branches(services.db, sorted(counts))
        if set(followed) <= {m.unit_id for m in book.meetings} | set(scope.ids):
            counts = {p: c for p, c in book.follower_counts().items() if p in counts}
        else:
            wider = await ledger.load(services.db, followed, year, services.clock.now(),
                                      services.tz, services.config.dues.due_day,
                                      months=False, counted=True)
            counts = {p: c for p, c in wider.follower_counts().items() if p in counts}
    return await _presence(services, counts)


async def _presence(services: Services, counts: dict[int, ledger.Counts]
                    ) -> list[rows.FollowerPresence]:
    names = await ledger_store.names_of(services.db, sorted(counts))
    result = [rows.FollowerPresence(p, names[p].full_name, c.present, c.present + c.not_attending)
              for p, c in counts.items()]
    return sorted(result, key=lambda f: (names[f.person_id].name_key, f.person_id))


async def branches_report(services: Services, actor: Actor, scope_key: str | None,
                          year: int | None) -> BranchesReport:
    scope = await resolve(services, actor, scope_key)
    chosen = year or today(services).year
    book = await book_of(services, scope, chosen, months=False, counted=True)
    result = await compute_branches(services, scope, chosen, book)
    followers = await compute_followers(services, scope, chosen, book)
    await _audit(services, actor, scope, "branches")
    return BranchesReport(scope, chosen, result, followers)


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
    counts: MeetingCounts


async def meeting_counts(services: Services, meeting: MeetingRow) -> MeetingCounts:
    """The meeting's members by outcome, read from the ledger."""
    counts = await ledger.meeting_counts(services.db, meeting.unit_id, meeting.id,
                                         meeting.starts_at, services.clock.now(), services.tz,
                                         services.config.dues.due_day)
    return MeetingCounts(counts.present, counts.excused, counts.unexcused)


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
                         await meeting_store.attendance(services.db, meeting.id),
                         await meeting_counts(services, meeting))


async def _following(services: Services, person_id: int, year: int
                     ) -> rows.FollowerPresence | None:
    """The person's presence as a follower, across every branch they follow."""
    followed = await ledger_store.followed_branches(services.db, [person_id])
    if not followed:
        return None
    book = await ledger.load(services.db, followed, year, services.clock.now(), services.tz,
                             services.config.dues.due_day, months=False, counted=True)
    mine = {p: c for p, c in book.follower_counts().items() if p == person_id}
    return next(iter(await _presence(services, mine)), None)


# --- one member -----------------------------------------------------------------------------


@dataclass
class MemberReport:
    member: MemberRow
    unit_name: str
    year: int
    meetings: list[Seat]
    duties: list[rows.MemberDutyReport]
    dues: list[tuple[str, int | None]]
    figures: figures.MemberYear | None = None
    households: list[str] = field(default_factory=list)
    following: rows.FollowerPresence | None = None  # as a follower of branches, if any


class AmbiguousMember(Invalid):
    """Several members match the name typed: the reader picks one."""

    def __init__(self, matches: list[MemberRow], year: int | None) -> None:
        super().__init__("report_member_ambiguous",
                         names=", ".join(m.full_name for m in matches[:10]))
        self.matches = matches[:10]
        self.year = year


def split_member_query(text: str) -> tuple[str, int | None]:
    """``Lê Thị Bình 2025`` -> (``Lê Thị Bình``, 2025): a trailing 4-digit year."""
    words = text.split()
    if len(words) > 1 and words[-1].isdigit() and len(words[-1]) == 4:
        return " ".join(words[:-1]), int(words[-1])
    return text.strip(), None


def match_members(everyone: list[MemberRow], name: str) -> list[MemberRow]:
    """Exact (accent-aware) first; then typed without accents; then a part of the name."""
    key = name_key(name)
    found = [m for m in everyone if name_key(m.full_name) == key]
    if found:
        return found
    folded = fold_accents(name)
    found = [m for m in everyone if fold_accents(m.full_name) == folded]
    if found:
        return found
    found = [m for m in everyone if key in name_key(m.full_name)]
    return found or [m for m in everyone if folded in fold_accents(m.full_name)]


async def member_report(services: Services, actor: Actor, scope_key: str | None, name: str,
                        year: int | None, *, person_id: int | None = None) -> MemberReport:
    """One member's year, found by name (accent-aware, or typed without accents; a
    trailing year picks the year) or, for page turns, by id. Members who left or moved
    during the year are found too, for the years they belonged."""
    scope = await resolve(services, actor, scope_key)
    if person_id is None:
        name, typed_year = split_member_query(name)
        year = year or typed_year
    chosen = year or today(services).year
    if not 2000 <= chosen <= today(services).year + 1:
        raise Invalid("report_year_invalid")
    everyone = await _members_in_year(services, scope, chosen)
    if person_id is not None:
        found = [m for m in everyone if m.person_id == person_id]
    elif not name_key(name):
        raise Invalid("report_member_usage")
    else:
        found = match_members(everyone, name)
    if not found:
        raise NotFound("report_member_not_found", name=name.strip()[:100])
    if len(found) > 1:
        raise AmbiguousMember(found, year)
    member = found[0]
    book = await book_of(services, scope, chosen, person_id=member.person_id)
    year_figures = figures.member_years(book, [member.unit_id])
    households = await assignments.current_household_heads(services.db,
                                                           person_id=member.person_id)
    dues = [(pm.month, None) for pm in book.person_months(member.person_id)
            if pm.dues == "paid"]
    await _audit(services, actor, scope, f"member.{member.person_id}")
    return MemberReport(
        member=member,
        unit_name=next(b.name for b in scope.branches if b.id == member.unit_id),
        year=chosen,
        meetings=[s for s in book.seats if s.person_id == member.person_id
                  and s.capacity == "member"],
        duties=await rows.member_duty_reports(services.db, member.person_id, chosen),
        dues=sorted(dues),
        figures=next((f for f in year_figures if f.person_id == member.person_id), None),
        households=households,
        following=await _following(services, member.person_id, chosen),
    )
