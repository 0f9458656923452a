"""/zalo: a code to add Zalo to a Telegram account; ``/zalo telegram`` / ``/zalo zalo``
choose where messages come."""

from __future__ import annotations

from telegram import Update

from bot.core import formatting as fmt
from bot.core import labels
from bot.zalo import linking
from handlers.base import asker
from handlers.context import ChiboContext


async def zalo(update: Update, context: ChiboContext) -> None:
    who = await asker(update, context)
    args = [a.casefold() for a in context.args or []]
    if args and args[0] in ("telegram", "zalo"):
        channel = await linking.choose_channel(who.services, who.actor, args[0])
        await who.say(who.texts(labels.ZALO_CHANNEL[channel]))
        return
    code, expires = await linking.code_for(who.services, who.actor)
    day = fmt.day(expires.astimezone(who.services.tz).date())
    await who.say(who.texts("zalo_code_for_me", code=code, expires=day))
