"""Members told of their households: when households are given to a member (by /assign,
the household card or an import), the member gets one message listing the new ones; a
member whose household went to someone else is told too.

Through the outbox, keyed by the assignments that caused the message, so a re-import
(which opens no new assignment) or a retry never repeats it. When this month's
reminder has already gone out, the message is this month's card, with its report
buttons, so the new households can be reported the same day.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence

from bot.core.services import Services
from bot.duties.card import as_outgoing, card, household_label
from bot.duties.reminders import month_end
from bot.duties.reports import current_period, view_of
from bot.texts import t
from storage import households, marks, outbox, people
from storage.outbox import Envelope, OutgoingMessage

# person id -> (assignment id, household id) of each change that concerns them
Moves = Mapping[int, Sequence[tuple[int, int]]]


def _key(prefix: str, person_id: int, moves: Sequence[tuple[int, int]]) -> str:
    ids = ",".join(str(a) for a, _ in sorted(moves))
    return f"{prefix}:{person_id}:{hashlib.sha256(ids.encode()).hexdigest()[:16]}"


async def tell(services: Services, unit_id: int, gained: Moves, lost: Moves) -> int:
    """Enqueue one message per member who gained households, and one per member whose
    households went to someone else; returns how many were added."""
    period = current_period(services)
    reminded = await marks.is_set(services.db, f"duty:{period}")
    envelopes: list[Envelope] = []
    for person_id, moves in gained.items():
        record = await people.person(services.db, person_id)
        if not moves or record is None or not record.reachable:
            continue
        lang = await services.language_of(person_id)
        new_ids = {hid for _, hid in moves}
        view = await view_of(services, person_id, period)
        lines = [line for line in view.lines if line.household.id in new_ids]
        if not lines:
            continue
        head = t(lang, "hhn_gained", count=len(lines))
        if reminded and not view.complete:
            text, rows = card(view, lang, "reminder")
            message = as_outgoing(t(lang, "hhn_gained_now", notice=head,
                                    households=", ".join(line.household.head_name
                                                         for line in lines),
                                    card=text)[:4000], rows)
            stale = month_end(period, services.tz)
        else:
            listed = "\n".join(t(lang, "hhn_line", household=household_label(line.household,
                                                                              lang))
                               for line in lines)
            message = OutgoingMessage(t(lang, "hhn_gained_later", notice=head,
                                        households=listed)[:4000])
            stale = None
        envelopes.append(Envelope(
            key=_key("hhnew", person_id, moves), chat_id=record.chat_id,
            kind="hhnotice", message=message, person_id=person_id, unit_id=unit_id,
            stale_after=stale))
    for person_id, moves in lost.items():
        record = await people.person(services.db, person_id)
        if not moves or record is None or not record.reachable:
            continue
        lang = await services.language_of(person_id)
        names = []
        for _, hid in moves:
            household = await households.get(services.db, hid)
            if household is not None:
                names.append(household.head_name)
        if not names:
            continue
        envelopes.append(Envelope(
            key=_key("hhlost", person_id, moves), chat_id=record.chat_id,
            kind="hhnotice", person_id=person_id, unit_id=unit_id,
            message=OutgoingMessage(t(lang, "hhn_lost", count=len(names),
                                      households=", ".join(names))[:4000])))
    if not envelopes:
        return 0
    async with services.db.transaction() as conn:
        added = await outbox.enqueue(conn, envelopes, services.clock.now())
    if added:
        services.sender.wake()
    return added
