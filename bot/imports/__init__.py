"""Parsing and validating uploaded spreadsheets (members, households, dues).

Pure domain code: no Telegram, no database. ``parse_upload`` turns the bytes of an
``.xlsx``/``.csv`` upload into typed rows plus every problem found, each with its
spreadsheet line number and a reason code that ``describe`` renders in vi/en.
"""

from bot.core.names import fold_accents, name_key, normalize_name
from bot.imports.describe import Lang, describe, describe_all
from bot.imports.models import (
    DuesRow,
    ErrorCode,
    HouseholdRow,
    ImportKind,
    ImportRow,
    MemberRow,
    ParsedImport,
    Role,
    RowError,
)
from bot.imports.parser import COLUMNS, parse_upload

__all__ = [
    "COLUMNS",
    "DuesRow",
    "ErrorCode",
    "HouseholdRow",
    "ImportKind",
    "ImportRow",
    "Lang",
    "MemberRow",
    "ParsedImport",
    "Role",
    "RowError",
    "describe",
    "describe_all",
    "fold_accents",
    "name_key",
    "normalize_name",
    "parse_upload",
]
