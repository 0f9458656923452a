"""One door for every spreadsheet an officer sends with /import: read it, plan it as
what it holds (members, households or dues), keep the plan under its nonce until the
officer confirms, and import it.

The handler never chooses among the planners: the file's headers say what it is,
and the plan's type says how it is kept, recalled and applied.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from bot.core.access import Actor
from bot.core.clock import today_in
from bot.core.inputs import forget
from bot.core.names import header_key
from bot.core.services import Services
from bot.duties import household_import as households
from bot.duties.household_import import HouseholdImportPlan
from bot.imports.models import ImportKind, ParsedImport
from bot.imports.plan import waiting_kind
from bot.imports.sandbox import parse_isolated
from bot.members import dues, member_import
from bot.members.dues import DuesImportPlan
from bot.members.member_import import MemberImportPlan
from bot.texts import Language

AnyPlan = MemberImportPlan | HouseholdImportPlan | DuesImportPlan


@dataclass(frozen=True)
class Imported:
    """What an import did: the catalog text to answer with, its counts, and for a member
    list the workbook of personal invite links to hand out; ``before``: texts (key,
    counts) to say first, such as how many records a re-import updated."""

    key: str
    counts: dict[str, int] = field(default_factory=dict)
    links: bytes | None = None
    unit_id: int = 0
    before: list[tuple[str, dict[str, int]]] = field(default_factory=list)
    invites: tuple[int, ...] = ()  # the links in ``links``: delivered once it is sent


INDEX_HEADERS = frozenset({"stt", "tt", "so tt", "so thu tu", "no"})  # running numbers


def ignored_columns(parsed: ParsedImport) -> list[str]:
    """Columns the file has and the bot does not read (so a header worded otherwise is
    never dropped without a word); an STT column goes unsaid."""
    return [str(w.params["column"]) for w in parsed.warnings if w.code == "ignored_column"
            and header_key(str(w.params["column"])) not in INDEX_HEADERS]


async def plan_upload(services: Services, actor: Actor, unit_id: int, filename: str,
                      data: bytes, lang: Language, *, max_bytes: int) -> AnyPlan:
    """Read the file and plan its import into the officer's branch (nothing written)."""
    # Reading a workbook is CPU work (seconds for a hostile one): off the event loop, so
    # everyone else keeps getting answers meanwhile.
    # In a child process with a memory ceiling: no file can take the bot's memory.
    parsed = await asyncio.to_thread(parse_isolated, filename, data,
                                     today=today_in(services), max_bytes=max_bytes,
                                     memory_mb=services.config.bot.import_memory_mb)
    plan: AnyPlan
    if parsed.kind is ImportKind.DUES:
        plan = await dues.plan_dues_import(services, actor, unit_id, parsed, lang)
    elif parsed.kind is ImportKind.HOUSEHOLDS:
        plan = await households.plan_household_import(services, actor, unit_id, parsed, lang)
    else:
        plan = await member_import.plan_member_import(services, actor, unit_id, parsed, lang)
    plan.ignored = ignored_columns(parsed)
    return plan


async def remember_upload(services: Services, telegram_user_id: int, plan: AnyPlan) -> None:
    """Keep the plan for the officer's confirmation (replacing anything they were asked)."""
    if isinstance(plan, HouseholdImportPlan):
        await households.remember_plan(services, telegram_user_id, plan)
    elif isinstance(plan, DuesImportPlan):
        await dues.remember_plan(services, telegram_user_id, plan)
    else:
        await member_import.remember_plan(services, telegram_user_id, plan)


async def take_upload(services: Services, telegram_user_id: int, nonce: str) -> AnyPlan:
    """The plan kept under ``nonce``, which is then spent (a second tap finds nothing)."""
    kind = await waiting_kind(services, telegram_user_id, nonce)
    plan: AnyPlan
    if kind == households.PENDING_KIND:
        plan = await households.recall_plan(services, telegram_user_id, nonce)
    elif kind == dues.PENDING_KIND:
        plan = await dues.recall_plan(services, telegram_user_id, nonce)
    else:
        plan = await member_import.recall_plan(services, telegram_user_id, nonce)
    await forget(services, telegram_user_id)
    return plan


def working_key(plan: AnyPlan) -> str:
    """The catalog text shown while the confirmed import runs."""
    if isinstance(plan, HouseholdImportPlan):
        return "himp_working"
    if isinstance(plan, DuesImportPlan):
        return "dimp_working"
    return "import_working"


async def apply_upload(services: Services, actor: Actor, plan: AnyPlan,
                       lang: Language) -> Imported:
    """Write the plan's valid rows; says what to answer."""
    if isinstance(plan, DuesImportPlan):
        count = await dues.apply_dues_import(services, actor, plan)
        return Imported("dimp_done", {"count": count, "skipped": plan.skipped},
                        unit_id=plan.unit_id)
    if isinstance(plan, HouseholdImportPlan):
        done = await households.apply_household_import(services, actor, plan)
        return Imported("himp_done", {"imported": done.imported, "assigned": done.assigned,
                                      "skipped": done.skipped}, unit_id=plan.unit_id,
                        before=[("rimp_updated_households", {"count": done.updated})]
                        if plan.updates else [])
    members = await member_import.apply_member_import(services, actor, plan)
    if plan.updates and not members.issued:  # corrections only: no new links to hand out
        return Imported("rimp_updated", {"count": members.updated}, unit_id=plan.unit_id)
    before = [("rimp_updated", {"count": members.updated})] if plan.updates else []
    if members.relinked:
        before.append(("rimp_relinked", {"count": members.relinked}))
    return Imported("import_done", {"imported": len(members.issued) - members.relinked,
                                    "skipped": plan.skipped},
                    links=member_import.links_workbook(members.issued, lang, services),
                    unit_id=plan.unit_id, before=before,
                    invites=tuple(i.invite_id for i in members.issued))


async def links_sent(services: Services, done: Imported) -> None:
    """The officer has the file of links: they are no longer the import's to re-issue."""
    await member_import.links_delivered(services, done.invites)
