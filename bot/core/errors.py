"""Domain errors that carry the catalog key of the message the person should see.

Domain functions raise these; one error handler turns them into a polite,
localised answer, and nothing the failed action touched is changed.
"""

from __future__ import annotations

from typing import Any

from storage.db import committed_here
from storage.faults import database_fault

__all__ = ["AppError", "Denied", "Invalid", "NotFound", "database_fault", "error_text_key"]


class AppError(Exception):
    """An expected refusal: the text ``key`` (with ``params``) explains it."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


class Denied(AppError):
    """The person may not do this (wrong role or wrong unit)."""

    def __init__(self, key: str = "denied", **params: Any) -> None:
        super().__init__(key, **params)


class NotFound(AppError):
    """What the person points at does not exist (or is not theirs to see)."""

    def __init__(self, key: str = "not_found", **params: Any) -> None:
        super().__init__(key, **params)


class Invalid(AppError):
    """The input is malformed; the text says what was expected."""


def error_text_key() -> str:
    """The apology for an unexpected error, true to what happened: when the update had
    already committed its change (only showing it failed), say it was kept."""
    return "error_after_commit" if committed_here() else "error_internal"
