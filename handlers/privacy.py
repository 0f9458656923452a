"""/audit for committee officers, and a member's data export from their card."""

from __future__ import annotations

import io
import json

from telegram import Update

from bot.core import formatting as fmt
from bot.core.clock import from_db
from bot.members import privacy as svc
from bot.members.buttons import PrivacyButton
from handlers.base import Asker, asker, tap
from handlers.context import ChiboContext


async def audit(update: Update, context: ChiboContext) -> None:
    who = await asker(update, context)
    rows = await svc.audit_log(who.services, who.actor)
    lines = [who.texts("audit_header", count=len(rows))]
    for at, actor_id, name, action, unit in rows:
        when = fmt.local_time(from_db(at), who.services.tz)
        lines.append(who.texts("audit_line", when=when, who=name or actor_id or "CLI",
                               action=svc.describe_action(action, who.texts.lang),
                               unit=unit or "—"))
    await who.say("\n".join(lines)[:4000])


@tap(PrivacyButton)
async def on_button(who: Asker, button: PrivacyButton) -> None:
    chat, membership = who.update.effective_chat, button.membership
    if chat is None:
        await who.toast(who.texts("button_expired"))
        return
    name, data = await svc.officer_export(who.services, who.actor, membership)
    payload = json.dumps(data, ensure_ascii=False, indent=2, default=str).encode()
    await who.toast()
    await who.update.get_bot().send_document(
        chat.id, io.BytesIO(payload), filename=f"du-lieu-ca-nhan-{membership}.json",
        caption=who.texts("privacy_export_done", name=name))
