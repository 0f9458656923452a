"""What every spreadsheet import shares: a plan of valid rows and of problems by
line, kept under a nonce until the officer confirms or cancels.

A plan is written nowhere but in the person's pending input, so a second tap
on "import", or a tap on an older summary, finds nothing and changes nothing.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from bot.core import inputs
from bot.core.errors import Invalid
from bot.core.inputs import Pending
from bot.core.services import Services
from bot.texts import Language, t

# The text naming each field a re-import can update.
_FIELD = {"full_name": "rimp_field_full_name", "birth_date": "rimp_field_birth_date",
          "admitted_on": "rimp_field_admitted_on", "official_on": "rimp_field_official_on",
          "phone": "rimp_field_phone", "joined_on": "rimp_field_joined_on",
          "head_name": "rimp_field_head_name", "hamlet": "rimp_field_hamlet",
          "house_number": "rimp_field_house_number", "notes": "rimp_field_notes",
          "member": "rimp_field_member"}

R = TypeVar("R")


def new_nonce() -> str:
    return secrets.token_hex(4)


def line_of(text: str) -> int:
    """The line number a problem starts with (``Dòng 7: …`` / ``Line 7: …``), else 0."""
    digits = "".join(ch for ch in text.split(":", 1)[0] if ch.isdigit())
    return int(digits) if digits else 0


@dataclass(frozen=True)
class Change:
    """One field of a record a re-imported row changes: shown ``old → new``; ``value``
    is what is written (ISO dates, texts, a person id)."""

    field: str
    old: str
    new: str
    value: str | int | None


@dataclass(frozen=True)
class Update:
    """A row matching a record already in the branch, with what it changes."""

    line: int
    target: int  # membership id or household id
    name: str
    changes: tuple[Change, ...]

    def as_json(self) -> dict[str, Any]:
        return {"line": self.line, "target": self.target, "name": self.name,
                "changes": [[c.field, c.old, c.new, c.value] for c in self.changes]}

    @staticmethod
    def from_json(data: dict[str, Any]) -> Update:
        return Update(int(data["line"]), int(data["target"]), str(data["name"]),
                      tuple(Change(str(c[0]), str(c[1]), str(c[2]), c[3])
                            for c in data["changes"]))


def describe_update(update: Update, lang: Language) -> str:
    """``Dòng 4: Phạm Văn Cường — ngày vào Đảng: 01/03/2025 → 01/09/2025``."""
    changes = "; ".join(t(lang, "rimp_change", field=t(lang, _FIELD[c.field]),
                          old=c.old, new=c.new) for c in update.changes)
    return t(lang, "rimp_update_line", line=update.line, name=update.name, changes=changes)


@dataclass(frozen=True)
class Relink:
    """A row naming a member already in the branch who never joined the bot: their
    earlier link may never have reached anyone (the bot stopped before sending the
    file), so the import hands out a new one."""

    line: int
    person_id: int
    name: str
    role: str

    def as_json(self) -> list[Any]:
        return [self.line, self.person_id, self.name, self.role]

    @staticmethod
    def from_json(data: list[Any]) -> Relink:
        return Relink(int(data[0]), int(data[1]), str(data[2]), str(data[3]))


@dataclass
class ImportPlan(Generic[R]):
    unit_id: int
    valid: list[tuple[int, R]] = field(default_factory=list)  # new records
    problems: list[str] = field(default_factory=list)  # one localised line each
    nonce: str = ""
    skipped: int = 0  # rows left out (errors, duplicates, ambiguous matches)
    updates: list[Update] = field(default_factory=list)  # rows correcting a record
    unchanged: int = 0  # rows matching a record exactly
    ignored: list[str] = field(default_factory=list)  # headers of columns not read
    relinks: list[Relink] = field(default_factory=list)  # members given a new link

    @property
    def clean(self) -> bool:
        """Nothing to ask: no problem and no update (updates wait for a confirmation)."""
        return not self.problems and not self.updates

    def close(self) -> None:
        """Problems in line order; every problem is a row left out."""
        self.problems.sort(key=line_of)
        self.skipped = len(self.problems)


@dataclass(frozen=True)
class Recalled:
    unit_id: int
    nonce: str
    skipped: int
    rows: list[dict[str, Any]]
    updates: list[Update] = field(default_factory=list)
    unchanged: int = 0
    relinks: list[Relink] = field(default_factory=list)


@dataclass(frozen=True)
class ImportWaiting(Pending):
    """An import waiting for the officer's confirmation (each importer's kind derives
    from it): the valid rows and what the summary said, under the summary's nonce."""

    unit_id: int
    nonce: str
    rows: list[dict[str, Any]]
    skipped: int = 0
    updates: list[dict[str, Any]] = field(default_factory=list)
    unchanged: int = 0
    relinks: list[list[Any]] = field(default_factory=list)


async def remember(services: Services, telegram_user_id: int, kind: type[ImportWaiting],
                   plan: ImportPlan[Any], rows: list[dict[str, Any]]) -> None:
    await inputs.expect(services, telegram_user_id, kind(
        plan.unit_id, plan.nonce, rows, plan.skipped, [u.as_json() for u in plan.updates],
        plan.unchanged, [r.as_json() for r in plan.relinks]))


async def recall(services: Services, telegram_user_id: int, kind: type[ImportWaiting],
                 nonce: str) -> Recalled:
    stored = await inputs.waiting_as(services, telegram_user_id, kind)
    if stored is None or stored.nonce != nonce:
        raise Invalid("import_expired")
    return Recalled(stored.unit_id, nonce, stored.skipped, list(stored.rows),
                    [Update.from_json(u) for u in stored.updates], stored.unchanged,
                    [Relink.from_json(r) for r in stored.relinks])


async def waiting_kind(services: Services, telegram_user_id: int,
                       nonce: str) -> type[ImportWaiting] | None:
    """The kind of import waiting for this person's confirmation under ``nonce``."""
    stored = await inputs.waiting_as(services, telegram_user_id, ImportWaiting)
    if stored is None or stored.nonce != nonce:
        return None
    return type(stored)
