"""/report's codes: one StrEnum, a table of reports whose argument has one meaning each
(the wire format of the buttons already sent is unchanged: tests/unit/test_buttons.py)."""

from __future__ import annotations

from bot.reports.buttons import ReportButton, ReportCode
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
    assert ReportButton.decode("rp:u:b1:0:12-2025").report is C.MEMBER
