"""Importing a branch's member list from a spreadsheet, and the file of invite links.

The upload is parsed and validated first (every bad row reported by line);
duplicates against the branch are found; nothing is written until the whole
file is clean or the officer confirms importing the valid rows.
"""

from __future__ import annotations

import io
from datetime import date

from bot.core import formatting as fmt
from bot.core.access import Actor
from bot.core.errors import Invalid
from bot.core.services import Services
from bot.imports import ImportKind, MemberRow, ParsedImport, describe, parse_upload
from bot.imports.names import name_key
from bot.imports.plan import ImportPlan, new_nonce, recall, remember
from bot.members.records import day_start
from bot.members.registration import IssuedInvite, issue_invite, require_branch_officer
from bot.texts import Language, t
from storage import people

PENDING_KIND = "import_members"


class MemberImportPlan(ImportPlan[MemberRow]):
    """Valid member rows and the problems found, by line."""


def parse_members(filename: str, data: bytes, today: date) -> ParsedImport:
    return parse_upload(filename, data, today=today, expect=ImportKind.MEMBERS)


async def plan_member_import(
    services: Services, actor: Actor, unit_id: int, parsed: ParsedImport, lang: Language
) -> MemberImportPlan:
    require_branch_officer(actor, unit_id)
    if parsed.file_error is not None:
        raise Invalid("import_file_error", reason=describe(parsed.file_error, lang))
    plan = MemberImportPlan(unit_id=unit_id, nonce=new_nonce())
    plan.problems = [describe(error, lang) for error in parsed.errors]
    existing = await people.members_of(services.db, unit_id)
    known = {(name_key(m.full_name), m.birth_date) for m in existing}
    for line, row in parsed.rows:
        assert isinstance(row, MemberRow)
        if (name_key(row.full_name), row.birth_date) in known:
            plan.problems.append(t(lang, "import_duplicate_in_branch", line=line,
                                   name=row.full_name))
            continue
        plan.valid.append((line, row))
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
    plan = MemberImportPlan(unit_id=stored.unit_id, nonce=nonce, skipped=stored.skipped)
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
) -> list[IssuedInvite]:
    """Create each member with their facts and a personal invite link."""
    require_branch_officer(actor, plan.unit_id)
    issued: list[IssuedInvite] = []
    now = services.clock.now()
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
    return issued


def links_workbook(issued: list[IssuedInvite], lang: Language, services: Services) -> bytes:
    """An .xlsx with each new member's personal link, for the secretary to hand out."""
    from openpyxl import Workbook  # imported here: openpyxl pulls in numpy and Pillow,
    # 30 MB the running bot should not carry until someone imports a list.

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = t(lang, "links_sheet")
    sheet.append([t(lang, "links_col_name"), t(lang, "links_col_link"),
                  t(lang, "links_col_expires")])
    for invite in issued:
        sheet.append([invite.full_name, invite.link,
                      fmt.local_time(invite.expires_at, services.tz)])
    sheet.freeze_panes = "A2"
    sheet.column_dimensions["A"].width = 32
    sheet.column_dimensions["B"].width = 60
    sheet.column_dimensions["C"].width = 18
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

