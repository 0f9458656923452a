"""Free text loses what would disguise it: bidi overrides and
isolates, zero-width and other format characters, control characters; what a person
can see is kept as typed."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from bot.core.names import clean_free_text

HIDDEN = ("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200b\u200c\u200e\u200f"
          "\u2060\ufeff\u00ad\x00\x07\x1b\x7f\x85")
# Every kind of free text a person types: what each becomes must carry none of them.
KINDS = {
    "absence reason": "Đi công tác {x}Hà Nội",
    "household note": "Nhà {x}có người ốm",
    "duty note": "Đã thăm hỏi{x}, tặng quà",
    "agenda": "1. Kiểm điểm{x}\n2. Phân công",
    "place": "Nhà văn hóa{x} thôn 3",
    "broadcast": "Họp lúc 8h{x} ngày mai",
    "unit name": "Chi bộ {x}Thôn 1",
}


def _visible(text: str) -> bool:
    return all(ch == "\n" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs")
               for ch in text)


@given(st.sampled_from(sorted(KINDS)), st.text(alphabet=HIDDEN, min_size=1, max_size=8))
def test_every_kind_of_free_text_loses_hidden_characters(kind: str, hidden: str) -> None:
    typed = KINDS[kind].format(x=hidden)
    assert clean_free_text(typed) == KINDS[kind].format(x="").strip()


@given(st.text(max_size=60))
def test_nothing_hidden_survives_and_cleaning_twice_changes_nothing(text: str) -> None:
    once = clean_free_text(text)
    assert _visible(once.replace("\u200d", ""))  # a joiner survives only inside an emoji
    assert clean_free_text(once) == once


def test_what_can_be_seen_is_kept() -> None:
    assert clean_free_text(" Ốm\r\nNằm viện\t3 ngày 👨\u200d👩\u200d👧 ") == (
        "Ốm\nNằm viện 3 ngày 👨\u200d👩\u200d👧")
    assert clean_free_text("a\u200db") == "ab"
