"""Correcting a member's record: each field validated like an import row, every change
audited (who, when, old → new), and the start in this branch (``memberships.joined_at``).

Figures read the record itself (a probation deadline is admission + 12 months, computed
when asked), so a corrected date moves every figure at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo

from bot.core.access import Actor
from bot.core.clock import today_in
from bot.core.errors import Invalid, NotFound
from bot.core.names import name_key
from bot.core.permissions import Permission, require
from bot.core.services import Services
from bot.imports import describe
from bot.imports.parser import (
    MEMBER_FIELDS,
    FieldInvalid,
    check_member_dates,
    parse_member_field,
)
from bot.imports.values import fmt_date
from bot.texts import Language
from storage import audit, people
from storage.db import Connection
from storage.people import MemberRow

EDITABLE = MEMBER_FIELDS
CLEAR = frozenset({"-", "—", "–", "xóa", "xoá", "clear"})


def day_start(day: date, tz: tzinfo) -> datetime:
    """The first instant of ``day`` in the branch's time zone: how a start date in this
    branch (``memberships.joined_at``, an instant) is stored."""
    return datetime.combine(day, time(), tzinfo=tz)


def joined_on(row: MemberRow, tz: tzinfo) -> date | None:
    return row.joined_at.astimezone(tz).date() if row.joined_at is not None else None


def current_value(row: MemberRow, field: str, tz: tzinfo) -> str | date | None:
    values: dict[str, str | date | None] = {
        "full_name": row.full_name, "birth_date": row.birth_date,
        "admitted_on": row.admitted_on, "official_on": row.official_on, "phone": row.phone,
        "joined_on": joined_on(row, tz),
    }
    return values[field]


def shown(value: str | date | None) -> str:
    """A value as the audit log and the answer show it (dates dd/mm/yyyy, blank ``—``)."""
    if value is None:
        return "—"
    return fmt_date(value) if isinstance(value, date) else value


@dataclass(frozen=True)
class Correction:
    row: MemberRow  # the record after the change
    field: str
    old: str | date | None
    new: str | date | None

    @property
    def changed(self) -> bool:
        return self.old != self.new


async def write_field(conn: Connection, row: MemberRow, field: str,
                      new: str | date | None, *, actor_id: int | None, now: datetime,
                      tz: tzinfo, action: str) -> None:
    """Write one corrected field of ``row`` and its audit entry (who, when, old → new),
    in the caller's transaction."""
    old = current_value(row, field, tz)
    if field in ("full_name", "birth_date", "phone"):
        await people.set_person_field(
            conn, row.person_id, field, new,
            name_key=name_key(str(new)) if field == "full_name" else None)
    elif field == "joined_on":
        assert isinstance(new, date)
        await people.set_membership_field(conn, row.membership_id, "joined_at",
                                          day_start(new, tz))
    else:
        assert new is None or isinstance(new, date)
        await people.set_membership_field(conn, row.membership_id, field, new)
    await audit.write(conn, at=now, actor_id=actor_id, unit_id=row.unit_id, action=action,
                      detail=f"person {row.person_id}: {shown(old)} → {shown(new)}")


async def _managed(services: Services, actor: Actor, membership_id: int) -> MemberRow:
    row = await people.membership(services.db, membership_id)
    if row is None or row.state != "active":
        raise NotFound()
    require(actor, Permission.MANAGE_MEMBERS, branch=row.unit_id)
    return row


async def correct_field(services: Services, actor: Actor, membership_id: int, field: str,
                        text: str, lang: Language) -> Correction:
    """Set one field of a member's record from what the officer typed."""
    if field not in EDITABLE:
        raise Invalid("denied")
    row = await _managed(services, actor, membership_id)
    today = today_in(services)
    typed = "" if text.strip().casefold() in CLEAR else text
    try:
        new = parse_member_field(field, typed, today)
    except FieldInvalid as problem:
        raise Invalid("rec_invalid", reason=describe(problem.error, lang)) from None
    old = current_value(row, field, services.tz)
    if new == old:
        return Correction(row, field, old, new)
    dates = {"birth_date": row.birth_date, "admitted_on": row.admitted_on,
             "official_on": row.official_on}
    if field in dates:
        assert new is None or isinstance(new, date)
        dates[field] = new
    problems = check_member_dates(dates["birth_date"], dates["admitted_on"],
                                  dates["official_on"])
    if problems:
        raise Invalid("rec_invalid", reason=describe(problems[0], lang))
    if field in ("full_name", "birth_date"):
        name = str(new) if field == "full_name" else row.full_name
        birth = new if field == "birth_date" else row.birth_date
        for other in await people.find_in_unit(services.db, row.unit_id, name_key(name)):
            if other.person_id != row.person_id and other.birth_date == birth:
                raise Invalid("rec_duplicate", name=name)
    async with services.db.transaction() as conn:
        await write_field(conn, row, field, new, actor_id=actor.telegram_user_id,
                          now=services.clock.now(), tz=services.tz,
                          action=f"member.edit.{field}")
    after = await _managed(services, actor, membership_id)
    return Correction(after, field, old, new)
