"""Layer rules checked by reading the code: SQL lives only in storage/, handlers never
import storage.

The scanner parses each module (no regex over raw text, so comments and prose in
docstrings cannot trip it) and reports two things outside storage/:
- a string literal that *is* a SQL statement: an upper-case keyword at its start
  followed by the shape of a statement (``SELECT … FROM``, ``INSERT INTO``,
  ``UPDATE t SET``, ``DELETE FROM``, ``WITH x AS (``, ``CREATE TABLE``, ``PRAGMA x``…);
  adjacent literals and f-strings are joined first, as Python joins them;
- a call of a database method (``.execute(``, ``.executemany(``, ``.fetch_all(``…).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("bot", "handlers", "emulator")

# Keywords are upper case as SQL is written in this code base, so English prose
# ("Create and invite…", "Select a branch from…") never matches.
_STATEMENT = re.compile(
    r"""^\s*(?:
        SELECT\s.+?\sFROM\s
      | SELECT\s+(?:count|coalesce|max|min|sum|\d|\?|1\b)
      | INSERT\s+(?:OR\s+[A-Z]+\s+)?INTO\s
      | REPLACE\s+INTO\s
      | UPDATE\s+(?:OR\s+[A-Z]+\s+)?[\w"]+\s+SET\s
      | DELETE\s+FROM\s
      | WITH\s+(?:RECURSIVE\s+)?[\w"]+(?:\s*\([^)]*\))?\s+AS\s*\(
      | CREATE\s+(?:UNIQUE\s+|TEMP\s+|TEMPORARY\s+|VIRTUAL\s+)*(?:TABLE|INDEX|VIEW|TRIGGER)\s
      | DROP\s+(?:TABLE|INDEX|VIEW|TRIGGER)\s
      | ALTER\s+TABLE\s
      | PRAGMA\s+\w+
      | (?:BEGIN|COMMIT|ROLLBACK|VACUUM|ANALYZE|ATTACH|DETACH|SAVEPOINT|RELEASE)(?:\s+\w+)*\s*;?\s*$
    )""",
    re.VERBOSE | re.DOTALL,
)
# Methods of storage.db.Database, aiosqlite/sqlite3 connections and cursors.
_DB_METHODS = frozenset({
    "execute", "executemany", "executescript", "execute_count", "execute_many",
    "fetch_all", "fetch_one", "fetch_value", "fetchall", "fetchone", "fetchmany",
})


@dataclass(frozen=True)
class Finding:
    where: str
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.where}:{self.line}: {self.what}"


def _literal(node: ast.AST) -> str | None:
    """The text of a string literal; an f-string's holes become ``{}``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(part.value if isinstance(part, ast.Constant) else "{}"
                       for part in node.values)
    return None


def is_sql(text: str) -> bool:
    return _STATEMENT.match(text) is not None


def scan_source(source: str, where: str = "<text>") -> list[Finding]:
    """SQL statements and database calls in one module's source."""
    tree = ast.parse(source)
    found: list[Finding] = []
    inside_fstring: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            inside_fstring.update(id(part) for part in node.values)
    for node in ast.walk(tree):
        if id(node) in inside_fstring:
            continue
        text = _literal(node)
        if text is not None and is_sql(text):
            found.append(Finding(where, getattr(node, "lineno", 0),
                                 "SQL " + " ".join(text.split())[:60]))
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr in _DB_METHODS):
            found.append(Finding(where, node.lineno, f"database call .{node.func.attr}()"))
    return sorted(found, key=lambda f: f.line)


def scan_tree(packages: tuple[str, ...] = SCANNED) -> list[Finding]:
    found: list[Finding] = []
    for package in packages:
        for path in sorted((ROOT / package).rglob("*.py")):
            where = str(path.relative_to(ROOT))
            found += scan_source(path.read_text(encoding="utf-8"), where)
    return found


def storage_imports(source: str, where: str = "<text>") -> list[Finding]:
    """Imports of the storage package (``import storage…``, ``from storage… import``)."""
    found: list[Finding] = []
    for node in ast.walk(ast.parse(source)):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        for name in names:
            if name == "storage" or name.startswith("storage."):
                found.append(Finding(where, node.lineno, f"imports {name}"))
    return found


# --- the rules, on the real tree ------------------------------------------------------------


def test_no_sql_outside_storage() -> None:
    found = scan_tree()
    assert not found, "SQL belongs in storage/:\n" + "\n".join(map(str, found))


def test_handlers_never_import_storage() -> None:
    found: list[Finding] = []
    for path in sorted((ROOT / "handlers").rglob("*.py")):
        found += storage_imports(path.read_text(encoding="utf-8"),
                                 str(path.relative_to(ROOT)))
    assert not found, "handlers go through the domain:\n" + "\n".join(map(str, found))


def test_the_scanner_sees_storage_itself() -> None:
    """Run over storage/, the scanner finds the statements that are there (it is not blind)."""
    found = scan_tree(("storage",))
    assert len([f for f in found if f.what.startswith("SQL")]) > 50
    assert any(f.what == "database call .fetch_all()" for f in found)


# --- the scanner, on planted samples ---------------------------------------------------------


PLANTED = '''
async def leak(services, unit_id, rule):
    rows = await services.db.fetch_all(
        "SELECT person_id FROM followers WHERE unit_id = ? "
        "AND until IS NULL", (unit_id,))
    async with services.db.transaction() as conn:
        await conn.execute(f"UPDATE units SET schedule_rule = ? WHERE id = {unit_id}", (rule,))
    sql = "DELETE FROM people WHERE id = ?"
    again = """
        INSERT INTO followers (person_id, unit_id, since) VALUES (?, ?, ?)"""
    cte = "WITH me AS (SELECT 1) SELECT * FROM me"
    count = "SELECT count(*) FROM memberships"
    pragma = "PRAGMA user_version"
    return rows, sql, again, cte, count, pragma
'''


def test_the_scanner_catches_planted_statements() -> None:
    found = scan_source(PLANTED, "planted.py")
    sql = [f for f in found if f.what.startswith("SQL")]
    calls = [f.what for f in found if not f.what.startswith("SQL")]
    assert [f.line for f in sql] == [4, 7, 8, 9, 11, 12, 13]
    assert calls == ["database call .fetch_all()", "database call .execute()"]
    assert "SELECT person_id FROM followers WHERE unit_id = ? AND until" in sql[0].what
    assert "UPDATE units SET schedule_rule" in sql[1].what


def test_the_scanner_ignores_prose_and_other_calls() -> None:
    prose = '''
"""Create and invite. Select the branch from the list; update the rule, delete it."""
HELP = "Create a committee, or with --parent a branch under that committee."
TEXTS = {"x": "Chọn chi bộ: SELECT là một từ tiếng Anh", "y": "Update your answer"}
SPAM = "WITH love from the branch"
KEY = "UPDATE"
def f(app, pool):
    app.run_polling()
    pool.submit(print)
    # conn.execute("SELECT 1 FROM people")  -- a comment is not code
    return "select id from people"  # lower-case SQL is not how this code base writes it
'''
    assert scan_source(prose) == []


def test_storage_imports_are_found_in_every_form() -> None:
    source = (
        "import storage\nimport storage.pending as p\nfrom storage import pending\n"
        "from storage.people import MemberRow\nfrom bot.core import inputs\n"
        "from . import storage\nimport storagebox\n"
    )
    assert [f.line for f in storage_imports(source)] == [1, 2, 3, 4]
