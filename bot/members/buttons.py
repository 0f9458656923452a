"""The buttons of the members feature: joining, units, the member list and card, dues,
a member's data export and who follows which branch. Wire formats are in each codec."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Literal

from bot.core.callbacks import Codec, Shape
from bot.members.registration import BRANCH_ROLES
from bot.members.service import FLAGS


@dataclass(frozen=True)
class JoinButton(Codec, prefix="join"):
    """``join:<invite token>`` confirms an invite; ``join:no`` declines it."""

    token: str

    DECLINE = "no"

    @property
    def declined(self) -> bool:
        return self.token == self.DECLINE


@dataclass(frozen=True)
class NewUnitButton(Codec, prefix="nu"):
    """``nu:committee``, ``nu:branch`` (then pick a committee), ``nu:branch:<committee>``."""

    kind: Literal["committee", "branch"]
    parent: int | None = None

    def check(self) -> None:
        if self.kind == "committee" and self.parent is not None:
            raise ValueError("a committee has no parent")


@dataclass(frozen=True)
class AppointButton(Codec, prefix="ap"):
    """``ap:<unit>``: appoint someone in that unit."""

    unit: int


class MemberAction(StrEnum):
    OPEN = "o"
    OFFICIAL = "off"
    ROLE = "r"
    MOVE = "mv"
    LINK = "inv"
    REVOKE = "rv"
    REMOVE = "rm"
    ERASE = "er"
    REMOVE_YES = "rmy"
    ERASE_YES = "ery"
    EDIT = "ed"  # choose a field of the record to correct


# Short codes of the record's fields in callback data (mem:ef:<membership>:<code>).
RECORD_FIELDS = {"n": "full_name", "b": "birth_date", "a": "admitted_on", "o": "official_on",
                 "p": "phone", "j": "joined_on"}
RecordCode = Literal["n", "b", "a", "o", "p", "j"]
RECORD_CODES: tuple[RecordCode, ...] = ("n", "b", "a", "o", "p", "j")
assert tuple(RECORD_FIELDS) == RECORD_CODES


def _one_of(words: tuple[str, ...]) -> Shape:
    return Shape("|".join(re.escape(w) for w in words))


@dataclass(frozen=True)
class MemberButton(Codec, prefix="mem"):
    """``mem:<action>:<membership>``: an officer's button on a member's card."""

    action: MemberAction
    membership: int


@dataclass(frozen=True)
class MemberPage(Codec, prefix="mem", tag="p"):
    """``mem:p:<branch>:<page>``: a page of the branch's member list."""

    branch: int
    page: int


@dataclass(frozen=True)
class MemberFlag(Codec, prefix="mem", tag="f"):
    """``mem:f:<membership>:<flag>``: turn a standing flag on or off."""

    membership: int
    flag: Annotated[str, _one_of(FLAGS)]


@dataclass(frozen=True)
class MemberSetRole(Codec, prefix="mem", tag="rs"):
    """``mem:rs:<membership>:<role>``: the member's new role in the branch."""

    membership: int
    role: Annotated[str, _one_of(BRANCH_ROLES)]


@dataclass(frozen=True)
class MemberMoveTo(Codec, prefix="mem", tag="mt"):
    """``mem:mt:<membership>:<branch>``: move the member to that branch."""

    membership: int
    branch: int


@dataclass(frozen=True)
class MemberEditField(Codec, prefix="mem", tag="ef"):
    """``mem:ef:<membership>:<code>``: correct one field of the record (RECORD_FIELDS)."""

    membership: int
    code: RecordCode

    @property
    def field(self) -> str:
        return RECORD_FIELDS[self.code]


@dataclass(frozen=True)
class DuesButton(Codec, prefix="due", tag="o"):
    """``due:o:<membership>``: this year's dues of the member."""

    membership: int


@dataclass(frozen=True)
class DuesYear(Codec, prefix="due", tag="y"):
    """``due:y:<membership>:<yyyy>``: another year's dues."""

    membership: int
    year: Annotated[str, Shape(r"[0-9]{4}")]


@dataclass(frozen=True)
class DuesMonth(Codec, prefix="due", tag="t"):
    """``due:t:<membership>:<yyyymm>``: mark a month paid or unpaid (the domain says
    whether the month is one the card shows)."""

    membership: int
    month: Annotated[str, Shape(r"[0-9]{6}")]

    @property
    def period(self) -> str:
        """``yyyy-mm``"""
        return f"{self.month[:4]}-{self.month[4:]}"


@dataclass(frozen=True)
class PrivacyButton(Codec, prefix="prv"):
    """``prv:x:<membership>``: an officer exports a member's data."""

    action: Literal["x"]
    membership: int


@dataclass(frozen=True)
class FollowButton(Codec, prefix="fl"):
    """``fl:b:<branch>`` lists who may follow a branch; ``fl:p:<branch>:<person>`` toggles
    one of them."""

    action: Literal["b", "p"]
    branch: int
    person: int | None = None

    def check(self) -> None:
        if (self.action == "p") != (self.person is not None):
            raise ValueError("a person goes with p, and only with p")
