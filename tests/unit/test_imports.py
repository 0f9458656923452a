"""Spreadsheet imports: members, households and dues from .xlsx/.csv uploads."""

from __future__ import annotations

import codecs
import csv
import io
import string
import unicodedata
import zipfile
from collections.abc import Iterator, Sequence
from datetime import date, datetime, time
from typing import Any, get_args

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from bot.imports import (
    COLUMNS,
    DuesRow,
    ErrorCode,
    HouseholdRow,
    ImportKind,
    MemberRow,
    ParsedImport,
    RowError,
    describe,
    describe_all,
    fold_accents,
    name_key,
    normalize_name,
    parse_upload,
)
from bot.imports.texts import en, vi

TODAY = date(2026, 12, 1)
VI_HEADER = ["Họ và tên", "Ngày sinh", "Ngày vào Đảng", "Ngày chính thức", "Chức vụ", "Điện thoại"]
EN_HEADER = ["full_name", "birth_date", "admitted_on", "official_on", "role", "phone"]

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hà", "Hương", "Lan", "Minh", "Nam", "Thảo"]


# --- fixture builders ----------------------------------------------------------------------


def xlsx_bytes(
    rows: Sequence[Sequence[object]], *, merge: Sequence[str] = (), write_only: bool = False
) -> bytes:
    workbook = Workbook(write_only=write_only)
    if write_only:
        sheet = workbook.create_sheet()
    else:
        sheet = workbook.active
        assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    for cells in merge:
        sheet.merge_cells(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def naive(year: int, month: int, day: int) -> datetime:
    """What openpyxl returns for a date cell: a datetime without a time zone."""
    return datetime.combine(date(year, month, day), time())


TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese Windows writes it: base letters precomposed, tone marks
    as combining characters."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            marks = unicodedata.normalize("NFD", ch)
            core = unicodedata.normalize("NFC", "".join(m for m in marks if m not in TONES))
            out += (core + "".join(m for m in marks if m in TONES)).encode("cp1258")
    return bytes(out)


def csv_bytes(
    rows: Sequence[Sequence[object]],
    *,
    delimiter: str = ",",
    encoding: str = "utf-8",
    bom: bool = False,
) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter)
    for row in rows:
        writer.writerow(["" if cell is None else cell for cell in row])
    text = buffer.getvalue()
    data = cp1258(text) if encoding == "cp1258" else text.encode(encoding)
    return (codecs.BOM_UTF8 + data) if bom else data


def person(i: int) -> str:
    return f"{SURNAMES[i % len(SURNAMES)]} Văn {GIVEN[i // len(SURNAMES) % len(GIVEN)]}"


def member_rows(count: int) -> list[list[object]]:
    """``count`` valid member rows with distinct names."""
    rows: list[list[object]] = []
    for i in range(count):
        name = person(i) if i < len(SURNAMES) * len(GIVEN) else f"{person(i)} {i}"
        birth = f"{1 + i % 28:02d}/{1 + i % 12:02d}/{1950 + i % 30}"
        admitted = date(2000 + i % 20, 1 + i % 12, 1 + i % 28)
        official = admitted.replace(year=admitted.year + 1) if i % 3 else None
        role = ["Đảng viên", "", "Chi ủy viên", "Bí thư"][i % 4] if i else "Bí thư"
        phone = f"09{i:08d}"
        rows.append([name, birth, admitted, official, role, phone])
    return rows


def parse(filename: str, data: bytes, **kwargs: object) -> ParsedImport:
    return parse_upload(filename, data, today=TODAY, **kwargs)  # type: ignore[arg-type]


def codes(result: ParsedImport) -> list[tuple[int | None, str]]:
    return [(error.line, error.code) for error in result.errors]


# --- members -------------------------------------------------------------------------------


def test_forty_members_with_three_bad_rows() -> None:
    rows = member_rows(40)
    rows[5][1] = "31/02/1980"  # line 7
    rows[13][0] = None  # line 15
    rows[28][5] = "12345"  # line 30
    result = parse("chi_bo_3.xlsx", xlsx_bytes([VI_HEADER, *rows]))

    assert result.file_error is None
    assert result.kind is ImportKind.MEMBERS
    assert result.total_lines == 40
    assert len(result.rows) == 37
    assert codes(result) == [(7, "impossible_date"), (15, "missing_value"), (30, "bad_phone")]
    assert [line for line, _ in result.rows][:3] == [2, 3, 4]
    assert not result.ok

    bad_date = result.errors[0]
    assert describe(bad_date, "vi") == "Dòng 7: ngày sinh '31/02/1980' không có thật"
    assert describe(bad_date, "en") == "Line 7: birth date '31/02/1980' is not a real date"
    assert describe(result.errors[1], "vi") == "Dòng 15: thiếu họ và tên"
    assert describe(result.errors[1], "en") == "Line 15: full name is missing"
    assert describe(result.errors[2], "en") == "Line 30: phone number '12345' is not valid"

    first = result.members()[0][1]
    assert first == MemberRow(
        full_name="Nguyễn Văn An",
        birth_date=date(1950, 1, 1),
        admitted_on=date(2000, 1, 1),
        official_on=None,
        role="secretary",
        phone="0900000000",
    )
    assert first.probationary
    assert result.households() == [] and result.dues() == []


def test_english_headers_and_roles_in_csv() -> None:
    rows = [
        EN_HEADER,
        ["Nguyễn Văn An", "1970-05-01", "2000-01-01", "2001-01-01", "secretary", "0912345678"],
        ["Trần Thị Bình", "", "2005-03-04", "", "DEPUTY", ""],
        ["Lê Văn Cường", "", "2005-03-04", "", "committee_member", ""],
        ["Phạm Thị Hà", "", "2010-03-04", "", "member", ""],
    ]
    result = parse("members.csv", csv_bytes(rows))
    assert result.file_error is None and result.errors == []
    assert [row.role for _, row in result.members()] == [
        "secretary",
        "deputy",
        "committee_member",
        "member",
    ]
    assert result.members()[1][1].probationary


@pytest.mark.parametrize(
    "header",
    [
        ["HỌ VÀ TÊN", "NGÀY VÀO ĐẢNG"],
        ["ho va ten", "ngay vao dang"],
        [" Họ và tên ", "  Ngày  vào   Đảng "],
        [unicodedata.normalize("NFD", "Họ và tên"), unicodedata.normalize("NFD", "Ngày vào Đảng")],
        ["Họ tên", "Ngày vào Đảng:"],
        ["Full Name", "Admitted_On"],
    ],
)
def test_headers_match_whatever_the_case_accents_and_spacing(header: list[str]) -> None:
    result = parse("m.xlsx", xlsx_bytes([header, ["Nguyễn Văn An", "01/02/2003"]]))
    assert result.file_error is None, result.file_error
    assert result.members()[0][1].admitted_on == date(2003, 2, 1)


def test_csv_with_bom_and_semicolons() -> None:
    rows = [
        VI_HEADER,
        ["Nguyễn Văn An", "5/3/1970", "01/01/2000", "01/01/2001", "Bí thư", "0912.345.678"],
        ["Trần Thị Bình", "", "2/1/2005", "", "Phó Bí thư", "+84 912 345 679"],
    ]
    result = parse("ds.csv", csv_bytes(rows, delimiter=";", bom=True))
    assert result.file_error is None and result.errors == []
    first, second = (row for _, row in result.members())
    assert first.full_name == "Nguyễn Văn An"  # the BOM is not part of the first header
    assert first.birth_date == date(1970, 3, 5)
    assert first.phone == "0912345678"
    assert second.role == "deputy" and second.phone == "0912345679"


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("utf-16", ","), ("cp1258", ";"), ("utf-8", "\t")],
)
def test_csv_encodings_and_delimiters(encoding: str, delimiter: str) -> None:
    rows = [VI_HEADER, ["Đặng Thị Hương", "", "01/01/2000", "", "Đảng viên", ""]]
    result = parse("ds.csv", csv_bytes(rows, delimiter=delimiter, encoding=encoding))
    assert result.file_error is None and result.errors == []
    assert result.members()[0][1].full_name == unicodedata.normalize("NFC", "Đặng Thị Hương")


def test_nfd_names_are_stored_nfc() -> None:
    nfd = unicodedata.normalize("NFD", "Nguyễn  Thị\u200b Hương ")
    result = parse("m.csv", csv_bytes([VI_HEADER, [nfd, "", "01/01/2000", "", "", ""]]))
    assert result.members()[0][1].full_name == "Nguyễn Thị Hương"
    assert unicodedata.is_normalized("NFC", result.members()[0][1].full_name)


def test_title_rows_before_the_header_keep_spreadsheet_line_numbers() -> None:
    rows: list[Sequence[object]] = [
        ["DANH SÁCH ĐẢNG VIÊN CHI BỘ 3"],
        ["Đảng bộ phường Trúc Bạch"],
        [],
        ["STT", *VI_HEADER, "Ghi chú khác"],
        [1, "Nguyễn Văn An", "", "01/01/2000", "", "", ""],
        [2, "Trần Văn Bình", "", "32/01/2000", "", "", ""],
    ]
    data = xlsx_bytes(rows, merge=["A1:G1", "A2:G2"])
    result = parse("m.xlsx", data)
    assert result.header_line == 4
    assert result.rows[0][0] == 5
    assert codes(result) == [(6, "impossible_date")]
    assert [(w.line, w.code, w.params["column"]) for w in result.warnings] == [
        (4, "ignored_column", "STT"),
        (4, "ignored_column", "Ghi chú khác"),
    ]
    assert describe(result.warnings[0], "vi") == "Dòng 4: bỏ qua cột 'STT'"


def test_header_too_far_down_is_not_found() -> None:
    # Up to 10 title lines are allowed above the header; 11 are too many.
    rows: list[Sequence[object]] = [[f"Tiêu đề {i}"] for i in range(11)]
    rows += [VI_HEADER, ["Nguyễn Văn An", "", "01/01/2000", "", "", ""]]
    result = parse("m.xlsx", xlsx_bytes(rows))
    assert result.kind is None
    assert result.file_error is not None and result.file_error.code == "no_header"


def test_duplicates_in_the_file_point_to_the_first_line() -> None:
    rows = [
        VI_HEADER,
        ["Nguyễn Văn An", "01/01/1970", "01/01/2000", "", "", ""],
        ["Nguyễn Văn An", "02/02/1972", "01/01/2001", "", "", ""],  # another person
        ["Lê Thị Lan", "", "01/01/2000", "", "", ""],
        ["NGUYỄN  VĂN AN", "1970-01-01", "01/01/2000", "", "", ""],  # dup of line 2
        ["lê thị lan", "", "01/01/2003", "", "", ""],  # dup of line 4
        ["Nguyen Van An", "01/01/1970", "01/01/2000", "", "", ""],  # no accents: not a dup
    ]
    result = parse("m.xlsx", xlsx_bytes(rows))
    assert codes(result) == [(5, "duplicate_row"), (6, "duplicate_row")]
    assert [e.params["first_line"] for e in result.errors] == [2, 4]
    assert describe(result.errors[0], "vi") == "Dòng 5: trùng với dòng 2"
    assert describe(result.errors[0], "en") == "Line 5: duplicate of line 2"
    assert len(result.rows) == 4


def test_formula_without_cached_value_is_a_cell_error() -> None:
    rows: list[Sequence[object]] = [
        VI_HEADER,
        ["Nguyễn Văn An", "", "01/01/2000", "", "", "0912345678"],
        ["Trần Văn Bình", "", "=B2", "", "", ""],
        ["=A2", "", "01/01/2000", "", "", ""],
    ]
    result = parse("m.xlsx", xlsx_bytes(rows))
    assert codes(result) == [(3, "formula_no_value"), (4, "formula_no_value")]
    assert [e.params["field"] for e in result.errors] == ["admitted_on", "full_name"]
    assert "Excel" in describe(result.errors[0], "en")
    assert len(result.rows) == 1


def test_merged_cells_are_read_as_empty_outside_the_anchor() -> None:
    rows: list[Sequence[object]] = [
        ["DANH SÁCH ĐẢNG VIÊN"],
        VI_HEADER,
        ["Nguyễn Văn An", "", "01/01/2000", "", "Bí thư", ""],
        ["Trần Văn Bình", "", "01/01/2001", "", "", ""],
        ["Lê Văn Cường", "", "01/01/2002", "", "Đảng viên", ""],
    ]
    result = parse("m.xlsx", xlsx_bytes(rows, merge=["A1:F1", "E3:E4"]))
    assert result.errors == []
    assert [row.role for _, row in result.members()] == ["secretary", "member", "member"]


@pytest.mark.parametrize(
    ("filename", "data"),
    [
        ("broken.xlsx", b"PK\x03\x04" + b"\x00garbage" * 50),
        ("broken.xlsx", b"this is not a workbook"),
        ("old.xls", bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 100),
        ("scan.pdf", b"%PDF-1.4 ..."),
    ],
)
def test_unreadable_files(filename: str, data: bytes) -> None:
    result = parse(filename, data)
    assert result.kind is None and result.rows == [] and result.errors == []
    assert result.file_error == RowError(None, "not_a_spreadsheet", {})
    assert describe(result.file_error, "en").startswith("This is not a readable Excel")


def test_a_zip_that_is_not_a_workbook() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    result = parse("letter.xlsx", buffer.getvalue())
    assert result.file_error is not None and result.file_error.code == "not_a_spreadsheet"


def test_a_zip_bomb_is_too_large() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", b"\x00" * 30_000_000)
    data = buffer.getvalue()
    assert len(data) < 1_000_000
    result = parse("bomb.xlsx", data, max_bytes=1_000_000)
    assert result.file_error is not None and result.file_error.code == "too_complex"


def test_too_many_rows_xlsx_and_csv() -> None:
    rows: list[Sequence[object]] = [VI_HEADER, *member_rows(2500)]
    data = xlsx_bytes(rows, write_only=True)
    result = parse("big.xlsx", data)
    assert result.file_error == RowError(None, "too_many_rows", {"max_rows": 2000})
    assert describe(result.file_error, "vi") == ("Tệp có quá nhiều dòng: tối đa 2000 dòng dữ liệu.")
    assert parse("big.csv", csv_bytes(rows)).file_error is not None
    assert parse("ok.xlsx", data, max_rows=2500).file_error is None


def test_file_size_cap() -> None:
    result = parse("m.csv", b"x" * 101, max_bytes=100)
    assert result.file_error == RowError(None, "too_large", {"max_mb": "0.0001"})
    assert parse("m.csv", b"x" * 100, max_bytes=100).file_error != result.file_error


@pytest.mark.parametrize(
    "data",
    [b"", b"   \n", b"\n\n,,,\n\n\t\n", b"\xef\xbb\xbf"],
)
def test_empty_files(data: bytes) -> None:
    result = parse("m.csv", data)
    assert result.file_error is not None and result.file_error.code == "empty_file"
    assert parse("m.xlsx", xlsx_bytes([[], [None, ""]])).file_error == RowError(
        None, "empty_file", {}
    )


def test_empty_rows_are_skipped_silently() -> None:
    rows: list[Sequence[object]] = [
        VI_HEADER,
        ["Nguyễn Văn An", "", "01/01/2000", "", "", ""],
        [],
        [None, " ", "", None, "", ""],
        ["Trần Văn Bình", "", "01/01/2000", "", "", ""],
    ]
    result = parse("m.xlsx", xlsx_bytes(rows))
    assert result.errors == [] and result.total_lines == 2
    assert [line for line, _ in result.rows] == [2, 5]


def test_missing_required_column_is_a_file_error() -> None:
    result = parse("m.xlsx", xlsx_bytes([["Họ và tên", "Ngày sinh"], ["Nguyễn Văn An", ""]]))
    assert result.file_error == RowError(None, "missing_column", {"columns": "admitted_on"})
    assert describe(result.file_error, "vi") == "Thiếu cột bắt buộc: Ngày vào Đảng."
    assert describe(result.file_error, "en") == (
        "Missing required column(s): admitted_on (Ngày vào Đảng)."
    )


def test_duplicate_column_is_a_file_error() -> None:
    header = ["Họ và tên", "Ngày vào Đảng", "Họ tên"]
    result = parse("m.xlsx", xlsx_bytes([header, ["A", "01/01/2000", "B"]]))
    assert result.file_error == RowError(None, "duplicate_column", {"column": "Họ tên"})


def test_expected_kind_mismatch() -> None:
    data = xlsx_bytes([["Họ và tên", "Tháng", "Số tiền"], ["Nguyễn Văn An", "05/2024", 20000]])
    result = parse("dues.xlsx", data, expect=ImportKind.MEMBERS)
    assert result.file_error == RowError(
        None, "wrong_kind", {"expected": "members", "found": "dues"}
    )
    assert describe(result.file_error, "vi") == (
        "Tệp này là danh sách đảng phí, không phải danh sách đảng viên."
    )
    assert parse("dues.xlsx", data, expect=ImportKind.DUES).kind is ImportKind.DUES


@pytest.mark.parametrize(
    ("cells", "code", "field"),
    [
        (["Nguyễn Văn An", "01/01/2030", "01/01/2000", "", "", ""], "future_date", "birth_date"),
        (["Nguyễn Văn An", "", "02/12/2026", "", "", ""], "future_date", "admitted_on"),
        (["Nguyễn Văn An", "", "", "", "", ""], "missing_value", "admitted_on"),
        (["Nguyễn Văn An", "", "hôm qua", "", "", ""], "bad_date", "admitted_on"),
        (["Nguyễn Văn An", "", "1/1/85", "", "", ""], "bad_date", "admitted_on"),
        (["Nguyễn Văn An", "", "29/02/2001", "", "", ""], "impossible_date", "admitted_on"),
        (["Nguyễn Văn An", "", "2001-13-01", "", "", ""], "impossible_date", "admitted_on"),
        (
            ["Nguyễn Văn An", "01/01/1850", "01/01/2000", "", "", ""],
            "date_out_of_range",
            "birth_date",
        ),
        (["Nguyễn Văn An", "", "01/01/2000", "", "Trưởng thôn", ""], "bad_role", "role"),
        (["12345", "", "01/01/2000", "", "", ""], "bad_name", "full_name"),
        (["Nguyễn\x07 An", "", "01/01/2000", "", "", ""], "control_chars", "full_name"),
        (["Nguyễn\u202eAn", "", "01/01/2000", "", "", ""], "control_chars", "full_name"),
        (["A" * 101, "", "01/01/2000", "", "", ""], "name_too_long", "full_name"),
        (["Nguyễn Văn An", "", "01/01/2000", "", "", "09" + "1" * 600], "cell_too_long", "phone"),
        (["Nguyễn Văn An", "", "01/01/2000", "", "", "#REF!"], "formula_error", "phone"),
    ],
)
def test_member_field_errors(cells: list[object], code: str, field: str) -> None:
    result = parse("m.csv", csv_bytes([VI_HEADER, cells]))
    assert result.rows == []
    assert [(e.line, e.code, e.params.get("field")) for e in result.errors] == [(2, code, field)]
    for lang in ("vi", "en"):
        text = describe(result.errors[0], lang)
        assert text.startswith(("Dòng 2: ", "Line 2: ")) and "{" not in text and "?" not in text


def test_cross_field_date_rules() -> None:
    rows = [
        VI_HEADER,
        ["Nguyễn Văn An", "", "01/06/2010", "01/05/2010", "", ""],
        ["Trần Văn Bình", "02/06/1992", "01/06/2010", "", "", ""],
        ["Lê Văn Cường", "01/06/1992", "01/06/2010", "01/06/2010", "", ""],  # exactly 18: fine
    ]
    result = parse("m.xlsx", xlsx_bytes(rows))
    assert codes(result) == [(2, "official_before_admission"), (3, "too_young_at_admission")]
    assert describe(result.errors[0], "vi") == (
        "Dòng 2: ngày chính thức 01/05/2010 trước ngày vào Đảng 01/06/2010"
    )
    assert describe(result.errors[1], "en") == (
        "Line 3: younger than 18 at admission (born 02/06/1992, admitted 01/06/2010)"
    )
    assert [line for line, _ in result.rows] == [4]


def test_several_problems_on_one_line_are_all_reported() -> None:
    rows = [VI_HEADER, ["", "31/02/1980", "", "", "Vua", "123"]]
    result = parse("m.xlsx", xlsx_bytes(rows))
    assert {e.code for e in result.errors} == {
        "missing_value",
        "impossible_date",
        "bad_role",
        "bad_phone",
    }
    assert {e.line for e in result.errors} == {2}


def test_real_date_cells() -> None:
    rows: list[Sequence[object]] = [
        VI_HEADER,
        ["Nguyễn Văn An", naive(1970, 5, 1), date(2000, 1, 2), naive(2001, 1, 2), "", ""],
    ]
    row = parse("m.xlsx", xlsx_bytes(rows)).members()[0][1]
    assert (row.birth_date, row.admitted_on, row.official_on) == (
        date(1970, 5, 1),
        date(2000, 1, 2),
        date(2001, 1, 2),
    )


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("Bí thư", "secretary"),
        ("BÍ THƯ", "secretary"),
        ("Bi thu", "secretary"),
        ("bí thư chi bộ", "secretary"),
        ("Phó Bí thư", "deputy"),
        ("pho bi thu", "deputy"),
        ("Chi ủy viên", "committee_member"),
        ("Chi uỷ viên", "committee_member"),
        ("Ủy viên", "committee_member"),
        ("Đảng viên", "member"),
        ("Dang vien", "member"),
        ("", "member"),
        ("Secretary", "secretary"),
        ("committee_member", "committee_member"),
        (unicodedata.normalize("NFD", "Phó Bí Thư"), "deputy"),
    ],
)
def test_roles(text: str, role: str) -> None:
    result = parse(
        "m.csv", csv_bytes([VI_HEADER, ["Nguyễn Văn An", "", "01/01/2000", "", text, ""]])
    )
    assert result.errors == []
    assert result.members()[0][1].role == role


@pytest.mark.parametrize(
    ("cell", "phone"),
    [
        ("0912345678", "0912345678"),
        ("0912 345 678", "0912345678"),
        ("0912.345.678", "0912345678"),
        ("0912-345-678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("(+84) 912345678", "0912345678"),
        ("84912345678", "0912345678"),
        ("912345678", "0912345678"),
        (912345678, "0912345678"),
        ("024 3825 1234", "02438251234"),
        ("", None),
    ],
)
def test_phones(cell: object, phone: str | None) -> None:
    result = parse(
        "m.xlsx", xlsx_bytes([VI_HEADER, ["Nguyễn Văn An", "", "01/01/2000", "", "", cell]])
    )
    assert result.errors == []
    assert result.members()[0][1].phone == phone


@pytest.mark.parametrize("cell", ["12345", "091234567890", "0912abc678", "1912345678", "00912345"])
def test_bad_phones(cell: str) -> None:
    result = parse(
        "m.xlsx", xlsx_bytes([VI_HEADER, ["Nguyễn Văn An", "", "01/01/2000", "", "", cell]])
    )
    assert codes(result) == [(2, "bad_phone")]
    assert result.errors[0].params["value"] == cell


# --- households ----------------------------------------------------------------------------


def test_households_file() -> None:
    rows: list[Sequence[object]] = [
        ["DANH SÁCH HỘ GIA ĐÌNH"],
        ["Chủ hộ", "Thôn / Tổ", "Số nhà", "Địa chỉ", "Đảng viên phụ trách", "Ghi chú"],
        ["Nguyễn Văn Hộ", "Tổ 5", 12, "ngõ 3  Trúc Bạch", "Lê Thị Lan", "hộ nghèo"],
        ["Trần Thị Bé", None, None, None, None, None],
        [None, "Tổ 6", "7A", "phố Hàng Bạc", "Lê Thị Lan", None],
        ["Nguyễn Văn Hộ", "Tổ 5", "14", "ngõ 3 Trúc Bạch", None, None],  # same head and address
        ["Phạm Văn Cư", None, None, None, "123", None],
    ]
    result = parse("ho.xlsx", xlsx_bytes(rows))
    assert result.kind is ImportKind.HOUSEHOLDS
    assert result.households()[0] == (
        3,
        HouseholdRow(
            head_name="Nguyễn Văn Hộ",
            address="ngõ 3 Trúc Bạch",
            hamlet="Tổ 5",
            house_number="12",
            member_name="Lê Thị Lan",
            notes="hộ nghèo",
        ),
    )
    assert result.households()[1] == (4, HouseholdRow("Trần Thị Bé", None, None, None, None, None))
    assert codes(result) == [(5, "missing_value"), (6, "duplicate_row"), (7, "bad_name")]
    assert describe(result.errors[0], "vi") == "Dòng 5: thiếu chủ hộ"
    assert (
        describe(result.errors[2], "en") == "Line 7: assigned member '123' is not a person's name"
    )


def test_households_english_headers_csv() -> None:
    rows = [["head", "address", "member", "notes"], ["Nguyễn Văn Hộ", "Hà Nội", "", ""]]
    result = parse("h.csv", csv_bytes(rows))
    assert result.kind is ImportKind.HOUSEHOLDS
    assert result.households()[0][1].member_name is None
    assert result.households()[0][1].address == "Hà Nội"


# --- dues --------------------------------------------------------------------------------


def test_dues_file() -> None:
    rows: list[Sequence[object]] = [
        ["Họ và tên", "Tháng", "Số tiền"],
        ["Nguyễn Văn An", "05/2024", "20.000"],
        ["Trần Văn Bình", "5/2024", "20,000"],
        ["Lê Văn Cường", "2024-05", 20000],
        ["Phạm Văn Dũng", naive(2024, 5, 1), "20.000 đ"],
        ["Hoàng Văn Nam", "Tháng 5/2024", "20000 VNĐ"],
        ["Vũ Văn Minh", "05/2024", 20000.0],
        ["Nguyễn Văn An", "05/2024", "20000"],  # same person, same month
        ["Bùi Văn Hà", "13/2024", "abc"],
        ["Đặng Văn An", "", "0"],
        ["Đặng Văn Thảo", "06/2024", "-5000"],
        ["Đặng Văn Bình", "06/2024", 20000.5],
    ]
    result = parse("dangphi.xlsx", xlsx_bytes(rows))
    assert result.kind is ImportKind.DUES
    assert result.dues()[:2] == [
        (2, DuesRow("Nguyễn Văn An", "2024-05", 20000)),
        (3, DuesRow("Trần Văn Bình", "2024-05", 20000)),
    ]
    assert {row.period for _, row in result.dues()} == {"2024-05"}
    assert {row.amount for _, row in result.dues()} == {20000}
    assert len(result.rows) == 6
    assert [(e.line, e.code, e.params.get("field")) for e in result.errors] == [
        (8, "duplicate_row", None),
        (9, "bad_month", "month"),
        (9, "bad_amount", "amount"),
        (10, "missing_value", "month"),
        (10, "amount_not_positive", "amount"),
        (11, "amount_not_positive", "amount"),
        (12, "bad_amount", "amount"),
    ]
    assert describe(result.errors[1], "vi") == "Dòng 9: tháng '13/2024' không hợp lệ (mm/yyyy)"
    assert describe(result.errors[2], "en") == "Line 9: amount 'abc' is not valid"


def test_dues_english_csv() -> None:
    rows = [["full_name", "month", "amount"], ["Nguyễn Văn An", "2024-12", "1,000,000"]]
    result = parse("dues.csv", csv_bytes(rows))
    assert result.dues() == [(2, DuesRow("Nguyễn Văn An", "2024-12", 1_000_000))]


# --- names -------------------------------------------------------------------------------


def test_name_helpers() -> None:
    nfd = unicodedata.normalize("NFD", "Nguyễn Thị Hương")
    assert nfd != "Nguyễn Thị Hương"
    assert normalize_name(nfd) == "Nguyễn Thị Hương"
    assert normalize_name("  Nguyễn \u00a0 Văn\t\u200bAn  ") == "Nguyễn Văn An"
    assert name_key("NGUYỄN  VĂN AN") == name_key("nguyễn văn an") == name_key("Nguyễn Văn An")
    assert name_key(nfd) == name_key("nguyễn thị hương")
    assert name_key("Nguyễn") != name_key("Nguyen")
    assert fold_accents("Đảng Viên") == "dang vien"
    assert fold_accents(nfd) == "nguyen thi huong"


# --- catalog -------------------------------------------------------------------------------


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_catalog_parity() -> None:
    assert set(vi) == set(en)
    for key in vi:
        assert placeholders(vi[key]) == placeholders(en[key]), key


def test_catalog_covers_every_code_field_and_kind() -> None:
    for code in get_args(ErrorCode):
        assert f"error.{code}" in vi, code
    for columns in COLUMNS.values():
        for column in columns:
            assert f"field.{column.field}" in vi and f"column.{column.field}" in vi
    for kind in ImportKind:
        assert f"kind.{kind.value}" in vi


@pytest.mark.parametrize("code", get_args(ErrorCode))
def test_every_code_describes_without_leftover_placeholders(code: ErrorCode) -> None:
    params: dict[str, str | int] = {
        name: 1 for name in placeholders(vi[f"error.{code}"]) | placeholders(en[f"error.{code}"])
    }
    if "field" in params:
        params["field"] = "birth_date"
    if "columns" in params:
        params["columns"] = "full_name,admitted_on"
    for key in ("expected", "found"):
        if key in params:
            params[key] = "members"
    for line in (None, 3):
        for lang in ("vi", "en"):
            text = describe(RowError(line, code, params), lang)
            assert "{" not in text and "?" not in text and "field." not in text
            assert text[0].isupper()


def test_describe_all_caps_the_list() -> None:
    errors = [RowError(line, "missing_value", {"field": "full_name"}) for line in range(2, 30)]
    lines = describe_all(errors, "en", limit=5)
    assert lines[0] == "Line 2: full name is missing"
    assert lines[-1] == "… (+23)"
    assert len(lines) == 6


# --- hostile input -------------------------------------------------------------------------


def test_rows_are_streamed_and_reading_stops_at_the_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.imports import parser, reader

    pulled = 0
    real = reader.read_rows

    def counting(*args: Any, **kwargs: Any) -> Iterator[Any]:
        nonlocal pulled
        for row in real(*args, **kwargs):
            pulled += 1
            yield row

    monkeypatch.setattr(parser, "read_rows", counting)
    data = xlsx_bytes([VI_HEADER, *member_rows(2500)], write_only=True)
    result = parse_upload("big.xlsx", data, today=TODAY, max_rows=100)
    assert result.file_error == RowError(None, "too_many_rows", {"max_rows": 100})
    assert pulled == 1 + 101


def test_a_long_run_of_empty_rows_ends_the_sheet() -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(VI_HEADER)
    sheet.append(["Nguyễn Văn An", "", "01/01/2000", "", "", ""])
    sheet.cell(row=1_000_000, column=1, value="Trần Văn Bình")
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = parse("m.xlsx", buffer.getvalue())
    assert len(result.rows) == 1
    assert [w.code for w in result.warnings] == ["blank_rows_stop"]


def test_header_only_file_has_no_rows() -> None:
    result = parse("m.xlsx", xlsx_bytes([VI_HEADER]))
    assert result.file_error is None and result.rows == [] and result.total_lines == 0


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=2000), name=st.sampled_from(["a.csv", "a.xlsx", "a", "a.txt"]))
def test_random_bytes_never_raise(data: bytes, name: str) -> None:
    result = parse(name, data)
    assert result.file_error is not None or result.kind is not None


_VALID_XLSX = xlsx_bytes([VI_HEADER, *member_rows(5)])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    flips=st.lists(
        st.tuples(st.integers(0, len(_VALID_XLSX) - 1), st.integers(0, 255)), min_size=1, max_size=8
    )
)
def test_corrupted_workbooks_never_raise(flips: list[tuple[int, int]]) -> None:
    data = bytearray(_VALID_XLSX)
    for position, byte in flips:
        data[position] = byte
    result = parse("m.xlsx", bytes(data))
    assert result.file_error is not None or result.kind is ImportKind.MEMBERS


@settings(max_examples=100, deadline=None)
@given(rows=st.lists(st.lists(st.text(max_size=30), max_size=8), max_size=10))
def test_random_csv_text_never_raises(rows: list[list[str]]) -> None:
    result = parse("m.csv", csv_bytes([VI_HEADER, *rows]))
    assert result.file_error is not None or result.kind is ImportKind.MEMBERS
    assert all(error.line is not None for error in result.errors)
