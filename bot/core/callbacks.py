"""Callback data: ``prefix:part:part``, at most 64 bytes, parsed strictly.

The data names *what* a button acts on; *who* pressed it always comes from
the update's sender, checked against the database. Nothing here is trusted.
"""

from __future__ import annotations

import re

MAX_BYTES = 64
_PART = re.compile(r"^[A-Za-z0-9_\-]{1,40}$")


def build(prefix: str, *parts: str | int) -> str:
    data = ":".join([prefix, *(str(p) for p in parts)])
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback data over {MAX_BYTES} bytes: {data!r}")
    return data


def pattern(prefix: str) -> str:
    """The CallbackQueryHandler pattern for a button family."""
    return rf"^{re.escape(prefix)}:"


def split(data: str | None, prefix: str) -> list[str] | None:
    """The parts after ``prefix``, or None when the data is not well formed."""
    if not data or len(data.encode()) > MAX_BYTES:
        return None
    head, _, rest = data.partition(":")
    if head != prefix or not rest:
        return None
    parts = rest.split(":")
    if not all(_PART.match(p) for p in parts):
        return None
    return parts


def as_int(value: str) -> int | None:
    return int(value) if value.isdigit() and len(value) <= 12 else None
