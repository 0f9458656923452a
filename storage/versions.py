"""The version of the data reports are computed from (migration 0010_taps).

Every write to a table the figures read bumps it (a trigger, so no writer can forget):
a report computed under one version is still true while the version stands.
"""

from __future__ import annotations

from storage.db import Database


async def figures(db: Database) -> int:
    """The current version of the figures' data; cheap (one row)."""
    value = await db.fetch_value("SELECT version FROM data_version WHERE name = 'figures'")
    return int(value or 0)
