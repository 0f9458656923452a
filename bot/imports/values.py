"""Cell values -> typed values. Every parser raises :class:`Invalid` with a reason code."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Final

from bot.core.names import (
    fold_accents,
    has_control_chars,
    header_key,
    normalize_name,
    strip_zero_width,
)
from bot.imports.models import ErrorCode, Role


class FormulaNoValue:
    """A formula cell saved without a computed (cached) value."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "FORMULA_NO_VALUE"


FORMULA_NO_VALUE: Final = FormulaNoValue()

Cell = str | int | float | bool | datetime | date | time | timedelta | FormulaNoValue | None

EXCEL_ERRORS: Final = frozenset(
    {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA"}
)
MAX_CELL_LEN: Final = 500
MAX_NAME_LEN: Final = 100
MAX_AMOUNT: Final = 1_000_000_000
MIN_YEAR: Final = 1900
EXCEL_EPOCH: Final = date(1899, 12, 30)
EXCEL_SERIAL_MIN: Final = 10_000  # 1927-05-18: smaller numbers are not dates of this record
EXCEL_SERIAL_MAX: Final = 80_000  # 2119


class Invalid(Exception):
    def __init__(self, code: ErrorCode, **params: str | int) -> None:
        super().__init__(code)
        self.code: ErrorCode = code
        self.params: dict[str, str | int] = params


def is_blank(value: Cell) -> bool:
    if value is None:
        return True
    return isinstance(value, str) and not strip_zero_width(value).strip()


def fmt_date(value: date) -> str:
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def display(value: Cell, limit: int = 60) -> str:
    """The cell as the user typed it, shortened and without control characters."""
    if isinstance(value, datetime):
        text = fmt_date(value) if value.time() == time() else value.strftime("%d/%m/%Y %H:%M")
    elif isinstance(value, date):
        text = fmt_date(value)
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    elif value is None or isinstance(value, FormulaNoValue):
        text = ""
    else:
        text = str(value)
    text = " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def as_text(value: Cell) -> str:
    """Any non-blank cell as text (numbers without a trailing ``.0``, dates as dd/mm/yyyy)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return display(value)
    return "" if value is None or isinstance(value, FormulaNoValue) else str(value)


def clean_text(text: str) -> str:
    """Like a name: NFC, zero-width removed, whitespace collapsed; control chars rejected."""
    if has_control_chars(text):
        raise Invalid("control_chars")
    return normalize_name(text)


# --- dates ---------------------------------------------------------------------------------

_DMY = re.compile(r"(\d{1,2})\s*([/.\-])\s*(\d{1,2})\s*\2\s*(\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00(?:\.0+)?)?)?")


def parse_date(value: Cell) -> date:
    """A date cell, ``dd/mm/yyyy`` (also ``.`` or ``-``), ``d/m/yyyy`` or ISO ``yyyy-mm-dd``."""
    if isinstance(value, datetime):
        result = value.date()
    elif isinstance(value, date):
        result = value
    elif isinstance(value, int | float) and not isinstance(value, bool) and (
        EXCEL_SERIAL_MIN <= value <= EXCEL_SERIAL_MAX and float(value).is_integer()
    ):
        # A date cell formatted as a number (General) holds Excel's day count.
        result = EXCEL_EPOCH + timedelta(days=int(value))
    elif isinstance(value, str):
        text = strip_zero_width(value).strip()
        if text.isascii() and text.isdigit() and len(text) == 5:
            return parse_date(int(text))  # Excel's day number, as a CSV of it holds it
        if m := _DMY.fullmatch(text):
            day, month, year = int(m.group(1)), int(m.group(3)), int(m.group(4))
        elif m := _ISO.fullmatch(text):
            year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
        else:
            raise Invalid("bad_date", value=display(value))
        try:
            result = date(year, month, day)
        except ValueError:
            raise Invalid("impossible_date", value=display(value)) from None
    else:
        raise Invalid("bad_date", value=display(value))
    if result.year < MIN_YEAR:
        raise Invalid("date_out_of_range", value=display(value))
    return result


def parse_past_date(value: Cell, today: date) -> date:
    result = parse_date(value)
    if result > today:
        raise Invalid("future_date", value=display(value))
    return result


# --- months ------------------------------------------------------------------------------

_MY = re.compile(r"(\d{1,2})\s*[/.\-]\s*(\d{4})")
_YM = re.compile(r"(\d{4})\s*[/.\-]\s*(\d{1,2})")
_MONTH_WORD = re.compile(r"^(?:thang|month|t)\s*")


def parse_month(value: Cell, today: date) -> str:
    """``mm/yyyy``, ``m/yyyy``, ``yyyy-mm``, ``Tháng 5/2024`` or a date -> ``"YYYY-MM"``."""
    if isinstance(value, datetime | date):
        year, month = value.year, value.month
    elif isinstance(value, str):
        text = _MONTH_WORD.sub("", fold_accents(value))
        if m := _MY.fullmatch(text):
            month, year = int(m.group(1)), int(m.group(2))
        elif m := _YM.fullmatch(text):
            year, month = int(m.group(1)), int(m.group(2))
        else:
            try:
                day = parse_date(text)
            except Invalid:
                raise Invalid("bad_month", value=display(value)) from None
            year, month = day.year, day.month
    else:
        raise Invalid("bad_month", value=display(value))
    if not (1 <= month <= 12 and MIN_YEAR <= year <= today.year + 1):
        raise Invalid("bad_month", value=display(value))
    return f"{year:04d}-{month:02d}"


# --- amounts -----------------------------------------------------------------------------

_GROUPED = re.compile(r"\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*")
_CURRENCY = re.compile(r"(?:vnd|d|dong|₫|vn d)$")


def parse_amount(value: Cell) -> int:
    """A positive whole number of đồng: ``20000``, ``20.000``, ``20,000``, ``20.000 đ``."""
    amount: int
    if isinstance(value, bool):
        raise Invalid("bad_amount", value=display(value))
    if isinstance(value, int):
        amount = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise Invalid("bad_amount", value=display(value))
        amount = int(value)
    elif isinstance(value, str):
        text = fold_accents(value).replace("₫", " ₫")
        text = _CURRENCY.sub("", text.strip()).strip()
        text = "".join(text.split())
        if text.isascii() and text.isdigit():
            amount = int(text)
        elif text.isascii() and _GROUPED.fullmatch(text):
            amount = int(text.replace(".", "").replace(",", ""))
        elif text.startswith("-") and text[1:].isascii() and text[1:].replace(".", "").isdigit():
            raise Invalid("amount_not_positive", value=display(value))
        else:
            raise Invalid("bad_amount", value=display(value))
    else:
        raise Invalid("bad_amount", value=display(value))
    if amount <= 0:
        raise Invalid("amount_not_positive", value=display(value))
    if amount > MAX_AMOUNT:
        raise Invalid("amount_too_large", value=display(value), max_amount=f"{MAX_AMOUNT:,}")
    return amount


# --- phones ------------------------------------------------------------------------------

_PHONE_JUNK = re.compile(r"[\s.\-()/]+")


def parse_phone(value: Cell) -> str:
    """A Vietnamese number as digits: ``0912 345 678``, ``+84 912.345.678`` -> ``0912345678``.

    A 9-digit number without the leading 0 (Excel drops it from numeric cells) gets it back;
    10 digits (mobile) and 11 digits (landline with area code) are accepted.
    """
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise Invalid("bad_phone", value=display(value))
    text = _PHONE_JUNK.sub("", as_text(value))
    if text.startswith("+84"):
        text = "0" + text[3:]
    elif text.startswith("0084"):
        text = "0" + text[4:]
    elif text.startswith("84") and len(text) == 11:
        text = "0" + text[2:]
    if not (text.isascii() and text.isdigit()):
        raise Invalid("bad_phone", value=display(value))
    if len(text) == 9 and not text.startswith("0"):
        text = "0" + text
    if not (text.startswith("0") and len(text) in (10, 11)) or text.startswith("00"):
        raise Invalid("bad_phone", value=display(value))
    return text


# --- roles -------------------------------------------------------------------------------

_ROLES: dict[str, Role] = {
    "bi thu": "secretary",
    "bi thu chi bo": "secretary",
    "secretary": "secretary",
    "pho bi thu": "deputy",
    "pho bi thu chi bo": "deputy",
    "deputy": "deputy",
    "deputy secretary": "deputy",
    "chi uy vien": "committee_member",
    "uy vien": "committee_member",
    "uy vien chi uy": "committee_member",
    "committee member": "committee_member",
    "dang vien": "member",
    "dang vien chinh thuc": "member",
    "dang vien du bi": "member",
    "member": "member",
}


def parse_role(value: Cell) -> Role:
    """``Bí thư``/``Bi thu``/``secretary`` -> ``secretary``...; blank -> ``member``."""
    if is_blank(value):
        return "member"
    role = _ROLES.get(header_key(as_text(value)))
    if role is None:
        raise Invalid("bad_role", value=display(value))
    return role
