"""/follow: committee officers assign committee members to follow branches."""

from __future__ import annotations

from telegram import Update

from bot.core import callbacks
from bot.members import followers as svc
from handlers.base import Asker, ButtonRow, asker
from handlers.context import ChiboContext

FOLLOW = "fl"


async def follow(update: Update, context: ChiboContext) -> None:
    who = await asker(update, context)
    branches = await svc.followable_branches(who.services, who.actor)
    if not branches:
        await who.say(who.texts("follow_no_branches"))
        return
    await who.say(who.texts("follow_choose_branch"),
                  [[(b.name, callbacks.build(FOLLOW, "b", b.id))] for b in branches])


async def _show_branch(who: Asker, branch_id: int, toast: str | None = None) -> None:
    people = await svc.candidates(who.services, who.actor, branch_id)
    rows: list[ButtonRow] = [
        [(("✓ " if c.following else "") + c.full_name,
          callbacks.build(FOLLOW, "p", branch_id, c.person_id))] for c in people
    ]
    await who.show(who.texts("follow_choose_people") if people
                   else who.texts("follow_no_candidates"), rows, toast=toast)


async def on_button(update: Update, context: ChiboContext) -> None:
    who = await asker(update, context)
    parts = callbacks.split(update.callback_query.data if update.callback_query else None,
                            FOLLOW)
    ids = [callbacks.as_int(p) for p in parts[1:]] if parts else []
    if not parts or not ids or None in ids:
        await who.toast(who.texts("button_expired"))
        return
    branch_id = ids[0]
    assert branch_id is not None
    if parts[0] == "b" and len(ids) == 1:
        await _show_branch(who, branch_id)
    elif parts[0] == "p" and len(ids) == 2 and ids[1] is not None:
        branch, person = await svc.toggle_follow(who.services, who.actor, branch_id, ids[1])
        key = "follow_started" if person.following else "follow_stopped"
        await _show_branch(who, branch_id, who.texts(key, name=person.full_name,
                                                     unit=branch.name))
    else:
        await who.toast(who.texts("button_expired"))
