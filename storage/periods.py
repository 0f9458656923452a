"""The one rule every figure follows, as SQL (docs/rules.md, "Records over time").

A meeting counts for a person only inside their period in the meeting's branch: a
member from ``memberships.joined_at`` until ``ended_at`` (moved, removed), a follower
from ``followers.since`` until ``until``. A meeting counts for a branch only from the
branch's record start (``units.record_start``, *ghi nhận từ*); before it there is no
data. Every report, warning, export, roll call and minutes query uses these fragments
rather than writing its own condition. The month rule for dues, and the calendar of
months and quarters, are in ``bot/reports/periods.py``.

Dates and instants are ISO text, so they compare as text: a start written as a date
("2026-12-01") admits every meeting of that day.
"""

from __future__ import annotations


def in_period(invitation: str = "i", meeting: str = "m") -> str:
    """True when ``invitation``'s person belonged to ``meeting``'s branch (as a member or
    a follower, by the invitation's capacity) when the meeting started."""
    i, m = invitation, meeting
    return (
        f"(CASE {i}.capacity WHEN 'member' THEN EXISTS (SELECT 1 FROM memberships ms "
        f"WHERE ms.person_id = {i}.person_id AND ms.unit_id = {m}.unit_id "
        f"AND {m}.starts_at >= ms.joined_at "
        f"AND (ms.ended_at IS NULL OR {m}.starts_at < ms.ended_at)) "
        f"ELSE EXISTS (SELECT 1 FROM followers f WHERE f.person_id = {i}.person_id "
        f"AND f.unit_id = {m}.unit_id AND {m}.starts_at >= f.since "
        f"AND (f.until IS NULL OR {m}.starts_at < f.until)) END)"
    )


def in_record(meeting: str = "m") -> str:
    """True when ``meeting`` started on or after its branch's record start."""
    return (f"({meeting}.starts_at >= coalesce((SELECT u0.record_start FROM units u0 "
            f"WHERE u0.id = {meeting}.unit_id), ''))")


def counted(invitation: str = "i", meeting: str = "m") -> str:
    """Both: the meeting is in the branch's record and in the person's period."""
    return f"({in_record(meeting)} AND {in_period(invitation, meeting)})"
