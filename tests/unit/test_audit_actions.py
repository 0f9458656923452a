"""/audit speaks the officer's language: every action code the bot writes anywhere
has a catalog description, in Vietnamese and English."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.members.privacy import describe_action
from bot.texts import LANGUAGES

ROOT = Path(__file__).resolve().parents[2]
# action="x", action=f"x.{y}", action="a" if … else "b", and _audit(…, "x") helpers
_ACTION = re.compile(r'action=(f?"[^"]+"(?:\s+if\s+[^"]+\s+else\s+f?"[^"]+")?)')
_HELPER = re.compile(r'_audit\(services, actor, [^,()]+, (f?"[^"]+")(?:, row)?\)')
# bot/reports/service.py's helper writes report.<what>
_HELPER_PREFIX = {"reports": "report."}
_LITERAL = re.compile(r'f?"([^"]+)"')


def written_codes() -> set[str]:
    """Each action code (an f-string's static part up to its first field) in bot/ and
    handlers/."""
    codes: set[str] = set()
    for path in [*ROOT.joinpath("bot").rglob("*.py"), *ROOT.joinpath("handlers").rglob("*.py")]:
        text = " ".join(path.read_text(encoding="utf-8").split())
        prefix = _HELPER_PREFIX.get(path.parent.name, "")
        found = [*(("", e) for e in _ACTION.findall(text)),
                 *((prefix, e) for e in _HELPER.findall(text))]
        for before, expression in found:
            for literal in _LITERAL.findall(expression):
                code = (before + literal).split("{", 1)[0].rstrip(".")
                if code and code not in ("version", "store_true"):  # argparse's action=
                    codes.add(code)
    return codes


def test_the_scan_finds_the_codes_it_should() -> None:
    codes = written_codes()
    assert {"person.erase", "household.assign", "meeting.move", "report", "member.flag",
            "dues.paid", "dues.unpaid", "member.view", "broadcast"} <= codes, codes
    assert len(codes) >= 30


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_action_code_written_has_a_description(lang: str) -> None:
    missing = sorted(c for c in written_codes()
                     if describe_action(c, lang) == c)  # type: ignore[arg-type]
    assert missing == []


def test_codes_read_as_words() -> None:
    assert describe_action("report.member.3", "vi") == "Xem báo cáo về một đảng viên"
    assert describe_action("household.assign", "vi") == "Phân công theo dõi hộ"
    assert describe_action("meeting.move", "en") == "Moved a meeting"
    assert describe_action("member.edit.phone", "vi") == "Sửa hồ sơ đảng viên (phone)"
