"""Layer rule: what storage hands up is a named row, never a position.

Two checks, both by reading the code (nothing runs against a database):

- every public function of ``storage/`` returns named values: its return annotation holds
  no raw ``tuple[...]``, no ``Any`` row and no engine row (``sqlite3.Row``, the
  PostgreSQL ``Row``); a NamedTuple or a dataclass names its fields. A dict of column
  name to stored value (the data-protection export) names its fields too.
- nothing in ``bot/`` or ``handlers/`` reads a storage row by position (``row[0]``): an
  integer subscript on a value whose type, followed from the annotated function that
  produced it (a storage function, or a domain function handing a storage row on), is a
  tuple that came from storage (a storage NamedTuple, or a tuple built of storage rows).
  Indexing a *list* of rows (``found[0]``) is taking the first row, not a column: allowed.

The one file left out is ``storage/exports.py`` with its reader ``bot/reports/export.py``:
they are converted on their own branch (``ledger3``) and join this rule then.
"""

from __future__ import annotations

import ast
import collections.abc as cabc
import importlib
import inspect
import sqlite3
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, is_dataclass
from pathlib import Path
from typing import Any, get_args, get_origin, get_type_hints

ROOT = Path(__file__).resolve().parents[2]
LEFT_OUT = {"storage/exports.py", "bot/reports/export.py"}  # ledger3 converts them
ENGINE = {"storage/engine.py", "storage/sqlite.py", "storage/postgres.py", "storage/db.py",
          "storage/dialect.py"}  # the engine's own rows, used only inside storage/

_ITEMS = (list, set, frozenset, cabc.Sequence, cabc.Iterable, cabc.Iterator,
          cabc.AsyncIterator, cabc.Collection)


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


def _files(*packages: str) -> list[Path]:
    return [p for package in packages for p in sorted((ROOT / package).rglob("*.py"))
            if str(p.relative_to(ROOT)) not in LEFT_OUT]


# --- check 1: what storage functions return ------------------------------------------------


def _is_named_tuple(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, tuple) and hasattr(tp, "_fields")


def unnamed_parts(tp: Any, *, in_dict: bool = False) -> list[str]:
    """The parts of a return type that hand a row over by position (or unread)."""
    if tp is Any:
        return [] if in_dict else ["Any"]
    if _is_named_tuple(tp):
        return []
    origin = get_origin(tp)
    if tp is tuple or origin is tuple:
        return [f"tuple {tp}"]
    if tp is sqlite3.Row or (isinstance(tp, type) and tp.__name__ == "Row"):
        return [f"row {tp}"]
    if origin in (typing.Union, types.UnionType):
        return [p for arg in get_args(tp) for p in unnamed_parts(arg)]
    if origin is dict or origin is cabc.Mapping:
        _, value = get_args(tp)
        return unnamed_parts(value, in_dict=True)
    if origin in _ITEMS:
        return [p for arg in get_args(tp) for p in unnamed_parts(arg)]
    return []


def storage_returns() -> list[str]:
    found: list[str] = []
    for path in _files("storage"):
        where = str(path.relative_to(ROOT))
        if where in ENGINE or "migrations" in path.parts:
            continue
        module = importlib.import_module(_module_name(path))
        for name, fn in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(fn) \
                    or fn.__module__ != module.__name__:
                continue
            parts = unnamed_parts(get_type_hints(fn).get("return"))
            if parts:
                found.append(f"{where}: {name}() returns {', '.join(parts)}")
    return found


def test_storage_functions_return_named_rows() -> None:
    found = storage_returns()
    assert not found, "return a NamedTuple or a dataclass:\n" + "\n".join(found)


# --- check 2: positional access to a storage row outside storage ---------------------------


@dataclass(frozen=True)
class Typed:
    """What the checker knows of an expression: its type, and whether storage made it."""

    tp: Any
    from_storage: bool


def _strip_none(tp: Any) -> Any:
    if get_origin(tp) in (typing.Union, types.UnionType):
        rest = [a for a in get_args(tp) if a is not type(None)]
        if len(rest) == 1:
            return rest[0]
    return tp


def _return_type(fn: Any) -> Typed | None:
    if not callable(fn):
        return None
    try:
        tp = get_type_hints(fn).get("return")
    except Exception:  # an annotation only importable under TYPE_CHECKING: unknown
        return None
    if tp is None:
        return None
    module = getattr(fn, "__module__", "") or ""
    return Typed(_strip_none(tp), module.split(".")[0] == "storage")


def _storage_made(tp: Any) -> bool:
    if isinstance(tp, type):
        return tp.__module__.split(".")[0] == "storage"
    return any(_storage_made(a) for a in get_args(tp))


def is_row_tuple(typed: Typed | None) -> bool:
    if typed is None:
        return False
    tp = typed.tp
    if _is_named_tuple(tp):
        return bool(_storage_made(tp))
    if tp is tuple or get_origin(tp) is tuple:
        return typed.from_storage or _storage_made(tp)
    return False


def _int_index(node: ast.Subscript) -> bool:
    key = node.slice
    if isinstance(key, ast.UnaryOp) and isinstance(key.op, ast.USub):
        key = key.operand
    return isinstance(key, ast.Constant) and type(key.value) is int


class _Function:
    """The types of one function's local names, followed from annotated calls."""

    def __init__(self, resolve: Callable[[str], Any]) -> None:
        self.resolve = resolve
        self.env: dict[str, Typed] = {}

    def _callee(self, func: ast.expr) -> Any:
        if isinstance(func, ast.Name):
            return self.resolve(func.id)
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            owner = self.resolve(func.value.id)
            if isinstance(owner, types.ModuleType):
                return getattr(owner, func.attr, None)
        return None

    def infer(self, node: ast.expr) -> Typed | None:
        if isinstance(node, ast.Await):
            return self.infer(node.value)
        if isinstance(node, ast.Name):
            return self.env.get(node.id)
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr == "get":
                owner = self.infer(func.value)
                if owner is not None and get_origin(owner.tp) is dict:
                    return Typed(get_args(owner.tp)[1], owner.from_storage)
            return _return_type(self._callee(func))
        if isinstance(node, ast.Subscript) and _int_index(node):
            return self.item(self.infer(node.value))
        if isinstance(node, ast.Attribute):
            owner = self.infer(node.value)
            if owner is not None and is_dataclass(owner.tp) and isinstance(owner.tp, type):
                try:
                    field = get_type_hints(owner.tp).get(node.attr)
                except Exception:
                    return None
                return None if field is None else Typed(_strip_none(field), owner.from_storage)
        return None

    @staticmethod
    def item(typed: Typed | None) -> Typed | None:
        """The type of one element of a list (what iterating or ``[0]`` gives)."""
        if typed is None or get_origin(typed.tp) not in _ITEMS:
            return None
        args = get_args(typed.tp)
        return Typed(_strip_none(args[0]), typed.from_storage) if args else None

    def bind(self, target: ast.expr, typed: Typed | None) -> None:
        if isinstance(target, ast.Name) and typed is not None:
            self.env[target.id] = typed

    def bind_value(self, target: ast.expr, value: ast.expr) -> None:
        """``a = f()``, and ``a, b = f(), g()`` pairwise."""
        if isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple) \
                and len(target.elts) == len(value.elts):
            for one, other in zip(target.elts, value.elts, strict=True):
                self.bind(one, self.infer(other))
        else:
            self.bind(target, self.infer(value))

    def learn(self, body: ast.AST) -> None:
        for _ in range(2):  # twice: a name bound from a name bound later in the walk
            for node in ast.walk(body):
                if isinstance(node, ast.Assign) and len(node.targets) == 1:
                    self.bind_value(node.targets[0], node.value)
                elif isinstance(node, (ast.AnnAssign, ast.NamedExpr)) and node.value is not None:
                    self.bind(node.target, self.infer(node.value))
                elif isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
                    self.bind(node.target, self.item(self.infer(node.iter)))


def positional_rows(source: str, namespace: dict[str, Any], where: str = "<text>") -> list[str]:
    """``row[n]`` on a storage row in one module's source (``namespace``: its globals)."""
    tree = ast.parse(source)
    found: set[tuple[int, str]] = set()
    for fn in ast.walk(tree):
        if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        scope = _Function(namespace.get)
        scope.learn(fn)
        for node in ast.walk(fn):
            if isinstance(node, ast.Subscript) and _int_index(node) \
                    and is_row_tuple(scope.infer(node.value)):
                found.add((node.lineno, ast.unparse(node)))
    return [f"{where}:{line}: {text}" for line, text in sorted(found)]


def test_no_positional_row_access_outside_storage() -> None:
    found: list[str] = []
    for path in _files("bot", "handlers"):
        module = importlib.import_module(_module_name(path))
        found += positional_rows(path.read_text(encoding="utf-8"), vars(module),
                                 str(path.relative_to(ROOT)))
    assert not found, "read a storage row by its field names:\n" + "\n".join(found)


# --- the checks, on planted samples ---------------------------------------------------------

PLANTED = '''
from storage import meetings as store
from storage.meetings import answer_context, officer_names

async def leak(db, now):
    upcoming = await store.upcoming_for_person(db, 1, now)
    first = upcoming[0][0].id                       # 7: the meeting, by position
    for pair in upcoming:
        print(pair[1].answer)                       # 9
    found = await answer_context(db, 1, 2)
    name = found[2] if found else None              # 11
    secretary = (await officer_names(db, 3)).get("secretary", [])
    chair = secretary[0][0] if secretary else None  # 13
    return first, name, chair

async def fine(db, now, words):
    upcoming = await store.upcoming_for_person(db, 1, now)
    meeting, invitation = upcoming[0]
    first = upcoming[0].meeting
    head = words.split(":")[0]
    return meeting, invitation, first, head
'''


def _imports_only(source: str) -> dict[str, Any]:
    """The names a source's top-level imports bind (absolute imports only)."""
    namespace: dict[str, Any] = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.ImportFrom) and node.module:
            module = importlib.import_module(node.module)
            for alias in node.names:
                value = getattr(module, alias.name, None)
                if value is None:
                    value = importlib.import_module(f"{node.module}.{alias.name}")
                namespace[alias.asname or alias.name] = value
    return namespace


def test_the_row_checker_catches_planted_positions() -> None:
    found = positional_rows(PLANTED, _imports_only(PLANTED), "planted.py")
    assert [int(f.split(":")[1]) for f in found] == [7, 9, 11, 13], found


def test_unnamed_return_types_are_named() -> None:
    from storage.ledger import SeatRecord

    assert unnamed_parts(list[tuple[int, str]])
    assert unnamed_parts(dict[str, list[tuple[int, str]]])
    assert unnamed_parts(list[sqlite3.Row]) and unnamed_parts(Any)
    assert unnamed_parts(list[SeatRecord] | None) == []
    assert unnamed_parts(list[dict[str, Any]]) == []
