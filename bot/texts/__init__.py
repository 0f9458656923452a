"""Message catalogs: every user-facing text, in Vietnamese (default) and English.

One module per feature holds that feature's texts in both languages (``VI`` and
``EN`` dicts). Texts are plain ``str.format`` templates (no parse mode, so names typed by
users can never inject markup). A test fails when a key or a placeholder
exists in one language only.
"""

from __future__ import annotations

import importlib
import pkgutil
import string
from typing import Any, Literal

Language = Literal["vi", "en"]
LANGUAGES: tuple[Language, ...] = ("vi", "en")


def _merge() -> dict[Language, dict[str, str]]:
    """Every module of this package is one feature's catalog, defining ``VI`` and ``EN``
    dicts; they are found by listing the package, so a new feature needs no registration."""
    merged: dict[Language, dict[str, str]] = {"vi": {}, "en": {}}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda found: found.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for lang, entries in (("vi", module.VI), ("en", module.EN)):
            clash = set(merged[lang]) & set(entries)  # type: ignore[index]
            if clash:
                raise RuntimeError(f"text keys defined twice ({info.name}): {sorted(clash)}")
            merged[lang].update(entries)  # type: ignore[index]
    return merged


CATALOGS: dict[Language, dict[str, str]] = _merge()


def as_language(value: str | None, default: Language = "vi") -> Language:
    for lang in LANGUAGES:
        if value == lang:
            return lang
    return default


class _Formatter(string.Formatter):
    """``str.format`` plus plurals: ``{count:plural:row:rows}`` is "1 row" or "2 rows"
    (the number as given, e.g. already formatted "1,017"; English needs it, Vietnamese
    does not); ``{week:ordinal}`` is "first", "second"…"""

    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec == "ordinal":  # English: 1 -> "first", for "the first Thursday"
            return _ORDINALS.get(str(value), f"{value}th")
        if format_spec.startswith("plural:"):
            _, one, many = format_spec.split(":", 2)
            digits = "".join(ch for ch in str(value) if ch.isdigit())
            return f"{value} {one if digits == '1' else many}"
        return str(super().format_field(value, format_spec))


_ORDINALS = {"1": "first", "2": "second", "3": "third", "4": "fourth", "5": "fifth"}
_FORMATTER = _Formatter()
_PLAIN: dict[str, bool] = {}  # template -> no plural/ordinal spec (native str.format will do)


def _plain(template: str) -> bool:
    known = _PLAIN.get(template)
    if known is None:
        known = _PLAIN[template] = ":plural:" not in template and ":ordinal" not in template
    return known


def t(lang: Language, key: str, /, **params: Any) -> str:
    """The text ``key`` in ``lang`` with ``params`` filled in. Templates without our own
    specs go through the native ``str.format`` (the same result, some ten times faster:
    a year report fills tens of thousands of lines)."""
    template = CATALOGS[lang].get(key)
    if template is None:
        raise KeyError(f"no text {key!r} in the {lang} catalog")
    if not params:
        return template
    if _plain(template):
        return template.format(**params)
    return _FORMATTER.format(template, **params)


class Texts:
    """The catalog bound to one reader's language."""

    def __init__(self, lang: Language) -> None:
        self.lang: Language = lang

    def __call__(self, key: str, /, **params: Any) -> str:
        return t(self.lang, key, **params)
