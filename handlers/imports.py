"""Files sent with the caption /import: validate, report by line, preview the updates of
records already kept, confirm, import."""

from __future__ import annotations

from telegram import Update

from bot.core import formatting as fmt
from bot.core.errors import Invalid
from bot.core.permissions import Permission, acting_branch
from bot.imports.buttons import ImportButton
from bot.imports.plan import describe_update
from bot.uploads import (
    AnyPlan,
    apply_upload,
    links_sent,
    plan_upload,
    remember_upload,
    take_upload,
    working_key,
)
from handlers.base import Asker, asker, tap
from handlers.context import ChiboContext

MAX_BYTES = 5_000_000
MAX_ERRORS_SHOWN = 30


async def import_help(update: Update, context: ChiboContext) -> None:
    """/import typed alone: say how to send the file (officers; others get the refusal a
    file would get)."""
    who = await asker(update, context)
    acting_branch(who.actor, Permission.MANAGE_MEMBERS)
    await who.say(who.texts("import_how"))


async def on_document(update: Update, context: ChiboContext) -> None:
    who = await asker(update, context)
    message = update.effective_message
    document = message.document if message else None
    if document is None:
        await who.say(who.texts("import_need_file"))
        return
    # Any import starts as member management; the planner of the file's kind then
    # checks the permission it needs (members, households or dues).
    unit_id = acting_branch(who.actor, Permission.MANAGE_MEMBERS)
    if (document.file_size or 0) > MAX_BYTES:
        raise Invalid("import_too_large", limit=MAX_BYTES // 1_000_000)
    progress = await who.say(who.texts("import_progress", name=document.file_name or "…"))
    data = bytes(await (await document.get_file()).download_as_bytearray())
    plan = await plan_upload(who.services, who.actor, unit_id, document.file_name or "upload",
                             data, who.texts.lang, max_bytes=MAX_BYTES)
    if progress is not None:
        await progress.delete()
    unused = ([who.texts("rimp_ignored_columns", columns=", ".join(plan.ignored))]
              if plan.ignored else [])
    if plan.clean and not plan.valid and plan.unchanged and not plan.relinks:
        await who.say(who.texts("rimp_nothing", unchanged=fmt.number(plan.unchanged,
                                                                      who.texts.lang)))
        return
    if plan.clean:
        await who.say("\n".join([who.texts("import_summary_clean", count=len(plan.valid)),
                                 *unused]))
        await _import(who, plan)
        return
    await remember_upload(who.services, who.user_id, plan)
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
        [(label, ImportButton("ok", plan.nonce).encode())],
        [(who.texts("btn_cancel"), ImportButton("no", plan.nonce).encode())],
    ])


def preview_line(who: Asker, plan: AnyPlan) -> str:
    """``3 mới, 5 cập nhật, 12 không đổi``."""
    lang = who.texts.lang
    return who.texts("rimp_preview", new=fmt.number(len(plan.valid), lang),
                     updated=fmt.number(len(plan.updates), lang),
                     unchanged=fmt.number(plan.unchanged, lang))


@tap(ImportButton)
async def on_button(who: Asker, button: ImportButton) -> None:
    if who.update.effective_chat is None:  # an inline message: no import was ever shown there
        await who.toast(who.texts("button_expired"))
        return
    plan = await take_upload(who.services, who.user_id, button.nonce)
    if button.answer == "no":
        await who.show(who.texts("import_cancelled"))
        return
    await who.show(who.texts(working_key(plan), count=len(plan.valid) + len(plan.updates)))
    await _import(who, plan)


async def _import(who: Asker, plan: AnyPlan) -> None:
    done = await apply_upload(who.services, who.actor, plan, who.texts.lang)
    lang = who.texts.lang
    for key, values in done.before:
        await who.say(who.texts(key, **{k: fmt.number(v, lang) for k, v in values.items()}))
    counts = {name: fmt.number(value, lang) for name, value in done.counts.items()}
    if done.links is None:
        await who.say(who.texts(done.key, **counts))
        return
    chat = who.update.effective_chat
    assert chat is not None  # on_button refuses taps from nowhere
    links = done.links

    async def send_links() -> None:
        # The links are marked delivered only once the file has reached the officer.
        await who.update.get_bot().send_document(
            chat.id, links, filename=who.texts("links_filename", unit=done.unit_id),
            caption=who.texts(done.key, **counts))
        await links_sent(who.services, done)

    await who.then(send_links)
