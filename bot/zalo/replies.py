"""What a member typed on Zalo, read without accents or case.

The shapes (the help text lists them): ``?`` / ``tro giup``; ``kenh telegram`` /
``kenh zalo``; ``english`` / ``tieng viet`` (the language); ``ok`` (every household
normal); ``N ok`` (household N normal);
``M 1`` / ``M 2 lý do`` (meeting M); ``1`` / ``2 lý do`` (the one open meeting);
``N vấn đề`` (a problem at household N); ``nhac M`` (an officer: remind those who have
not answered meeting M). Words after the numbers keep their accents:
they are the member's reason or note.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.names import fold_accents

HELP = frozenset({"?", "tro giup", "trogiup", "help", "huong dan", "h"})
CHANNEL_WORDS = frozenset({"kenh", "channel"})
NUDGE_WORDS = frozenset({"nhac", "remind"})
LANGUAGES = {
    **dict.fromkeys(("english", "tieng anh", "tienganh", "lang en", "language en",
                     "ngon ngu en"), "en"),
    **dict.fromkeys(("tieng viet", "tiengviet", "vietnamese", "lang vi", "language vi",
                     "ngon ngu vi"), "vi"),
}


@dataclass(frozen=True)
class Reply:
    """A reply cut into its parts. ``numbers`` are the leading integers (at most two),
    ``rest`` the member's own words after them (accents kept), ``words`` the folded
    tokens after the numbers."""

    folded: str
    numbers: tuple[int, ...]
    words: tuple[str, ...]
    rest: str

    @property
    def is_help(self) -> bool:
        return self.folded in HELP

    @property
    def channel(self) -> str | None:
        if len(self.words) == 2 and not self.numbers and self.words[0] in CHANNEL_WORDS \
                and self.words[1] in ("telegram", "zalo"):
            return self.words[1]
        return None

    @property
    def language(self) -> str | None:
        """``en`` or ``vi`` when the member chose the language of their messages."""
        return LANGUAGES.get(" ".join(self.folded.split()))

    @property
    def nudge(self) -> int | None:
        """``nhac M``: the meeting whose silent invitees an officer reminds."""
        if not self.numbers and len(self.words) == 2 and self.words[0] in NUDGE_WORDS \
                and self.words[1].isdigit() and len(self.words[1]) <= 9:
            return int(self.words[1])
        return None

    @property
    def all_ok(self) -> bool:
        return not self.numbers and self.words == ("ok",)

    @property
    def one_ok(self) -> int | None:
        if len(self.numbers) == 1 and self.words == ("ok",):
            return self.numbers[0]
        return None


def read(text: str) -> Reply:
    original = text.split()
    folded = fold_accents(text)
    tokens = folded.split()
    numbers: list[int] = []
    while (len(numbers) < 2 and len(numbers) < len(tokens) and tokens[len(numbers)].isdigit()
           and len(tokens[len(numbers)]) <= 9):
        numbers.append(int(tokens[len(numbers)]))
    count = len(numbers)
    # The original words line up with the folded ones (folding keeps whitespace splits).
    rest = " ".join(original[count:]) if len(original) == len(tokens) else \
        " ".join(tokens[count:])
    return Reply(folded, tuple(numbers), tuple(tokens[count:]), rest.strip())
