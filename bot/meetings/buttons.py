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
    ANSWERS = "ans"  # extra: the page of the invitees' answers
    ANSWER_FOR = "af"  # extra: the person an officer records an answer for
    ANSWER_FOR_YES = "afy"  # extra: the person (attends)
    ANSWER_FOR_NO = "afn"  # extra: the person (absent; the reason is asked next)


MEETING_EXTRA = {MeetingAction.ANSWERS: 1, MeetingAction.ANSWER_FOR: 1,
                  MeetingAction.ANSWER_FOR_YES: 1, MeetingAction.ANSWER_FOR_NO: 1}


@dataclass(frozen=True)
class MeetingButton(Codec, prefix="mt"):
    """``mt:<action>:<meeting>[:<number>]``: an officer's button on a meeting."""

    action: MeetingAction
    meeting: int
    extra: tuple[int, ...] = ()

    def check(self) -> None:
        if len(self.extra) != MEETING_EXTRA.get(self.action, 0):
            raise ValueError(f"{self.action} carries {MEETING_EXTRA.get(self.action, 0)}")

    @property
    def number(self) -> int:
        """The page (ANSWERS) or the person (ANSWER_FOR…)."""
        return self.extra[0]


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
    PAGE = "p"  # extra: the page
    TOGGLE = "t"  # extra: the person[, the page shown]
    CLOSE = "c"  # asks to confirm when anyone is still marked absent without a reason
    CLOSE_YES = "cy"  # close, confirmed
    CORRECT = "fix"  # reopen a closed roll call for a correction (the reason is asked next)
    ADD = "a"  # add someone who came without an invitation (the name is asked next)
    GUEST = "g"  # extra: the guest (present ↔ không dự)
    MINUTES = "m"  # the printable minutes of the closed meeting
    START_EARLIER = "s0"  # the actual start or end, moved by a step
    START_LATER = "s1"
    END_EARLIER = "e0"
    END_LATER = "e1"
    TYPE_TIMES = "hm"  # type the actual times
    CHAIR = "ch"  # type who chaired
    SECRETARY = "se"  # type who took the minutes
    LATE = "lt"  # type who came late


# How many numbers each roll-call action carries (the person and the page shown, …).
ROLLCALL_EXTRA = {RollcallAction.PAGE: (1,), RollcallAction.TOGGLE: (1, 2),
                  RollcallAction.GUEST: (1,)}


@dataclass(frozen=True)
class RollcallButton(Codec, prefix="rc"):
    """``rc:<action>:<meeting>[:<number>…]``: ``rc:o:<meeting>`` opens the roll call,
    ``rc:t:<meeting>:<person>[:<page>]`` changes one person's mark, ``rc:c:<meeting>``
    closes it; the others set the times, chair, secretary and late arrivals."""

    action: RollcallAction
    meeting: int
    extra: tuple[int, ...] = ()

    def check(self) -> None:
        allowed = ROLLCALL_EXTRA.get(self.action, (0,))
        if len(self.extra) not in allowed:
            raise ValueError(f"{self.action} carries {allowed}")

    @property
    def person(self) -> int | None:
        return self.extra[0] if self.action == RollcallAction.TOGGLE else None

    @property
    def page(self) -> int:
        if self.action == RollcallAction.PAGE:
            return self.extra[0]
        return self.extra[1] if self.action == RollcallAction.TOGGLE and len(self.extra) == 2 \
            else 0
