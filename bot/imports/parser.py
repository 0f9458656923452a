"""Uploaded spreadsheet -> validated rows of members, households or dues."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date
from typing import Final, TypeVar

from bot.core.names import (
    fold_accents,
    has_control_chars,
    header_key,
    name_key,
    normalize_name,
    title_case_capitals,
)
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
from bot.imports.reader import (
    Row,
    TooComplex,
    Unreadable,
    ZipTooLarge,
    is_error_literal,
    read_rows,
)
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

MAX_LEADING_ROWS: Final = 10  # title rows allowed above the header
MAX_BLANK_RUN: Final = 1000  # this many empty rows in a row end the sheet
UNZIP_FACTOR: Final = 20  # an xlsx may unpack to 20 x max_bytes

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Column:
    field: str
    aliases: tuple[str, ...]  # header_key() forms
    required: bool = False


_FULL_NAME = Column(
    "full_name",
    ("ho va ten", "ho ten", "full name", "name", "ten dang vien", "ho va ten dang vien",
     "ho ten dang vien", "ho va ten khai sinh"),
    True,
)

COLUMNS: Final[dict[ImportKind, tuple[Column, ...]]] = {
    ImportKind.MEMBERS: (
        _FULL_NAME,
        Column("birth_date", ("ngay sinh", "ngay thang nam sinh", "birth date", "date of birth",
                              "nam sinh", "sinh ngay")),
        Column(
            "admitted_on",
            ("ngay vao dang", "ngay ket nap", "admitted on", "admission date", "admitted",
             "ngay thang nam vao dang", "ngay ket nap vao dang", "ngay vao dang du bi",
             "ngay vao dang ket nap", "ngay vao dang ngay ket nap", "ngay thang nam ket nap",
             "ngay vao dang ngay du bi", "vao dang"),
            True,
        ),
        Column("official_on", ("ngay chinh thuc", "official on", "official date", "official",
                               "ngay vao dang chinh thuc", "ngay vao dang ngay chinh thuc",
                               "ngay thang nam chinh thuc", "ngay cong nhan chinh thuc",
                               "ngay dang vien chinh thuc", "chinh thuc")),
        Column("role", ("chuc vu", "role", "chuc vu dang", "chuc vu trong chi bo")),
        Column("phone", ("dien thoai", "so dien thoai", "sdt", "so dt", "phone", "phone number",
                         "dien thoai lien he", "so dien thoai lien he", "dt")),
        Column("joined_on", ("ngay chuyen den", "sinh hoat tai chi bo tu",
                             "ngay sinh hoat tai chi bo", "sinh hoat tu", "ngay den chi bo",
                             "ngay chuyen sinh hoat den", "joined on", "joined")),
    ),
    ImportKind.HOUSEHOLDS: (
        Column("head", ("chu ho", "ho ten chu ho", "head", "head name", "household head",
                        "ho va ten chu ho"), True),
        Column("address", ("dia chi", "address")),
        Column(
            "member",
            ("dang vien phu trach", "dang vien theo doi", "phu trach", "member", "member name",
             "ho ten dang vien phu trach", "dang vien duoc phan cong"),
        ),
        Column("notes", ("ghi chu", "notes", "note")),
        Column("hamlet", ("thon/to", "thon", "to", "to dan pho", "khu pho", "hamlet")),
        Column("house_number", ("so nha", "house number")),
    ),
    ImportKind.DUES: (
        _FULL_NAME,
        Column("month", ("thang", "ky", "month", "period", "thang dong"), True),
        Column("amount", ("so tien", "dang phi", "muc dong", "amount", "so tien dong",
                          "muc dong dang phi"), True),
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


HeaderCells = tuple[tuple[str, ...], ...]  # per column: the wordings to try, best first


def _single(cells: tuple[Cell, ...]) -> HeaderCells:
    return tuple(
        () if is_blank(cell) or isinstance(cell, FormulaNoValue) else (as_text(cell),)
        for cell in cells
    )


def _stacked(top: tuple[Cell, ...], below: tuple[Cell, ...]) -> HeaderCells:
    """Two header rows read as one: a group heading (``Ngày vào Đảng``, merged over its
    sub-columns, so only its first cell holds the text) is put before each sub-heading
    under it (``Dự bị`` / ``Chính thức``); a heading without a sub-heading stays as is."""
    width = max(len(top), len(below))
    result: list[tuple[str, ...]] = []
    group = ""
    for index in range(width):
        upper = top[index] if index < len(top) else None
        lower = below[index] if index < len(below) else None
        upper_text = "" if is_blank(upper) or isinstance(upper, FormulaNoValue) else as_text(upper)
        lower_text = "" if is_blank(lower) or isinstance(lower, FormulaNoValue) else as_text(lower)
        if upper_text:
            group = upper_text
        if lower_text:
            result.append((f"{group} {lower_text}", lower_text) if group else (lower_text,))
        elif upper_text:
            result.append((upper_text,))
            group = ""  # a heading without sub-columns spans nothing
        else:
            result.append(())
    return tuple(result)


def _match_header(cells: HeaderCells, kind: ImportKind) -> _Header:
    by_alias = {alias: column.field for column in COLUMNS[kind] for alias in column.aliases}
    columns: dict[str, int] = {}
    duplicate: str | None = None
    ignored: list[str] = []
    for index, wordings in enumerate(cells):
        if not wordings:
            continue
        name = next((by_alias[key] for key in map(header_key, wordings) if key in by_alias),
                    None)
        if name is None:
            ignored.append(display(wordings[0]))
        elif name in columns:
            duplicate = duplicate or display(wordings[0])
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
    return title_case_capitals(name)


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
    joined = row.get("joined_on", lambda v: parse_past_date(v, today))
    for problem in check_member_dates(birth, admitted, official):
        row.error(problem.code, **problem.params)
    if row.errors or name is None or admitted is None:
        return None
    return MemberRow(name, birth, admitted, official, role, phone, joined)


# The fields of a member's record an officer may correct one at a time, and how each is read.
MEMBER_FIELDS: Final = ("full_name", "birth_date", "admitted_on", "official_on", "phone",
                        "joined_on")
_REQUIRED_FIELDS: Final = frozenset({"full_name", "admitted_on", "joined_on"})


class FieldInvalid(Exception):
    """A corrected value refused; ``error`` is what an import row would report."""

    def __init__(self, error: RowError) -> None:
        super().__init__(error.code)
        self.error = error


def parse_member_field(name: str, value: str, today: date) -> str | date | None:
    """One field of a member row read exactly as an import reads its cell; blank gives
    None (refused for a required field). Raises :class:`FieldInvalid`."""
    if name not in MEMBER_FIELDS:
        raise ValueError(name)
    parsers: dict[str, Callable[[Cell], str | date]] = {
        "full_name": _person_name,
        "phone": parse_phone,
    }
    parse: Callable[[Cell], str | date] = parsers.get(
        name, lambda v: parse_past_date(v, today))
    context = _RowContext(0, (value,), {name: 0}, today)
    result = context.get(name, parse, required=name in _REQUIRED_FIELDS)
    if context.errors:
        error = context.errors[0]
        raise FieldInvalid(RowError(None, error.code, error.params))
    return result


def check_member_dates(birth: date | None, admitted: date | None,
                       official: date | None) -> list[RowError]:
    """The checks an import row makes across its dates."""
    problems: list[RowError] = []
    if admitted is not None and official is not None and official < admitted:
        problems.append(RowError(None, "official_before_admission",
                                 {"official": fmt_date(official), "admitted": fmt_date(admitted)}))
    if admitted is not None and birth is not None and _age(birth, admitted) < 18:
        problems.append(RowError(None, "too_young_at_admission",
                                 {"birth": fmt_date(birth), "admitted": fmt_date(admitted)}))
    return problems


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
    except (ZipTooLarge, TooComplex):
        return _failed("too_complex")
    except Unreadable:
        return _failed("not_a_spreadsheet")


def _detect(cells: HeaderCells, expect: ImportKind | None) -> list[_Header]:
    """Candidate headers for a row, best first."""
    kinds = [expect] if expect is not None else list(_KIND_ORDER)
    headers = [_match_header(cells, kind) for kind in kinds]
    return sorted(headers, key=lambda h: (not h.complete, -h.matched))


def _has_digit(cells: tuple[Cell, ...]) -> bool:
    return any(not is_blank(cell) and (not isinstance(cell, str) or any(ch.isdigit()
               for ch in cell)) for cell in cells)


def _sub_header(header: _Header, top: tuple[Cell, ...], cells: tuple[Cell, ...]
                ) -> _Header | None:
    """The header read with ``cells`` as its second row, when ``cells`` is the row of
    sub-headings under a group heading (text only, and it maps more or other columns)."""
    if _has_digit(cells):
        return None
    stacked = _match_header(_stacked(top, cells), header.kind)
    if not stacked.complete or stacked.columns == header.columns:
        return None
    if stacked.matched < header.matched or stacked.duplicate is not None:
        return None
    return stacked


_NUMBERING = re.compile(r"\(?(\d{1,2})\)?")


def _column_numbers(cells: tuple[Cell, ...]) -> bool:
    """The row of column numbers official forms put under the header: (1) (2) (3) …"""
    numbers: list[int] = []
    for cell in cells:
        if is_blank(cell):
            continue
        if isinstance(cell, int | float) and not isinstance(cell, bool) and float(cell) < 100:
            numbers.append(int(cell))
        elif isinstance(cell, str) and (m := _NUMBERING.fullmatch(cell.strip())):
            numbers.append(int(m.group(1)))
        else:
            return False
    return len(numbers) >= 3 and numbers == sorted(set(numbers))


# What starts the block under a table: the place-and-date line, the signatures, a total.
_FOOTER = re.compile(
    r"^(?:nguoi lap(?: bieu| danh sach)?|nguoi thu|t/?m\b|tm\b|thay mat|xac nhan|ky ten"
    r"|\(?ky,? ghi ro|noi nhan|tong so|tong cong|cong:?$|chu tich|thu truong)"
)
_PLACE_DATE = re.compile(r"\bngay\b.*\bthang\b.*\bnam\b")
_SIGNER = re.compile(r"^(?:bi thu|pho bi thu)(?: chi bo)?$")  # also a role: a weak sign
_NAME_FIELDS = ("full_name", "head")


def _footer_mark(cells: tuple[Cell, ...], columns: dict[str, int], valid: bool) -> bool:
    """The row starts the block under the table. A signature wording in the name column
    is enough; elsewhere it counts only on a row that is not valid data (so a note or a
    role *Bí thư* inside the table never ends it)."""
    names = {columns[name] for name in _NAME_FIELDS if name in columns}
    for index, cell in enumerate(cells):
        if not isinstance(cell, str) or is_blank(cell):
            continue
        text = fold_accents(cell)
        strong = bool(_FOOTER.match(text) or _PLACE_DATE.search(text))
        if strong and (index in names or not valid):
            return True
        if not valid and _SIGNER.match(text) and index != columns.get("role"):
            return True
    return False


def _parse_rows(
    rows: Iterator[Row], *, today: date, max_rows: int, expect: ImportKind | None
) -> ParsedImport:
    header: _Header | None = None
    header_line = 0
    header_cells: tuple[Cell, ...] = ()
    previous: tuple[Cell, ...] | None = None  # the non-blank row above, while no header
    after_header = 0  # non-blank rows read since the header
    best_partial: _Header | None = None
    leading = 0
    blank_run = 0
    total = 0
    saw_content = False
    parsed: list[tuple[int, ImportRow]] = []
    errors: list[RowError] = []
    warnings: list[RowError] = []
    first_line: dict[tuple[object, ...], int] = {}

    def accept(found: _Header, line: int) -> ParsedImport | None:
        nonlocal header, header_line
        header, header_line = found, line
        if found.duplicate is not None:
            return _failed("duplicate_column", kind=None, column=found.duplicate)
        warnings.extend(
            RowError(line, "ignored_column", {"column": text}) for text in found.ignored
        )
        return None

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
            candidate = _detect(_single(cells), expect)[0]
            if not candidate.complete and previous is not None:
                stacked = _detect(_stacked(previous, cells), expect)[0]
                if stacked.complete:
                    candidate = stacked
            if candidate.complete:
                header_cells = cells
                if (failure := accept(candidate, line)) is not None:
                    return failure
                continue
            if expect is not None:
                other = _detect(_single(cells), None)[0]
                if other.complete and other.kind != expect:
                    return _failed("wrong_kind", expected=expect.value, found=other.kind.value)
            if candidate.matched and (
                best_partial is None or candidate.matched > best_partial.matched
            ):
                best_partial = candidate
            previous = cells
            leading += 1
            if leading > MAX_LEADING_ROWS:
                break
            continue

        after_header += 1
        if after_header == 1 and (sub := _sub_header(header, header_cells, cells)) is not None:
            warnings[:] = [w for w in warnings if w.code != "ignored_column"]
            if (failure := accept(sub, line)) is not None:
                return failure
            continue
        if after_header <= 2 and _column_numbers(cells):
            continue

        context = _RowContext(line, cells, header.columns, today)
        row = _VALIDATORS[header.kind](context)
        if _footer_mark(cells, header.columns, row is not None and not context.errors):
            break  # the signature block under the table: the data is over
        total += 1
        if total > max_rows:
            return _failed("too_many_rows", max_rows=max_rows)
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
