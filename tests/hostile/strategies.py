"""Hypothesis strategies for hostile updates.

An ``Action`` is what one person (or a channel) does: type text, send a command with junk
arguments, answer a question the bot asked, press a real, replayed, forged or stale
button, edit a message, upload a file, post in a group or a channel. Actions only hold
plain data (texts, indexes, flags); the driver resolves indexes against the live world
(which chats exist, which buttons the bot sent), so an example stays meaningful however
the world has changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from tests.hostile.files import NAMES as FILE_NAMES

ROLES = ("admin", "committee", "secretary", "deputy", "member", "stranger", "newcomer")
ZERO_WIDTH = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad")
RIGHT_TO_LEFT = ("\u202e", "\u202b", "\u200f", "\u061c", "\u2067", "שלום", "مرحبا")
DATES = ("31/02", "31/02/2026", "30/02/2027", "29/02/2027", "29/02/2028", "00/00/0000",
         "32/13/2026", "1/1/1", "05/12/2026", "5/12", "2026-12-05", "2026-02-31", "31.04.2027",
         "15/06/9999", "01/01/1899", "١٥/١٢/٢٠٢٦", "𝟓/𝟏𝟐", "-1/-1/-1", "99/99", "12/2026",
         "hôm nay", "ngày mai", "20/12/2026", "10/01/2027")
TIMES = ("25:61", "24:00", "23:60", "19:30", "19h30", "19h", "7:5", "-1:00", "99:99",
         "1930", "19:30:00", "٩:٣٠", "19h60", "00:00", "12:00pm")
PIECES = (*DATES, *TIMES, *ZERO_WIDTH, *RIGHT_TO_LEFT, "|", "||", " | ", "/", "//", ":", "",
          " ", "\n", "\t", "\r\n", "-", "0", "-1", "99999999999999999999", "1e309", "NaN",
          "{}", "{name}", "{0}", "%s", "%(x)s", "<b>x</b>", "*đậm*", "_", "`", "\\",
          "'; DROP TABLE people; --", "\x00", "\x07", "🇻🇳", "👨‍👩‍👧‍👦", "Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚o̮",
          "Nguyễn Văn An", "Đảng viên 01-002", "Chi bộ Thôn 01", "Hội trường", "ngày 5 19:30",
          "thứ 5 tuần 1 19h30", "last friday 7:30", "day 31 25:61", "vi", "en", "fr", "y",
          "n", "ok", "@chibo_bot", "https://t.me/chibo_bot?start=abc", "https://evil.example")
JUNK_CALLBACK_WORDS = ("o", "p", "t", "x", "y", "n", "ok", "no", "menu", "m", "h", "hm", "a",
                       "s", "e", "un", "rm", "rmy", "er", "ery", "f", "r", "rs", "mv", "mt",
                       "inv", "rv", "off", "c", "b", "d", "u", "nudge", "cx", "cxy", "add",
                       "committee", "branch", "away", "exempt", "213", "secretary", "deputy",
                       "member", "committee_member", "pb", "head", "hamlet", "notes", "all",
                       "202612", "202611", "202613", "202600", "209912", "c1", "b1", "b2", "b999")
UNKNOWN_COMMANDS = ("frobnicate", "START", "Start", "admin", "sudo", "import", "export",
                    "dangvien", "a" * 40, "start@other_bot", "help@chibo_bot", "__init__")


@dataclass(frozen=True, repr=False)
class Action:
    category: str
    role: str = "member"
    who: int = 0  # index into the role's people
    text: str = ""
    extra: str = ""  # a second text (the answer to a question, a caption)
    data: str = ""  # callback data
    pick: int = 0  # which message / button / earlier update
    variant: str = ""

    def __repr__(self) -> str:  # short: Hypothesis prints (and measures) every example
        fields = {"text": self.text, "extra": self.extra, "data": self.data}
        shown = ", ".join(f"{k}={(v[:40] + f'…+{len(v) - 40}' if len(v) > 40 else v)!r}"
                          for k, v in fields.items() if v)
        return (f"Action({self.category}, {self.role}#{self.who}, {shown}, pick={self.pick}, "
                f"variant={self.variant!r})")

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:  # Hypothesis' printer
        printer.text(repr(self))


def _long(pieces: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Up to 12,000 characters without drawing them one by one (hypothesis' buffer)."""
    return st.builds(lambda unit, n: (unit * (n // max(1, len(unit)) + 1))[:n],
                     pieces.filter(bool), st.integers(4_000, 12_000))


def hostile_text() -> st.SearchStrategy[str]:
    piece = st.sampled_from(PIECES)
    random_text = st.text(max_size=40)
    mixed = st.lists(st.one_of(piece, st.text(max_size=6)), min_size=1, max_size=8).map(
        lambda parts: " ".join(parts))
    joined = st.lists(piece, min_size=1, max_size=6).map("".join)
    return st.one_of(
        random_text, mixed, joined, _long(st.one_of(piece, st.text(min_size=1, max_size=4))),
        st.sampled_from(PIECES))


def meeting_line() -> st.SearchStrategy[str]:
    date_part = st.one_of(st.sampled_from(DATES), st.text(max_size=6))
    time_part = st.one_of(st.sampled_from(TIMES), st.text(max_size=5))
    field = st.one_of(st.just(""), hostile_text())
    return st.builds(lambda d, t, p, a, bars: f"{d} {t}" + (f" | {p} | {a}" if bars else f" {p}"),
                     date_part, time_part, field, field, st.booleans())


def callback_data(families: Sequence[str]) -> st.SearchStrategy[str]:
    part = st.one_of(
        st.integers(0, 80).map(str),
        st.sampled_from(JUNK_CALLBACK_WORDS),
        st.integers(-10**15, 10**20).map(str),
        st.text(max_size=6),
        st.just(""),
    )
    forged = st.builds(lambda prefix, parts: ":".join([prefix, *parts]),
                       st.sampled_from(list(families)), st.lists(part, max_size=5))
    overlong = st.builds(lambda prefix, n: f"{prefix}:" + ":".join(["1"] * n),
                         st.sampled_from(list(families)), st.integers(30, 60))
    garbled = st.one_of(st.text(max_size=70), st.binary(max_size=64).map(
        lambda b: b.decode("latin-1")), st.sampled_from(["", ":", "::", "mem", "mem:", ":o:1",
                                                         "MEM:o:1", " mem:o:1", "mem:o:1 "]))
    return st.one_of(forged, forged, forged, overlong, garbled)


def actions(commands: Sequence[str], families: Sequence[str]) -> st.SearchStrategy[Action]:
    """Every kind of hostile update; the weights favour the paths that reach deep code."""
    role = st.sampled_from(ROLES)
    who = st.integers(0, 30)
    text = hostile_text()
    command_names = st.one_of(st.sampled_from(list(commands)), st.sampled_from(UNKNOWN_COMMANDS))
    args = st.one_of(st.just(""), text, meeting_line(),
                     st.lists(st.sampled_from(PIECES), max_size=4).map(" ".join))
    suffix = st.sampled_from(["", "", "", "@chibo_bot", "@Chibo_Bot", "@other_bot"])
    data = callback_data(families)
    prompting = st.sampled_from([c for c in commands if c in PROMPTING] or list(commands))
    press_variant = st.sampled_from(["latest", "replay", "replay", "deleted", "inaccessible",
                                     "expired", "double", "no_message"])
    forged_variant = st.sampled_from(["latest", "latest", "old", "deleted", "inaccessible",
                                      "expired", "no_message"])

    def act(category: str, **fields: st.SearchStrategy[object]) -> st.SearchStrategy[Action]:
        return st.builds(Action, category=st.just(category), role=role, who=who, **fields)

    return st.one_of(
        act("text", text=text),
        act("command", text=st.builds(lambda n, s, a: f"/{n}{s} {a}".rstrip(),
                                      command_names, suffix, args)),
        act("command", text=st.builds(lambda n, s, a: f"/{n}{s} {a}".rstrip(),
                                      command_names, suffix, args)),
        act("meeting", text=st.builds(lambda n, line: f"/{n} {line}",
                                      st.sampled_from(["meeting", "thematic", "schedule"]),
                                      meeting_line())),
        act("dialogue", text=prompting, extra=st.one_of(text, meeting_line()),
            variant=st.sampled_from(["command", "press", "press"]), pick=st.integers(0, 1000)),
        act("dialogue", text=prompting, extra=st.one_of(text, meeting_line()),
            variant=st.sampled_from(["command", "press", "press"]), pick=st.integers(0, 1000)),
        act("press_real", pick=st.integers(0, 1000), variant=press_variant),
        act("press_real", pick=st.integers(0, 1000), variant=press_variant),
        act("press_real", pick=st.integers(0, 1000), variant=st.just("latest")),
        act("press_forged", data=data, variant=forged_variant),
        act("press_forged", data=data, variant=forged_variant),
        act("replay", pick=st.integers(0, 100)),
        act("edit", text=st.one_of(text, st.builds(lambda n, a: f"/{n} {a}", command_names,
                                                   args)), pick=st.integers(0, 100)),
        act("upload", text=st.sampled_from(FILE_NAMES),
            extra=st.sampled_from(["/import", "", "/import", "nhập", "/import@chibo_bot"]),
            variant=st.sampled_from(["", "", "", "claims_huge", "no_size", "as_photo"])),
        act("media", variant=st.sampled_from(["photo", "sticker", "contact", "location",
                                              "voice", "dice", "forward", "reply",
                                              "empty_text", "via_bot"])),
        act("group", text=st.one_of(text, st.builds(lambda n, s, a: f"/{n}{s} {a}".rstrip(),
                                                    command_names, suffix, args)),
            variant=st.sampled_from(["message", "message", "press", "edit", "upload"]),
            data=data),
        act("channel", text=text, variant=st.sampled_from(["post", "edit"])),
        act("service", variant=st.sampled_from(["blocked", "unblocked", "reaction",
                                                "join_request", "bot_sender",
                                                "anonymous_admin"])),
    )


# Commands that, without arguments, ask a question the next text answers.
PROMPTING = frozenset({"invite", "meeting", "thematic", "schedule", "newunit", "appoint",
                       "skip", "cancel"})
