"""The buttons of the reports feature. Wire formats are in each codec.

A report asked with a button is ``rp:<report>:<scope>:<page>[:<argument>]``: a new
message. The same report's page turn is ``rq:…``, which edits the message in place.
Each report is a family of its own, so that its argument has one meaning: a year, a
month, a meeting or a person. ``ReportCode`` is the letter in the tag position.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Self

from bot.core.callbacks import Codec, Shape


class ReportCode(StrEnum):
    """Which report a button (or /report's first word) asks for."""

    MEETING = "m"
    YEAR = "y"
    DUTIES = "d"
    PROBATION = "p"
    BRANCHES = "b"
    EXPORT = "x"
    MEMBER = "u"
    SCOPES = "s"  # the menu, for another scope


_YEAR = r"[0-9]{4}"
_MONTH = r"[0-9]{4}(0[1-9]|1[0-2])"
_PICKED = r"([0-9]{1,12})(-([0-9]{4}))?"

Scope = Annotated[str, Shape(r"[bc][0-9]{1,12}")]  # b<branch> or c<committee>
Year = Annotated[str, Shape(_YEAR)]
Month = Annotated[str, Shape(_MONTH)]  # yyyymm
Picked = Annotated[str, Shape(_PICKED)]  # a person picked from a list (and a year)


def _fits(regex: str, argument: str) -> str | None:
    return argument if re.fullmatch(regex, argument) else None


@dataclass(frozen=True)
class ReportButton(Codec):
    """What every report's button carries: the scope and the page. A family per report
    below (no prefix here)."""

    scope: Scope
    page: int

    @property
    def code(self) -> ReportCode:
        assert self.TAG is not None, "a report family has its code as its tag"
        return ReportCode(self.TAG)

    @property
    def argument(self) -> str:
        """The argument as /report's words give it."""
        return ""

    @classmethod
    def of(cls, scope: str, page: int, argument: str) -> Self:
        """The button for ``argument`` as /report's words give it (one that is not this
        report's kind of argument is left out: the report then shows its default)."""
        return cls(scope, page)


@dataclass(frozen=True)
class _OfYear(ReportButton):
    year: Year | None = None

    @property
    def argument(self) -> str:
        return self.year or ""

    @classmethod
    def of(cls, scope: str, page: int, argument: str) -> Self:
        return cls(scope, page, _fits(_YEAR, argument))


@dataclass(frozen=True)
class _OfMonth(ReportButton):
    month: Month | None = None

    @property
    def argument(self) -> str:
        return self.month or ""

    @classmethod
    def of(cls, scope: str, page: int, argument: str) -> Self:
        return cls(scope, page, _fits(_MONTH, argument))


@dataclass(frozen=True)
class _OfMeeting(ReportButton):
    meeting: int | None = None

    @property
    def argument(self) -> str:
        return "" if self.meeting is None else str(self.meeting)

    @classmethod
    def of(cls, scope: str, page: int, argument: str) -> Self:
        return cls(scope, page, int(argument) if _fits(r"[0-9]{1,12}", argument) else None)


@dataclass(frozen=True)
class _OfMember(ReportButton):
    picked: Picked | None = None  # ``<person>[-<yyyy>]``

    @property
    def argument(self) -> str:
        return self.picked or ""

    @classmethod
    def of(cls, scope: str, page: int, argument: str) -> Self:
        return cls(scope, page, _fits(_PICKED, argument))


@dataclass(frozen=True)
class MeetingReport(_OfMeeting, prefix="rp", tag="m"):
    """``rp:m:<scope>:<page>[:<meeting>]``: a meeting's answers and attendance (the
    latest without one)."""


@dataclass(frozen=True)
class YearReport(_OfYear, prefix="rp", tag="y"):
    """``rp:y:<scope>:<page>[:<yyyy>]``: the year report (this year without one)."""


@dataclass(frozen=True)
class DutiesReport(_OfMonth, prefix="rp", tag="d"):
    """``rp:d:<scope>:<page>[:<yyyymm>]``: a month's household reports."""


@dataclass(frozen=True)
class ProbationReport(ReportButton, prefix="rp", tag="p"):
    """``rp:p:<scope>:<page>``: members on probation."""


@dataclass(frozen=True)
class BranchesReport(_OfYear, prefix="rp", tag="b"):
    """``rp:b:<scope>:<page>[:<yyyy>]``: the committee's branches side by side."""


@dataclass(frozen=True)
class ExportReport(_OfYear, prefix="rp", tag="x"):
    """``rp:x:<scope>:<page>[:<yyyy>]``: the workbook and the chart."""


@dataclass(frozen=True)
class MemberReport(_OfMember, prefix="rp", tag="u"):
    """``rp:u:<scope>:<page>[:<person>[-<yyyy>]]``: one member's year, picked from a list."""


@dataclass(frozen=True)
class ScopeMenu(ReportButton, prefix="rp", tag="s"):
    """``rp:s:<scope>:<page>``: the report menu for another scope."""


@dataclass(frozen=True)
class MeetingReportPage(MeetingReport, prefix="rq", tag="m"):
    """``rq:m:…``, as ``rp:m:…``: a page turn."""


@dataclass(frozen=True)
class YearReportPage(YearReport, prefix="rq", tag="y"):
    """``rq:y:…``, as ``rp:y:…``: a page turn."""


@dataclass(frozen=True)
class DutiesReportPage(DutiesReport, prefix="rq", tag="d"):
    """``rq:d:…``, as ``rp:d:…``: a page turn."""


@dataclass(frozen=True)
class ProbationReportPage(ProbationReport, prefix="rq", tag="p"):
    """``rq:p:…``, as ``rp:p:…``: a page turn."""


@dataclass(frozen=True)
class BranchesReportPage(BranchesReport, prefix="rq", tag="b"):
    """``rq:b:…``, as ``rp:b:…``: a page turn."""


@dataclass(frozen=True)
class MemberReportPage(MemberReport, prefix="rq", tag="u"):
    """``rq:u:…``, as ``rp:u:…``: a page turn."""


# Each report's button, and the button turning its pages (the export is a file and the
# scope menu a menu: neither has pages).
ASKED: dict[ReportCode, type[ReportButton]] = {
    ReportCode.MEETING: MeetingReport, ReportCode.YEAR: YearReport,
    ReportCode.DUTIES: DutiesReport, ReportCode.PROBATION: ProbationReport,
    ReportCode.BRANCHES: BranchesReport, ReportCode.EXPORT: ExportReport,
    ReportCode.MEMBER: MemberReport, ReportCode.SCOPES: ScopeMenu,
}
TURNED: dict[ReportCode, type[ReportButton]] = {
    ReportCode.MEETING: MeetingReportPage, ReportCode.YEAR: YearReportPage,
    ReportCode.DUTIES: DutiesReportPage, ReportCode.PROBATION: ProbationReportPage,
    ReportCode.BRANCHES: BranchesReportPage, ReportCode.MEMBER: MemberReportPage,
}
