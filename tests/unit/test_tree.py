"""The tree says what the code does, not how the project got there: no file, comment or
docstring names a milestone by its issue number, no test file is named after one, and
every document the code cites is in the repository."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEXT = (".py", ".sql", ".md", ".toml", ".js", ".html", ".css", ".sh")
MILESTONE = re.compile(r"\bissues? #?\d", re.IGNORECASE)
CITED_DOC = re.compile(r"\b((?:docs/)?[A-Za-z_-]+\.md)\b")


def _files() -> list[Path]:
    """The project's own text files: tracked, or new and not ignored (never a virtual
    environment or a cache that a run leaves in the tree, such as CI's ``.ci/venv``)."""
    git = shutil.which("git") or "git"
    listed = subprocess.run([git, "ls-files", "--cached", "--others", "--exclude-standard"],  # noqa: S603
                            cwd=ROOT, check=True, capture_output=True, text=True).stdout
    paths = (ROOT / name for name in listed.splitlines())
    return [p for p in paths if p.suffix in TEXT and p.is_file()]


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
