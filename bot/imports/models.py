"""Typed results of parsing an uploaded spreadsheet."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Literal

Role = Literal["secretary", "deputy", "committee_member", "member"]

ErrorCode = Literal[
    # file level (RowError.line is None)
    "too_large",
    "too_complex",
    "not_a_spreadsheet",
    "empty_file",
    "no_header",
    "missing_column",
    "duplicate_column",
    "wrong_kind",
    "too_many_rows",
    # row level
    "cell_too_long",
    "formula_no_value",
    "formula_error",
    "missing_value",
    "bad_date",
    "impossible_date",
    "future_date",
    "date_out_of_range",
    "official_before_admission",
    "too_young_at_admission",
    "bad_role",
    "bad_phone",
    "bad_name",
    "name_too_long",
    "control_chars",
    "duplicate_row",
    "bad_month",
    "bad_amount",
    "amount_not_positive",
    "amount_too_large",
    # warnings
    "ignored_column",
    "blank_rows_stop",
]


class ImportKind(StrEnum):
    MEMBERS = "members"
    HOUSEHOLDS = "households"
    DUES = "dues"


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem. ``line`` is the spreadsheet row number (header = 1 when it is the
    first row); ``None`` for a file-level problem. ``params`` fill the catalog template;
    a ``field`` param holds a field name (``birth_date``) that :func:`describe` translates."""

    line: int | None
    code: ErrorCode
    params: Mapping[str, str | int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class MemberRow:
    full_name: str
    birth_date: date | None
    admitted_on: date
    official_on: date | None  # None: still probationary
    role: Role
    phone: str | None
    joined_on: date | None = None  # start in this branch (ngày chuyển đến), if given

    @property
    def probationary(self) -> bool:
        return self.official_on is None


@dataclass(frozen=True, slots=True)
class HouseholdRow:
    head_name: str
    address: str | None
    hamlet: str | None
    house_number: str | None
    member_name: str | None
    notes: str | None


@dataclass(frozen=True, slots=True)
class DuesRow:
    full_name: str
    period: str  # "YYYY-MM"
    amount: int  # VND


ImportRow = MemberRow | HouseholdRow | DuesRow


@dataclass(frozen=True, slots=True)
class ParsedImport:
    kind: ImportKind | None
    file_error: RowError | None = None
    rows: list[tuple[int, ImportRow]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    total_lines: int = 0
    header_line: int | None = None

    @property
    def ok(self) -> bool:
        """No file error and no row error: every data line became a row."""
        return self.file_error is None and not self.errors

    def members(self) -> list[tuple[int, MemberRow]]:
        return [(line, row) for line, row in self.rows if isinstance(row, MemberRow)]

    def households(self) -> list[tuple[int, HouseholdRow]]:
        return [(line, row) for line, row in self.rows if isinstance(row, HouseholdRow)]

    def dues(self) -> list[tuple[int, DuesRow]]:
        return [(line, row) for line, row in self.rows if isinstance(row, DuesRow)]
