"""Importing a branch's member list from a spreadsheet, and the file of invite links.

The upload is parsed and validated first (every bad row reported by line);
duplicates against the branch are found; nothing is written until the whole
file is clean or the officer confirms importing the valid rows.
"""

from __future__ import annotations

import io
from datetime import date, tzinfo

from bot.core import formatting as fmt
from bot.core.access import Actor
from bot.core.errors import Invalid
from bot.core.permissions import Permission, require
from bot.core.services import Services
from bot.imports import ImportKind, MemberRow, ParsedImport, RowError, describe, parse_upload
from bot.imports.names import name_key, title_case_capitals
from bot.imports.parser import check_member_dates
from bot.imports.plan import Change, ImportPlan, Update, new_nonce, recall, remember
from bot.members import records
from bot.members.records import day_start
from bot.members.registration import IssuedInvite, issue_invite
from bot.texts import Language, t
from storage import people
from storage.people import MemberRow as MembershipRow

PENDING_KIND = "import_members"


class MemberImportPlan(ImportPlan[MemberRow]):
    """Valid member rows and the problems found, by line."""


def parse_members(filename: str, data: bytes, today: date) -> ParsedImport:
    return parse_upload(filename, data, today=today, expect=ImportKind.MEMBERS)


def _changes(row: MemberRow, existing: MembershipRow, tz: tzinfo) -> tuple[Change, ...]:
    """What the file says differently from the record. A blank cell says nothing (a file
    without an official date does not make anyone probationary again)."""
    found: list[Change] = []
    proposed: dict[str, str | date | None] = {
        "birth_date": row.birth_date, "admitted_on": row.admitted_on,
        "official_on": row.official_on, "phone": row.phone, "joined_on": row.joined_on,
    }
    if title_case_capitals(existing.full_name) != existing.full_name:
        proposed["full_name"] = row.full_name  # a name kept in capitals gets the file's
    for field, new in proposed.items():
        old = records.current_value(existing, field, tz)
        if new is None or new == old:
            continue
        value = new.isoformat() if isinstance(new, date) else new
        found.append(Change(field, records.shown(old), records.shown(new), value))
    return tuple(found)


async def plan_member_import(
    services: Services, actor: Actor, unit_id: int, parsed: ParsedImport, lang: Language
) -> MemberImportPlan:
    """New rows, rows updating a member already in the branch (same normalised name and
    birth date, or the same name when only one member has it), unchanged rows, and the
    problems (bad rows, ambiguous matches), by line."""
    require(actor, Permission.MANAGE_MEMBERS, branch=unit_id)
    if parsed.file_error is not None:
        raise Invalid("import_file_error", reason=describe(parsed.file_error, lang))
    plan = MemberImportPlan(unit_id=unit_id, nonce=new_nonce())
    plan.problems = [describe(error, lang) for error in parsed.errors]
    existing = await people.members_of(services.db, unit_id)
    by_exact: dict[tuple[str, date | None], list[MembershipRow]] = {}
    by_name: dict[str, list[MembershipRow]] = {}
    for member in existing:
        key = name_key(member.full_name)
        by_exact.setdefault((key, member.birth_date), []).append(member)
        by_name.setdefault(key, []).append(member)
    matched: dict[int, int] = {}  # membership id -> the line that matched it
    for line, row in parsed.rows:
        assert isinstance(row, MemberRow)
        key = name_key(row.full_name)
        candidates = by_exact.get((key, row.birth_date), []) if row.birth_date else []
        if not candidates:
            candidates = by_name.get(key, [])
        if not candidates:
            plan.valid.append((line, row))
            continue
        if len(candidates) > 1:
            plan.problems.append(t(lang, "rimp_ambiguous", line=line, name=row.full_name,
                                   count=len(candidates)))
            continue
        target = candidates[0]
        if target.membership_id in matched:
            plan.problems.append(t(lang, "rimp_matched_twice", line=line, name=row.full_name,
                                   first=matched[target.membership_id]))
            continue
        matched[target.membership_id] = line
        changes = _changes(row, target, services.tz)
        merged = {c.field: date.fromisoformat(str(c.value)) for c in changes
                  if c.field in ("birth_date", "admitted_on", "official_on")}
        clash = check_member_dates(merged.get("birth_date", target.birth_date),
                                   merged.get("admitted_on", target.admitted_on),
                                   merged.get("official_on", target.official_on))
        if clash:
            plan.problems.append(describe(RowError(line, clash[0].code, clash[0].params), lang))
            continue
        if changes:
            plan.updates.append(Update(line, target.membership_id, target.full_name, changes))
        else:
            plan.unchanged += 1
    plan.close()
    return plan


async def remember_plan(services: Services, telegram_user_id: int,
                        plan: MemberImportPlan) -> None:
    rows = [
        {"line": line, "full_name": r.full_name,
         "birth_date": r.birth_date.isoformat() if r.birth_date else None,
         "admitted_on": r.admitted_on.isoformat(),
         "official_on": r.official_on.isoformat() if r.official_on else None,
         "role": str(r.role), "phone": r.phone,
         "joined_on": r.joined_on.isoformat() if r.joined_on else None}
        for line, r in plan.valid
    ]
    await remember(services, telegram_user_id, PENDING_KIND, plan, rows)


async def recall_plan(services: Services, telegram_user_id: int, nonce: str) -> MemberImportPlan:
    stored = await recall(services, telegram_user_id, PENDING_KIND, nonce)
    plan = MemberImportPlan(unit_id=stored.unit_id, nonce=nonce, skipped=stored.skipped,
                            updates=stored.updates, unchanged=stored.unchanged)
    for r in stored.rows:
        plan.valid.append((int(r["line"]), MemberRow(
            full_name=r["full_name"],
            birth_date=date.fromisoformat(r["birth_date"]) if r["birth_date"] else None,
            admitted_on=date.fromisoformat(r["admitted_on"]),
            official_on=date.fromisoformat(r["official_on"]) if r["official_on"] else None,
            role=r["role"], phone=r["phone"],
            joined_on=date.fromisoformat(r["joined_on"]) if r.get("joined_on") else None,
        )))
    return plan


async def apply_member_import(
    services: Services, actor: Actor, plan: MemberImportPlan
) -> tuple[list[IssuedInvite], int]:
    """Apply the updates, then create each new member with their facts and a personal
    invite link."""
    require(actor, Permission.MANAGE_MEMBERS, branch=plan.unit_id)
    issued: list[IssuedInvite] = []
    now = services.clock.now()
    updated = await apply_member_updates(services, actor, plan)
    for _, row in plan.valid:
        async with services.db.transaction() as conn:
            person_id = await people.add_person(
                conn, full_name=row.full_name, name_key=name_key(row.full_name), now=now,
                birth_date=row.birth_date, phone=row.phone,
            )
            await people.add_membership(
                conn, person_id=person_id, unit_id=plan.unit_id, now=now, role=str(row.role),
                admitted_on=row.admitted_on, official_on=row.official_on,
                joined_at=day_start(row.joined_on, services.tz) if row.joined_on else None,
            )
        issued.append(await issue_invite(services, unit_id=plan.unit_id,
                                         full_name=row.full_name, role=str(row.role),
                                         created_by=actor.person_id, person_id=person_id))
    return issued, updated


async def apply_member_updates(services: Services, actor: Actor,
                               plan: MemberImportPlan) -> int:
    """Write each confirmed update (audited field by field); a member who left since the
    preview is left alone. Returns how many members were updated."""
    done = 0
    for update in plan.updates:
        row = await people.membership(services.db, update.target)
        if row is None or row.state != "active" or row.unit_id != plan.unit_id:
            continue
        async with services.db.transaction() as conn:
            for change in update.changes:
                new: str | date | None = change.value if isinstance(change.value, str) else None
                if change.field in ("birth_date", "admitted_on", "official_on", "joined_on"):
                    new = date.fromisoformat(str(change.value))
                await records.write_field(conn, row, change.field, new,
                                          actor_id=actor.telegram_user_id, now=services.clock.now(),
                                          tz=services.tz, action=f"member.import.{change.field}")
        done += 1
    return done


def links_workbook(issued: list[IssuedInvite], lang: Language, services: Services) -> bytes:
    """An .xlsx with each new member's personal link, for the secretary to hand out."""
    from openpyxl import Workbook  # imported here: openpyxl pulls in numpy and Pillow,
    # 30 MB the running bot should not carry until someone imports a list.

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = t(lang, "links_sheet")
    codes = any(invite.zalo_code for invite in issued)
    sheet.append([t(lang, "links_col_name"), t(lang, "links_col_link"),
                  t(lang, "links_col_expires"),
                  *([t(lang, "zalo_links_col_code")] if codes else [])])
    for invite in issued:
        sheet.append([invite.full_name, invite.link,
                      fmt.local_time(invite.expires_at, services.tz),
                      *([invite.zalo_code or ""] if codes else [])])
    sheet.freeze_panes = "A2"
    sheet.column_dimensions["A"].width = 32
    sheet.column_dimensions["B"].width = 60
    sheet.column_dimensions["C"].width = 18
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

