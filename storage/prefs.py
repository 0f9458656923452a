"""Per-Telegram-account preferences."""

from __future__ import annotations

from storage.db import Database


async def get_language(db: Database, telegram_user_id: int) -> str | None:
    value = await db.fetch_value(
        "SELECT language FROM user_prefs WHERE telegram_user_id = ?", (telegram_user_id,)
    )
    return None if value is None else str(value)


async def set_language(db: Database, telegram_user_id: int, language: str) -> None:
    await db.execute(
        "INSERT INTO user_prefs (telegram_user_id, language) VALUES (?, ?) "
        "ON CONFLICT (telegram_user_id) DO UPDATE SET language = excluded.language",
        (telegram_user_id, language),
    )
