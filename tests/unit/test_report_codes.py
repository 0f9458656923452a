"""/report's codes: one StrEnum, a table of reports whose argument has one meaning each,
and a button family per report (the wire format of the buttons already sent is unchanged:
tests/unit/test_buttons.py)."""

from __future__ import annotations

import pytest

from bot.core.callbacks import BadButton, decode_any
from bot.reports.buttons import (
    ASKED,
    TURNED,
    BranchesReport,
    DutiesReport,
    MeetingReportPage,
    MemberReport,
    ReportCode,
    YearReport,
)
from handlers import reports
from handlers.reports import REPORTS, MemberAsked

C = ReportCode


def test_every_text_report_has_an_entry_and_the_others_are_handled_apart() -> None:
    assert set(REPORTS) == set(ReportCode) - {C.EXPORT, C.SCOPES}
    assert set(reports.CODES.values()) == set(ReportCode) - {C.SCOPES}


def test_each_report_reads_its_argument_as_what_it_means() -> None:
    assert REPORTS[C.YEAR].parse("2025") == 2025
    assert REPORTS[C.YEAR].parse("") is None
    assert REPORTS[C.BRANCHES].parse("2024") == 2024
    assert REPORTS[C.DUTIES].parse("202612") == "2026-12"
    assert REPORTS[C.DUTIES].parse("") is None
    assert REPORTS[C.MEETING].parse("17") == 17
    assert REPORTS[C.PROBATION].parse("") is None
    assert REPORTS[C.MEMBER].parse("12-2025") == MemberAsked("12-2025", 12, 2025)
    assert REPORTS[C.MEMBER].parse("12") == MemberAsked("12", 12)
    assert REPORTS[C.MEMBER].parse("Nguyễn Văn An") == MemberAsked("Nguyễn Văn An")


def test_the_codes_are_the_letters_buttons_already_carry() -> None:
    assert [c.value for c in ReportCode] == ["m", "y", "d", "p", "b", "x", "u", "s"]
    assert MemberReport.decode("rp:u:b1:0:12-2025").code is C.MEMBER
    assert {family.TAG for family in ASKED.values()} == {c.value for c in ReportCode}
    assert set(TURNED) == set(ReportCode) - {C.EXPORT, C.SCOPES}  # a file and a menu


def test_each_report_button_carries_its_own_kind_of_argument() -> None:
    """The same wire as before (``rp:<code>:<scope>:<page>[:<arg>]``), read as the
    report means it; an argument of another report's kind is refused as forged."""
    assert YearReport.decode("rp:y:c3:0:2025").year == "2025"
    assert DutiesReport.decode("rp:d:b1:0:202612").month == "202612"
    assert MeetingReportPage.decode("rq:m:b1:2:45").meeting == 45
    picked = MemberReport.decode("rp:u:b1:0:12-2025")
    assert (picked.picked, picked.argument) == ("12-2025", "12-2025")
    families = [*ASKED.values(), *TURNED.values()]
    for data in ("rp:y:c3:0:202612", "rp:d:b1:0:2025", "rp:m:b1:0:12-2025", "rp:p:b1:0:1",
                 "rp:s:b1:0:2025", "rp:u:b1:0:Lan", "rq:x:c1:0", "rq:s:c1:0"):
        with pytest.raises(BadButton):
            decode_any(families, data)


def test_a_page_turn_keeps_only_an_argument_of_its_report() -> None:
    """Page buttons carry what the report shown means; a typed word that is not of its
    kind (``/report year abc``) is left out, and the report shows its default."""
    assert TURNED[C.YEAR].of("c3", 1, "abc").encode() == "rq:y:c3:1"
    assert TURNED[C.YEAR].of("c3", 1, "2024").encode() == "rq:y:c3:1:2024"
    assert TURNED[C.DUTIES].of("b1", 1, "202613").encode() == "rq:d:b1:1"
    assert BranchesReport.of("c1", 0, "2025").argument == "2025"
