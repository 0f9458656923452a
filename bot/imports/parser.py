"""Uploaded spreadsheet -> validated rows of members, households or dues."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date
from typing import Final, TypeVar

from bot.imports.models import (
    DuesRow,
    ErrorCode,
    HouseholdRow,
    ImportKind,
    ImportRow,
    MemberRow,
    ParsedImport,
    RowError,
)
from bot.imports.names import has_control_chars, header_key, name_key, normalize_name
from bot.imports.reader import Row, Unreadable, ZipTooLarge, is_error_literal, read_rows
from bot.imports.values import (
    MAX_CELL_LEN,
    MAX_NAME_LEN,
    Cell,
    FormulaNoValue,
    Invalid,
    as_text,
    clean_text,
    display,
    fmt_date,
    is_blank,
    parse_amount,
    parse_month,
    parse_past_date,
    parse_phone,
    parse_role,
)

MAX_LEADING_ROWS: Final = 5  # title rows allowed above the header
MAX_BLANK_RUN: Final = 1000  # this many empty rows in a row end the sheet
UNZIP_FACTOR: Final = 20  # an xlsx may unpack to 20 x max_bytes

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Column:
    field: str
    aliases: tuple[str, ...]  # header_key() forms
    required: bool = False


_FULL_NAME = Column(
    "full_name", ("ho va ten", "ho ten", "full name", "name", "ten dang vien"), True
)

COLUMNS: Final[dict[ImportKind, tuple[Column, ...]]] = {
    ImportKind.MEMBERS: (
        _FULL_NAME,
        Column("birth_date", ("ngay sinh", "ngay thang nam sinh", "birth date", "date of birth")),
        Column(
            "admitted_on",
            ("ngay vao dang", "ngay ket nap", "admitted on", "admission date", "admitted"),
            True,
        ),
        Column("official_on", ("ngay chinh thuc", "official on", "official date", "official")),
        Column("role", ("chuc vu", "role")),
        Column("phone", ("dien thoai", "so dien thoai", "sdt", "so dt", "phone", "phone number")),
    ),
    ImportKind.HOUSEHOLDS: (
        Column("head", ("chu ho", "ho ten chu ho", "head", "head name", "household head"), True),
        Column("address", ("dia chi", "address")),
        Column(
            "member",
            ("dang vien phu trach", "dang vien theo doi", "phu trach", "member", "member name"),
        ),
        Column("notes", ("ghi chu", "notes", "note")),
        Column("hamlet", ("thon/to", "thon", "to", "to dan pho", "khu pho", "hamlet")),
        Column("house_number", ("so nha", "house number")),
    ),
    ImportKind.DUES: (
        _FULL_NAME,
        Column("month", ("thang", "ky", "month", "period"), True),
        Column("amount", ("so tien", "dang phi", "muc dong", "amount"), True),
    ),
}
# When one header row fits several kinds equally well.
_KIND_ORDER: Final = (ImportKind.MEMBERS, ImportKind.DUES, ImportKind.HOUSEHOLDS)


@dataclass(slots=True)
class _Header:
    kind: ImportKind
    columns: dict[str, int]  # field -> column index
    missing: list[str]
    duplicate: str | None
    ignored: list[str]  # header texts of unused columns

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def matched(self) -> int:
        return len(self.columns)


def _match_header(cells: tuple[Cell, ...], kind: ImportKind) -> _Header:
    by_alias = {alias: column.field for column in COLUMNS[kind] for alias in column.aliases}
    columns: dict[str, int] = {}
    duplicate: str | None = None
    ignored: list[str] = []
    for index, cell in enumerate(cells):
        if is_blank(cell) or isinstance(cell, FormulaNoValue):
            continue
        text = as_text(cell)
        name = by_alias.get(header_key(text))
        if name is None:
            ignored.append(display(cell))
        elif name in columns:
            duplicate = duplicate or display(cell)
        else:
            columns[name] = index
    missing = [c.field for c in COLUMNS[kind] if c.required and c.field not in columns]
    return _Header(kind, columns, missing, duplicate, ignored)


# --- one row -----------------------------------------------------------------------------


@dataclass(slots=True)
class _RowContext:
    line: int
    cells: tuple[Cell, ...]
    columns: dict[str, int]
    today: date
    errors: list[RowError] = field(default_factory=list)

    def error(self, code: ErrorCode, **params: str | int) -> None:
        self.errors.append(RowError(self.line, code, params))

    def cell(self, name: str) -> Cell:
        """The cell of field ``name``; ``None`` when blank; raises Invalid for a broken cell."""
        index = self.columns.get(name)
        if index is None or index >= len(self.cells):
            return None
        value = self.cells[index]
        if isinstance(value, FormulaNoValue):
            raise Invalid("formula_no_value")
        if is_blank(value):
            return None
        if is_error_literal(value):
            raise Invalid("formula_error", value=display(value))
        if isinstance(value, str) and len(value) > MAX_CELL_LEN:
            raise Invalid("cell_too_long", max_len=MAX_CELL_LEN)
        return value

    def get(self, name: str, parse: Callable[[Cell], T], *, required: bool = False) -> T | None:
        """``parse`` of the cell, or None (blank, or a problem recorded against ``name``)."""
        try:
            value = self.cell(name)
            if value is None:
                if required:
                    self.error("missing_value", field=name)
                return None
            return parse(value)
        except Invalid as problem:
            params = {"field": name, **problem.params}
            self.errors.append(RowError(self.line, problem.code, params))
            return None


def _person_name(value: Cell) -> str:
    text = as_text(value)
    if has_control_chars(text):
        raise Invalid("control_chars")
    name = normalize_name(text)
    if len(name) > MAX_NAME_LEN:
        raise Invalid("name_too_long", max_len=MAX_NAME_LEN)
    if not any(ch.isalpha() for ch in name):
        raise Invalid("bad_name", value=display(value))
    return name


def _text(value: Cell) -> str | None:
    return clean_text(as_text(value)) or None


def _member(row: _RowContext) -> MemberRow | None:
    today = row.today
    name = row.get("full_name", _person_name, required=True)
    birth = row.get("birth_date", lambda v: parse_past_date(v, today))
    admitted = row.get("admitted_on", lambda v: parse_past_date(v, today), required=True)
    official = row.get("official_on", lambda v: parse_past_date(v, today))
    role = row.get("role", parse_role) or "member"
    phone = row.get("phone", parse_phone)
    if admitted is not None and official is not None and official < admitted:
        row.error(
            "official_before_admission", official=fmt_date(official), admitted=fmt_date(admitted)
        )
    if admitted is not None and birth is not None and _age(birth, admitted) < 18:
        row.error("too_young_at_admission", birth=fmt_date(birth), admitted=fmt_date(admitted))
    if row.errors or name is None or admitted is None:
        return None
    return MemberRow(name, birth, admitted, official, role, phone)


def _household(row: _RowContext) -> HouseholdRow | None:
    head = row.get("head", _person_name, required=True)
    address = row.get("address", _text)
    hamlet = row.get("hamlet", _text)
    house_number = row.get("house_number", _text)
    member = row.get("member", _person_name)
    notes = row.get("notes", _text)
    if row.errors or head is None:
        return None
    return HouseholdRow(head, address, hamlet, house_number, member, notes)


def _dues(row: _RowContext) -> DuesRow | None:
    today = row.today
    name = row.get("full_name", _person_name, required=True)
    period = row.get("month", lambda v: parse_month(v, today), required=True)
    amount = row.get("amount", parse_amount, required=True)
    if row.errors or name is None or period is None or amount is None:
        return None
    return DuesRow(name, period, amount)


def _age(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _duplicate_key(row: ImportRow) -> tuple[object, ...]:
    if isinstance(row, MemberRow):
        return (name_key(row.full_name), row.birth_date)
    if isinstance(row, HouseholdRow):
        return (name_key(row.head_name), name_key(row.address or ""))
    return (name_key(row.full_name), row.period)


_VALIDATORS: Final[dict[ImportKind, Callable[[_RowContext], ImportRow | None]]] = {
    ImportKind.MEMBERS: _member,
    ImportKind.HOUSEHOLDS: _household,
    ImportKind.DUES: _dues,
}


# --- the whole file ----------------------------------------------------------------------


def _failed(
    code: ErrorCode, *, kind: ImportKind | None = None, **params: str | int
) -> ParsedImport:
    return ParsedImport(kind=kind, file_error=RowError(None, code, params))


def parse_upload(
    filename: str,
    data: bytes,
    *,
    today: date,
    max_rows: int = 2000,
    max_bytes: int = 5_000_000,
    expect: ImportKind | None = None,
) -> ParsedImport:
    """Read an uploaded ``.xlsx``/``.csv`` and validate every data row.

    Never raises on bad input: file-level problems are in ``file_error`` (and ``kind`` is
    None), row problems in ``errors`` with the spreadsheet line number. ``today`` is the
    branch's local date (dates after it are rejected). ``expect`` forces the kind of file.
    """
    if len(data) > max_bytes:
        return _failed("too_large", max_mb=f"{max_bytes / 1_000_000:g}")
    if not data.strip():
        return _failed("empty_file")
    try:
        rows = read_rows(filename, data, max_unzipped=max_bytes * UNZIP_FACTOR)
        with closing(rows):
            return _parse_rows(rows, today=today, max_rows=max_rows, expect=expect)
    except ZipTooLarge:
        return _failed("too_large", max_mb=f"{max_bytes / 1_000_000:g}")
    except Unreadable:
        return _failed("not_a_spreadsheet")


def _detect(cells: tuple[Cell, ...], expect: ImportKind | None) -> list[_Header]:
    """Candidate headers for a row, best first."""
    kinds = [expect] if expect is not None else list(_KIND_ORDER)
    headers = [_match_header(cells, kind) for kind in kinds]
    return sorted(headers, key=lambda h: (not h.complete, -h.matched))


def _parse_rows(
    rows: Iterator[Row], *, today: date, max_rows: int, expect: ImportKind | None
) -> ParsedImport:
    header: _Header | None = None
    header_line = 0
    best_partial: _Header | None = None
    leading = 0
    blank_run = 0
    total = 0
    saw_content = False
    parsed: list[tuple[int, ImportRow]] = []
    errors: list[RowError] = []
    warnings: list[RowError] = []
    first_line: dict[tuple[object, ...], int] = {}

    for line, cells in rows:
        if all(is_blank(cell) for cell in cells):
            blank_run += 1
            if blank_run >= MAX_BLANK_RUN:
                if header is not None:
                    warnings.append(RowError(line, "blank_rows_stop", {"count": blank_run}))
                break
            continue
        blank_run = 0
        saw_content = True

        if header is None:
            candidate = _detect(cells, expect)[0]
            if candidate.complete:
                header, header_line = candidate, line
                if candidate.duplicate is not None:
                    return _failed("duplicate_column", kind=None, column=candidate.duplicate)
                warnings.extend(
                    RowError(line, "ignored_column", {"column": text}) for text in candidate.ignored
                )
                continue
            if expect is not None:
                other = _detect(cells, None)[0]
                if other.complete and other.kind != expect:
                    return _failed("wrong_kind", expected=expect.value, found=other.kind.value)
            if candidate.matched and (
                best_partial is None or candidate.matched > best_partial.matched
            ):
                best_partial = candidate
            leading += 1
            if leading > MAX_LEADING_ROWS:
                break
            continue

        total += 1
        if total > max_rows:
            return _failed("too_many_rows", max_rows=max_rows)
        context = _RowContext(line, cells, header.columns, today)
        row = _VALIDATORS[header.kind](context)
        if row is not None:
            key = _duplicate_key(row)
            first = first_line.setdefault(key, line)
            if first != line:
                context.error("duplicate_row", first_line=first)
                row = None
        errors.extend(context.errors)
        if row is not None:
            parsed.append((line, row))

    if header is None:
        if not saw_content:
            return _failed("empty_file")
        if best_partial is not None:
            return _failed("missing_column", columns=",".join(best_partial.missing))
        return _failed("no_header")
    errors.sort(key=lambda e: e.line or 0)
    return ParsedImport(
        kind=header.kind,
        rows=parsed,
        errors=errors,
        warnings=warnings,
        total_lines=total,
        header_line=header_line,
    )
