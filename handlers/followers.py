"""/follow: committee officers assign committee members to follow branches."""

from __future__ import annotations

from telegram import Update

from bot.members import followers as svc
from bot.members.buttons import FollowButton
from handlers.base import Asker, ButtonRow, asker, tap
from handlers.context import ChiboContext


async def follow(update: Update, context: ChiboContext) -> None:
    who = await asker(update, context)
    branches = await svc.followable_branches(who.services, who.actor)
    if not branches:
        await who.say(who.texts("follow_no_branches"))
        return
    await who.say(who.texts("follow_choose_branch"),
                  [[(b.name, FollowButton("b", b.id).encode())] for b in branches])


async def _show_branch(who: Asker, branch_id: int, toast: str | None = None) -> None:
    people = await svc.candidates(who.services, who.actor, branch_id)
    rows: list[ButtonRow] = [
        [(("✓ " if c.following else "") + c.full_name,
          FollowButton("p", branch_id, c.person_id).encode())] for c in people
    ]
    await who.show(who.texts("follow_choose_people") if people
                   else who.texts("follow_no_candidates"), rows, toast=toast)


@tap(FollowButton)
async def on_button(who: Asker, button: FollowButton) -> None:
    branch_id = button.branch
    if button.person is None:  # fl:b
        await _show_branch(who, branch_id)
        return
    branch, person = await svc.toggle_follow(who.services, who.actor, branch_id, button.person)
    key = "follow_started" if person.following else "follow_stopped"
    await _show_branch(who, branch_id, who.texts(key, name=person.full_name, unit=branch.name))
