"""Files sent with the caption /import: validate, report by line, confirm, import."""

from __future__ import annotations

import asyncio

from telegram import Update

from bot.core import callbacks
from bot.core import formatting as fmt
from bot.core.errors import Invalid
from bot.duties import household_import as households
from bot.duties.household_import import HouseholdImportPlan
from bot.imports import ImportKind, parse_upload
from bot.imports.plan import waiting_kind
from bot.members import dues
from bot.members.member_import import (
    MemberImportPlan,
    apply_member_import,
    links_workbook,
    plan_member_import,
    recall_plan,
    remember_plan,
)
from bot.members.registration import officer_branch, today_in, unit_or_fail
from handlers.base import Asker, asker
from handlers.context import ChiboContext
from storage import pending

IMP = "imp"
AnyPlan = MemberImportPlan | HouseholdImportPlan | dues.DuesImportPlan
MAX_BYTES = 5_000_000
MAX_ERRORS_SHOWN = 30


async def import_help(update: Update, context: ChiboContext) -> None:
    """/import typed alone: say how to send the file (officers; others get the refusal a
    file would get)."""
    who = await asker(update, context)
    officer_branch(who.actor)
    await who.say(who.texts("import_how"))


async def on_document(update: Update, context: ChiboContext) -> None:
    who = await asker(update, context)
    message = update.effective_message
    document = message.document if message else None
    if document is None:
        await who.say(who.texts("import_need_file"))
        return
    unit_id = officer_branch(who.actor)
    if (document.file_size or 0) > MAX_BYTES:
        raise Invalid("import_too_large", limit=MAX_BYTES // 1_000_000)
    progress = await who.say(who.texts("import_progress", name=document.file_name or "…"))
    data = bytes(await (await document.get_file()).download_as_bytearray())
    # Reading a workbook is CPU work (seconds for a hostile one): off the event loop, so
    # everyone else keeps getting answers meanwhile.
    parsed = await asyncio.to_thread(parse_upload, document.file_name or "upload", data,
                                     today=today_in(who.services), max_bytes=MAX_BYTES)
    plan: AnyPlan
    if parsed.kind is ImportKind.DUES:
        plan = await dues.plan_dues_import(who.services, who.actor, unit_id, parsed,
                                           who.texts.lang)
    elif parsed.kind is ImportKind.HOUSEHOLDS:
        plan = await households.plan_household_import(who.services, who.actor, unit_id, parsed,
                                                      who.texts.lang)
    else:
        plan = await plan_member_import(who.services, who.actor, unit_id, parsed, who.texts.lang)
    if progress is not None:
        await progress.delete()
    if plan.clean:
        await who.say(who.texts("import_summary_clean", count=len(plan.valid)))
        await _import(who, plan)
        return
    if isinstance(plan, HouseholdImportPlan):
        await households.remember_plan(who.services, who.user_id, plan)
    elif isinstance(plan, dues.DuesImportPlan):
        await dues.remember_plan(who.services, who.user_id, plan)
    else:
        await remember_plan(who.services, who.user_id, plan)
    lines = [who.texts("import_summary_errors", errors=len(plan.problems),
                       valid=len(plan.valid))]
    lines += plan.problems[:MAX_ERRORS_SHOWN]
    if len(plan.problems) > MAX_ERRORS_SHOWN:
        lines.append(who.texts("import_errors_more",
                               count=len(plan.problems) - MAX_ERRORS_SHOWN))
    if not plan.valid:
        lines.append(who.texts("import_confirm_none"))
        await who.say("\n".join(lines)[:4000])
        return
    await who.say("\n".join(lines)[:4000], [
        [(who.texts("import_confirm_valid", count=len(plan.valid)),
          callbacks.build(IMP, "ok", plan.nonce))],
        [(who.texts("btn_cancel"), callbacks.build(IMP, "no", plan.nonce))],
    ])


async def on_button(update: Update, context: ChiboContext) -> None:
    who = await asker(update, context)
    parts = callbacks.split(update.callback_query.data if update.callback_query else None, IMP)
    if not parts or len(parts) != 2 or parts[0] not in ("ok", "no"):
        await who.toast(who.texts("button_expired"))
        return
    plan: AnyPlan
    kind = await waiting_kind(who.services, who.user_id, parts[1])
    if kind == households.PENDING_KIND:
        plan = await households.recall_plan(who.services, who.user_id, parts[1])
    elif kind == dues.PENDING_KIND:
        plan = await dues.recall_plan(who.services, who.user_id, parts[1])
    else:
        plan = await recall_plan(who.services, who.user_id, parts[1])
    await pending.clear(who.services.db, who.user_id)
    if parts[0] == "no":
        await who.show(who.texts("import_cancelled"))
        return
    working = ("himp_working" if isinstance(plan, HouseholdImportPlan) else "dimp_working"
               if isinstance(plan, dues.DuesImportPlan) else "import_working")
    await who.show(who.texts(working, count=len(plan.valid)))
    await _import(who, plan)


async def _import(who: Asker, plan: AnyPlan) -> None:
    if isinstance(plan, dues.DuesImportPlan):
        count = await dues.apply_dues_import(who.services, who.actor, plan)
        await who.say(who.texts("dimp_done", count=fmt.number(count, who.texts.lang),
                                skipped=fmt.number(plan.skipped, who.texts.lang)))
        return
    if isinstance(plan, HouseholdImportPlan):
        done = await households.apply_household_import(who.services, who.actor, plan)
        await who.say(who.texts("himp_done", imported=fmt.number(done.imported, who.texts.lang),
                                assigned=fmt.number(done.assigned, who.texts.lang),
                                skipped=fmt.number(done.skipped, who.texts.lang)))
        return
    issued = await apply_member_import(who.services, who.actor, plan)
    unit = await unit_or_fail(who.services, plan.unit_id)
    chat = who.update.effective_chat
    assert chat is not None
    lang = who.texts.lang
    await who.update.get_bot().send_document(
        chat.id, links_workbook(issued, lang, who.services),
        filename=who.texts("links_filename", unit=unit.id),
        caption=who.texts("import_done", imported=fmt.number(len(issued), lang),
                          skipped=fmt.number(plan.skipped, lang)),
    )
