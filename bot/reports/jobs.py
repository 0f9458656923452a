"""Warnings to branch officers: probations ending within 30 days (once) or overdue
(weekly until decided), and members reaching 2 (warned) or 3 (flagged) months of
unexcused absence or unpaid dues, each month named with its causes; a warning or flag
is withdrawn, with one short notice, when a cause is corrected.

Runs once per local day from the scheduler's tick, and for one branch right after its
officers correct a cause (dues recorded, a roll call closed). Each notice is sent once,
guarded by a mark written with its outbox rows; a withdrawal clears the mark, so the
warning can come again if the member reaches the level again.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from bot.core import formatting as fmt
from bot.core import labels
from bot.core.services import Services
from bot.reports import figures
from bot.reports.ledger import dues_fall_due
from bot.reports.render import causes_text
from bot.reports.scope import Scope
from bot.reports.service import compute_year, today
from bot.texts import Language, t
from storage import ledger as ledger_store
from storage import marks, outbox, roles, units
from storage import reports as rows
from storage.outbox import Envelope, OutgoingMessage
from storage.units import UnitRow

_WARN = {"warn": "warn_rule24_warn", "flag": "warn_rule24_flag"}
_WITHDRAWN = {"warn": "warn_rule24_warn_withdrawn", "flag": "warn_rule24_flag_withdrawn"}

PROBATION_WARN_DAYS = 30
LEVELS = ("warn", "flag")

RANK = {"ok": 0, "warn": 1, "flag": 2}

# (mark to set, or None; marks to clear; text key; params; member whose causes to list)
Notice = tuple[str | None, tuple[str, ...], str, dict[str, object], figures.MemberYear | None]


# Officers are reminded of a meeting whose roll call was never closed: the next morning,
# and again three days after the meeting (docs/rules.md, "The roll call as it goes").
UNCONFIRMED_REMINDERS = (1, 3)  # days after the meeting
REMINDER_HOUR = 7
UNCONFIRMED_LOOKBACK_DAYS = 30


async def remind_unconfirmed(services: Services) -> None:
    """Remind each branch's officers of its past meetings not confirmed (idempotent: the
    database says what is due, a mark written with the outbox rows says what was sent)."""
    now = services.clock.now()
    local = now.astimezone(services.tz)
    since = now - timedelta(days=UNCONFIRMED_LOOKBACK_DAYS)
    due: dict[int, list[Notice]] = {}
    for meeting_id, unit_id, kind, starts in await ledger_store.unconfirmed_meetings(
            services.db, since, now):
        day = starts.astimezone(services.tz).date()
        for n, after in enumerate(UNCONFIRMED_REMINDERS):
            when = datetime.combine(day + timedelta(days=after), time(REMINDER_HOUR),
                                    tzinfo=services.tz)
            if local >= when:
                key = "warn_unconfirmed" if n == 0 else "warn_unconfirmed_again"
                due.setdefault(unit_id, []).append((
                    f"unconfirmed:{meeting_id}:{after}", (), key,
                    {"day": fmt.day(day), "kind_key": kind}, None))
    for unit_id, notices in due.items():
        unit = await units.get_unit(services.db, unit_id)
        if unit is not None:
            await _send(services, unit, [(mark, cleared, key, {**params, "unit": unit.name},
                                          member) for mark, cleared, key, params, member
                                         in notices])


async def due_work(services: Services) -> None:
    await remind_unconfirmed(services)
    day = today(services)
    async with services.db.transaction() as conn:
        if not await marks.mark_once(conn, f"daily-warnings:{day.isoformat()}",
                                     services.clock.now()):
            return
    for unit in await units.all_units(services.db):
        if unit.kind == "branch":
            await review_branch(services, unit)


def _rule24_prefix(unit_id: int, person_id: int, year: int) -> str:
    return f"rule24:{unit_id}:{person_id}:{year}:"


def years_under_review(day: date, due_day: int) -> list[int]:
    """The current year and, in January until the review after December's dues fell due
    has run, the previous year too (December's absences and dues are judged then)."""
    years = [day.year]
    if day < dues_fall_due(f"{day.year - 1}-12", due_day) + timedelta(days=1):
        years.insert(0, day.year - 1)
    return years


async def review_branch(services: Services, unit: UnitRow) -> None:
    """Send the branch's due warnings and withdrawals (idempotent: run it any time). The
    branch reviews its current members; their months are judged across every branch
    they belonged to in the year (read from the ledger)."""
    day = today(services)
    scope = Scope([unit], None, unit.name)
    notices: list[Notice] = _probation_notices(
        figures.probations(await rows.probationary(services.db, scope.ids), day), unit, day)
    sent = await marks.with_prefix(services.db, f"rule24:{unit.id}:")
    for year in years_under_review(day, services.config.dues.due_day):
        report = await compute_year(services, scope, year)
        for m in report.members:
            if m.left is not None or m.standing == "213":
                continue
            prefix = _rule24_prefix(unit.id, m.person_id, year)
            base: dict[str, object] = {"name": m.full_name, "unit": unit.name,
                                       "count": len(m.violation_months), "year": year}
            if m.level != "ok" and prefix + m.level not in sent:
                notices.append((prefix + m.level, (), _WARN[m.level], base, m))
            # A cause was corrected: the level dropped below what the officers were told.
            above = [level for level in LEVELS if prefix + level in sent
                     and RANK[level] > RANK[m.level]]
            if above:
                notices.append((None, tuple(prefix + level for level in above),
                                _WITHDRAWN[above[-1]], base,
                                m if m.violation_months else None))
    if notices:
        await _send(services, unit, notices)


def _probation_notices(probations: list[figures.Probation], unit: UnitRow,
                       day: date) -> list[Notice]:
    result: list[Notice] = []
    week = "{}-W{:02d}".format(*day.isocalendar()[:2])
    for p in probations:
        params: dict[str, object] = {"name": p.full_name, "ends": fmt.day(p.ends_on),
                                     "days": abs(p.days_left), "unit": unit.name}
        if 0 <= p.days_left <= PROBATION_WARN_DAYS:
            result.append((f"probation:{p.membership_id}:{p.ends_on.isoformat()}", (),
                           "warn_probation", params, None))
        elif p.days_left < 0:  # overdue: every week until recognised (or decided otherwise)
            result.append((f"probation-overdue:{p.membership_id}:{week}", (),
                           "warn_probation_overdue", params, None))
    return result


def _text(lang: Language, key: str, params: dict[str, object],
          member: figures.MemberYear | None) -> str:
    causes = causes_text(member, lang) if member is not None else ""
    if "kind_key" in params:
        params = {**params, "kind": t(lang, labels.REPORT_KIND[str(params["kind_key"])])}
    text = t(lang, key, **params, causes=causes)
    if key.endswith("_withdrawn") and causes:
        text += "\n" + t(lang, "warn_rule24_remaining", causes=causes)
    return text


async def _send(services: Services, unit: UnitRow, notices: list[Notice]) -> None:
    officers = await roles.branch_officers(services.db, unit.id)
    langs = await services.languages_of(o.person_id for o in officers)
    now = services.clock.now()
    stamp = int(now.timestamp())
    async with services.db.transaction() as conn:
        envelopes = []
        for mark, cleared, key, params, member in notices:
            if mark is not None and not await marks.mark_once(conn, mark, now):
                continue
            for done in cleared:
                await marks.clear(conn, done)
            business = mark if mark is not None else f"{cleared[-1]}:withdrawn:{stamp}"
            for officer in officers:
                lang = langs[officer.person_id]
                envelopes.append(Envelope(
                    key=f"{business}:{officer.person_id}", chat_id=officer.telegram_user_id,
                    kind="warning", person_id=officer.person_id, unit_id=unit.id,
                    message=OutgoingMessage(_text(lang, key, params, member))))
        await outbox.enqueue(conn, envelopes, now)
