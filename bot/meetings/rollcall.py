"""Roll call after a meeting and the attendance block of the minutes (biên bản).

The roll call starts pre-filled from the answers: "attend" is present, an
absence with a reason or a standing (away, exempt, 213) is excused, silence is
unexcused. Officers toggle each line, and closing it freezes the meeting.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.access import Actor
from bot.core.errors import Invalid, NotFound
from bot.core.permissions import Permission, require
from bot.core.services import Services
from bot.meetings.service import officer_meeting
from bot.texts import Language, t
from storage import audit
from storage import meetings as store
from storage.meetings import AttendanceRow, MeetingRow

CYCLE = {"present": "excused", "excused": "unexcused", "unexcused": "present"}
MAX_REASON = 300


@dataclass(frozen=True)
class RollCall:
    meeting: MeetingRow
    rows: list[AttendanceRow]


async def started_meetings(services: Services, actor: Actor, unit_id: int) -> list[MeetingRow]:
    require(actor, Permission.RECORD_ATTENDANCE, branch=unit_id)
    return await store.of_unit(services.db, unit_id, until=services.clock.now(),
                               states=("scheduled", "closed"), newest_first=True, limit=6)


async def open_rollcall(services: Services, actor: Actor, meeting_id: int) -> RollCall:
    meeting = await officer_meeting(services, actor, meeting_id,
                                   Permission.RECORD_ATTENDANCE)
    if meeting.state == "cancelled":
        raise Invalid("meeting_cancelled")
    if meeting.starts_at > services.clock.now():
        raise Invalid("rollcall_not_started")
    prefill: list[tuple[int, str, str | None]] = []
    for inv in await store.invitations(services.db, meeting.id):
        if inv.answer == "attend":
            prefill.append((inv.person_id, "present", None))
        elif inv.answer == "absent":
            prefill.append((inv.person_id, "excused", inv.reason))
        elif inv.standing is not None:
            prefill.append((inv.person_id, "excused", None))
        else:
            prefill.append((inv.person_id, "unexcused", None))
    async with services.db.transaction() as conn:
        await store.put_attendance(conn, meeting.id, prefill, actor.person_id,
                                   services.clock.now(), overwrite=False)
    return RollCall(meeting, await store.attendance(services.db, meeting.id))


async def _editable(services: Services, actor: Actor, meeting_id: int) -> MeetingRow:
    meeting = await officer_meeting(services, actor, meeting_id,
                                   Permission.RECORD_ATTENDANCE)
    if meeting.state != "scheduled" or meeting.starts_at > services.clock.now():
        raise Invalid("rollcall_closed")
    return meeting


async def toggle(services: Services, actor: Actor, meeting_id: int,
                 person_id: int) -> AttendanceRow:
    """Present → excused → unexcused → present."""
    meeting = await _editable(services, actor, meeting_id)
    current = {r.person_id: r for r in await store.attendance(services.db, meeting.id)}
    row = current.get(person_id)
    if row is None:
        raise NotFound()
    status = CYCLE[row.status]
    async with services.db.transaction() as conn:
        await store.put_attendance(conn, meeting.id, [(person_id, status, row.reason)],
                                   actor.person_id, services.clock.now(), overwrite=True)
    updated = {r.person_id: r for r in await store.attendance(services.db, meeting.id)}
    return updated[person_id]


async def set_reason(services: Services, actor: Actor, meeting_id: int, person_id: int,
                     reason: str) -> AttendanceRow:
    meeting = await _editable(services, actor, meeting_id)
    reason = " ".join(reason.split())
    if not reason:
        raise Invalid("absence_reason_needed")
    if len(reason) > MAX_REASON:
        raise Invalid("text_too_long", limit=MAX_REASON)
    rows = {r.person_id: r for r in await store.attendance(services.db, meeting.id)}
    if person_id not in rows:
        raise NotFound()
    async with services.db.transaction() as conn:
        await store.put_attendance(conn, meeting.id, [(person_id, "excused", reason)],
                                   actor.person_id, services.clock.now(), overwrite=True)
    return {r.person_id: r for r in await store.attendance(services.db, meeting.id)}[person_id]


async def close_rollcall(services: Services, actor: Actor, meeting_id: int) -> RollCall:
    meeting = await _editable(services, actor, meeting_id)
    now = services.clock.now()
    async with services.db.transaction() as conn:
        await store.set_state(conn, meeting.id, "closed", now)
        await audit.write(conn, at=now, actor_id=actor.telegram_user_id,
                          action="meeting.close", unit_id=meeting.unit_id,
                          detail=f"meeting {meeting.id}")
    closed = await store.get(services.db, meeting.id)
    assert closed is not None
    return RollCall(closed, await store.attendance(services.db, meeting.id))


def minutes_block(rows: list[AttendanceRow], lang: Language) -> str:
    """The attendance block of the minutes, ready to paste."""
    members = [r for r in rows if r.capacity == "member"]
    present = [r for r in members if r.status == "present"]
    excused = [r for r in members if r.status == "excused"]
    unexcused = [r for r in members if r.status == "unexcused"]
    lines = [t(lang, "minutes_present", present=len(present), total=len(members),
               absent=len(excused) + len(unexcused))]
    if excused:
        lines.append(t(lang, "minutes_excused", count=len(excused)))
        for r in excused:
            reason = r.reason or (t(lang, f"standing_{r.standing}") if r.standing else "")
            lines.append(f"  - {r.full_name}: {reason}" if reason else f"  - {r.full_name}")
    if unexcused:
        lines.append(t(lang, "minutes_unexcused", count=len(unexcused)))
        lines.extend(f"  - {r.full_name}" for r in unexcused)
    followers = [r.full_name for r in rows if r.capacity == "follower" and r.status == "present"]
    if followers:
        lines.append(t(lang, "minutes_followers", names=", ".join(followers)))
    return "\n".join(lines)
