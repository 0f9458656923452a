"""What a person is expected to type next in a guided conversation (a name, a date,
a reason, a confirmation), remembered per Telegram account.

Kept in the database (``storage.pending``) so a restart does not forget a
half-finished answer; one account waits for one thing at a time, and asking for
something new replaces what was asked before. Handlers use this module, never the
storage behind it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.core.services import Services
from storage import pending


@dataclass(frozen=True, slots=True)
class Waiting:
    """What the account was asked for (``kind``), with the facts the answer needs."""

    kind: str
    data: Mapping[str, Any]
    created_at: datetime


async def expect(services: Services, telegram_user_id: int, kind: str,
                 data: Mapping[str, Any]) -> None:
    """Remember that the account's next text answers ``kind``."""
    await pending.put(services.db, telegram_user_id, kind, dict(data), services.clock.now())


async def waiting(services: Services, telegram_user_id: int) -> Waiting | None:
    """What the account is expected to send next, if anything."""
    stored = await pending.get(services.db, telegram_user_id)
    return None if stored is None else Waiting(stored.kind, stored.data, stored.created_at)


async def forget(services: Services, telegram_user_id: int, kind: str | None = None) -> None:
    """Stop waiting (only when waiting for ``kind``, if given)."""
    await pending.clear(services.db, telegram_user_id, kind)
