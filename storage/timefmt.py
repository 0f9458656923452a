"""How instants are stored: UTC ISO-8601 text, seconds precision."""

from __future__ import annotations

from datetime import UTC, datetime


def to_db(instant: datetime) -> str:
    """An aware instant as the UTC text stored in the database."""
    if instant.tzinfo is None:
        raise ValueError("refusing to store a naive datetime")
    return instant.astimezone(UTC).isoformat(timespec="seconds")


def from_db(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=UTC)
