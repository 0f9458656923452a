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
from bot.core.services import Services

R = TypeVar("R")


def new_nonce() -> str:
    return secrets.token_hex(4)


def line_of(text: str) -> int:
    """The line number a problem starts with (``Dòng 7: …`` / ``Line 7: …``), else 0."""
    digits = "".join(ch for ch in text.split(":", 1)[0] if ch.isdigit())
    return int(digits) if digits else 0


@dataclass
class ImportPlan(Generic[R]):
    unit_id: int
    valid: list[tuple[int, R]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # one localised line each
    nonce: str = ""
    skipped: int = 0  # rows left out (errors, duplicates)

    @property
    def clean(self) -> bool:
        return not self.problems

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


async def remember(services: Services, telegram_user_id: int, kind: str,
                   plan: ImportPlan[Any], rows: list[dict[str, Any]]) -> None:
    await inputs.expect(services, telegram_user_id, kind,
                        {"unit_id": plan.unit_id, "nonce": plan.nonce, "rows": rows,
                         "skipped": plan.skipped})


async def recall(services: Services, telegram_user_id: int, kind: str, nonce: str) -> Recalled:
    stored = await inputs.waiting(services, telegram_user_id)
    if stored is None or stored.kind != kind or stored.data.get("nonce") != nonce:
        raise Invalid("import_expired")
    data = stored.data
    return Recalled(int(data["unit_id"]), nonce, int(data.get("skipped", 0)), list(data["rows"]))


async def waiting_kind(services: Services, telegram_user_id: int, nonce: str) -> str | None:
    """The kind of import waiting for this person's confirmation under ``nonce``."""
    stored = await inputs.waiting(services, telegram_user_id)
    if stored is None or stored.data.get("nonce") != nonce:
        return None
    return stored.kind
