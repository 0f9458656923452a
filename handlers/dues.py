"""Party dues on a member's card: the year's months, a tap marks one paid or unpaid."""

from __future__ import annotations

from telegram import Update

from bot.core import callbacks
from bot.core import formatting as fmt
from bot.members import dues as svc
from handlers.base import Asker, ButtonRow, asker
from handlers.context import ChiboContext

DUES = "due"


def _render(who: Asker, view: svc.DuesCard) -> tuple[str, list[ButtonRow]]:
    texts = who.texts
    paid = [m for m in view.months if m in view.paid]
    unpaid = [fmt.month(m) for m in view.months if m not in view.paid]
    text = texts("dues_card", name=view.member.full_name, year=view.year,
                 paid=fmt.ratio(len(paid), len(view.months), texts.lang),
                 unpaid=", ".join(unpaid) or "—")
    mid = view.member.membership_id
    buttons = [(("✅ " if m in view.paid else "▫️ ") + m[5:] + "/" + m[:4],
                callbacks.build(DUES, "t", mid, m.replace("-", ""))) for m in view.months]
    rows: list[ButtonRow] = [buttons[i:i + 3] for i in range(0, len(buttons), 3)]
    turn = [(f"« {view.previous_year}", callbacks.build(DUES, "y", mid, view.previous_year))
            if view.previous_year else None,
            (f"{view.next_year} »", callbacks.build(DUES, "y", mid, view.next_year))
            if view.next_year else None]
    rows.append([b for b in turn if b is not None])
    rows.append([(texts("btn_back_card"), callbacks.build("mem", "o", mid))])
    return text, rows


async def on_button(update: Update, context: ChiboContext) -> None:
    who = await asker(update, context)
    parts = callbacks.split(update.callback_query.data if update.callback_query else None, DUES)
    membership = callbacks.as_int(parts[1]) if parts and len(parts) >= 2 else None
    if parts is None or membership is None:
        await who.toast(who.texts("button_expired"))
        return
    if parts[0] == "o" and len(parts) == 2:
        view = await svc.card(who.services, who.actor, membership)
    elif parts[0] == "y" and len(parts) == 3 and parts[2].isdigit() and len(parts[2]) == 4:
        view = await svc.card(who.services, who.actor, membership, int(parts[2]))
    elif parts[0] == "t" and len(parts) == 3 and parts[2].isdigit() and len(parts[2]) == 6:
        view = await svc.toggle(who.services, who.actor, membership,
                                f"{parts[2][:4]}-{parts[2][4:]}")
    else:
        await who.toast(who.texts("button_expired"))
        return
    text, rows = _render(who, view)
    await who.show(text, rows)
