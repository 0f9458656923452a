"""Correcting a member's record: each field validated like an import row, every change
audited (who, when, old → new), and the start in this branch (``memberships.joined_at``)."""

from __future__ import annotations

from datetime import date, datetime, time, tzinfo


def day_start(day: date, tz: tzinfo) -> datetime:
    """The first instant of ``day`` in the branch's time zone: how a start date in this
    branch (``memberships.joined_at``, an instant) is stored."""
    return datetime.combine(day, time(), tzinfo=tz)
