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

CATALOGS: dict[Language, dict[str, str]] = {"vi": vi.MESSAGES, "en": en.MESSAGES}


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
