"""Names of people, units and households: normalisation, matching keys, sorting, and the
name as stored (:func:`clean_name`)."""

from __future__ import annotations

import re
import unicodedata

from bot.core.errors import Invalid

# Invisible characters that spreadsheets and chat clients leave in names: removed, not rejected.
ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e")
_ZERO_WIDTH_TABLE = {ord(ch): None for ch in ZERO_WIDTH}
# Whitespace control characters are folded into a plain space (Alt+Enter in an Excel cell).
_SPACE_CONTROLS = frozenset("\t\n\r\x0b\x0c")
_D_TABLE = str.maketrans({"đ": "d", "Đ": "D", "ð": "d", "Ð": "D"})


def strip_zero_width(text: str) -> str:
    return text.translate(_ZERO_WIDTH_TABLE)


def has_control_chars(text: str) -> bool:
    """True when ``text`` holds a control/format/unassigned character other than
    whitespace and the zero-width characters that :func:`normalize_name` removes."""
    for ch in strip_zero_width(text):
        if ch in _SPACE_CONTROLS:
            continue
        if unicodedata.category(ch).startswith("C"):
            return True
    return False


_ZWJ = "\u200d"
_EMOJI_JOINED = ("So", "Sk", "Mn")  # a joiner between pictographs (👨‍👩‍👧) is kept


def clean_free_text(text: str) -> str:
    """Free text as typed (a reason, a note, an agenda, a place, an announcement) without
    what would disguise it when shown to others: bidi overrides and isolates, zero-width
    and other format characters, control characters. Line breaks are kept (a tab is a
    space), NFC, trimmed. Names are refused for these characters; free text loses them.

    The one cleaning every typed text and command line gets on its way into the domain.
    """
    kept: list[str] = []
    source = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    for i, ch in enumerate(source):
        if ch == "\n" or ch in "\u2028\u2029":  # line and paragraph separators: a break
            kept.append("\n")
        elif ch in _SPACE_CONTROLS:
            kept.append(" ")
        elif ch == _ZWJ:
            after = source[i + 1:i + 2]
            if (kept and unicodedata.category(kept[-1]) in _EMOJI_JOINED
                    and after and unicodedata.category(after) == "So"):
                kept.append(ch)
        elif unicodedata.category(ch) not in ("Cc", "Cf", "Cs"):
            kept.append(ch)
    return "".join(kept).strip()


def normalize_name(text: str) -> str:
    """NFC, zero-width characters removed, trimmed, inner whitespace collapsed to one space."""
    return " ".join(unicodedata.normalize("NFC", strip_zero_width(text)).split())


def name_key(text: str) -> str:
    """Case-insensitive but accent-aware comparison key: ``NGUYỄN`` == ``nguyễn`` != ``Nguyen``."""
    return unicodedata.normalize("NFC", normalize_name(text).casefold())


def fold_accents(text: str) -> str:
    """Accent- and case-insensitive key: ``Bí Thư`` -> ``bi thu``, ``Đảng`` -> ``dang``."""
    decomposed = unicodedata.normalize("NFD", strip_zero_width(text).translate(_D_TABLE))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


_PARENS = re.compile(r"\([^)]*\)")
_PUNCT = re.compile(r"[:*.#,;?!\"'“”‘’]+")
_SEPARATORS = re.compile(r"[_\-]+")
_SLASH = re.compile(r"\s*/\s*")


def header_key(text: str) -> str:
    """Key for matching column headers and role names: accents, case, underscores,
    a trailing ``(...)`` note, ``:``/``*`` markers and spacing do not matter."""
    key = fold_accents(text)
    key = _PARENS.sub(" ", key)
    key = _PUNCT.sub(" ", key)
    key = _SEPARATORS.sub(" ", key)
    key = " ".join(key.split())
    return _SLASH.sub("/", key)


def title_case_capitals(name: str) -> str:
    """A name typed in capitals (``NGUYỄN VĂN AN``) in title case (``Nguyễn Văn An``);
    any other name as typed."""
    letters = [ch for ch in name if ch.isalpha()]
    if len(letters) < 2 or not all(ch.isupper() for ch in letters):
        return name
    return " ".join(word[:1] + word[1:].lower() for word in name.split(" "))


# --- Vietnamese order ----------------------------------------------------------------------

# The alphabet: ă, â after a; đ after d; ê after e; ô, ơ after o; ư after u.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_RANK = {ch: i for i, ch in enumerate(_ALPHABET)}
# Tones in dictionary order: level, huyền, hỏi, ngã, sắc, nặng.
_TONE_RANK = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_MODIFIERS = frozenset("\u0306\u0302\u031b")  # breve, circumflex, horn: part of the letter

Collation = tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]


def _word_key(word: str) -> Collation:
    """Letters first (Vietnamese alphabet), then tones, then case."""
    letters: list[int] = []
    tones: list[int] = []
    cases: list[int] = []
    for ch in unicodedata.normalize("NFC", word):
        parts = unicodedata.normalize("NFD", ch)
        tone = next((_TONE_RANK[m] for m in parts if m in _TONE_RANK), 0)
        base = unicodedata.normalize(
            "NFC", "".join(m for m in parts if m not in _TONE_RANK)).lower()
        rank = _LETTER_RANK.get(base)
        if rank is None:  # digits, punctuation, letters of other alphabets
            rank = -1000 + ord(base[:1]) if base[:1].isdigit() else 1000 + ord(base[:1] or " ")
        letters.append(rank)
        tones.append(tone)
        cases.append(0 if ch.islower() else 1)
    return tuple(letters), tuple(tones), tuple(cases)


def vi_sort_key(full_name: str) -> tuple[Collation, ...]:
    """Vietnamese list order: by given name (the last word), then the middle names, then
    the family name, each in Vietnamese collation (đ after d, tones in their order)."""
    words = normalize_name(full_name).split(" ")
    ordered = [words[-1], *words[1:-1], words[0]] if len(words) > 1 else words
    return tuple(_word_key(word) for word in ordered)


MAX_NAME = 100


def clean_name(text: str) -> str:
    """A person's or unit's name as stored: NFC, single spaces; refuses junk."""
    name = normalize_name(text)
    if not name or not any(ch.isalpha() for ch in name):
        raise Invalid("name_invalid")
    if len(name) > MAX_NAME:
        raise Invalid("name_too_long", limit=MAX_NAME)
    if has_control_chars(name):
        raise Invalid("name_invalid")
    return name
