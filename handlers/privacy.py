"""/audit for committee officers, and a member's data export from their card."""

from __future__ import annotations

import io
import json

from telegram import Update

from bot.core import callbacks
from bot.core import formatting as fmt
from bot.core.clock import from_db
from bot.members import privacy as svc
from handlers.base import asker
from handlers.context import ChiboContext

PRIVACY = "prv"


async def audit(update: Update, context: ChiboContext) -> None:
    who = await asker(update, context)
    rows = await svc.audit_log(who.services, who.actor)
    lines = [who.texts("audit_header", count=len(rows))]
    for at, actor_id, name, action, unit in rows:
        when = fmt.local_time(from_db(at), who.services.tz)
        lines.append(who.texts("audit_line", when=when, who=name or actor_id or "CLI",
                               action=action, unit=unit or "—"))
    await who.say("\n".join(lines)[:4000])


async def on_button(update: Update, context: ChiboContext) -> None:
    who = await asker(update, context)
    parts = callbacks.split(update.callback_query.data if update.callback_query else None,
                            PRIVACY)
    membership = callbacks.as_int(parts[1]) if parts and len(parts) == 2 else None
    chat = update.effective_chat
    if parts is None or parts[0] != "x" or membership is None or chat is None:
        await who.toast(who.texts("button_expired"))
        return
    name, data = await svc.officer_export(who.services, who.actor, membership)
    payload = json.dumps(data, ensure_ascii=False, indent=2, default=str).encode()
    await who.toast()
    await update.get_bot().send_document(
        chat.id, io.BytesIO(payload), filename=f"du-lieu-ca-nhan-{membership}.json",
        caption=who.texts("privacy_export_done", name=name))
