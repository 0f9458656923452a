"""Message catalogs: every user-facing text, in Vietnamese (default) and English.

Texts are plain ``str.format`` templates (no parse mode, so names typed by
users can never inject markup). A test fails when a key or a placeholder
exists in one language only.
"""

from __future__ import annotations

from typing import Any, Literal

from bot.texts import en, vi

Language = Literal["vi", "en"]
LANGUAGES: tuple[Language, ...] = ("vi", "en")

# Per-feature catalogs: modules defining VI and EN dicts, merged over the core ones.
FEATURES: tuple[str, ...] = ("duties", "figures")


def _merge() -> dict[Language, dict[str, str]]:
    import importlib

    merged: dict[Language, dict[str, str]] = {"vi": dict(vi.MESSAGES), "en": dict(en.MESSAGES)}
    for name in FEATURES:
        module = importlib.import_module(f"bot.texts.{name}")
        for lang, entries in (("vi", module.VI), ("en", module.EN)):
            clash = set(merged[lang]) & set(entries)  # type: ignore[index]
            if clash:
                raise RuntimeError(f"text keys defined twice ({name}): {sorted(clash)}")
            merged[lang].update(entries)  # type: ignore[index]
    return merged


CATALOGS: dict[Language, dict[str, str]] = _merge()


def as_language(value: str | None, default: Language = "vi") -> Language:
    for lang in LANGUAGES:
        if value == lang:
            return lang
    return default


def t(lang: Language, key: str, /, **params: Any) -> str:
    """The text ``key`` in ``lang`` with ``params`` filled in."""
    template = CATALOGS[lang].get(key)
    if template is None:
        raise KeyError(f"no text {key!r} in the {lang} catalog")
    return template.format(**params) if params else template


class Texts:
    """The catalog bound to one reader's language."""

    def __init__(self, lang: Language) -> None:
        self.lang: Language = lang

    def __call__(self, key: str, /, **params: Any) -> str:
        return t(self.lang, key, **params)
