"""The buttons of the duties feature: a member's one-tap report on a household, the
officers' household list and card, and assigning households to members. Wire formats
are in each codec."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Literal

from bot.core.callbacks import Codec, Shape
from bot.duties.fields import HouseholdField

STATUSES = {"ok": "normal", "pb": "problem"}


Month = Annotated[str, Shape(r"[0-9]{4}(0[1-9]|1[0-2])")]  # yyyymm


def _period(month: str) -> str:
    """``yyyymm`` -> ``yyyy-mm``"""
    return f"{month[:4]}-{month[4:]}"


@dataclass(frozen=True)
class DutyButton(Codec, prefix="duty"):
    """``duty:<household>:<yyyymm>:<ok|pb>``: all normal, or a problem (a note is asked
    next). The domain decides whether the month is still the one to report on."""

    household: int
    month: Month
    answer: Literal["ok", "pb"]

    @classmethod
    def of(cls, household: int, period: str, answer: Literal["ok", "pb"]) -> DutyButton:
        """The button for ``period`` (``yyyy-mm``)."""
        return cls(household, period.replace("-", ""), answer)

    @property
    def period(self) -> str:
        """``yyyy-mm``"""
        return _period(self.month)

    @property
    def status(self) -> str:
        """What the report records: ``normal`` or ``problem``."""
        return STATUSES[self.answer]


@dataclass(frozen=True)
class DutyPage(Codec, prefix="duty", shares=True):
    """``duty:<page>:<yyyymm>:pg`` turns a long card to another page (the domain clamps
    the page)."""

    page: int
    month: Month
    turn: Literal["pg"] = "pg"

    @classmethod
    def of(cls, page: int, period: str) -> DutyPage:
        """The button that shows ``page`` of the card for ``period`` (``yyyy-mm``)."""
        return cls(page, period.replace("-", ""))

    @property
    def period(self) -> str:
        """``yyyy-mm``"""
        return _period(self.month)




class HouseholdAction(StrEnum):
    OPEN = "o"
    UNASSIGN = "un"
    REMOVE = "rm"
    REMOVE_YES = "rmy"


@dataclass(frozen=True)
class HouseholdButton(Codec, prefix="hh"):
    """``hh:<action>:<household>``: an officer's button on a household's card."""

    action: HouseholdAction
    household: int


class BranchHouseholdsAction(StrEnum):
    STATUS = "s"  # the month's status
    ADD = "add"  # add a household (its head is asked next)


@dataclass(frozen=True)
class BranchHouseholds(Codec, prefix="hh", shares=True):
    """``hh:<s|add>:<branch>``: the branch's households: the status, or add one."""

    action: BranchHouseholdsAction
    branch: int


@dataclass(frozen=True)
class HouseholdPage(Codec, prefix="hh", tag="p"):
    """``hh:p:<branch>:<page>``: a page of the branch's household list."""

    branch: int
    page: int


@dataclass(frozen=True)
class HouseholdEdit(Codec, prefix="hh", tag="e"):
    """``hh:e:<household>:<field>``: correct one field (the value is asked next)."""

    household: int
    field: HouseholdField


# /assign: one family per step, each field one meaning (``asg:<tag>:<fields>``).


@dataclass(frozen=True)
class AssignMenu(Codec, prefix="asg", tag="menu"):
    """Choose how to assign: by member or by household."""

    unit: int


@dataclass(frozen=True)
class AssignMembers(Codec, prefix="asg", tag="m"):
    """A page of the members to tick households for."""

    unit: int
    page: int


@dataclass(frozen=True)
class AssignTicks(Codec, prefix="asg", tag="t"):
    """A page of one member's tick list."""

    unit: int
    person: int
    page: int


@dataclass(frozen=True)
class AssignTick(Codec, prefix="asg", tag="x"):
    """Tick or untick one household for the member, staying on the page."""

    unit: int
    person: int
    household: int
    page: int


@dataclass(frozen=True)
class AssignDone(Codec, prefix="asg", tag="ok"):
    """Done ticking for the member."""

    unit: int
    person: int


@dataclass(frozen=True)
class AssignHouseholds(Codec, prefix="asg", tag="h"):
    """A page of the households to pick one from."""

    unit: int
    page: int


@dataclass(frozen=True)
class AssignHouseholdMembers(Codec, prefix="asg", tag="hm"):
    """A page of the members to pick the household's one from."""

    household: int
    page: int


@dataclass(frozen=True)
class AssignTo(Codec, prefix="asg", tag="a"):
    """Assign the household to the member."""

    household: int
    person: int
