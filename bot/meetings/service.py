"""Meetings: creating, moving, cancelling, inviting and answering.

Each change and the messages it causes are written in one transaction: the
invitations (and notices) are outbox rows keyed by meeting, person and start
time, so a restart, a double tap or a second delivery of one update never sends
anything twice. A moved meeting keeps the answers: an absence keeps its reason,
and whoever said "attend" is asked to confirm.

Kinds: ``regular``, ``thematic`` (a topic), ``combined`` (a regular meeting with a
thematic session) and ``extraordinary`` (*bất thường*, with a purpose), which never
counts as the month's regular meeting.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.core.access import Actor
from bot.core.clock import epoch
from bot.core.errors import Invalid, NotFound
from bot.core.parsing import parse_clock, parse_day
from bot.core.permissions import Permission, require, unit_or_fail
from bot.core.services import Services
from bot.meetings import texts as mt
from bot.texts import Language, t
from storage import audit, followers, guests, outbox, people
from storage import meetings as store
from storage import zalo as zalo_store
from storage.db import Connection
from storage.meetings import InvitationRow as InvitationRow  # re-exported for handlers
from storage.meetings import MeetingRow as MeetingRow
from storage.outbox import Envelope, OutgoingMessage
from storage.units import UnitRow

MAX_TEXT = 500
KINDS = ("regular", "thematic", "combined", "extraordinary")
# Words that name a kind at the start of a one-line /meeting (Vietnamese and English).
KIND_WORDS = {
    "thường kỳ": "regular", "thuong ky": "regular", "regular": "regular",
    "chuyên đề": "thematic", "chuyen de": "thematic", "thematic": "thematic",
    "kết hợp": "combined", "ket hop": "combined", "combined": "combined",
    "bất thường": "extraordinary", "bat thuong": "extraordinary",
    "extraordinary": "extraordinary",
}


@dataclass(frozen=True)
class Counts:
    attend: int
    absent: int
    unanswered: int
    total: int


# --- reading typed input -----------------------------------------------------------------


def parse_meeting_line(text: str, services: Services) -> tuple[datetime, str | None, str | None]:
    """``dd/mm/yyyy HH:MM | place | agenda`` (also ``5/12 19h30``, ISO dates)."""
    when_part, _, rest = text.partition("|")
    place, _, agenda = rest.partition("|")
    return (parse_when(when_part, services), _clean(place) or None, _clean(agenda) or None)


def split_kind(text: str) -> tuple[str | None, str]:
    """A leading kind word (``bất thường 05/12/2026 19:30 | …``): (kind, the rest)."""
    head = " ".join(text.split()).casefold()
    for words, kind in sorted(KIND_WORDS.items(), key=lambda kv: -len(kv[0])):
        if head == words or head.startswith(words + " "):
            return kind, head_rest(text, len(words.split()))
    return None, text


def head_rest(text: str, words: int) -> str:
    return text.strip().split(None, words)[words] if len(text.split()) > words else ""


def parse_move_line(text: str, meeting: MeetingRow, services: Services
                    ) -> tuple[datetime, str | None, str | None]:
    """``[dd/mm/yyyy HH:MM] | [place] | [agenda]``: an empty part keeps what it was."""
    when_part, _, rest = text.partition("|")
    place, _, agenda = rest.partition("|")
    starts = parse_when(when_part, services) if when_part.strip() else meeting.starts_at
    return starts, _clean(place) or meeting.place, _clean(agenda) or meeting.agenda


def parse_when(text: str, services: Services) -> datetime:
    words = text.split()
    if len(words) != 2:
        raise Invalid("meeting_when_invalid", value=text.strip()[:60])
    now_local = services.clock.now().astimezone(services.tz)
    day = parse_day(words[0], now_local.date(), allow_short=True)
    return datetime.combine(day, parse_clock(words[1]), tzinfo=services.tz)


def require_future(starts_at: datetime, services: Services) -> None:
    """A meeting is only ever set (created or moved) to a time still ahead."""
    if starts_at <= services.clock.now():
        raise Invalid("meeting_in_past")


def parse_new_time(text: str, services: Services) -> datetime:
    """The time of a meeting being set, refused early when it is not in the future."""
    starts_at = parse_when(text, services)
    require_future(starts_at, services)
    return starts_at


def _clean(text: str) -> str:
    cleaned = " ".join(text.split())
    if len(cleaned) > MAX_TEXT:
        raise Invalid("text_too_long", limit=MAX_TEXT)
    return cleaned


# --- who is invited, in which language -----------------------------------------------------


async def invitees(services: Services, unit_id: int) -> list[tuple[int, str, str | None]]:
    """(person id, capacity, standing): the branch's active members and its followers."""
    result: dict[int, tuple[int, str, str | None]] = {}
    for m in await people.members_of(services.db, unit_id):
        result[m.person_id] = (m.person_id, "member", m.standing)
    for person_id in await followers.current(services.db, unit_id=unit_id):
        result.setdefault(person_id, (person_id, "follower", None))
    return list(result.values())


async def recipients(services: Services, meeting_id: int
                     ) -> list[tuple[InvitationRow, Language]]:
    """Invited people who can be written to (on Telegram, or on Zalo), each
    with their language."""
    invited = await store.invitations(services.db, meeting_id)
    on_zalo = await zalo_store.linked(services.db, [i.person_id for i in invited
                                                    if i.telegram_user_id is None])
    rows = [i for i in invited if i.telegram_user_id is not None or i.person_id in on_zalo]
    langs = await services.languages_of(i.person_id for i in rows)
    return [(i, langs[i.person_id]) for i in rows]


def envelope(key: str, inv: InvitationRow, message: OutgoingMessage, meeting: MeetingRow,
             kind: str, *, stale: bool = True) -> Envelope:
    """To the person: the outbox addresses it (Telegram, or Zalo; chat 0 = no Telegram)."""
    return Envelope(key=key, chat_id=inv.telegram_user_id or 0, kind=kind, message=message,
                    person_id=inv.person_id, unit_id=meeting.unit_id,
                    stale_after=meeting.starts_at if stale else None)


async def _announce_to_group(conn: Connection, services: Services, unit: UnitRow,
                             meeting: MeetingRow, key: str, header: str) -> None:
    """Announcements (never answers or reasons) also go to the branch's linked group."""
    if unit.group_chat_id is None:
        return
    lang = services.config.bot.language
    text = "\n".join([t(lang, header), mt.summary(meeting, unit.name, services.tz, lang)])
    await outbox.enqueue(conn, [Envelope(key=key, chat_id=unit.group_chat_id, kind="group",
                                         message=OutgoingMessage(text), unit_id=unit.id,
                                         stale_after=meeting.starts_at)], services.clock.now())


async def _tell_guests(conn: Connection, services: Services, meeting: MeetingRow,
                       unit: UnitRow, key: str, header: str) -> None:
    """Guests whose link bound their Telegram hear of a move or a cancellation too."""
    lang = services.config.bot.language
    text = "\n".join([t(lang, header), mt.summary(meeting, unit.name, services.tz, lang)])
    envelopes = [Envelope(key=f"{key}:g{g.id}", chat_id=g.telegram_user_id, kind="guest",
                          message=OutgoingMessage(text), unit_id=unit.id,
                          stale_after=meeting.starts_at)
                 for g in await guests.of_meeting(services.db, meeting.id)
                 if g.telegram_user_id is not None]
    await outbox.enqueue(conn, envelopes, services.clock.now())


async def send_invitations(conn: Connection, services: Services, meeting: MeetingRow,
                           unit: UnitRow, *, header: str = "invitation_header",
                           key: str = "invite") -> None:
    """Invitation rows for everyone invited to ``meeting`` (inside the caller's transaction)."""
    envelopes = []
    for inv, lang in await recipients(services, meeting.id):
        message = mt.invitation(meeting, unit.name, inv, services.tz, lang, header=header)
        envelopes.append(envelope(f"{key}:{meeting.id}:{epoch(meeting.starts_at)}:"
                                  f"{inv.person_id}", inv, message, meeting, key))
    await outbox.enqueue(conn, envelopes, services.clock.now())
    await send_documents(conn, services, meeting, unit,
                         await store.documents(services.db, meeting.id))
    await _announce_to_group(conn, services, unit, meeting,
                             f"group:{key}:{meeting.id}:{epoch(meeting.starts_at)}", header)


# --- creating, moving, cancelling ------------------------------------------------------------


def check_kind(kind: str, agenda: str | None) -> None:
    """A known kind; a thematic or combined meeting names its topic, an extraordinary
    one its purpose."""
    if kind not in KINDS:
        raise Invalid("denied")
    if kind in ("thematic", "combined") and not agenda:
        raise Invalid("thematic_topic_needed")
    if kind == "extraordinary" and not agenda:
        raise Invalid("extraordinary_purpose_needed")


async def create_meeting(
    services: Services, actor: Actor | None, *, unit_id: int, kind: str, starts_at: datetime,
    place: str | None, agenda: str | None, auto_month: str | None = None,
) -> MeetingRow | None:
    """Create and invite. ``actor`` None is the schedule rule (returns None if the month's
    meeting exists already). A thematic meeting at the time of a regular one joins it."""
    if actor is not None:
        require(actor, Permission.MANAGE_MEETINGS, branch=unit_id)
    unit = await unit_or_fail(services, unit_id)
    now = services.clock.now()
    require_future(starts_at, services)
    check_kind(kind, agenda)
    settings = services.config.meetings
    place = place or unit.default_place
    same_time = [m for m in await store.of_unit(services.db, unit_id, since=starts_at,
                                                until=starts_at + timedelta(minutes=1))
                 if m.kind == "regular"]
    async with services.db.transaction() as conn:
        if kind == "thematic" and same_time and agenda:
            meeting_id: int | None = same_time[0].id
            await store.combine(conn, same_time[0].id, agenda,
                                settings.combined_duration_minutes, now)
            header = "combined_header"
        else:
            meeting_id = await store.create(
                conn, unit_id=unit_id, kind=kind, starts_at=starts_at,
                duration_min=(settings.combined_duration_minutes if kind == "combined"
                              else settings.default_duration_minutes),
                place=place, agenda=agenda,
                created_by=actor.person_id if actor else None, now=now, auto_month=auto_month,
            )
            if meeting_id is None:
                return None
            await store.invite(conn, meeting_id, await invitees(services, unit_id))
            header = "invitation_header"
    assert meeting_id is not None
    meeting = await store.get(services.db, meeting_id)
    assert meeting is not None
    async with services.db.transaction() as conn:
        await send_invitations(conn, services, meeting, unit, header=header,
                               key="invite" if header == "invitation_header" else "combined")
    services.sender.wake()
    return meeting


async def officer_meeting(services: Services, actor: Actor, meeting_id: int,
                          permission: Permission = Permission.MANAGE_MEETINGS) -> MeetingRow:
    """The meeting, for an officer who holds ``permission`` in its branch."""
    meeting = await store.get(services.db, meeting_id)
    if meeting is None:
        raise NotFound("meeting_not_found")
    require(actor, permission, branch=meeting.unit_id)
    return meeting


async def move_meeting(services: Services, actor: Actor, meeting_id: int,
                       starts_at: datetime, place: str | None = None,
                       agenda: str | None = None) -> MeetingRow:
    """Change time, place and agenda together. Answers stay: everyone hears of the change
    once, an absence keeps its reason, an "attend" answer is asked to confirm."""
    meeting = await officer_meeting(services, actor, meeting_id)
    now = services.clock.now()
    if meeting.state != "scheduled" or meeting.starts_at <= now:
        raise Invalid("meeting_not_changeable")
    require_future(starts_at, services)
    place = place if place is not None else meeting.place
    agenda = agenda if agenda is not None else meeting.agenda
    if (starts_at, place, agenda) == (meeting.starts_at, meeting.place, meeting.agenda):
        raise Invalid("meeting_move_nothing")
    unit = await unit_or_fail(services, meeting.unit_id)
    async with services.db.transaction() as conn:
        for prefix in ("invite", "remind", "moved", "combined", "nudge", "digest"):
            await store.skip_pending(conn, f"{prefix}:{meeting.id}:")
        await store.set_details(conn, meeting.id, starts_at=starts_at, place=place,
                                agenda=agenda, now=now)
        await audit.write(conn, at=now, actor_id=actor.telegram_user_id,
                          action="meeting.move", unit_id=meeting.unit_id,
                          detail=f"meeting {meeting.id}")
    moved = await store.get(services.db, meeting.id)
    assert moved is not None
    async with services.db.transaction() as conn:
        envelopes = []
        for inv, lang in await recipients(services, moved.id):
            envelopes.append(envelope(f"moved:{moved.id}:{epoch(now)}:{inv.person_id}", inv,
                                      mt.moved_notice(moved, unit.name, inv, services.tz, lang),
                                      moved, "moved"))
        await outbox.enqueue(conn, envelopes, now)
        await _announce_to_group(conn, services, unit, moved,
                                 f"group:moved:{moved.id}:{epoch(now)}", "moved_header")
        await _tell_guests(conn, services, moved, unit, f"moved:{moved.id}:{epoch(now)}",
                           "moved_header")
    services.sender.wake()
    return moved


async def cancel_meeting(services: Services, actor: Actor, meeting_id: int) -> MeetingRow:
    meeting = await officer_meeting(services, actor, meeting_id)
    now = services.clock.now()
    if meeting.state != "scheduled" or meeting.starts_at <= now:
        raise Invalid("meeting_not_changeable")
    unit = await unit_or_fail(services, meeting.unit_id)
    async with services.db.transaction() as conn:
        await store.set_state(conn, meeting.id, "cancelled", now)
        for prefix in ("invite", "moved", "combined", "remind", "nudge", "digest"):
            await store.skip_pending(conn, f"{prefix}:{meeting.id}:")
        envelopes = []
        for inv, lang in await recipients(services, meeting.id):
            text = "\n".join([t(lang, "cancelled_header"),
                              mt.summary(meeting, unit.name, services.tz, lang)])
            envelopes.append(envelope(f"cancel:{meeting.id}:{inv.person_id}", inv,
                                      OutgoingMessage(text), meeting, "cancel"))
        await outbox.enqueue(conn, envelopes, now)
        await _announce_to_group(conn, services, unit, meeting, f"group:cancel:{meeting.id}",
                                 "cancelled_header")
        await _tell_guests(conn, services, meeting, unit, f"cancel:{meeting.id}",
                           "cancelled_header")
    services.sender.wake()
    cancelled = await store.get(services.db, meeting.id)
    assert cancelled is not None
    return cancelled


# --- answering ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    meeting: MeetingRow
    invitation: InvitationRow
    unit_name: str


async def answerable(services: Services, actor: Actor, meeting_id: int) -> Answer:
    """The meeting and the caller's invitation, if the caller may still answer it."""
    if actor.person_id is None:
        raise Invalid("not_registered")
    found = await store.answer_context(services.db, meeting_id, actor.person_id)
    if found is None:
        raise NotFound("meeting_not_found")
    meeting, inv, unit = found
    if meeting.state == "cancelled":
        raise Invalid("meeting_cancelled")
    if meeting.state == "closed" or meeting.starts_at <= services.clock.now():
        raise Invalid("meeting_started")
    return Answer(meeting, inv, unit)


async def answer(services: Services, actor: Actor, meeting_id: int, choice: str,
                 reason: str | None = None) -> Answer:
    """Record "attend" or "absent" (a reason is required) for the caller only."""
    found = await answerable(services, actor, meeting_id)
    if choice == "attend":
        reason = None
    elif choice == "absent":
        reason = _clean(reason or "")
        if not reason:
            raise Invalid("absence_reason_needed")
    else:
        raise Invalid("denied")
    await store.record_answer(services.db, meeting_id, found.invitation.person_id, choice,
                              reason, services.clock.now())
    return replace(found, invitation=replace(found.invitation, answer=choice, reason=reason))


async def nudge_unanswered(services: Services, actor: Actor, meeting_id: int) -> int:
    """Remind exactly those who have not answered (once per meeting time)."""
    meeting = await officer_meeting(services, actor, meeting_id)
    if meeting.state != "scheduled" or meeting.starts_at <= services.clock.now():
        raise Invalid("meeting_not_changeable")
    unit = await unit_or_fail(services, meeting.unit_id)
    envelopes = []
    for inv, lang in await recipients(services, meeting.id):
        message = mt.reminder(meeting, unit.name, inv, services.tz, lang)
        if inv.answer is None and message is not None:
            envelopes.append(envelope(f"nudge:{meeting.id}:{epoch(meeting.starts_at)}:"
                                      f"{inv.person_id}", inv, message, meeting, "nudge"))
    await services.post(envelopes)
    return len(envelopes)


async def counts(services: Services, meeting_id: int) -> Counts:
    rows = await store.invitations(services.db, meeting_id)
    attend = sum(1 for r in rows if r.answer == "attend")
    absent = sum(1 for r in rows if r.answer == "absent")
    return Counts(attend, absent, len(rows) - attend - absent, len(rows))


async def my_meetings(services: Services, actor: Actor) -> list[store.Upcoming]:
    if actor.person_id is None:
        raise Invalid("not_registered")
    return await store.upcoming_for_person(services.db, actor.person_id, services.clock.now())


async def branch_upcoming(services: Services, actor: Actor, unit_id: int) -> list[MeetingRow]:
    require(actor, Permission.MANAGE_MEETINGS, branch=unit_id)
    return await store.of_unit(services.db, unit_id, since=services.clock.now(), limit=10)


async def unit_name(services: Services, unit_id: int) -> str:
    return (await unit_or_fail(services, unit_id)).name


# --- answers taken by officers ---------------------------------------------------------------


async def officer_invitations(services: Services, actor: Actor,
                              meeting_id: int) -> tuple[MeetingRow, list[InvitationRow]]:
    """The meeting's invitations as its officers see them (who recorded what). They show
    absence reasons, so the read is audited."""
    meeting = await officer_meeting(services, actor, meeting_id)
    invited = await store.invitations(services.db, meeting.id)
    await audit.log(services.db, at=services.clock.now(), actor_id=actor.telegram_user_id,
                    action="meeting.answers", unit_id=meeting.unit_id,
                    detail=f"meeting {meeting.id}")
    return meeting, invited


async def answer_for(services: Services, actor: Actor, meeting_id: int, person_id: int,
                     choice: str, reason: str | None = None) -> InvitationRow:
    """An officer records a member's answer (phoned in, or no Telegram); audited, and shown
    as "ghi bởi <officer>"."""
    meeting = await officer_meeting(services, actor, meeting_id)
    now = services.clock.now()
    if meeting.state == "cancelled":
        raise Invalid("meeting_cancelled")
    if meeting.state != "scheduled" or meeting.starts_at <= now:
        raise Invalid("answer_for_started")
    inv = await store.invitation(services.db, meeting.id, person_id)
    if inv is None:
        raise NotFound()
    if choice == "attend":
        reason = None
    elif choice == "absent":
        reason = _clean(reason or "")
        if not reason:
            raise Invalid("absence_reason_needed")
    else:
        raise Invalid("denied")
    officer = await store.person_name(services.db, actor.person_id) or ""
    async with services.db.transaction() as conn:
        await store.record_answer_for(conn, meeting.id, person_id, choice, reason,
                                      actor.person_id, now)
        await audit.write(conn, at=now, actor_id=actor.telegram_user_id,
                          action="meeting.answer_for", unit_id=meeting.unit_id,
                          detail=f"meeting {meeting.id}, person {person_id}: {choice}, "
                                 f"ghi bởi {officer}")
    updated = await store.invitation(services.db, meeting.id, person_id)
    assert updated is not None
    return updated


# --- documents ahead of the meeting ------------------------------------------------------------

DOCUMENT_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".webp": "image/webp",
}
MAX_DOCUMENT_BYTES = 50_000_000  # what a bot may send (Telegram's upload limit)
MAX_PHOTO_BYTES = 10_000_000
DOCUMENTS_AHEAD = timedelta(hours=24)
MAX_DOCUMENTS = 10


@dataclass(frozen=True)
class Attached:
    meeting: MeetingRow
    document: store.DocumentRow
    recipients: int
    late: bool  # less than a day before the start: the rule asks for one day


def document_kind(file_name: str, mime: str | None, *, photo: bool) -> str:
    """``document`` or ``photo`` for an accepted file; Invalid for any other type."""
    if photo:
        return "photo"
    name = file_name.casefold()
    suffix = name[name.rfind("."):] if "." in name else ""
    if suffix in DOCUMENT_TYPES or (mime is not None and mime in DOCUMENT_TYPES.values()):
        return "document"
    raise Invalid("document_type_refused", name=file_name[:60])


async def attach_document(services: Services, actor: Actor, meeting_id: int, *, file_id: str,
                          file_name: str, mime: str | None, size: int | None,
                          photo: bool = False) -> Attached:
    """Attach a document to an upcoming meeting and send it at once to everyone invited
    (later invitations carry it too)."""
    meeting = await officer_meeting(services, actor, meeting_id)
    now = services.clock.now()
    if meeting.state != "scheduled" or meeting.starts_at <= now:
        raise Invalid("meeting_not_changeable")
    media = document_kind(file_name, mime, photo=photo)
    limit = MAX_PHOTO_BYTES if media == "photo" else MAX_DOCUMENT_BYTES
    if size is not None and size > limit:
        raise Invalid("document_too_large", limit=limit // 1_000_000)
    if len(await store.documents(services.db, meeting.id)) >= MAX_DOCUMENTS:
        raise Invalid("document_too_many", limit=MAX_DOCUMENTS)
    unit = await unit_or_fail(services, meeting.unit_id)
    name = " ".join(file_name.split())[:120] or "tai-lieu"
    async with services.db.transaction() as conn:
        doc_id = await store.add_document(conn, meeting.id, file_id=file_id, file_name=name,
                                          media=media, size_bytes=size,
                                          added_by=actor.person_id, now=now)
        await audit.write(conn, at=now, actor_id=actor.telegram_user_id,
                          action="meeting.document", unit_id=meeting.unit_id,
                          detail=f"meeting {meeting.id}: {name}")
    docs = [d for d in await store.documents(services.db, meeting.id) if d.id == doc_id]
    async with services.db.transaction() as conn:
        sent = await send_documents(conn, services, meeting, unit, docs)
    services.sender.wake()
    return Attached(meeting, docs[0], sent, meeting.starts_at - now < DOCUMENTS_AHEAD)


async def send_documents(conn: Connection, services: Services, meeting: MeetingRow,
                         unit: UnitRow, docs: list[store.DocumentRow]) -> int:
    """One outbox row per document and invitee, keyed so each goes out once."""
    envelopes = []
    for inv, lang in await recipients(services, meeting.id):
        for doc in docs:
            caption = t(lang, "document_caption", name=doc.file_name,
                        when=mt.when(meeting, services.tz, lang), unit=unit.name)
            envelopes.append(envelope(
                f"doc:{meeting.id}:{doc.id}:{inv.person_id}", inv,
                OutgoingMessage(caption, file_id=doc.file_id, media=doc.media),
                meeting, "document"))
    await outbox.enqueue(conn, envelopes, services.clock.now())
    return len({e.person_id for e in envelopes})
