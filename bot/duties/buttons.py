"""The buttons of the duties feature: a member's one-tap report on a household, the
officers' household list and card, and assigning households to members. Wire formats
are in each codec."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Literal

from bot.core.callbacks import NUMBER, ArgKind, Codec, Shape, as_number, expect_arg
from bot.duties.fields import FIELDS

STATUSES = {"ok": "normal", "pb": "problem"}


@dataclass(frozen=True)
class DutyButton(Codec, prefix="duty"):
    """``duty:<household>:<yyyymm>:<ok|pb>``: all normal, or a problem (a note is asked
    next); ``duty:<page>:<yyyymm>:pg`` turns a long card to another page. The domain
    decides whether the month is still the one to report on, and clamps the page."""

    household: int  # the page, for pg
    month: Annotated[str, Shape(r"[0-9]{4}(0[1-9]|1[0-2])")]
    answer: Literal["ok", "pb", "pg"]

    @classmethod
    def page_of(cls, page: int, period: str) -> DutyButton:
        """The button that shows ``page`` of the card for ``period`` (``yyyy-mm``)."""
        return cls(page, period.replace("-", ""), "pg")

    @property
    def turns_page(self) -> bool:
        return self.answer == "pg"

    @classmethod
    def of(cls, household: int, period: str, answer: Literal["ok", "pb"]) -> DutyButton:
        """The button for ``period`` (``yyyy-mm``)."""
        return cls(household, period.replace("-", ""), answer)

    @property
    def period(self) -> str:
        """``yyyy-mm``"""
        return f"{self.month[:4]}-{self.month[4:]}"

    @property
    def status(self) -> str:
        """What the report records: ``normal`` or ``problem``."""
        return STATUSES[self.answer]


class HouseholdAction(StrEnum):
    STATUS = "s"  # target: the branch
    PAGE = "p"  # target: the branch; arg: the page
    ADD = "add"  # target: the branch
    OPEN = "o"
    EDIT = "e"  # arg: the field
    UNASSIGN = "un"
    REMOVE = "rm"
    REMOVE_YES = "rmy"


@dataclass(frozen=True)
class HouseholdButton(Codec, prefix="hh"):
    """``hh:<action>:<household or branch>[:<arg>]``: the officers' household buttons."""

    action: HouseholdAction
    target: int
    arg: str | None = None

    def check(self) -> None:
        kinds: dict[HouseholdAction, ArgKind] = {HouseholdAction.PAGE: NUMBER,
                                                 HouseholdAction.EDIT: tuple(FIELDS)}
        expect_arg(self.action, self.arg, kinds.get(self.action))

    @property
    def number(self) -> int:
        """The page (PAGE)."""
        return as_number(self.arg)

    @property
    def field(self) -> str:
        """The field (EDIT)."""
        assert self.arg is not None
        return self.arg


class AssignAction(StrEnum):
    MENU = "menu"  # unit: choose how
    MEMBERS = "m"  # unit, page: pick a member to tick households for
    TICKS = "t"  # unit, person, page: that member's tick list
    TICK = "x"  # unit, person, household, page: tick or untick one household
    DONE = "ok"  # unit, person: done ticking
    HOUSEHOLDS = "h"  # unit, page: pick a household
    HOUSEHOLD_MEMBERS = "hm"  # household, page: pick its member
    ASSIGN = "a"  # household, person


ASSIGN_ARITY = {AssignAction.MENU: 1, AssignAction.MEMBERS: 2, AssignAction.TICKS: 3,
                AssignAction.TICK: 4, AssignAction.DONE: 2, AssignAction.HOUSEHOLDS: 2,
                AssignAction.HOUSEHOLD_MEMBERS: 2, AssignAction.ASSIGN: 2}


@dataclass(frozen=True)
class AssignButton(Codec, prefix="asg"):
    """``asg:<action>:<id>:…``: the ids each action carries are listed on the action."""

    action: AssignAction
    ids: tuple[int, ...]

    def check(self) -> None:
        if len(self.ids) != ASSIGN_ARITY[self.action]:
            raise ValueError(f"{self.action.value} takes {ASSIGN_ARITY[self.action]} ids")
