"""What the clock makes due for meetings; called on every scheduler wake-up.

Everything here is idempotent: one-off work is guarded by a mark written in
the same transaction as the outbox rows it causes, so running it twice, or
after a restart, neither repeats nor loses anything. Work that came due while
the bot was down is done once on start, if still useful: of several reminders
due at once only the nearest to the meeting goes out, and nothing goes out
for a meeting that has started.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from bot.core import formatting as fmt
from bot.core.clock import epoch
from bot.core.config import parse_offset
from bot.core.services import Services
from bot.meetings import texts as mt
from bot.meetings.buttons import MeetingAction, MeetingButton
from bot.meetings.schedule import ScheduleRule
from bot.meetings.service import create_meeting, envelope, recipients
from bot.texts import t
from storage import marks, outbox, roles, units
from storage import meetings as store
from storage.meetings import MeetingRow
from storage.outbox import Button, Envelope, OutgoingMessage


async def due_work(services: Services) -> None:
    await create_scheduled(services)
    now = services.clock.now()
    offsets = services.config.meetings.reminder_deltas
    digest = parse_offset(services.config.meetings.officer_digest_before)
    horizon = max([*offsets, digest])
    for meeting in await store.scheduled_between(services.db, now, now + horizon):
        await remind(services, meeting, offsets)
        await officers_digest(services, meeting, digest)
    await quarter_check(services)


def _months_from(today: date, count: int) -> list[tuple[int, int]]:
    year, month = today.year, today.month
    result = []
    for _ in range(count):
        result.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return result


async def create_scheduled(services: Services) -> int:
    """Each branch's regular meeting, created ``create_days_ahead`` days before it."""
    created = 0
    now = services.clock.now()
    ahead = timedelta(days=services.config.meetings.create_days_ahead)
    for unit in await units.all_units(services.db):
        if unit.kind != "branch" or not unit.schedule_rule:
            continue
        rule = ScheduleRule.from_json(unit.schedule_rule)
        for year, month in _months_from(now.astimezone(services.tz).date(), 2):
            starts = rule.occurrence(year, month, services.tz)
            label = f"{year}-{month:02d}"
            if not (starts - ahead <= now < starts):
                continue
            if await store.auto_exists(services.db, unit.id, label):
                continue
            month_start = datetime(year, month, 1, tzinfo=services.tz)
            next_y, next_m = _months_from(date(year, month, 1), 2)[1]
            if await store.has_meeting_in(services.db, unit.id, ("regular", "combined"),
                                          month_start, datetime(next_y, next_m, 1,
                                                                tzinfo=services.tz)):
                continue  # the officers already called this month's meeting by hand
            meeting = await create_meeting(services, None, unit_id=unit.id, kind="regular",
                                           starts_at=starts, place=unit.default_place,
                                           agenda=None, auto_month=label)
            created += meeting is not None
    return created


async def remind(services: Services, meeting: MeetingRow, offsets: list[timedelta]) -> None:
    now = services.clock.now()
    due = [o for o in offsets if now >= meeting.starts_at - o]
    if not due:
        return
    nearest = min(due)
    start = epoch(meeting.starts_at)
    unit_name = (await units.get_unit(services.db, meeting.unit_id) or _NoUnit).name
    async with services.db.transaction() as conn:
        fresh = [o for o in due
                 if await marks.mark_once(conn, f"remind:{meeting.id}:{start}:{_label(o)}", now)]
        # Invited after this offset's moment: the invitation itself was the reminder.
        if nearest not in fresh or meeting.updated_at > meeting.starts_at - nearest:
            return
        envelopes = []
        for inv, lang in await recipients(services, meeting.id):
            message = mt.reminder(meeting, unit_name, inv, services.tz, lang)
            if message is not None:
                envelopes.append(envelope(
                    f"remind:{meeting.id}:{start}:{_label(nearest)}:{inv.person_id}",
                    inv, message, meeting, "remind"))
        await outbox.enqueue(conn, envelopes, now)


def _label(offset: timedelta) -> str:
    return f"{int(offset.total_seconds()) // 60}m"


class _NoUnit:
    name = ""


async def officers_digest(services: Services, meeting: MeetingRow, before: timedelta) -> None:
    """One day ahead: who has not answered, with a button that nudges exactly them."""
    now = services.clock.now()
    if now < meeting.starts_at - before or meeting.updated_at > meeting.starts_at - before:
        return
    unit = await units.get_unit(services.db, meeting.unit_id)
    if unit is None:
        return
    invited = await store.invitations(services.db, meeting.id)
    # Those without Telegram are marked: an officer records their answer (phoned in).
    silent = [i.full_name + ("" if i.has_telegram else " 📵") for i in invited
              if i.answer is None]
    reachable = sum(1 for i in invited if i.answer is None and i.has_telegram)
    attend = sum(1 for i in invited if i.answer == "attend")
    absent = sum(1 for i in invited if i.answer == "absent")
    officers = await roles.branch_officers(services.db, unit.id)
    langs = await services.languages_of(o.person_id for o in officers)
    start = epoch(meeting.starts_at)
    async with services.db.transaction() as conn:
        if not await marks.mark_once(conn, f"digest:{meeting.id}:{start}", now):
            return
        envelopes = []
        for officer in officers:
            lang = langs[officer.person_id]
            lines = [t(lang, "digest_header", when=mt.when(meeting, services.tz, lang)),
                     t(lang, "digest_counts", attend=fmt.number(attend, lang),
                       absent=fmt.number(absent, lang), silent=fmt.number(len(silent), lang),
                       total=fmt.number(len(invited), lang))]
            buttons: tuple[tuple[Button, ...], ...] = ()
            if silent:
                lines.append(t(lang, "digest_silent", names=", ".join(silent)))
            if reachable:
                buttons = ((Button(t(lang, "digest_nudge", count=reachable),
                                   MeetingButton(MeetingAction.NUDGE, meeting.id).encode()),),)
            envelopes.append(Envelope(
                key=f"digest:{meeting.id}:{start}:{officer.person_id}",
                chat_id=officer.telegram_user_id, kind="digest", unit_id=unit.id,
                person_id=officer.person_id, stale_after=meeting.starts_at,
                message=OutgoingMessage("\n".join(lines)[:4000], buttons)))
        await outbox.enqueue(conn, envelopes, now)


async def quarter_check(services: Services) -> None:
    """When a quarter's second month ends with no thematic meeting, remind the officers."""
    now = services.clock.now()
    local = now.astimezone(services.tz)
    if (local.month - 1) % 3 != 2:
        return  # only during the quarter's third month
    quarter = (local.month - 1) // 3 + 1
    q_start = datetime(local.year, 3 * quarter - 2, 1, tzinfo=services.tz)
    q_end = (datetime(local.year + 1, 1, 1, tzinfo=services.tz) if quarter == 4
             else datetime(local.year, 3 * quarter + 1, 1, tzinfo=services.tz))
    for unit in await units.all_units(services.db):
        if unit.kind != "branch":
            continue
        if await store.has_meeting_in(services.db, unit.id, ("thematic", "combined"), q_start,
                                      q_end):
            continue
        officers = await roles.branch_officers(services.db, unit.id)
        langs = await services.languages_of(o.person_id for o in officers)
        async with services.db.transaction() as conn:
            if not await marks.mark_once(conn, f"quarter:{unit.id}:{local.year}Q{quarter}", now):
                continue
            envelopes = []
            for officer in officers:
                lang = langs[officer.person_id]
                envelopes.append(Envelope(
                    key=f"quarter:{unit.id}:{local.year}Q{quarter}:{officer.person_id}",
                    chat_id=officer.telegram_user_id, kind="quarter", unit_id=unit.id,
                    person_id=officer.person_id, stale_after=q_end,
                    message=OutgoingMessage(t(lang, "quarter_reminder", quarter=quarter,
                                              year=local.year, unit=unit.name))))
            await outbox.enqueue(conn, envelopes, now)
