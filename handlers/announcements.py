"""/linkgroup (sent in the branch's group) and /broadcast."""

from __future__ import annotations

from telegram import Update

from bot.core.names import clean_free_text
from bot.notices.announcements import broadcast, link_group
from handlers.base import asker
from handlers.context import ChiboContext


async def linkgroup(update: Update, context: ChiboContext) -> None:
    who = await asker(update, context)
    chat = update.effective_chat
    if chat is None or chat.type not in ("group", "supergroup"):
        await who.say(who.texts("linkgroup_in_group"))
        return
    unit_name = await link_group(who.services, who.actor, chat.id)
    await who.say(who.texts("linkgroup_done", unit=unit_name))


async def broadcast_cmd(update: Update, context: ChiboContext) -> None:
    who = await asker(update, context)
    message = update.effective_message
    text = (message.text or "") if message else ""
    body = clean_free_text(text.partition(" ")[2]) if " " in text else ""
    if not body.strip():
        await who.say(who.texts("broadcast_usage"))
        return
    count = await broadcast(who.services, who.actor, body)
    await who.say(who.texts("broadcast_queued", count=count))
