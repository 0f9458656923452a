"""Every text key is written out where it is used: a search for a key finds its uses, no
key is built at run time (``f"role_{role}"``), every key used exists in both languages,
and no text is left that no code uses."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from bot.texts import CATALOGS

ROOT = Path(__file__).resolve().parents[2]
# The console's page reads its texts as ``T.<name>`` for each key ``console_ui_<name>``.
CONSOLE_PAGE = ROOT / "handlers" / "webapp" / "static" / "app.js"


def _sources() -> list[tuple[str, ast.Module]]:
    """The code of bot/ and handlers/, the catalogs themselves left out."""
    files = [*sorted((ROOT / "bot").rglob("*.py")), *sorted((ROOT / "handlers").rglob("*.py"))]
    return [(str(f.relative_to(ROOT)), ast.parse(f.read_text(encoding="utf-8")))
            for f in files if not f.is_relative_to(ROOT / "bot" / "texts")]


def _key_argument(call: ast.Call) -> ast.expr | None:
    """The key of a catalog lookup: ``t(lang, key, …)``, ``texts(key, …)`` or
    ``<anything>.texts(key, …)`` (a Texts bound to the reader's language)."""
    func = call.func
    if isinstance(func, ast.Name) and func.id == "t" and len(call.args) >= 2:
        return call.args[1]
    if ((isinstance(func, ast.Name) and func.id == "texts")
            or (isinstance(func, ast.Attribute) and func.attr == "texts")) and call.args:
        return call.args[0]
    return None


def _built_at_run_time(key: ast.expr) -> bool:
    if isinstance(key, ast.JoinedStr | ast.BinOp):
        return True
    return (isinstance(key, ast.Call) and isinstance(key.func, ast.Attribute)
            and key.func.attr in ("format", "join", "replace"))


SOURCES = _sources()


def test_no_text_key_is_built_at_run_time() -> None:
    built = [f"{path}:{call.lineno}: {ast.unparse(key)}"
             for path, tree in SOURCES for call in ast.walk(tree)
             if isinstance(call, ast.Call) and (key := _key_argument(call)) is not None
             and _built_at_run_time(key)]
    assert built == []


def test_every_key_looked_up_exists_in_both_languages() -> None:
    used = {key.value for _, tree in SOURCES for call in ast.walk(tree)
            if isinstance(call, ast.Call) and isinstance(key := _key_argument(call), ast.Constant)
            and isinstance(key.value, str)}
    assert used, "the scan found no lookup at all"
    for lang, catalog in CATALOGS.items():
        assert sorted(used - set(catalog)) == [], lang


def test_every_text_is_used_by_the_code() -> None:
    written = {node.value for _, tree in SOURCES for node in ast.walk(tree)
               if isinstance(node, ast.Constant) and isinstance(node.value, str)}
    page = {f"console_ui_{name}"
            for name in re.findall(r"\bT\.(\w+)", CONSOLE_PAGE.read_text(encoding="utf-8"))}
    assert sorted(set(CATALOGS["vi"]) - written - page) == []


def test_both_languages_define_the_same_keys() -> None:
    assert set(CATALOGS["vi"]) == set(CATALOGS["en"])
