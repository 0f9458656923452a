"""Files sent with the caption /import: validate, report by line, confirm, import."""

from __future__ import annotations

import asyncio

from telegram import Update

from bot.core import callbacks
from bot.core import formatting as fmt
from bot.core.errors import Invalid
from bot.duties import household_import as households
from bot.duties.household_import import HouseholdImportPlan
from bot.imports import ImportKind, ParsedImport, parse_upload
from bot.imports.names import header_key
from bot.imports.plan import describe_update, waiting_kind
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
from bot.texts import Language, t
from handlers.base import Asker, asker
from handlers.context import ChiboContext
from storage import pending

IMP = "imp"
AnyPlan = MemberImportPlan | HouseholdImportPlan | dues.DuesImportPlan
MAX_BYTES = 5_000_000
MAX_ERRORS_SHOWN = 30
INDEX_HEADERS = frozenset({"stt", "tt", "so tt", "so thu tu", "no"})  # running numbers


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
    if plan.clean and not plan.valid and plan.unchanged:
        await who.say(who.texts("rimp_nothing", unchanged=fmt.number(plan.unchanged,
                                                                      who.texts.lang)))
        return
    unused = ignored_columns(parsed, who.texts.lang)
    if plan.clean:
        await who.say("\n".join([who.texts("import_summary_clean", count=len(plan.valid)),
                                 *unused]))
        await _import(who, plan)
        return
    if isinstance(plan, HouseholdImportPlan):
        await households.remember_plan(who.services, who.user_id, plan)
    elif isinstance(plan, dues.DuesImportPlan):
        await dues.remember_plan(who.services, who.user_id, plan)
    else:
        await remember_plan(who.services, who.user_id, plan)
    lines: list[str] = []
    if plan.problems:
        lines.append(who.texts("import_summary_errors", errors=len(plan.problems),
                               valid=len(plan.valid) + len(plan.updates)))
    if plan.updates:
        lines.append(preview_line(who, plan))
        lines += [describe_update(update, who.texts.lang)
                  for update in plan.updates[:MAX_ERRORS_SHOWN]]
        if len(plan.updates) > MAX_ERRORS_SHOWN:
            lines.append(who.texts("import_errors_more",
                                   count=len(plan.updates) - MAX_ERRORS_SHOWN))
    lines += unused
    lines += plan.problems[:MAX_ERRORS_SHOWN]
    if len(plan.problems) > MAX_ERRORS_SHOWN:
        lines.append(who.texts("import_errors_more",
                               count=len(plan.problems) - MAX_ERRORS_SHOWN))
    if not plan.valid and not plan.updates:
        lines.append(who.texts("import_confirm_none"))
        await who.say("\n".join(lines)[:4000])
        return
    label = (who.texts("rimp_confirm", new=len(plan.valid), updated=len(plan.updates))
             if plan.updates else who.texts("import_confirm_valid", count=len(plan.valid)))
    await who.say("\n".join(lines)[:4000], [
        [(label, callbacks.build(IMP, "ok", plan.nonce))],
        [(who.texts("btn_cancel"), callbacks.build(IMP, "no", plan.nonce))],
    ])


def ignored_columns(parsed: ParsedImport, lang: Language) -> list[str]:
    """A line naming the columns the file has and the bot does not read (so a header
    worded otherwise is never dropped without a word); an STT column goes unsaid."""
    names = [str(w.params["column"]) for w in parsed.warnings if w.code == "ignored_column"
             and header_key(str(w.params["column"])) not in INDEX_HEADERS]
    return [t(lang, "rimp_ignored_columns", columns=", ".join(names))] if names else []


def preview_line(who: Asker, plan: AnyPlan) -> str:
    """``3 mới, 5 cập nhật, 12 không đổi``."""
    lang = who.texts.lang
    return who.texts("rimp_preview", new=fmt.number(len(plan.valid), lang),
                     updated=fmt.number(len(plan.updates), lang),
                     unchanged=fmt.number(plan.unchanged, lang))


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
        if plan.updates:
            await who.say(who.texts("rimp_updated_households",
                                    count=fmt.number(done.updated, who.texts.lang)))
        await who.say(who.texts("himp_done", imported=fmt.number(done.imported, who.texts.lang),
                                assigned=fmt.number(done.assigned, who.texts.lang),
                                skipped=fmt.number(done.skipped, who.texts.lang)))
        return
    issued, updated = await apply_member_import(who.services, who.actor, plan)
    if plan.updates:
        await who.say(who.texts("rimp_updated", count=fmt.number(updated, who.texts.lang)))
        if not issued:
            return
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
