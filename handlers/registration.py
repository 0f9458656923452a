"""Joining through a personal invite link: /start <token> and its confirmation."""

from __future__ import annotations

from telegram import Update

from bot.core import labels
from bot.meetings.guests import is_guest_link
from bot.members.buttons import JoinButton
from bot.members.registration import InviteState, check_account, preview, redeem
from handlers import guests
from handlers.base import Asker, asker, tap
from handlers.common import start as welcome
from handlers.context import ChiboContext

_REFUSED = {InviteState.USED: "invite_used", InviteState.EXPIRED: "invite_expired",
            InviteState.REVOKED: "invite_revoked", InviteState.UNKNOWN: "invite_unknown"}


async def start(update: Update, context: ChiboContext) -> None:
    token = (context.args or [""])[0]
    if not token:
        await welcome(update, context)
        return
    who = await asker(update, context)
    if is_guest_link(token):  # a guest of one meeting, never a member
        await guests.open_link(who, token)
        return
    seen = await preview(who.services, token[:64])
    if seen.state is not InviteState.VALID:
        await who.say(who.texts(_REFUSED[seen.state]))
        return
    assert seen.invite is not None
    second = await check_account(who.services, seen, who.user_id)
    if second is not None:
        key = "two_join_preview_official" if second.official_here else "two_join_preview"
        text = who.texts(key, name=second.full_name,
                         home=", ".join(second.home_units), unit=seen.unit_name)
    else:
        text = who.texts("invite_preview", unit=seen.unit_name, name=seen.full_name,
                         role=who.texts(labels.ROLE[seen.invite.role]))
    await who.say(text, [[(who.texts("invite_confirm"), JoinButton(token).encode()),
                          (who.texts("invite_not_me"), JoinButton(JoinButton.DECLINE).encode())]])


@tap(JoinButton)
async def confirm(who: Asker, button: JoinButton) -> None:
    if button.declined:
        await who.show(who.texts("invite_not_me_done"))
        return
    joined = await redeem(who.services, button.token, who.user_id)
    key = ("two_join_done_official" if joined.official_here else "two_join_done") \
        if joined.second_branch else "invite_joined"
    await who.show(who.texts(key, name=joined.full_name, unit=joined.unit_name,
                             role=who.texts(labels.ROLE[joined.role])))
