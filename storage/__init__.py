"""Persistence on SQLite or PostgreSQL: one Database API, migrations, transactions and
repositories.

Every SQL statement of the bot belongs here; repositories return typed rows. The bottom layer:
imports nothing of ``bot``, ``handlers``, ``telegram``, ``aiohttp`` or ``emulator``.
Instants are stored as UTC ISO-8601 text.
"""

from storage.db import Database, open_database

__all__ = ["Database", "open_database"]
