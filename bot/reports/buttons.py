"""The buttons of the reports feature. Wire formats are in each codec."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated

from bot.core.callbacks import Codec, Shape


class ReportCode(StrEnum):
    """Which report a button (or /report's first word) asks for."""

    MEETING = "m"  # arg: the meeting
    YEAR = "y"  # arg: the year
    DUTIES = "d"  # arg: the month (yyyymm)
    PROBATION = "p"
    BRANCHES = "b"  # arg: the year
    EXPORT = "x"  # arg: the year
    MEMBER = "u"  # arg: a name typed, or the person picked (``<person>[-<yyyy>]``)
    SCOPES = "s"  # the menu, for another scope


Scope = Annotated[str, Shape(r"[bc][0-9]{1,12}")]  # b<branch> or c<committee>
Arg = Annotated[str, Shape(r"[0-9]{1,12}(-[0-9]{4})?")]  # a year, yyyymm, a meeting,
# a person, or a person and a year (``<person>-<yyyy>``)


@dataclass(frozen=True)
class ReportButton(Codec, prefix="rp"):
    """``rp:<report>:<scope>:<page>[:<arg>]``: a report from the menu, sent as a new
    message (``rp:s:<scope>:0`` shows the menu for another scope)."""

    report: ReportCode
    scope: Scope
    page: int
    arg: Arg | None = None


@dataclass(frozen=True)
class ReportPage(ReportButton, prefix="rq"):
    """``rq:…``, as ``rp:…``: a page turn, editing the message in place."""
