"""Daily warnings to branch officers: probations ending within 30 days, and members
reaching 2 (warned) or 3 (flagged) months of unexcused absence or unpaid dues.

Runs once per local day from the scheduler's tick; each warning is sent once, guarded
by a mark written with its outbox rows.
"""

from __future__ import annotations

from bot.core import formatting as fmt
from bot.core.services import Services
from bot.reports import figures
from bot.reports.scope import Scope
from bot.reports.service import compute_year, today
from bot.texts import as_language, t
from storage import marks, outbox, roles, units
from storage import reports as rows
from storage.outbox import Envelope, OutgoingMessage

PROBATION_WARN_DAYS = 30


async def due_work(services: Services) -> None:
    day = today(services)
    async with services.db.transaction() as conn:
        if not await marks.mark_once(conn, f"daily-warnings:{day.isoformat()}",
                                     services.clock.now()):
            return
    for unit in await units.all_units(services.db):
        if unit.kind == "branch":
            await _warn_branch(services, Scope([unit], None, unit.name))


async def _warn_branch(services: Services, scope: Scope) -> None:
    day = today(services)
    unit = scope.branches[0]
    warnings: list[tuple[str, str, dict[str, object]]] = []  # (mark, text key, params)
    for p in figures.probations(await rows.probationary(services.db, scope.ids), day):
        if 0 <= p.days_left <= PROBATION_WARN_DAYS:
            warnings.append((f"probation:{p.membership_id}:{p.ends_on.isoformat()}",
                             "warn_probation", {"name": p.full_name, "ends": fmt.day(p.ends_on),
                                                "days": p.days_left, "unit": unit.name}))
    report = await compute_year(services, scope, day.year)
    for m in report.members:
        if m.level == "ok":
            continue
        warnings.append((f"rule24:{m.person_id}:{day.year}:{m.level}", f"warn_rule24_{m.level}",
                         {"name": m.full_name, "unit": unit.name, "count": len(m.violation_months),
                          "months": ", ".join(fmt.month(x) for x in m.violation_months),
                          "year": day.year}))
    if not warnings:
        return
    officers = await roles.branch_officers(services.db, unit.id)
    langs = await roles.languages(services.db, [o.telegram_user_id for o in officers])
    now = services.clock.now()
    async with services.db.transaction() as conn:
        envelopes = []
        for mark, key, params in warnings:
            if not await marks.mark_once(conn, mark, now):
                continue
            for officer in officers:
                lang = as_language(langs.get(officer.telegram_user_id),
                                   services.config.bot.language)
                envelopes.append(Envelope(
                    key=f"{mark}:{officer.person_id}", chat_id=officer.telegram_user_id,
                    kind="warning", person_id=officer.person_id, unit_id=unit.id,
                    message=OutgoingMessage(t(lang, key, **params))))
        await outbox.enqueue(conn, envelopes, now)
