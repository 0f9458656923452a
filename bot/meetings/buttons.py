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


@dataclass(frozen=True)
class MeetingButton(Codec, prefix="mt"):
    """``mt:<action>:<meeting>``: an officer's button on a meeting."""

    action: MeetingAction
    meeting: int


@dataclass(frozen=True)
class RollcallButton(Codec, prefix="rc"):
    """``rc:o:<meeting>`` opens the roll call, ``rc:t:<meeting>:<person>`` changes one
    person's mark, ``rc:c:<meeting>`` closes it."""

    action: Literal["o", "t", "c"]
    meeting: int
    person: int | None = None

    def check(self) -> None:
        if (self.action == "t") != (self.person is not None):
            raise ValueError("a person goes with t, and only with t")
