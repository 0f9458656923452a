"""A member reports on the households they follow: one tap, or a short note.

Only the member a household is assigned to now may report on it, only for the
current month, whatever the button says. A problem is written together with
one alert per branch officer in the outbox, so it reaches them at once and
exactly once.
"""

from __future__ import annotations

import hashlib
import unicodedata
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.core import formatting as fmt
from bot.core.access import Actor
from bot.core.errors import Denied, Invalid, NotFound
from bot.core.names import has_control_chars, strip_zero_width
from bot.core.permissions import require_own
from bot.core.services import Services
from bot.duties.card import DutyLine, DutyView, household_label
from bot.texts import t
from storage import duties, households, outbox, roles, units
from storage.households import Household
from storage.outbox import Envelope, OutgoingMessage

MAX_NOTE = 500


def period_at(instant: datetime, tz: ZoneInfo) -> str:
    return instant.astimezone(tz).strftime("%Y-%m")


def current_period(services: Services) -> str:
    return period_at(services.clock.now(), services.tz)


def clean_note(text: str) -> str:
    note = unicodedata.normalize("NFC", strip_zero_width(text)).strip()
    if not note or not any(ch.isalnum() for ch in note):
        raise Invalid("duty_note_invalid", limit=MAX_NOTE)
    if len(note) > MAX_NOTE:
        raise Invalid("duty_note_too_long", length=len(note), limit=MAX_NOTE)
    if has_control_chars(note.replace("\n", " ")):
        raise Invalid("duty_note_invalid", limit=MAX_NOTE)
    return note


async def view_of(services: Services, person_id: int, period: str) -> DutyView:
    followed = await households.followed_by(services.db, person_id)
    found = await duties.reports(services.db, period, [h.id for h in followed])
    return DutyView(person_id, period, [DutyLine(h, found.get(h.id)) for h in followed])


async def my_duties(services: Services, actor: Actor) -> DutyView:
    if actor.person_id is None:
        raise NotFound("me_unregistered")
    return await view_of(services, actor.person_id, current_period(services))


async def card_page(services: Services, actor: Actor, period: str) -> DutyView:
    """The caller's own card for ``period`` (to turn its pages)."""
    if actor.person_id is None:
        raise Denied("not_registered")
    return await view_of(services, actor.person_id, period)


async def reportable(services: Services, actor: Actor, household_id: int,
                     period: str) -> Household:
    """The household, if ``actor`` may report on it for ``period`` now; else a refusal."""
    if actor.person_id is None:
        raise Denied("not_registered")
    if period != current_period(services):
        raise Invalid("duty_period_over", month=fmt.month(period))
    household = await households.get(services.db, household_id)
    if household is None or household.removed:
        raise NotFound()
    require_own(actor, household.member_id, household.unit_id, "duty_not_yours")
    return household


async def report(
    services: Services, actor: Actor, household_id: int, period: str, status: str,
    note: str | None = None,
) -> tuple[DutyView, Household]:
    """Record the month's report on one household; a problem alerts the branch officers."""
    household = await reportable(services, actor, household_id, period)
    assert actor.person_id is not None
    if status == "problem":
        note = clean_note(note or "")
    elif status == "normal":
        note = None
    else:
        raise Invalid("button_expired")
    now = services.clock.now()
    alerts = await _problem_alerts(services, actor, household, period, note) if note else []
    async with services.db.transaction() as conn:
        await duties.record(conn, household_id=household.id, period=period,
                            person_id=actor.person_id, status=status, note=note, now=now)
        await outbox.enqueue(conn, alerts, now)
    if alerts:
        services.sender.wake()
    return await view_of(services, actor.person_id, period), household


async def _problem_alerts(services: Services, actor: Actor, household: Household,
                          period: str, note: str) -> list[Envelope]:
    """One private message per officer of the household's branch (never a group)."""
    unit = await units.get_unit(services.db, household.unit_id)
    officers = [o for o in await roles.branch_officers(services.db, household.unit_id)
                if o.person_id != actor.person_id]
    langs = await services.languages_of(o.person_id for o in officers)
    # The same note sent twice is one alert; a corrected note is a new one.
    digest = hashlib.sha256(note.encode()).hexdigest()[:12]
    envelopes = []
    for officer in officers:
        lang = langs[officer.person_id]
        text = t(lang, "duty_problem_alert", month=fmt.month(period),
                 household=household_label(household, lang), member=actor.full_name or "?",
                 note=note, unit=unit.name if unit else "")
        envelopes.append(Envelope(
            key=f"problem:{household.id}:{period}:{officer.person_id}:{digest}",
            chat_id=officer.telegram_user_id, kind="duty_problem",
            message=OutgoingMessage(text), person_id=officer.person_id,
            unit_id=household.unit_id,
        ))
    return envelopes


async def card_messages(services: Services, person_id: int, period: str
                        ) -> list[outbox.MessageRef]:
    """(chat id, message id) of the month's reminder and nudge, once sent, for edits."""
    found = []
    for key in (f"duty:{period}:{person_id}", f"dutynudge:{period}:{person_id}"):
        ref = await outbox.message_id_for(services.db, key)
        if ref is not None:
            found.append(ref)
    return found
