"""The monthly duty cycle: the reminder, the nudge and the January review.

``due_work`` runs on every scheduler wake-up. The database and the clock say
what is due; each step is guarded by a mark written in the same transaction
as the outbox rows it causes (and every row has a business key), so running
it twice, or after a restart, neither repeats nor loses a message.

The month's reminder fires at the schedule's first time in the month (cron
style, in the configured zone). If the bot was down then, it goes out on
start, as long as the month is not over; the nudge counts its days from when
each member's reminder actually left.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from bot.core.services import Services
from bot.duties.card import as_outgoing, card
from bot.duties.reports import period_at, view_of
from bot.texts import t
from storage import duties, households, marks, outbox, people, roles, units
from storage.outbox import Envelope, OutgoingMessage


def month_fire(schedule: str, tz: ZoneInfo, now: datetime) -> datetime | None:
    """The schedule's first fire time in ``now``'s local month, once it has passed."""
    local = now.astimezone(tz)
    month_start = datetime(local.year, local.month, 1, tzinfo=tz)
    fire = CronTrigger.from_crontab(schedule, timezone=tz).get_next_fire_time(None, month_start)
    if fire is None or fire > now:
        return None
    fire_local = fire.astimezone(tz)
    return fire if (fire_local.year, fire_local.month) == (local.year, local.month) else None


def month_end(period: str, tz: ZoneInfo) -> datetime:
    """The first instant after the period: a reminder not sent by then is stale."""
    year, month = (int(p) for p in period.split("-"))
    year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return datetime(year, month, 1, tzinfo=tz)


async def due_work(services: Services) -> None:
    now = services.clock.now()
    fire = month_fire(services.config.duties.schedule, services.tz, now)
    if fire is None:
        return
    period = period_at(fire, services.tz)
    await send_reminders(services, period)
    if period.endswith("-01"):
        await send_review(services, period[:4])
    if now >= fire + timedelta(days=services.config.duties.nudge_after_days):
        await send_nudges(services, period)


async def send_reminders(services: Services, period: str) -> int:
    """Each member with households gets one message listing them, with buttons."""
    mark = f"duty:{period}"
    if await marks.is_set(services.db, mark):
        return 0
    holders = await duties.holders(services.db)
    langs = await services.languages_of(h.person_id for h in holders)
    stale = month_end(period, services.tz)
    envelopes = []
    for holder in holders:
        view = await view_of(services, holder.person_id, period)
        if not view.lines or view.complete:  # reported everything before the reminder
            continue
        text, rows = card(view, langs[holder.person_id], "reminder")
        envelopes.append(Envelope(
            key=f"duty:{period}:{holder.person_id}", chat_id=holder.telegram_user_id,
            kind="duty", message=as_outgoing(text, rows), person_id=holder.person_id,
            unit_id=view.lines[0].household.unit_id, stale_after=stale,
        ))
    return await _commit(services, mark, envelopes)


async def send_nudges(services: Services, period: str) -> int:
    """Once, to members whose reminder left ``nudge_after_days`` ago and who have not
    reported every household."""
    mark = f"dutynudge:{period}"
    if await marks.is_set(services.db, mark):
        return 0
    now = services.clock.now()
    cutoff = now - timedelta(days=services.config.duties.nudge_after_days)
    reminders = await duties.outbox_rows(services.db, f"duty:{period}:")
    nudged = {r.person_id for r in await duties.outbox_rows(services.db, f"dutynudge:{period}:")}
    due = [r.person_id for r in reminders if r.state == "sent" and r.sent_at is not None
           and r.sent_at <= cutoff and r.person_id not in nudged]
    # Reminders still on their way (or sent lately) get their nudge on a later pass.
    waiting = any(r.state in ("pending", "sending")
                  or (r.state == "sent" and r.sent_at is not None and r.sent_at > cutoff)
                  for r in reminders)
    stale = month_end(period, services.tz)
    envelopes = []
    for person_id in due:
        record = await people.person(services.db, person_id)
        if record is None or not record.reachable:
            continue
        view = await view_of(services, person_id, period)
        if not view.lines or view.complete:
            continue
        account = record.chat_id  # 0: on Zalo only (the outbox addresses it)
        lang = await services.language_of(person_id)
        text, rows = card(view, lang, "nudge")
        envelopes.append(Envelope(
            key=f"dutynudge:{period}:{person_id}", chat_id=account,
            kind="dutynudge", message=as_outgoing(text, rows), person_id=person_id,
            unit_id=view.lines[0].household.unit_id, stale_after=stale,
        ))
    return await _commit(services, None if waiting else mark, envelopes)


async def send_review(services: Services, year: str) -> int:
    """In January, each branch's officers are asked to review the year's assignments."""
    mark = f"assignreview:{year}"
    if await marks.is_set(services.db, mark):
        return 0
    envelopes = []
    for unit_id in await households.units_with_households(services.db):
        unit = await units.get_unit(services.db, unit_id)
        listed = await households.of_unit(services.db, unit_id)
        followers = {h.member_id for h in listed if h.member_id is not None}
        unassigned = sum(1 for h in listed if h.member_id is None)
        officers = await roles.branch_officers(services.db, unit_id)
        langs = await services.languages_of(o.person_id for o in officers)
        for officer in officers:
            lang = langs[officer.person_id]
            text = t(lang, "duty_review", year=year, unit=unit.name if unit else "",
                     households=len(listed), members=len(followers), unassigned=unassigned)
            envelopes.append(Envelope(
                key=f"assignreview:{year}:{unit_id}:{officer.person_id}",
                chat_id=officer.telegram_user_id, kind="assignreview",
                message=OutgoingMessage(text), person_id=officer.person_id, unit_id=unit_id,
            ))
    return await _commit(services, mark, envelopes)


async def _commit(services: Services, mark: str | None, envelopes: list[Envelope]) -> int:
    """Enqueue and set the mark in one transaction; nothing if another pass got there."""
    if mark is None and not envelopes:
        return 0
    now = services.clock.now()
    async with services.db.transaction() as conn:
        if mark is not None and not await marks.set_once(conn, mark, now):
            return 0
        added = await outbox.enqueue(conn, envelopes, now)
    if added:
        services.sender.wake()
    return added
