"""A report is computed once per question: its pages come from that one computation.

Asking for a report (a command, a button of the menu) computes it through the report
service, which writes the one audit row of the question; turning its pages reads the
computation kept for the paging session, keyed by who asked, the report, its scope and
year, and the version of the data: a write to the figures' data in between makes the
next page a new computation (and a new audit row: a new read). Who may see the scope
is checked on every page all the same (the handler resolves the scope first).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar, cast

from bot.core.access import Actor
from bot.core.services import Services
from storage import versions

T = TypeVar("T")


async def asked(services: Services, actor: Actor, report: str, scope_key: str, arg: str,
                compute: Callable[[], Awaitable[T]], *, turning: bool) -> T:
    """The report ``compute`` makes: computed now for a new question, else (a page turn)
    the computation kept for the session if the data has not changed since."""
    version = await versions.figures(services.db)
    key = (actor.telegram_user_id, report, scope_key, arg, version)
    if turning:
        kept = services.reports.get(key)
        if kept is not None:
            return cast(T, kept)
    value = await compute()
    services.reports.put(key, value)
    return value
