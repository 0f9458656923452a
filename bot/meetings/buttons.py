"""The buttons of the meetings feature: answers to invitations, the officers' buttons on
a meeting, and the roll call. Wire formats are in each codec."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from bot.core.callbacks import Codec


@dataclass(frozen=True)
class RsvpButton(Codec, prefix="rsvp"):
    """``rsvp:<meeting>:<y|n>``: attend, or be absent (a reason is asked next)."""

    meeting: int
    answer: Literal["y", "n"]


class MeetingAction(StrEnum):
    NUDGE = "nudge"  # remind who has not answered (the officers' digest)
    MOVE = "mv"
    CANCEL = "cx"
    CANCEL_YES = "cxy"
    DOCUMENT = "doc"  # attach a document


@dataclass(frozen=True)
class MeetingButton(Codec, prefix="mt"):
    """``mt:<action>:<meeting>``: an officer's button on a meeting."""

    action: MeetingAction
    meeting: int


@dataclass(frozen=True)
class MeetingAnswers(Codec, prefix="mt", tag="ans"):
    """``mt:ans:<meeting>:<page>``: a page of the invitees' answers."""

    meeting: int
    page: int


class AnswerForAction(StrEnum):
    CHOOSE = "af"  # what to record for the person
    ATTENDS = "afy"
    ABSENT = "afn"  # the reason is asked next


@dataclass(frozen=True)
class MeetingAnswerFor(Codec, prefix="mt", shares=True):
    """``mt:<af|afy|afn>:<meeting>:<person>``: an officer records a person's answer."""

    action: AnswerForAction
    meeting: int
    person: int


MeetingKind = Literal["regular", "thematic", "combined", "extraordinary"]
MEETING_KINDS: tuple[MeetingKind, ...] = ("regular", "thematic", "combined", "extraordinary")


@dataclass(frozen=True)
class MeetingKindButton(Codec, prefix="mk"):
    """``mk:<kind>``: the kind chosen at the start of a guided /meeting."""

    kind: MeetingKind


@dataclass(frozen=True)
class GuestButton(Codec, prefix="gu"):
    """``gu:<meeting>``: the meeting a guest named in the pending input is invited to."""

    meeting: int


@dataclass(frozen=True)
class GuestRsvpButton(Codec, prefix="gr"):
    """``gr:<guest>:<y|n>``: a guest's answer (only the account bound by the link)."""

    guest: int
    answer: Literal["y", "n"]


@dataclass(frozen=True)
class PastMeetingButton(Codec, prefix="mp"):
    """``mp:<y|n>``: enter the past meeting described in the pending input, or not."""

    answer: Literal["y", "n"]


class RollcallAction(StrEnum):
    OPEN = "o"
    CLOSE = "c"  # asks to confirm when anyone is still marked absent without a reason
    CLOSE_YES = "cy"  # close, confirmed
    CORRECT = "fix"  # reopen a closed roll call for a correction (the reason is asked next)
    ADD = "a"  # add someone who came without an invitation (the name is asked next)
    MINUTES = "m"  # the printable minutes of the closed meeting
    START_EARLIER = "s0"  # the actual start or end, moved by a step
    START_LATER = "s1"
    END_EARLIER = "e0"
    END_LATER = "e1"
    TYPE_TIMES = "hm"  # type the actual times
    CHAIR = "ch"  # type who chaired
    SECRETARY = "se"  # type who took the minutes
    LATE = "lt"  # type who came late


@dataclass(frozen=True)
class RollcallButton(Codec, prefix="rc"):
    """``rc:<action>:<meeting>``: ``rc:o:<meeting>`` opens the roll call, ``rc:c:…``
    closes it; the others set the times, chair, secretary and late arrivals."""

    action: RollcallAction
    meeting: int


@dataclass(frozen=True)
class RollcallPage(Codec, prefix="rc", tag="p"):
    """``rc:p:<meeting>:<page>``: another page of the roll call."""

    meeting: int
    page: int


@dataclass(frozen=True)
class RollcallToggle(Codec, prefix="rc", tag="t"):
    """``rc:t:<meeting>:<person>[:<page>]``: change one person's mark, staying on the
    page shown (the first page when left out)."""

    meeting: int
    person: int
    page: int | None = None


@dataclass(frozen=True)
class RollcallGuest(Codec, prefix="rc", tag="g"):
    """``rc:g:<meeting>:<guest>``: a guest present ↔ not present."""

    meeting: int
    guest: int
