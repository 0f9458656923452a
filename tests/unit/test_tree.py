"""The tree says what the code does, not how the project got there: no file, comment or
docstring names a milestone by its issue number, no test file is named after one, and
every document the code cites is in the repository."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEXT = (".py", ".sql", ".md", ".toml", ".js", ".html", ".css", ".sh")
MILESTONE = re.compile(r"\bissues? #?\d", re.IGNORECASE)
CITED_DOC = re.compile(r"\b((?:docs/)?[A-Za-z_-]+\.md)\b")


def _files() -> list[Path]:
    tops = ["bot", "handlers", "storage", "emulator", "tests", "benchmarks", "docs", ".ci"]
    found = [p for top in tops for p in (ROOT / top).rglob("*")
             if p.is_file() and p.suffix in TEXT and "__pycache__" not in p.parts]
    return [*found, *(p for p in ROOT.glob("*.md")), ROOT / "pyproject.toml"]


FILES = _files()


def test_no_milestone_in_file_names_comments_or_docstrings() -> None:
    named = [str(p.relative_to(ROOT)) for p in FILES
             if MILESTONE.search(p.name) or re.search(r"robust|issue", p.name)]
    mentioned = [f"{p.relative_to(ROOT)}:{n}" for p in FILES
                 for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
                 if MILESTONE.search(line)]
    assert named == [] and mentioned == []


def test_every_document_cited_is_in_the_repository() -> None:
    missing = sorted({f"{p.relative_to(ROOT)}: {doc}" for p in FILES
                      for doc in CITED_DOC.findall(p.read_text(encoding="utf-8"))
                      if not (ROOT / doc).is_file() and not (p.parent / doc).is_file()})
    assert missing == []
