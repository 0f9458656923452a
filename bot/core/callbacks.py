"""Callback data: one typed codec per button family, at most 64 bytes, parsed strictly.

A button family is a frozen dataclass deriving from ``Codec``, with its prefix and its
typed fields, declared beside its feature (``bot/<feature>/buttons.py``)::

    @dataclass(frozen=True)
    class RsvpButton(Codec, prefix="rsvp"):
        meeting: int
        answer: Literal["y", "n"]

    RsvpButton(12, "y").encode() == "rsvp:12:y"
    RsvpButton.decode("rsvp:12:y") == RsvpButton(12, "y")

Fields, in the order they appear in the data, may be:

* ``int``: digits as ``str(int)`` writes them (no sign, no leading zero), at most 12;
* ``str``: a token of 1-40 characters ``A-Za-z0-9_-``;
* ``Annotated[str, Shape(regex)]``: a str that must match ``regex`` in full;
* ``Literal["a", "b"]`` or a ``StrEnum``: one of the choices;
* ``X | None = None``: a trailing field that may be left out;
* ``tuple[int, ...]`` (the last field only): any number of ints.

Where an action changes what the fields mean, each action is a family of its own,
named by a ``tag`` after the prefix (the data reads exactly as a field would)::

    @dataclass(frozen=True)
    class AssignTick(Codec, prefix="asg", tag="x"):
        unit: int
        person: int
        household: int
        page: int

    AssignTick(1, 2, 3, 0).encode() == "asg:x:1:2:3:0"

Several families may share a prefix (each with its tag; a family without a tag whose
choices of fields tell it apart says ``shares=True`` when another has the prefix);
``decode_any`` finds the one the data belongs to (a test checks that at most one
does). A family's fields mean one thing whatever the action.

A codec may add a ``check`` for rules across fields (which action carries what); it
raises ``ValueError`` (``check``, not ``__post_init__``, which validates every field).
Building a button that breaks a rule raises ``ValueError`` (a bug: the bot never shows a
button it would refuse), and ``encode`` refuses data over 64 bytes; ``decode`` raises
``BadButton`` for anything else than what ``encode`` makes (whatever it accepts encodes
back to the same data): a wrong prefix, a missing or extra part, a non-digit, an unknown
choice, overlong data.

The data names *what* a button acts on; *who* pressed it always comes from the update's
sender, checked against the database. Nothing here is trusted.
"""

from __future__ import annotations

import re
import types
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from enum import StrEnum
from typing import (
    Annotated,
    Any,
    ClassVar,
    Literal,
    Self,
    TypeVar,
    Union,
    get_args,
    get_origin,
    get_type_hints,
)

from bot.core.errors import Invalid

MAX_BYTES = 64
_TOKEN = re.compile(r"[A-Za-z0-9_\-]{1,40}")
_DIGITS = re.compile(r"0|[1-9][0-9]{0,11}")  # as str(int) writes it: no sign, no zero first


class BadButton(Invalid):
    """Callback data no button of the family carries: forged, garbled or from an old
    version of the bot. The person is told the button no longer works."""

    def __init__(self, reason: str) -> None:
        super().__init__("button_expired")
        self.reason = reason


@dataclass(frozen=True)
class Shape:
    """``Annotated[str, Shape(r"[0-9]{6}")]``: a str field matching ``regex`` in full."""

    regex: str


@dataclass(frozen=True)
class _Field:
    name: str
    parse: Callable[[str], object]  # one part -> the value; ValueError when refused
    optional: bool = False
    variadic: bool = False

    def render(self, value: object) -> list[str]:
        if self.variadic:
            assert isinstance(value, tuple)
            return [self._one(v) for v in value]
        return [] if value is None else [self._one(value)]

    def _one(self, value: object) -> str:
        text = value.value if isinstance(value, StrEnum) else value
        if isinstance(text, bool) or not isinstance(text, int | str):
            raise ValueError(f"{self.name}: {value!r} cannot be callback data")
        part = str(text)
        if self.parse(part) != value:  # what decode would make of it
            raise ValueError(f"{self.name}: {value!r} does not survive the round trip")
        return part


def _matching(pattern: re.Pattern[str], what: str) -> Callable[[str], str]:
    def parse(part: str) -> str:
        if not pattern.fullmatch(part):
            raise ValueError(f"not {what}: {part!r}")
        return part
    return parse


def _number(part: str) -> int:
    if not _DIGITS.fullmatch(part):
        raise ValueError(f"not a number: {part!r}")
    return int(part)


def _choice(choices: tuple[str, ...]) -> Callable[[str], str]:
    def parse(part: str) -> str:
        if part not in choices:
            raise ValueError(f"not one of {choices}: {part!r}")
        return part
    return parse


def _parser(hint: Any, name: str) -> Callable[[str], object]:
    origin = get_origin(hint)
    if origin is Annotated:
        base, *extras = get_args(hint)
        shapes = [e for e in extras if isinstance(e, Shape)]
        if base is not str or len(shapes) != 1:
            raise TypeError(f"{name}: Annotated fields are str with one Shape")
        return _matching(re.compile(shapes[0].regex), f"like {shapes[0].regex}")
    if origin is Literal:
        choices = get_args(hint)
        if not all(isinstance(c, str) and _TOKEN.fullmatch(c) for c in choices):
            raise TypeError(f"{name}: Literal choices are tokens")
        return _choice(choices)
    if isinstance(hint, type) and issubclass(hint, StrEnum):
        enum = hint
        if not all(_TOKEN.fullmatch(m.value) for m in enum):
            raise TypeError(f"{name}: {enum.__name__} values are tokens")
        return lambda part: enum(part)  # ValueError for anything else
    if hint is int:
        return _number
    if hint is str:
        return _matching(_TOKEN, "a token")
    raise TypeError(f"{name}: {hint!r} is not a callback field type")


def _field(name: str, hint: Any, last: bool) -> _Field:
    origin = get_origin(hint)
    if origin in (Union, types.UnionType):
        inner = [a for a in get_args(hint) if a is not type(None)]
        if len(inner) != 1 or len(get_args(hint)) != 2:
            raise TypeError(f"{name}: only X | None unions")
        return _Field(name, _parser(inner[0], name), optional=True)
    if origin is tuple:
        args = get_args(hint)
        if len(args) != 2 or args[1] is not Ellipsis or not last:
            raise TypeError(f"{name}: a tuple field is tuple[X, ...], and last")
        return _Field(name, _parser(args[0], name), variadic=True)
    return _Field(name, _parser(hint, name))


class Codec:
    """The base of every button family: see the module's docstring."""

    PREFIX: ClassVar[str]
    TAG: ClassVar[str | None] = None
    _fields: ClassVar[tuple[_Field, ...] | None] = None
    families: ClassVar[dict[str, type[Codec]]] = {}  # by "prefix" or "prefix:tag"

    def __init_subclass__(cls, *, prefix: str | None = None, tag: str | None = None,
                          shares: bool = False, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if prefix is None:
            return
        for token in (prefix, tag):
            if token is not None and not _TOKEN.fullmatch(token):
                raise TypeError(f"{cls.__name__}: {token!r} is not a token")
        # A second family without a tag on a prefix says so (``shares``): its fields'
        # choices tell it apart (``duty:<page>:<month>:pg`` from ``duty:<household>:…:ok``).
        key = f"{prefix}:{tag}" if tag is not None else \
            f"{prefix}:{cls.__name__}" if shares else prefix
        known = Codec.families.get(key)
        if known is not None and known.__qualname__ != cls.__qualname__:
            raise TypeError(f"{cls.__name__}: {key!r} is {known.__name__}'s")
        cls.PREFIX = prefix
        cls.TAG = tag
        cls._fields = None  # not inherited: resolved for this class on first use
        Codec.families[key] = cls

    @property
    def head(self) -> list[str]:
        """The parts before the fields: the prefix, and the tag if any."""
        return [self.PREFIX] if self.TAG is None else [self.PREFIX, self.TAG]

    @classmethod
    def _layout(cls) -> tuple[_Field, ...]:
        if cls.__dict__.get("_fields") is None:
            hints = get_type_hints(cls, include_extras=True)
            names = [f.name for f in fields(cls)]  # type: ignore[arg-type]
            layout = tuple(_field(n, hints[n], i == len(names) - 1)
                           for i, n in enumerate(names))
            seen_optional = False
            for f in layout:
                if seen_optional and not (f.optional or f.variadic):
                    raise TypeError(f"{cls.__name__}: {f.name} follows an optional field")
                seen_optional = seen_optional or f.optional
            cls._fields = layout
        assert cls._fields is not None
        return cls._fields

    def __post_init__(self) -> None:
        self._parts()  # every field is what decode would give back
        self.check()

    def check(self) -> None:
        """Rules across fields; ``ValueError`` when broken."""

    def _parts(self) -> list[str]:
        parts: list[str] = []
        missing = False
        for f in self._layout():
            value = getattr(self, f.name)
            if missing and value is not None:
                raise ValueError(f"{f.name} follows a field left out")
            missing = missing or value is None
            parts += f.render(value)
        return parts

    def encode(self) -> str:
        data = ":".join([*self.head, *self._parts()])
        if len(data.encode()) > MAX_BYTES:
            raise ValueError(f"callback data over {MAX_BYTES} bytes: {data!r}")
        return data

    @classmethod
    def decode(cls, data: str | None) -> Self:
        """The button ``data`` stands for; ``BadButton`` for anything ``encode`` would
        not have made."""
        if not data or len(data.encode()) > MAX_BYTES:
            raise BadButton("empty or over 64 bytes")
        head, colon, rest = data.partition(":")
        if head != cls.PREFIX or not colon:
            raise BadButton(f"not a {cls.PREFIX} button")
        if cls.TAG is not None:
            tag, colon, rest = rest.partition(":")
            if tag != cls.TAG or not colon:
                raise BadButton(f"not a {cls.PREFIX}:{cls.TAG} button")
        parts = rest.split(":")
        values: dict[str, object] = {}
        try:
            for n, f in enumerate(cls._layout()):
                if f.variadic:
                    values[f.name] = tuple(f.parse(p) for p in parts[n:])
                    parts = parts[:n]
                elif n < len(parts):
                    values[f.name] = f.parse(parts[n])
                elif f.optional:
                    values[f.name] = None
                else:
                    raise ValueError(f"{f.name} is missing")
            if len(parts) > len(values):
                raise ValueError("extra parts")
            return cls(**values)
        except ValueError as err:
            raise BadButton(str(err)) from None

    @classmethod
    def pattern(cls) -> str:
        """The CallbackQueryHandler pattern of the family (of every family sharing its
        prefix: one handler dispatches them, see ``decode_any``)."""
        return rf"^{re.escape(cls.PREFIX)}:"

    @classmethod
    def matches(cls, data: str | None) -> bool:
        """Whether ``data`` is a well-formed button of this family."""
        try:
            cls.decode(data)
        except BadButton:
            return False
        return True


C = TypeVar("C", bound=Codec)


def decode_any(codecs: Iterable[type[C]], data: str | None) -> C:
    """The button ``data`` stands for, among ``codecs`` (families sharing a prefix: at
    most one accepts any data, their tags and action choices being apart);
    ``BadButton`` when none does."""
    for codec in codecs:
        try:
            return codec.decode(data)
        except BadButton:
            continue
    raise BadButton("no family takes it")
