"""Persistence: SQLite connection, migrations, transactions and repositories.

Knows nothing of Telegram. Instants are stored as UTC ISO-8601 text.
"""

from storage.db import Database, open_database

__all__ = ["Database", "open_database"]
