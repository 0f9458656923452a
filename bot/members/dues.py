"""Party dues: officers mark months paid (by tap or by import); members see their own.

Dues can be recorded for any past month (last year's December in January too). The
state of each month (not due yet, paid, unpaid) is the ledger's (asked of the reports feature),
so the card, `/me` and the 3-month rule say the same. Recording or undoing a payment
re-checks the branch's warnings at once, so a warning whose cause was corrected is
withdrawn with a notice.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.core import hooks
from bot.core.access import Actor
from bot.core.clock import today_in
from bot.core.errors import Invalid, NotFound
from bot.core.names import name_key
from bot.core.permissions import Permission, require
from bot.core.services import Services
from bot.imports import DuesRow, ParsedImport, describe
from bot.imports.plan import ImportPlan, ImportWaiting, new_nonce, recall, remember
from bot.members.service import open_member
from bot.texts import Language, t
from storage import audit, people, units
from storage import dues as store
from storage.people import MemberRow


@dataclass(frozen=True)
class DuesWaiting(ImportWaiting, kind="import_dues"):
    """A dues import waiting for the officer's confirmation."""


PENDING_KIND = DuesWaiting
FIRST_YEAR = 2000


@dataclass(frozen=True)
class DuesCard:
    member: MemberRow
    year: int
    months: list[str]  # the year's months up to now (each can be recorded)
    paid: dict[str, int | None]  # recorded in this branch
    previous_year: int | None = None  # years the card can turn to
    next_year: int | None = None
    states: dict[str, str] = field(default_factory=dict)  # the ledger's, month -> state

    def months_in(self, *states: str) -> list[str]:
        return [m for m in self.months if self.states.get(m) in states]


@dataclass(frozen=True)
class MyDues:
    year: int
    paid: list[str]
    unpaid: list[str]  # due, no payment recorded
    not_due: list[str]


async def dues_states(services: Services, person_id: int, year: int) -> dict[str, str]:
    """The ledger's dues state of each month of the person's year: paid | unpaid |
    unrecorded (due, none recorded, the branch keeps no dues that month) | not_due;
    months outside every membership are left out."""
    return await hooks.figures().dues_states(services, person_id, year)


def _months(year: int, services: Services) -> list[str]:
    today = today_in(services)
    last = 12 if year < today.year else today.month
    return [f"{year}-{m:02d}" for m in range(1, last + 1)]


async def card(services: Services, actor: Actor, membership_id: int,
               year: int | None = None) -> DuesCard:
    member = await open_member(services, actor, membership_id, Permission.RECORD_DUES)
    current = today_in(services).year
    chosen = year or current
    if not FIRST_YEAR <= chosen <= current:
        raise Invalid("dues_month_invalid")
    return DuesCard(member, chosen, _months(chosen, services),
                    await store.paid_months(services.db, member.person_id, member.unit_id,
                                            chosen),
                    previous_year=chosen - 1 if chosen > FIRST_YEAR else None,
                    next_year=chosen + 1 if chosen < current else None,
                    states=await dues_states(services, member.person_id, chosen))


async def toggle(services: Services, actor: Actor, membership_id: int,
                 period: str) -> DuesCard:
    member = await open_member(services, actor, membership_id, Permission.RECORD_DUES)
    year = int(period[:4])
    # Any past month (a card of any year, up to now): not 1900 or next year by forged data.
    if not FIRST_YEAR <= year <= today_in(services).year or period not in _months(year,
                                                                                     services):
        raise Invalid("dues_month_invalid")
    paid = await store.paid_months(services.db, member.person_id, member.unit_id, year)
    now = services.clock.now()
    async with services.db.transaction() as conn:
        if period in paid:
            await store.unrecord(conn, member.person_id, member.unit_id, period)
        else:
            await store.record(conn, [(member.person_id, member.unit_id, period, None)], now,
                               actor.person_id)
        await audit.write(conn, at=now, actor_id=actor.telegram_user_id, unit_id=member.unit_id,
                          action="dues.unpaid" if period in paid else "dues.paid",
                          detail=f"person {member.person_id} {period}")
    await _recheck(services, member.unit_id)
    return await card(services, actor, membership_id, year)


async def _recheck(services: Services, unit_id: int) -> None:
    """A payment changed: warn, or withdraw a warning whose cause was corrected, now."""
    unit = await units.get_unit(services.db, unit_id)
    if unit is not None:
        await hooks.figures().review_branch(services, unit)


async def my_dues(services: Services, actor: Actor) -> MyDues:
    """The caller's dues this year, month by month as the ledger holds them."""
    if actor.person_id is None:
        raise NotFound("me_unregistered")
    year = today_in(services).year
    states = await dues_states(services, actor.person_id, year)
    return MyDues(year, [m for m, s in states.items() if s == "paid"],
                  [m for m, s in states.items() if s in ("unpaid", "unrecorded")],
                  [m for m, s in states.items() if s == "not_due"])


# --- import: Họ và tên, Tháng, Số tiền ---------------------------------------------------


class DuesImportPlan(ImportPlan[DuesRow]):
    pass


async def plan_dues_import(services: Services, actor: Actor, unit_id: int,
                           parsed: ParsedImport, lang: Language) -> DuesImportPlan:
    require(actor, Permission.RECORD_DUES, branch=unit_id)
    if parsed.file_error is not None:
        raise Invalid("import_file_error", reason=describe(parsed.file_error, lang))
    plan = DuesImportPlan(unit_id=unit_id, nonce=new_nonce())
    plan.problems = [describe(error, lang) for error in parsed.errors]
    members: dict[str, list[int]] = {}
    for m in await people.members_of(services.db, unit_id):
        members.setdefault(name_key(m.full_name), []).append(m.person_id)
    for line, row in parsed.dues():
        matches = members.get(name_key(row.full_name), [])
        if len(matches) != 1:
            key = "himp_member_unknown" if not matches else "himp_member_ambiguous"
            plan.problems.append(t(lang, key, line=line, name=row.full_name,
                                   count=len(matches)))
            continue
        plan.valid.append((line, row))
    plan.close()
    return plan


async def remember_plan(services: Services, telegram_user_id: int,
                        plan: DuesImportPlan) -> None:
    rows = [{"line": line, "name": r.full_name, "period": r.period, "amount": r.amount}
            for line, r in plan.valid]
    await remember(services, telegram_user_id, PENDING_KIND, plan, rows)


async def recall_plan(services: Services, telegram_user_id: int, nonce: str) -> DuesImportPlan:
    stored = await recall(services, telegram_user_id, PENDING_KIND, nonce)
    plan = DuesImportPlan(unit_id=stored.unit_id, nonce=nonce, skipped=stored.skipped)
    plan.valid = [(int(r["line"]), DuesRow(r["name"], r["period"], int(r["amount"])))
                  for r in stored.rows]
    return plan


async def apply_dues_import(services: Services, actor: Actor, plan: DuesImportPlan) -> int:
    require(actor, Permission.RECORD_DUES, branch=plan.unit_id)
    members: dict[str, int] = {}
    for m in await people.members_of(services.db, plan.unit_id):
        members.setdefault(name_key(m.full_name), m.person_id)
    rows = [(members[name_key(r.full_name)], plan.unit_id, r.period, r.amount)
            for _, r in plan.valid if name_key(r.full_name) in members]
    now = services.clock.now()
    async with services.db.transaction() as conn:
        await store.record(conn, rows, now, actor.person_id)
        await audit.write(conn, at=now, actor_id=actor.telegram_user_id, unit_id=plan.unit_id,
                          action="dues.import", detail=f"{len(rows)} rows")
    await _recheck(services, plan.unit_id)
    return len(rows)
