"""Importing a branch's households (with who follows each) from a spreadsheet.

The same flow as the member import: every row validated, each problem
reported by line, nothing written until the file is clean or the officer
confirms importing the valid rows. The assigned member is found by name among
the branch's active members (NFC, case-insensitive, accent-aware); a name that
matches nobody, or several people, is a problem of its line.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.core.access import Actor
from bot.core.clock import today_in
from bot.core.errors import Invalid
from bot.core.names import name_key, title_case_capitals
from bot.core.permissions import Permission, require
from bot.core.services import Services
from bot.duties import notices
from bot.imports import HouseholdRow, ParsedImport, describe
from bot.imports.plan import (
    Change,
    ImportPlan,
    ImportWaiting,
    Update,
    new_nonce,
    recall,
    remember,
)
from bot.texts import Language, t
from storage import assignments, audit, households, people
from storage.households import Household
from storage.people import MemberRow


@dataclass(frozen=True)
class HouseholdsWaiting(ImportWaiting, kind="import_households"):
    """A household import waiting for the officer's confirmation."""


PENDING_KIND = HouseholdsWaiting


@dataclass
class HouseholdImportPlan(ImportPlan[HouseholdRow]):
    assignees: dict[int, int] = field(default_factory=dict)  # line -> person id


@dataclass(frozen=True)
class HouseholdImportDone:
    imported: int
    assigned: int
    skipped: int
    updated: int = 0


def household_key(head: str, address: str | None) -> tuple[str, str]:
    """Two rows are the same household when head and address match (as the parser says)."""
    return name_key(head), name_key(address or "")


def _by_name(members: list[MemberRow]) -> dict[str, list[MemberRow]]:
    found: dict[str, list[MemberRow]] = {}
    for member in members:
        found.setdefault(name_key(member.full_name), []).append(member)
    return found


def _changes(row: HouseholdRow, existing: Household,
             assignee: MemberRow | None) -> tuple[Change, ...]:
    """What a re-imported row says differently; a blank cell says nothing."""
    found: list[Change] = []
    proposed = {"hamlet": row.hamlet, "house_number": row.house_number, "notes": row.notes}
    if title_case_capitals(existing.head_name) != existing.head_name:
        proposed["head_name"] = row.head_name
    for name, new in proposed.items():
        old = getattr(existing, name)
        if new is not None and new != old:
            found.append(Change(name, old or "—", new, new))
    if assignee is not None and assignee.person_id != existing.member_id:
        found.append(Change("member", existing.member_name or "—", assignee.full_name,
                            assignee.person_id))
    return tuple(found)


async def plan_household_import(
    services: Services, actor: Actor, unit_id: int, parsed: ParsedImport, lang: Language
) -> HouseholdImportPlan:
    require(actor, Permission.MANAGE_HOUSEHOLDS, branch=unit_id)
    if parsed.file_error is not None:
        raise Invalid("import_file_error", reason=describe(parsed.file_error, lang))
    plan = HouseholdImportPlan(unit_id=unit_id, nonce=new_nonce())
    plan.problems = [describe(error, lang) for error in parsed.errors]
    known = {household_key(h.head_name, h.address): h
             for h in await households.of_unit(services.db, unit_id)}
    members = _by_name(await people.members_of(services.db, unit_id))
    for line, row in parsed.households():
        assignee: MemberRow | None = None
        if row.member_name:
            matches = members.get(name_key(row.member_name), [])
            if len(matches) != 1:
                key = "himp_member_unknown" if not matches else "himp_member_ambiguous"
                plan.problems.append(t(lang, key, line=line, name=row.member_name,
                                       count=len(matches)))
                continue
            assignee = matches[0]
        existing = known.get(household_key(row.head_name, row.address))
        if existing is not None:
            changes = _changes(row, existing, assignee)
            if changes:
                plan.updates.append(Update(line, existing.id, existing.head_name, changes))
            else:
                plan.unchanged += 1
            continue
        if assignee is not None:
            plan.assignees[line] = assignee.person_id
        plan.valid.append((line, row))
    plan.close()
    return plan


async def remember_plan(services: Services, telegram_user_id: int,
                        plan: HouseholdImportPlan) -> None:
    rows = [
        {"line": line, "head": r.head_name, "address": r.address, "hamlet": r.hamlet,
         "house_number": r.house_number, "member_name": r.member_name, "notes": r.notes,
         "assignee": plan.assignees.get(line)}
        for line, r in plan.valid
    ]
    await remember(services, telegram_user_id, PENDING_KIND, plan, rows)


async def recall_plan(services: Services, telegram_user_id: int,
                      nonce: str) -> HouseholdImportPlan:
    stored = await recall(services, telegram_user_id, PENDING_KIND, nonce)
    plan = HouseholdImportPlan(unit_id=stored.unit_id, nonce=nonce, skipped=stored.skipped,
                               updates=stored.updates, unchanged=stored.unchanged)
    for r in stored.rows:
        line = int(r["line"])
        plan.valid.append((line, HouseholdRow(r["head"], r["address"], r["hamlet"],
                                              r["house_number"], r["member_name"], r["notes"])))
        if r.get("assignee") is not None:
            plan.assignees[line] = int(r["assignee"])
    return plan


async def apply_household_import(services: Services, actor: Actor,
                                 plan: HouseholdImportPlan) -> HouseholdImportDone:
    """Create the households and their assignments (from today)."""
    require(actor, Permission.MANAGE_HOUSEHOLDS, branch=plan.unit_id)
    now = services.clock.now()
    today = today_in(services)
    # What may have changed since the plan: a household added, a member gone.
    known = {household_key(h.head_name, h.address)
             for h in await households.of_unit(services.db, plan.unit_id)}
    active = {m.person_id for m in await people.members_of(services.db, plan.unit_id)}
    imported = assigned = 0
    gained: dict[int, list[tuple[int, int]]] = {}
    lost: dict[int, list[tuple[int, int]]] = {}
    # One transaction: a failure half-way (a full disk, a killed process) leaves no
    # household of the list written and none assigned.
    async with services.db.transaction() as conn:
        updated = await _apply_updates(services, actor, plan, active, gained, lost)
        for line, row in plan.valid:
            key = household_key(row.head_name, row.address)
            if key in known:
                continue
            known.add(key)
            household_id = await households.add(
                conn, unit_id=plan.unit_id, head_name=row.head_name,
                name_key=name_key(row.head_name), now=now, hamlet=row.hamlet,
                house_number=row.house_number, address=row.address, notes=row.notes)
            imported += 1
            person_id = plan.assignees.get(line)
            if person_id in active and person_id is not None:
                opened = await assignments.assign(conn, household_id, person_id, today)
                gained.setdefault(person_id, []).append((opened, household_id))
                assigned += 1
        await audit.log(services.db, at=now, actor_id=actor.telegram_user_id,
                        unit_id=plan.unit_id, action="household.import",
                        detail=f"{imported} households, {assigned} assigned")
    await notices.tell(services, plan.unit_id, gained, lost)
    return HouseholdImportDone(imported, assigned, plan.skipped + len(plan.valid) - imported,
                               updated)


async def _apply_updates(services: Services, actor: Actor, plan: HouseholdImportPlan,
                         active: set[int], gained: dict[int, list[tuple[int, int]]],
                         lost: dict[int, list[tuple[int, int]]]) -> int:
    """Write each confirmed update of a household (audited); one removed since the
    preview, or a member gone, is left alone."""
    now = services.clock.now()
    today = today_in(services)
    done = 0
    for update in plan.updates:
        household = await households.get(services.db, update.target)
        if household is None or household.removed or household.unit_id != plan.unit_id:
            continue
        async with services.db.transaction() as conn:
            for change in update.changes:
                if change.field == "member":
                    person_id = int(change.value or 0)
                    if person_id not in active:
                        continue
                    opened = await assignments.assign(conn, household.id, person_id, today)
                    if opened:
                        gained.setdefault(person_id, []).append((opened, household.id))
                        if household.member_id is not None:
                            lost.setdefault(household.member_id, []).append(
                                (opened, household.id))
                else:
                    value = None if change.value is None else str(change.value)
                    await households.set_field(
                        conn, household.id, change.field, value,
                        name_key=name_key(value) if change.field == "head_name" and value
                        else None)
                await audit.write(conn, at=now, actor_id=actor.telegram_user_id,
                                  unit_id=plan.unit_id, action=f"household.import.{change.field}",
                                  detail=f"household {household.id}: {change.old} → {change.new}")
        done += 1
    return done
