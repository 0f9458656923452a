"""A message as a Zalo member reads it: text only, at most 2,000 characters a piece.

Zalo has no buttons: where a Telegram message has them, the text says what to reply
instead (an invitation: ``1`` / ``2 lý do``, named by the meeting's number; the household
card: ``ok``, ``N ok``, ``N vấn đề``; the officers' digest: ``nhac M`` to remind those
who have not answered). Other officers' buttons have no text form: their commands stay
on Telegram, and the message says so. A long text is split on line
boundaries (a single line longer than the limit is cut).
"""

from __future__ import annotations

from bot.duties.buttons import DutyButton, DutyPage
from bot.meetings.buttons import MeetingAction, MeetingButton, RsvpButton
from bot.reports.render import paginate
from bot.texts import Language, t
from storage.outbox import OutgoingMessage

MAX_TEXT = 2000


def instructions(message: OutgoingMessage, lang: Language) -> list[str]:
    """What to reply, in place of the message's buttons."""
    meetings: list[int] = []
    nudges: list[int] = []
    households = other = False
    links: list[str] = []
    for row in message.buttons:
        for button in row:
            if button.url:
                links.append(f"{button.text}: {button.url}")
            elif RsvpButton.matches(button.data):
                meeting = RsvpButton.decode(button.data).meeting
                if meeting not in meetings:
                    meetings.append(meeting)
            elif (nudge := _nudge(button.data)) is not None:
                nudges.append(nudge)
            elif DutyButton.matches(button.data):
                households = True
            elif DutyPage.matches(button.data):
                pass  # a page turn: the card's other households are said with the first
            elif button.data:
                other = True
    lines = [t(lang, "zalo_rsvp_how", n=m) for m in meetings]
    lines.extend(t(lang, "zalo_nudge_how", n=m) for m in nudges)
    if households:
        lines.append(t(lang, "zalo_duty_how"))
    lines.extend(links)
    if other and not lines:
        lines.append(t(lang, "zalo_telegram_only"))
    return lines


def _nudge(data: str | None) -> int | None:
    """The meeting of a digest's "remind those who have not answered" button."""
    if not MeetingButton.matches(data):
        return None
    button = MeetingButton.decode(data)
    return button.meeting if button.action is MeetingAction.NUDGE else None


def split(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Pieces of at most ``limit`` characters, cut between lines where possible."""
    return [piece for piece in paginate(text, limit) if piece.strip()] or ["…"]


def as_texts(message: OutgoingMessage, lang: Language) -> list[str]:
    extra = instructions(message, lang)
    text = message.text.strip() if message.text.strip() else ""
    if extra:
        text = f"{text}\n\n" + "\n".join(extra) if text else "\n".join(extra)
    return split(text)
