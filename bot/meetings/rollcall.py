"""Roll call after a meeting and the attendance block of the minutes (biên bản).

The roll call starts pre-filled from the latest answers (kept across a move, and
those an officer recorded for a member): "attend" is present, an absence with a
reason or a standing (away, exempt, 213) is excused, silence is unexcused; the
officer taking the roll call is present. Officers toggle each line, set the actual
start and end (pre-filled from the plan) and who chaired and kept the minutes;
closing it freezes the meeting, after a confirmation when anyone is still marked
absent without a reason. A closed roll call can be reopened for a correction
(bot.meetings.corrections): every change made then is audited with the old and the
new mark and the reason.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.core import hooks, labels
from bot.core.access import Actor
from bot.core.errors import Invalid, NotFound
from bot.core.hooks import MeetingCounts
from bot.core.names import name_key
from bot.core.parsing import parse_clock
from bot.core.permissions import Permission, require
from bot.core.services import Services
from bot.meetings import guests
from bot.meetings.service import officer_meeting
from bot.texts import Language, t
from storage import audit, people
from storage import guests as guests_store
from storage import meetings as store
from storage.db import Connection
from storage.guests import GuestRow
from storage.meetings import AttendanceRow as AttendanceRow  # re-exported for handlers
from storage.meetings import MeetingRow as MeetingRow

CYCLE = {"present": "excused", "excused": "unexcused", "unexcused": "present"}
MAX_REASON = 300
MAX_NAME = 120
PAGE_SIZE = 40  # names per roll-call page: Telegram takes at most 100 buttons a message
SHIFT_MINUTES = 15
_SPAN = re.compile(r"^\s*(\S+)\s*(?:-|–|—|đến|to)\s*(\S+)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class RollCall:
    meeting: MeetingRow
    rows: list[AttendanceRow]
    chair: str | None = None  # who chaired, who kept the minutes (names)
    secretary: str | None = None
    guests: list[GuestRow] = field(default_factory=list)  # never counted in figures


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
        if inv.answer == "attend" or (inv.person_id == actor.person_id
                                      and inv.answer is None):
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
        if meeting.state == "scheduled":
            await guests_store.prefill_present(conn, meeting.id)
        if meeting.state == "scheduled" and meeting.held_from is None:
            await store.set_held(conn, meeting.id, meeting.starts_at, meeting.planned_end)
        if meeting.state == "scheduled" and meeting.chair_id is None:
            officers = await store.officer_names(services.db, meeting.unit_id)
            secretaries, deputies = officers.get("secretary", []), officers.get("deputy", [])
            chair = secretaries[0].person_id if secretaries else None
            deputy = deputies[0].person_id if deputies else None
            await store.set_officers(conn, meeting.id, chair_id=chair,
                                     secretary_id=meeting.secretary_id or deputy)
    fresh = await store.get(services.db, meeting.id)
    assert fresh is not None
    return RollCall(fresh, await store.attendance(services.db, meeting.id),
                    await store.person_name(services.db, fresh.chair_id),
                    await store.person_name(services.db, fresh.secretary_id),
                    await guests_store.of_meeting(services.db, meeting.id))


async def editable(services: Services, actor: Actor, meeting_id: int) -> MeetingRow:
    meeting = await officer_meeting(services, actor, meeting_id,
                                   Permission.RECORD_ATTENDANCE)
    if meeting.state != "scheduled" or meeting.starts_at > services.clock.now():
        raise Invalid("rollcall_closed")
    return meeting


async def toggle(services: Services, actor: Actor, meeting_id: int,
                 person_id: int) -> AttendanceRow:
    """Present → excused → unexcused → present; a follower: present ↔ không dự (stored
    as not present, never an absence of the branch's)."""
    meeting = await editable(services, actor, meeting_id)
    current = {r.person_id: r for r in await store.attendance(services.db, meeting.id)}
    row = current.get(person_id)
    if row is None:
        raise NotFound()
    status = CYCLE[row.status]
    if row.capacity != "member":
        status = "unexcused" if row.status == "present" else "present"
    async with services.db.transaction() as conn:
        await store.put_attendance(conn, meeting.id, [(person_id, status, row.reason)],
                                   actor.person_id, services.clock.now(), overwrite=True)
        await _audit_correction(conn, services, actor, meeting, row, status, row.reason)
    updated = {r.person_id: r for r in await store.attendance(services.db, meeting.id)}
    return updated[person_id]


def clean_reason(text: str, needed: str) -> str:
    """A reason typed by an officer: one line, not empty (``needed`` says so), not long."""
    reason = " ".join(text.split())
    if not reason:
        raise Invalid(needed)
    if len(reason) > MAX_REASON:
        raise Invalid("text_too_long", limit=MAX_REASON)
    return reason


async def set_reason(services: Services, actor: Actor, meeting_id: int, person_id: int,
                     reason: str) -> AttendanceRow:
    meeting = await editable(services, actor, meeting_id)
    reason = clean_reason(reason, "absence_reason_needed")
    rows = {r.person_id: r for r in await store.attendance(services.db, meeting.id)}
    if person_id not in rows:
        raise NotFound()
    async with services.db.transaction() as conn:
        await store.put_attendance(conn, meeting.id, [(person_id, "excused", reason)],
                                   actor.person_id, services.clock.now(), overwrite=True)
        await _audit_correction(conn, services, actor, meeting, rows[person_id], "excused",
                                reason)
    return {r.person_id: r for r in await store.attendance(services.db, meeting.id)}[person_id]


async def _audit_correction(conn: Connection, services: Services, actor: Actor,
                            meeting: MeetingRow, row: AttendanceRow, status: str,
                            reason: str | None) -> None:
    """A change to a closed roll call (reopened for a correction): who, when, old → new,
    why."""
    if meeting.correction_reason is None:
        return
    old = row.status + (f" ({row.reason})" if row.reason else "")
    new = status + (f" ({reason})" if reason else "")
    await audit.write(conn, at=services.clock.now(), actor_id=actor.telegram_user_id,
                      action="attendance.correct", unit_id=meeting.unit_id,
                      detail=f"meeting {meeting.id}, person {row.person_id} "
                             f"({row.full_name}): {old} → {new}; lý do: "
                             f"{meeting.correction_reason}")


async def unmarked(services: Services, actor: Actor, meeting_id: int) -> list[AttendanceRow]:
    """Who would be closed as absent without a reason: the officer confirms them first."""
    meeting = await editable(services, actor, meeting_id)
    return [r for r in await store.attendance(services.db, meeting.id)
            if r.status == "unexcused" and r.capacity == "member"]


async def close_rollcall(services: Services, actor: Actor, meeting_id: int) -> RollCall:
    meeting = await editable(services, actor, meeting_id)
    now = services.clock.now()
    async with services.db.transaction() as conn:
        if meeting.correction_reason is not None:
            await store.set_correction(conn, meeting.id, None, now)
            await audit.write(conn, at=now, actor_id=actor.telegram_user_id,
                              action="meeting.correct.close", unit_id=meeting.unit_id,
                              detail=f"meeting {meeting.id}; lý do: "
                                     f"{meeting.correction_reason}")
        else:
            await store.set_state(conn, meeting.id, "closed", now)
            await audit.write(conn, at=now, actor_id=actor.telegram_user_id,
                              action="meeting.close", unit_id=meeting.unit_id,
                              detail=f"meeting {meeting.id}")
        await guests_store.fill_absent(conn, meeting.id)
    closed = await store.get(services.db, meeting.id)
    assert closed is not None
    return RollCall(closed, await store.attendance(services.db, meeting.id),
                    guests=await guests_store.of_meeting(services.db, meeting.id))


def parse_span(text: str, meeting: MeetingRow, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """``19:30-21:15`` on the meeting's day (an end before the start is past midnight)."""
    m = _SPAN.match(text)
    if not m:
        raise Invalid("held_span_invalid", value=text.strip()[:40])
    day = meeting.starts_at.astimezone(tz).date()
    start = datetime.combine(day, parse_clock(m.group(1)), tzinfo=tz)
    end = datetime.combine(day, parse_clock(m.group(2)), tzinfo=tz)
    if end <= start:
        end += timedelta(days=1)
    if end - start > timedelta(hours=12):
        raise Invalid("held_span_invalid", value=text.strip()[:40])
    return start, end


async def set_times(services: Services, actor: Actor, meeting_id: int, start: datetime,
                    end: datetime) -> MeetingRow:
    """The actual start and end of the meeting (its length is what the rules check)."""
    meeting = await editable(services, actor, meeting_id)
    if end <= start:
        raise Invalid("held_span_invalid", value="")
    async with services.db.transaction() as conn:
        await store.set_held(conn, meeting.id, start, end)
    fresh = await store.get(services.db, meeting.id)
    assert fresh is not None
    return fresh


async def type_times(services: Services, actor: Actor, meeting_id: int,
                     text: str) -> MeetingRow:
    meeting = await editable(services, actor, meeting_id)
    start, end = parse_span(text, meeting, services.tz)
    return await set_times(services, actor, meeting_id, start, end)


async def shift_time(services: Services, actor: Actor, meeting_id: int, which: str,
                     minutes: int) -> MeetingRow:
    """A tap: the start (``s``) or the end (``e``) earlier or later by ``minutes``."""
    meeting = await editable(services, actor, meeting_id)
    if which not in ("s", "e") or abs(minutes) > 60:
        raise Invalid("button_expired")
    start = meeting.held_from or meeting.starts_at
    end = meeting.held_until or meeting.planned_end
    delta = timedelta(minutes=minutes)
    start, end = (start + delta, end) if which == "s" else (start, end + delta)
    if end <= start:
        raise Invalid("held_span_invalid", value="")
    return await set_times(services, actor, meeting_id, start, end)


async def set_role(services: Services, actor: Actor, meeting_id: int, role: str,
                   name: str) -> str:
    """The chair (``chair``) or the minutes' secretary (``secretary``), by name among those
    invited; returns the name as recorded."""
    meeting = await editable(services, actor, meeting_id)
    key = name_key(name)
    found = [i for i in await store.invitations(services.db, meeting.id)
             if name_key(i.full_name) == key]
    if not found:
        raise Invalid("held_person_unknown", name=" ".join(name.split())[:60])
    person = found[0]
    chair = person.person_id if role == "chair" else meeting.chair_id
    secretary = person.person_id if role == "secretary" else meeting.secretary_id
    async with services.db.transaction() as conn:
        await store.set_officers(conn, meeting.id, chair_id=chair, secretary_id=secretary)
    return person.full_name


async def mark_late(services: Services, actor: Actor, meeting_id: int,
                    text: str) -> list[str]:
    """Late arrivals, typed as names separated by commas (only those present)."""
    meeting = await editable(services, actor, meeting_id)
    rows = {name_key(r.full_name): r for r in await store.attendance(services.db, meeting.id)}
    chosen = []
    for name in (n for n in text.split(",") if n.strip()):
        row = rows.get(name_key(name))
        if row is None:
            raise Invalid("held_person_unknown", name=" ".join(name.split())[:60])
        if row.status != "present":
            raise Invalid("held_late_present_only", name=row.full_name)
        chosen.append(row)
    if not chosen:
        raise Invalid("held_person_unknown", name="")
    async with services.db.transaction() as conn:
        for row in chosen:
            await store.set_late(conn, meeting.id, row.person_id, True)
    return [r.full_name for r in chosen]


def guest_label(guest: GuestRow) -> str:
    return f"{guest.full_name} ({guest.note})" if guest.note else guest.full_name


@dataclass(frozen=True)
class Added:
    kind: str  # member (a member of the branch who was not invited) | guest
    name: str


async def add_person(services: Services, actor: Actor, meeting_id: int,
                     name: str) -> Added:
    """Someone who came without an invitation, marked present: a member of the branch
    (a late joiner) by name; anyone else is a guest of this meeting only."""
    meeting = await editable(services, actor, meeting_id)
    cleaned = " ".join(name.split())
    if not cleaned:
        raise Invalid("held_person_unknown", name="")
    if len(cleaned) > MAX_NAME:
        raise Invalid("text_too_long", limit=MAX_NAME)
    key = name_key(cleaned)
    listed = {r.person_id for r in await store.attendance(services.db, meeting.id)}
    found = [m for m in await people.members_of(services.db, meeting.unit_id)
             if name_key(m.full_name) == key]
    if any(m.person_id in listed for m in found):
        raise Invalid("rollcall_already_listed", name=found[0].full_name)
    now = services.clock.now()
    if found:
        member = found[0]
        if member.joined_at is not None and member.joined_at > meeting.starts_at:
            raise Invalid("rollcall_not_member_then", name=member.full_name)
        async with services.db.transaction() as conn:
            await store.invite(conn, meeting.id, [(member.person_id, "member",
                                                   member.standing)])
            await store.put_attendance(conn, meeting.id, [(member.person_id, "present", None)],
                                       actor.person_id, now, overwrite=True)
            await audit.write(conn, at=now, actor_id=actor.telegram_user_id,
                              action="attendance.add", unit_id=meeting.unit_id,
                              detail=f"meeting {meeting.id}, person {member.person_id} "
                                     f"({member.full_name}): present, not invited")
        return Added("member", member.full_name)
    await guests.add(services, actor, meeting.id, cleaned, None, present=True)
    return Added("guest", cleaned)


async def counts(services: Services, meeting_id: int) -> MeetingCounts:
    """The meeting's members by outcome: the ledger's, as every figure reads them."""
    return await hooks.figures().meeting_counts(services, meeting_id)


def minutes_block(rows: list[AttendanceRow], counts: MeetingCounts, lang: Language,
                  guests: Sequence[GuestRow] = ()) -> str:
    """The attendance block of the minutes, ready to paste: the counts are the ledger's,
    the names the roll call's."""
    members = [r for r in rows if r.capacity == "member"]
    excused = [r for r in members if r.status == "excused"]
    unexcused = [r for r in members if r.status == "unexcused"]
    lines = [t(lang, "minutes_present", present=counts.present, total=counts.total,
               absent=counts.absent)]
    if excused:
        lines.append(t(lang, "minutes_excused", count=counts.excused))
        for r in excused:
            reason = r.reason or (t(lang, labels.STANDING[r.standing]) if r.standing else "")
            lines.append(f"  - {r.full_name}: {reason}" if reason else f"  - {r.full_name}")
    if unexcused:
        lines.append(t(lang, "minutes_unexcused", count=counts.unexcused))
        lines.extend(f"  - {r.full_name}" for r in unexcused)
    followers = [r.full_name for r in rows if r.capacity == "follower" and r.status == "present"]
    if followers:
        lines.append(t(lang, "minutes_followers", names=", ".join(followers)))
    away = [r.full_name for r in rows if r.capacity == "follower" and r.status != "present"]
    if away:
        lines.append(t(lang, "minutes_followers_absent", names=", ".join(away)))
    came = [guest_label(g) for g in guests if g.present]
    if came:
        lines.append(t(lang, "minutes_guests", names=", ".join(came)))
    missed = [guest_label(g) for g in guests if not g.present]
    if missed:
        lines.append(t(lang, "minutes_guests_absent", names=", ".join(missed)))
    late = [r.full_name for r in rows if r.status == "present" and r.late]
    if late:
        lines.append(t(lang, "minutes_late", names=", ".join(late)))
    return "\n".join(lines)
