"""Human-readable text of a :class:`RowError`, in Vietnamese or English."""

from __future__ import annotations

from typing import Literal

from bot.imports.models import RowError
from bot.imports.texts import CATALOGS

Lang = Literal["vi", "en"]


class _Params(dict[str, object]):
    def __missing__(self, key: str) -> str:
        return "?"


def _label(catalog: dict[str, str], prefix: str, name: str) -> str:
    return catalog.get(f"{prefix}.{name}", name)


def describe(error: RowError, lang: Lang = "vi") -> str:
    """``Dòng 7: ngày sinh '31/02/1980' không có thật`` /
    ``Line 7: birth date '31/02/1980' is not a real date``; file-level errors have no prefix."""
    catalog = CATALOGS.get(lang, CATALOGS["vi"])
    template = catalog.get(f"error.{error.code}", error.code)
    params = _Params(error.params)
    if "field" in params:
        params["field"] = _label(catalog, "field", str(params["field"]))
    if "columns" in params:
        names = [name for name in str(params["columns"]).split(",") if name]
        params["columns"] = ", ".join(_label(catalog, "column", name) for name in names)
    for key in ("expected", "found"):
        if key in params:
            params[key] = _label(catalog, "kind", str(params[key]))
    message = template.format_map(params)
    if error.line is None:
        return message[:1].upper() + message[1:]
    return catalog["line"].format(line=error.line, message=message)


def describe_all(errors: list[RowError], lang: Lang = "vi", *, limit: int = 20) -> list[str]:
    """The first ``limit`` errors described, plus a ``…`` line counting the rest."""
    lines = [describe(error, lang) for error in errors[:limit]]
    if len(errors) > limit:
        lines.append(f"… (+{len(errors) - limit})")
    return lines
