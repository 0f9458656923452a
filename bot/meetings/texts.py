"""How meetings read: invitations, answers, reminders, notices (for outbox and replies)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.core import formatting as fmt
from bot.core import labels
from bot.meetings.buttons import RsvpButton
from bot.texts import Language, t
from storage.meetings import InvitationRow, MeetingRow
from storage.outbox import Button, OutgoingMessage


def when(meeting: MeetingRow, tz: ZoneInfo, lang: Language) -> str:
    return fmt.weekday_time(meeting.starts_at, tz, lang)


def summary(meeting: MeetingRow, unit_name: str, tz: ZoneInfo, lang: Language) -> str:
    """Kind, branch, time, place and agenda: the body every meeting message shares."""
    lines = [t(lang, labels.MEETING_KIND[meeting.kind], unit=unit_name),
             t(lang, "meeting_when", when=when(meeting, tz, lang))]
    if meeting.place:
        lines.append(t(lang, "meeting_place", place=meeting.place))
    if meeting.agenda:
        key = ("meeting_topic" if meeting.kind in ("thematic", "combined") else
               "meeting_purpose" if meeting.kind == "extraordinary" else "meeting_agenda")
        lines.append(t(lang, key, agenda=meeting.agenda))
    return "\n".join(lines)


def rsvp_buttons(meeting_id: int, lang: Language,
                 current: str | None = None) -> tuple[tuple[Button, ...], ...]:
    attend = Button(t(lang, "rsvp_attend"), RsvpButton(meeting_id, "y").encode())
    absent = Button(t(lang, "rsvp_absent"), RsvpButton(meeting_id, "n").encode())
    if current == "attend":
        return ((absent,),)
    if current == "absent":
        return ((attend,),)
    return ((attend, absent),)


def standing_note(inv: InvitationRow, lang: Language) -> str:
    if inv.standing is None:
        return ""
    return "\n" + t(lang, "meeting_standing_note", standing=t(lang, labels.STANDING[inv.standing]))


def answer_line(inv: InvitationRow, lang: Language) -> str:
    if inv.answer == "attend":
        return t(lang, "rsvp_current_attend")
    if inv.answer == "absent":
        return t(lang, "rsvp_current_absent", reason=inv.reason or "")
    return t(lang, "rsvp_current_none")


def invitation(meeting: MeetingRow, unit_name: str, inv: InvitationRow, tz: ZoneInfo,
               lang: Language, *, header: str = "invitation_header") -> OutgoingMessage:
    text = "\n".join([t(lang, header), summary(meeting, unit_name, tz, lang)])
    text += standing_note(inv, lang) + "\n\n" + t(lang, "rsvp_ask")
    return OutgoingMessage(text, rsvp_buttons(meeting.id, lang))


def answered(meeting: MeetingRow, unit_name: str, inv: InvitationRow, tz: ZoneInfo,
             lang: Language) -> OutgoingMessage:
    """The invitation as it reads once answered: the answer, and a button to change it."""
    text = "\n".join([t(lang, "invitation_header"), summary(meeting, unit_name, tz, lang)])
    text += standing_note(inv, lang) + "\n\n" + answer_line(inv, lang)
    return OutgoingMessage(text, rsvp_buttons(meeting.id, lang, inv.answer))


def closed_for_answers(meeting: MeetingRow, unit_name: str, inv: InvitationRow, tz: ZoneInfo,
                       lang: Language) -> OutgoingMessage:
    text = "\n".join([t(lang, "invitation_header"), summary(meeting, unit_name, tz, lang)])
    return OutgoingMessage(text + "\n\n" + answer_line(inv, lang))


def reminder(meeting: MeetingRow, unit_name: str, inv: InvitationRow, tz: ZoneInfo,
             lang: Language) -> OutgoingMessage | None:
    """Who has not answered gets the buttons again; who will attend a plain reminder;
    who is excused nothing."""
    body = summary(meeting, unit_name, tz, lang)
    if inv.answer is None:
        return OutgoingMessage(
            "\n".join([t(lang, "reminder_header_unanswered"), body, "", t(lang, "rsvp_ask")]),
            rsvp_buttons(meeting.id, lang))
    if inv.answer == "attend":
        return OutgoingMessage("\n".join([t(lang, "reminder_header_attending"), body]))
    return None


def moved_notice(meeting: MeetingRow, unit_name: str, inv: InvitationRow, tz: ZoneInfo,
                 lang: Language) -> OutgoingMessage:
    """The one notice of a change: the new time, place and agenda, and the member's answer
    kept. An absence keeps its reason (and may be changed); "attend" is asked to confirm;
    who had not answered is asked as in the invitation."""
    text = "\n".join([t(lang, "moved_header"), summary(meeting, unit_name, tz, lang)])
    text += standing_note(inv, lang) + "\n\n"
    if inv.answer == "attend":
        return OutgoingMessage(text + t(lang, "moved_confirm_attend"), (
            (Button(t(lang, "moved_still_attend"), RsvpButton(meeting.id, "y").encode()),
             Button(t(lang, "rsvp_absent"), RsvpButton(meeting.id, "n").encode())),))
    if inv.answer == "absent":
        return OutgoingMessage(text + t(lang, "moved_absence_kept", reason=inv.reason or ""), (
            (Button(t(lang, "rsvp_attend"), RsvpButton(meeting.id, "y").encode()),
             Button(t(lang, "moved_change_reason"), RsvpButton(meeting.id, "n").encode())),))
    return OutgoingMessage(text + t(lang, "rsvp_ask"), rsvp_buttons(meeting.id, lang))
