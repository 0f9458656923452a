"""The services one running bot shares: configuration, database, clock, delivery."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.core.access import Actor, resolve_actor
from bot.core.clock import Clock
from bot.core.config import Config
from bot.core.memo import Memo
from bot.texts import Language, Texts, as_language
from storage import outbox, people, prefs
from storage.db import Database
from storage.outbox import Envelope


class Waker(Protocol):
    def wake(self) -> None: ...


class _NoSender:
    """On the command line nothing sends; the running bot picks the rows up."""

    def wake(self) -> None:
        return None


@dataclass
class Services:
    config: Config
    db: Database
    clock: Clock
    bot_username: str = "chibo_bot"
    # The running sender, told to look when rows are enqueued (absent on the command line).
    sender: Waker = field(default_factory=_NoSender)
    # Telegram accounts marked unreachable, kept in memory so that every update does not
    # cost a write: when one of them writes to the bot again, the mark is cleared.
    unreachable_accounts: set[int] = field(default_factory=set)
    # Private chats whose console menu button this process set (True) or cleared (False).
    console_menus: dict[int, bool] = field(default_factory=dict)
    # Reports computed for their paging session (bot/reports/sessions.py).
    reports: Memo = field(default_factory=Memo)

    @property
    def tz(self) -> ZoneInfo:
        return self.config.bot.tz

    async def actor(self, telegram_user_id: int) -> Actor:
        return await resolve_actor(self.db, telegram_user_id, self.config.bot.admins)

    async def language(self, telegram_user_id: int) -> Language:
        stored = await prefs.get_language(self.db, telegram_user_id)
        return as_language(stored, self.config.bot.language)

    async def languages_of(self, person_ids: Iterable[int]) -> dict[int, Language]:
        """Each person's language, chosen on Telegram or on Zalo (one per person), else
        the default: every text queued for a person is rendered in it."""
        ids = list(person_ids)
        stored = await prefs.person_languages(self.db, ids)
        default = self.config.bot.language
        return {pid: as_language(stored.get(pid), default) for pid in ids}

    async def language_of(self, person_id: int) -> Language:
        return (await self.languages_of([person_id]))[person_id]

    async def texts(self, telegram_user_id: int) -> Texts:
        return Texts(await self.language(telegram_user_id))

    async def set_language(self, telegram_user_id: int, lang: Language) -> None:
        await prefs.set_language(self.db, telegram_user_id, lang)

    async def load_unreachable(self) -> None:
        self.unreachable_accounts = await people.unreachable_accounts(self.db)

    async def seen(self, telegram_user_id: int) -> None:
        """The person wrote to the bot: whatever blocked delivery is over."""
        if telegram_user_id in self.unreachable_accounts:
            self.unreachable_accounts.discard(telegram_user_id)
            await outbox.clear_unreachable(self.db, telegram_user_id)

    async def post(self, envelopes: Sequence[Envelope]) -> int:
        """Enqueue messages in a transaction of their own; returns how many were new."""
        if not envelopes:
            return 0
        async with self.db.transaction() as conn:
            added = await outbox.enqueue(conn, envelopes, self.clock.now())
        self.sender.wake()
        return added
