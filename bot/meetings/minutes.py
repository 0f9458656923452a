"""The printable minutes: *Biên bản sinh hoạt chi bộ* as a ``.docx``, in the layout party
documents are typed in (Times New Roman, 13–14 pt, A4, the party header, the signature
blocks), written with python-docx.

Layout, top to bottom: the header (left *ĐẢNG BỘ … / CHI BỘ …*, right *ĐẢNG CỘNG SẢN
VIỆT NAM* and the place-and-date line), the title with the kind, the time (actual start
and end) and place, chair and secretary, the attendance (present/total, each absentee
with the reason, followers present, late arrivals), the agenda, empty sections for the
content and the conclusions, and the signature blocks (*T/M CHI BỘ*, *THƯ KÝ*).
"""

from __future__ import annotations

import asyncio
import io
import re
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from bot.core import labels
from bot.core.access import Actor
from bot.core.errors import Invalid, NotFound
from bot.core.hooks import MeetingCounts
from bot.core.parsing import parse_day
from bot.core.permissions import Permission, require
from bot.core.services import Services
from bot.meetings import rollcall
from bot.meetings.rollcall import guest_label
from bot.meetings.service import officer_meeting
from bot.texts import Language, t
from storage import audit, units
from storage import guests as guests_store
from storage import meetings as store
from storage.guests import GuestRow
from storage.meetings import AttendanceRow, MeetingRow

_DOCX_KIND = {"regular": "docx_kind_regular", "thematic": "docx_kind_thematic",
              "combined": "docx_kind_combined", "extraordinary": "docx_kind_extraordinary"}

FONT = "Times New Roman"
BODY_PT = 14
SMALL_PT = 13
DOTS = "." * 110


@dataclass(frozen=True)
class MinutesFacts:
    """Everything the minutes say, gathered once (the document is written off the loop)."""

    meeting: MeetingRow
    branch: str
    committee: str | None
    chair: str | None
    secretary: str | None
    rows: list[AttendanceRow]
    counts: MeetingCounts  # the ledger's; the names are the roll call's
    tz: ZoneInfo
    lang: Language
    guests: list[GuestRow] = field(default_factory=list)  # listed, never counted


@dataclass(frozen=True)
class Minutes:
    file_name: str
    data: bytes
    meeting: MeetingRow


async def gather(services: Services, actor: Actor, meeting_id: int,
                 lang: Language) -> MinutesFacts:
    meeting = await officer_meeting(services, actor, meeting_id, Permission.RECORD_ATTENDANCE)
    if meeting.state != "closed":
        raise Invalid("minutes_not_closed")
    branch = await units.get_unit(services.db, meeting.unit_id)
    if branch is None:
        raise NotFound()
    parent = (await units.get_unit(services.db, branch.parent_id)
              if branch.parent_id is not None else None)
    return MinutesFacts(
        meeting=meeting, branch=branch.name, committee=parent.name if parent else None,
        chair=await store.person_name(services.db, meeting.chair_id),
        secretary=await store.person_name(services.db, meeting.secretary_id),
        rows=await store.attendance(services.db, meeting.id),
        counts=await rollcall.counts(services, meeting.id), tz=services.tz, lang=lang,
        guests=await guests_store.of_meeting(services.db, meeting.id))


async def minutes_for(services: Services, actor: Actor, meeting_id: int,
                      lang: Language) -> Minutes:
    """The minutes of a closed meeting, for its officers."""
    facts = await gather(services, actor, meeting_id, lang)
    data = await asyncio.to_thread(build_docx, facts)
    # The minutes name the absent and their reasons: a read of personal data.
    await audit.log(services.db, at=services.clock.now(), actor_id=actor.telegram_user_id,
                    action="meeting.minutes", unit_id=facts.meeting.unit_id,
                    detail=f"meeting {facts.meeting.id}")
    day = facts.meeting.starts_at.astimezone(facts.tz).strftime("%Y-%m-%d")
    return Minutes(f"bien-ban-{day}-{facts.meeting.id}.docx", data, facts.meeting)


async def closed_meeting(services: Services, actor: Actor, unit_id: int,
                         on: str | None) -> int:
    """``/minutes [dd/mm/yyyy | id]``: the branch's latest closed meeting, or the one named."""
    require(actor, Permission.RECORD_ATTENDANCE, branch=unit_id)
    closed = await store.of_unit(services.db, unit_id, until=services.clock.now(),
                                 states=("closed",), newest_first=True, limit=200)
    if on:
        value = on.strip().lstrip("#")
        if value.isdigit() and len(value) <= 9:
            closed = [m for m in closed if m.id == int(value)]
        else:
            today = services.clock.now().astimezone(services.tz).date()
            day = parse_day(value, today, allow_short=True)
            closed = [m for m in closed if m.starts_at.astimezone(services.tz).date() == day]
    if not closed:
        raise NotFound("minutes_none")
    return closed[0].id


# --- the names on the header ------------------------------------------------------------------

_COMMITTEE_HEAD = re.compile(r"^\s*đảng\s+(ủy|uỷ|bộ)\s+", re.IGNORECASE)
_BRANCH_HEAD = re.compile(r"^\s*chi\s+bộ\s+", re.IGNORECASE)
_PLACE_WORDS = re.compile(r"^(xã|phường|thị trấn|thị xã|thành phố|quận|huyện)\s+",
                          re.IGNORECASE)


def committee_header(name: str | None) -> str:
    """``Đảng ủy xã Tân Lập`` → ``ĐẢNG BỘ XÃ TÂN LẬP`` (the party body, not its committee)."""
    if not name:
        return ""
    return ("ĐẢNG BỘ " + _COMMITTEE_HEAD.sub("", name)).upper()


def branch_header(name: str) -> str:
    return ("CHI BỘ " + _BRANCH_HEAD.sub("", name)).upper()


def locality(committee: str | None, place: str | None) -> str:
    """The place on the date line: the commune of the committee (``Tân Lập``), else the
    meeting's place."""
    if committee:
        rest = _PLACE_WORDS.sub("", _COMMITTEE_HEAD.sub("", committee)).strip()
        if rest:
            return rest
    return place or ""


# --- writing ------------------------------------------------------------------------------------


def _font(paragraph: Paragraph, size: int = BODY_PT, *, bold: bool = False,
          italic: bool = False) -> None:
    for run in paragraph.runs:
        run.font.name = FONT
        run.font.size = Pt(size)
        run.font.bold = bold or run.font.bold
        run.font.italic = italic or run.font.italic
        fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
        fonts.set(qn("w:eastAsia"), FONT)


def _line(cell_or_doc: _Cell | DocumentObject, text: str, size: int = BODY_PT, *,
          bold: bool = False, italic: bool = False, center: bool = False,
          right: bool = False) -> Paragraph:
    paragraph: Paragraph = cell_or_doc.add_paragraph(text)
    _font(paragraph, size, bold=bold, italic=italic)
    fmt = paragraph.paragraph_format
    fmt.space_after = Pt(2)
    fmt.space_before = Pt(0)
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif right:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return paragraph


def _labelled(doc: DocumentObject, label: str, value: str) -> None:
    paragraph: Paragraph = doc.add_paragraph()
    paragraph.add_run(label).bold = True
    paragraph.add_run(value)
    paragraph.paragraph_format.space_after = Pt(3)
    _font(paragraph)


def _clock(instant: datetime | None, tz: ZoneInfo) -> str:
    return instant.astimezone(tz).strftime("%H:%M") if instant else "…"


def build_docx(facts: MinutesFacts) -> bytes:
    lang, tz, meeting = facts.lang, facts.tz, facts.meeting
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin, section.bottom_margin = Cm(2.0), Cm(2.0)
    section.left_margin, section.right_margin = Cm(3.0), Cm(2.0)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)

    # The header: party body and branch on the left, the party and the date on the right.
    held = meeting.held_from or meeting.starts_at
    local = held.astimezone(tz)
    header = doc.add_table(rows=1, cols=2)
    header.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = header.rows[0].cells
    left.paragraphs[0].text = committee_header(facts.committee)
    _font(left.paragraphs[0], SMALL_PT)
    left.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _line(left, branch_header(facts.branch), SMALL_PT, bold=True, center=True)
    _line(left, "*", SMALL_PT, center=True)
    right.paragraphs[0].text = t(lang, "docx_party")
    _font(right.paragraphs[0], SMALL_PT, bold=True)
    right.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _line(right, "—————", SMALL_PT, center=True)
    _line(right, t(lang, "docx_date_line", place=locality(facts.committee, meeting.place),
                   day=f"{local.day:02d}", month=f"{local.month:02d}", year=local.year),
          SMALL_PT, italic=True, center=True)

    # Title and kind.
    _line(doc, "", BODY_PT)
    _line(doc, t(lang, "docx_title"), 16, bold=True, center=True)
    _line(doc, t(lang, _DOCX_KIND[meeting.kind]), BODY_PT, bold=True, center=True)
    if meeting.agenda and meeting.kind in ("thematic", "combined", "extraordinary"):
        _line(doc, t(lang, "docx_topic" if meeting.kind != "extraordinary" else "docx_purpose",
                     agenda=meeting.agenda), BODY_PT, italic=True, center=True)
    _line(doc, "", BODY_PT)

    # Time, place, chair and secretary.
    _labelled(doc, t(lang, "docx_time_label"), t(
        lang, "docx_time", start=_clock(meeting.held_from or meeting.starts_at, tz),
        end=_clock(meeting.held_until, tz), day=local.strftime("%d/%m/%Y")))
    _labelled(doc, t(lang, "docx_place_label"), meeting.place or DOTS[:40])
    _labelled(doc, t(lang, "docx_chair_label"), facts.chair or DOTS[:40])
    _labelled(doc, t(lang, "docx_secretary_label"), facts.secretary or DOTS[:40])

    # Attendance.
    absent = [r for r in facts.rows if r.capacity == "member" and r.status != "present"]
    _labelled(doc, t(lang, "docx_attendance_label"), t(
        lang, "docx_attendance", present=facts.counts.present, total=facts.counts.total,
        absent=facts.counts.absent))
    for r in absent:
        reason = r.reason or (t(lang, labels.STANDING[r.standing]) if r.standing else "")
        key = "docx_absent_excused" if r.status == "excused" else "docx_absent_unexcused"
        _line(doc, "- " + t(lang, key, name=r.full_name, reason=reason), BODY_PT)
    followers = [r.full_name for r in facts.rows
                 if r.capacity == "follower" and r.status == "present"]
    if followers:
        _line(doc, t(lang, "docx_followers", names=", ".join(followers)), BODY_PT)
    away = [r.full_name for r in facts.rows
            if r.capacity == "follower" and r.status != "present"]
    if away:
        _line(doc, t(lang, "docx_followers_absent", names=", ".join(away)), BODY_PT)
    came = [guest_label(g) for g in facts.guests if g.present]
    if came:
        _line(doc, t(lang, "docx_guests", names=", ".join(came)), BODY_PT)
    missed = [guest_label(g) for g in facts.guests if not g.present]
    if missed:
        _line(doc, t(lang, "docx_guests_absent", names=", ".join(missed)), BODY_PT)
    late = [r.full_name for r in facts.rows if r.status == "present" and r.late]
    if late:
        _line(doc, t(lang, "docx_late", names=", ".join(late)), BODY_PT)

    # Agenda, then room for what was said and decided.
    _labelled(doc, t(lang, "docx_agenda_label"), meeting.agenda or "")
    for key in ("docx_content_label", "docx_conclusion_label"):
        _line(doc, t(lang, key), BODY_PT, bold=True)
        for _ in range(6):
            _line(doc, DOTS, BODY_PT)
    _line(doc, t(lang, "docx_closing", end=_clock(meeting.held_until, tz)), BODY_PT,
          italic=True)

    # Signatures: the secretary on the left, the chair for the branch (T/M CHI BỘ) right.
    _line(doc, "", BODY_PT)
    signatures = doc.add_table(rows=1, cols=2)
    secretary_cell, chair_cell = signatures.rows[0].cells
    secretary_cell.paragraphs[0].text = t(lang, "docx_sign_secretary")
    _font(secretary_cell.paragraphs[0], BODY_PT, bold=True)
    secretary_cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _line(secretary_cell, t(lang, "docx_sign_hint"), SMALL_PT, italic=True, center=True)
    for _ in range(3):
        _line(secretary_cell, "", BODY_PT)
    _line(secretary_cell, facts.secretary or "", BODY_PT, bold=True, center=True)
    chair_cell.paragraphs[0].text = t(lang, "docx_sign_branch")
    _font(chair_cell.paragraphs[0], BODY_PT, bold=True)
    chair_cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _line(chair_cell, t(lang, "docx_sign_chair"), BODY_PT, bold=True, center=True)
    _line(chair_cell, t(lang, "docx_sign_hint"), SMALL_PT, italic=True, center=True)
    for _ in range(3):
        _line(chair_cell, "", BODY_PT)
    _line(chair_cell, facts.chair or "", BODY_PT, bold=True, center=True)

    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
