"""The services one running bot shares: configuration, database, clock and the domain."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.access import Actor, resolve_actor
from bot.clock import Clock
from bot.config import Config
from bot.texts import Language, Texts, as_language
from storage import prefs
from storage.db import Database


@dataclass
class Services:
    config: Config
    db: Database
    clock: Clock
    bot_username: str = "chibo_bot"

    @property
    def tz(self) -> ZoneInfo:
        return self.config.bot.tz

    async def actor(self, telegram_user_id: int) -> Actor:
        return await resolve_actor(self.db, telegram_user_id, self.config.bot.admins)

    async def language(self, telegram_user_id: int) -> Language:
        stored = await prefs.get_language(self.db, telegram_user_id)
        return as_language(stored, self.config.bot.language)

    async def texts(self, telegram_user_id: int) -> Texts:
        return Texts(await self.language(telegram_user_id))

    async def set_language(self, telegram_user_id: int, lang: Language) -> None:
        await prefs.set_language(self.db, telegram_user_id, lang)
