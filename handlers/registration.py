"""Joining through a personal invite link: /start <token> and its confirmation."""

from __future__ import annotations

from telegram import Update

from bot.core import callbacks
from bot.members.registration import InviteState, check_account, preview, redeem
from handlers.base import asker
from handlers.common import start as welcome
from handlers.context import ChiboContext

JOIN = "join"


async def start(update: Update, context: ChiboContext) -> None:
    token = (context.args or [""])[0]
    if not token:
        await welcome(update, context)
        return
    who = await asker(update, context)
    seen = await preview(who.services, token[:64])
    if seen.state is not InviteState.VALID:
        await who.say(who.texts(f"invite_{seen.state.value}"))
        return
    assert seen.invite is not None
    second = await check_account(who.services, seen, who.user_id)
    if second is not None:
        text = who.texts("two_join_preview", name=second.full_name,
                         home=", ".join(second.home_units), unit=seen.unit_name)
    else:
        text = who.texts("invite_preview", unit=seen.unit_name, name=seen.full_name,
                         role=who.texts(f"role_{seen.invite.role}"))
    await who.say(text, [[(who.texts("invite_confirm"), callbacks.build(JOIN, token)),
                          (who.texts("invite_not_me"), callbacks.build(JOIN, "no"))]])


async def confirm(update: Update, context: ChiboContext) -> None:
    who = await asker(update, context)
    parts = callbacks.split(update.callback_query.data if update.callback_query else None, JOIN)
    if parts is None or len(parts) != 1:
        await who.toast(who.texts("button_expired"))
        return
    if parts[0] == "no":
        await who.show(who.texts("invite_not_me_done"))
        return
    joined = await redeem(who.services, parts[0], who.user_id)
    key = "two_join_done" if joined.second_branch else "invite_joined"
    await who.show(who.texts(key, name=joined.full_name, unit=joined.unit_name,
                             role=who.texts(f"role_{joined.role}")))
