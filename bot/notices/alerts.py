"""Alerts to officers about delivery problems (someone cannot be reached)."""

from __future__ import annotations

from datetime import datetime

from bot.core import formatting as fmt
from bot.core import labels
from bot.core.services import Services
from bot.texts import t
from storage import roles
from storage.outbox import Envelope, OutgoingMessage


async def officers_told_unreachable(
    services: Services, person_id: int, reason: str, since: datetime
) -> int:
    """Tell each branch's officers, once, that a member cannot be reached."""
    name = await roles.person_name(services.db, person_id) or "?"
    envelopes: list[Envelope] = []
    for unit_id, unit_name in await roles.branches_of(services.db, person_id):
        officers = [o for o in await roles.branch_officers(services.db, unit_id)
                    if o.person_id != person_id]
        langs = await services.languages_of(o.person_id for o in officers)
        for officer in officers:
            lang = langs[officer.person_id]
            text = t(
                lang, "alert_unreachable", name=name, branch=unit_name,
                since=fmt.local_time(since, services.tz), why=t(lang, labels.UNREACHABLE[reason]),
            )
            envelopes.append(Envelope(
                key=f"unreachable:{person_id}:{since.isoformat()}:{officer.person_id}",
                chat_id=officer.telegram_user_id, kind="alert", message=OutgoingMessage(text),
                person_id=officer.person_id, unit_id=unit_id,
            ))
    return await services.post(envelopes)

