"""Importing a branch's member list from a spreadsheet, and the file of invite links.

The upload is parsed and validated first (every bad row reported by line);
duplicates against the branch are found; nothing is written until the whole
file is clean or the officer confirms importing the valid rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta, tzinfo

from bot.core import formatting as fmt
from bot.core.access import Actor
from bot.core.errors import Invalid
from bot.core.names import name_key, title_case_capitals
from bot.core.permissions import Permission, require
from bot.core.services import Services
from bot.core.xlsx import Workbook
from bot.imports import ImportKind, MemberRow, ParsedImport, RowError, describe, parse_upload
from bot.imports.parser import check_member_dates
from bot.imports.plan import (
    Change,
    ImportPlan,
    ImportWaiting,
    Relink,
    Update,
    new_nonce,
    recall,
    remember,
)
from bot.members import records
from bot.members.records import day_start
from bot.members.registration import IssuedInvite, issue_invite
from bot.texts import Language, t
from storage import invites, outbox, people, units
from storage.outbox import Envelope, OutgoingMessage
from storage.people import MemberRow as MembershipRow


@dataclass(frozen=True)
class MembersWaiting(ImportWaiting, kind="import_members"):
    """A member import waiting for the officer's confirmation."""


PENDING_KIND = MembersWaiting


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
    handed = await invites.handed_out(services.db, unit_id, services.clock.now())
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
        if (target.telegram_user_id is None and target.state == "active"
                and target.person_id not in handed):
            plan.relinks.append(Relink(line, target.person_id, target.full_name, target.role))
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
                            updates=stored.updates, unchanged=stored.unchanged,
                            relinks=stored.relinks)
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


@dataclass(frozen=True)
class MembersImported:
    """What a member import did: the links to hand out (new members, then members who
    never joined and get a new one), how many records it updated and relinked."""

    issued: list[IssuedInvite]
    updated: int
    relinked: int


async def apply_member_import(
    services: Services, actor: Actor, plan: MemberImportPlan
) -> MembersImported:
    """Apply the updates, create each new member with their facts and a personal invite
    link, and give a new link to each member named again who never joined. One
    transaction: a failure half-way (a full disk, a killed process) leaves nothing, and
    no member exists whose link nobody was given."""
    require(actor, Permission.MANAGE_MEMBERS, branch=plan.unit_id)
    async with services.db.transaction():
        updated = await apply_member_updates(services, actor, plan)
        issued = await _create_members(services, actor, plan)
        relinked = await _relink(services, actor, plan)
    return MembersImported(issued + relinked, updated, len(relinked))


async def _relink(services: Services, actor: Actor,
                  plan: MemberImportPlan) -> list[IssuedInvite]:
    """A new link (the older ones revoked) for each member named who still has not
    joined and is still in the branch."""
    issued: list[IssuedInvite] = []
    for relink in plan.relinks:
        row = await people.member(services.db, plan.unit_id, relink.person_id)
        if row is None or row.state != "active" or row.telegram_user_id is not None:
            continue
        issued.append(await issue_invite(services, unit_id=plan.unit_id,
                                         full_name=row.full_name, role=row.role,
                                         created_by=actor.person_id, person_id=row.person_id,
                                         undelivered=True))
    return issued


async def _create_members(services: Services, actor: Actor,
                          plan: MemberImportPlan) -> list[IssuedInvite]:
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
                                         created_by=actor.person_id, person_id=person_id,
                                         undelivered=True))
    return issued


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


STRANDED_AFTER = timedelta(minutes=10)  # an import's file is sent within seconds


async def links_delivered(services: Services, invite_ids: Sequence[int]) -> None:
    """The file holding these links reached the officer."""
    await invites.mark_delivered(services.db, invite_ids)


async def tell_stranded(services: Services) -> int:
    """After a restart: tell each officer whose import was written but whose file of
    links never reached them (the bot stopped in between) to send the list again, which
    hands out new links (see ``Relink``). Once each; returns how many were told."""
    now = services.clock.now()
    before = now - STRANDED_AFTER
    told = 0
    for item in await invites.stranded(services.db, before, now):
        officer = await people.person(services.db, item.created_by)
        unit = await units.get_unit(services.db, item.unit_id)
        envelopes: list[Envelope] = []
        if officer is not None and officer.reachable and unit is not None:
            lang = await services.language_of(item.created_by)
            text = t(lang, "import_links_stranded", count=item.count, unit=unit.name,
                     when=fmt.local_time(item.since, services.tz))
            envelopes.append(Envelope(
                key=f"links-stranded:{item.created_by}:{item.unit_id}:{item.since.isoformat()}",
                chat_id=officer.chat_id, kind="import", person_id=item.created_by,
                unit_id=item.unit_id, message=OutgoingMessage(text)))
        async with services.db.transaction() as conn:
            if envelopes:
                told += await outbox.enqueue(conn, envelopes, now)
            await invites.mark_told(conn, item, before)
    return told


def links_workbook(issued: list[IssuedInvite], lang: Language, services: Services) -> bytes:
    """An .xlsx with each new member's personal link, for the secretary to hand out.

    Written by the export's own writer: every text is an inline string, so a name typed
    as ``=HYPERLINK(...)`` or ``=cmd|...`` stays the text it was and never becomes a
    formula the spreadsheet would run (and the bot need not load openpyxl)."""
    book = Workbook()
    codes = any(invite.zalo_code for invite in issued)
    book.add_sheet(
        t(lang, "links_sheet"),
        [t(lang, "links_col_name"), t(lang, "links_col_link"), t(lang, "links_col_expires"),
         *([t(lang, "zalo_links_col_code")] if codes else [])],
        [32, 60, 18, *([14] if codes else [])],
        ([invite.full_name, invite.link, fmt.local_time(invite.expires_at, services.tz),
          *([invite.zalo_code or ""] if codes else [])]
         for invite in issued))
    return book.to_bytes()
