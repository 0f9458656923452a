"""A person's language: per Telegram account (``user_prefs``) and per Zalo account
(``zalo_prefs``), kept in step so that a person has one language on both channels.

Choosing on one channel writes the other channel's row too when the account belongs to
a person who has both; linking a Zalo account carries the language chosen on Zalo
(before the code) to the person's Telegram account. ``person_languages`` is the one
read every outbound text uses.
"""

from __future__ import annotations

from collections.abc import Iterable

from storage.db import Connection, Database

_UPSERT_TELEGRAM = (
    "INSERT INTO user_prefs (telegram_user_id, language) {source} "
    "ON CONFLICT (telegram_user_id) DO UPDATE SET language = excluded.language")
_UPSERT_ZALO = (
    "INSERT INTO zalo_prefs (zalo_user_id, language) {source} "
    "ON CONFLICT (zalo_user_id) DO UPDATE SET language = excluded.language")


async def get_language(db: Database, telegram_user_id: int) -> str | None:
    value = await db.fetch_value(
        "SELECT language FROM user_prefs WHERE telegram_user_id = ?", (telegram_user_id,)
    )
    return None if value is None else str(value)


async def set_language(db: Database, telegram_user_id: int, language: str) -> None:
    """Chosen on Telegram (``/lang``): also for the person's Zalo account, if linked."""
    async with db.transaction() as conn:
        await conn.execute(_UPSERT_TELEGRAM.format(source="VALUES (?, ?)"),
                           (telegram_user_id, language))
        await conn.execute(_UPSERT_ZALO.format(
            source="SELECT zalo_user_id, ? FROM people WHERE telegram_user_id = ? "
                   "AND zalo_user_id IS NOT NULL AND erased_at IS NULL"),
            (language, telegram_user_id))


async def zalo_language(db: Database, zalo_user_id: str) -> str | None:
    value = await db.fetch_value(
        "SELECT language FROM zalo_prefs WHERE zalo_user_id = ?", (zalo_user_id,))
    return None if value is None else str(value)


async def set_zalo_language(db: Database, zalo_user_id: str, language: str) -> None:
    """Chosen on Zalo (linked or not yet): also for the person's Telegram account."""
    async with db.transaction() as conn:
        await conn.execute(_UPSERT_ZALO.format(source="VALUES (?, ?)"),
                           (zalo_user_id, language))
        await conn.execute(_UPSERT_TELEGRAM.format(
            source="SELECT telegram_user_id, ? FROM people WHERE zalo_user_id = ? "
                   "AND telegram_user_id IS NOT NULL AND erased_at IS NULL"),
            (language, zalo_user_id))


async def carry_zalo_language(conn: Connection, person_id: int) -> None:
    """The person's Zalo or Telegram account was just linked: a language chosen on
    Zalo (at the code prompt, or while on Zalo only) becomes theirs on Telegram too."""
    await conn.execute(_UPSERT_TELEGRAM.format(
        source="SELECT p.telegram_user_id, z.language FROM people p "
               "JOIN zalo_prefs z ON z.zalo_user_id = p.zalo_user_id "
               "WHERE p.id = ? AND p.telegram_user_id IS NOT NULL"), (person_id,))


async def person_languages(db: Database | Connection, person_ids: Iterable[int]
                           ) -> dict[int, str]:
    """Person id -> the language they chose on either channel (absent: never chose)."""
    ids = sorted(set(person_ids))
    found: dict[int, str] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        marks = ", ".join("?" for _ in chunk)
        rows = await db.fetch_all(
            "SELECT p.id, COALESCE(u.language, z.language) FROM people p "
            "LEFT JOIN user_prefs u ON u.telegram_user_id = p.telegram_user_id "
            "LEFT JOIN zalo_prefs z ON z.zalo_user_id = p.zalo_user_id "
            f"WHERE p.id IN ({marks})", tuple(chunk))
        found.update({int(r[0]): str(r[1]) for r in rows if r[1] is not None})
    return found

