"""The layouts branches really keep: a corpus of files made here with openpyxl
and csv, each imported with every field of every row checked.

Covered: the standard party member list with a two-row header (*Ngày vào Đảng* merged over
*Dự bị* / *Chính thức*, or over *Ngày kết nạp* / *Ngày chính thức*), title lines above the
table, a row of column numbers, a signature block under it (*Người lập biểu*, *T/M CHI BỘ*,
*BÍ THƯ*, a place-and-date line, a *Tổng cộng* line), header wordings with punctuation and
notes, an STT column, names in capitals, phones stored as numbers or with spaces and dots,
dates as Excel dates, Excel day numbers, ``dd/mm/yyyy``, ``dd-mm-yyyy``, ``dd.mm.yyyy``, the
start in this branch (*Ngày chuyển đến* / *Sinh hoạt tại chi bộ từ* / ``joined_on``), CSV
saved by Excel with ``;`` or ``,``, with or without a BOM, and in Windows-1258.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date

from openpyxl import Workbook

from bot.imports import DuesRow, HouseholdRow, ImportKind, MemberRow, ParsedImport, parse_upload
from tests.unit.test_imports import csv_bytes, naive

TODAY = date(2026, 12, 1)

TITLE = [
    ["ĐẢNG BỘ XÃ TÂN LẬP", None, None, None, "ĐẢNG CỘNG SẢN VIỆT NAM"],
    ["CHI BỘ THÔN 3", None, None, None, "Tân Lập, ngày 01 tháng 12 năm 2026"],
    [],
    ["DANH SÁCH ĐẢNG VIÊN"],
    ["(Tính đến ngày 30/11/2026)"],
]
SIGNATURES = [
    [],
    [None, None, None, None, "Tân Lập, ngày 01 tháng 12 năm 2026"],
    [None, "Người lập biểu", None, None, "T/M CHI BỘ"],
    [None, None, None, None, "BÍ THƯ"],
    [None, "(Ký, ghi rõ họ tên)", None, None, "(Ký, ghi rõ họ tên)"],
    [],
    [None, "Lê Văn Lập", None, None, "Trần Thị Bí Thư"],
]


def xlsx(rows: Sequence[Sequence[object]], merge: Sequence[str] = ()) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    for cells in merge:
        sheet.merge_cells(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def parse(name: str, data: bytes) -> ParsedImport:
    result = parse_upload(name, data, today=TODAY)
    assert result.file_error is None, result.file_error
    assert result.errors == [], result.errors
    return result


def members(result: ParsedImport) -> list[tuple[int, MemberRow]]:
    assert result.kind is ImportKind.MEMBERS
    return result.members()


# The same five members in every member file.
EXPECTED = [
    MemberRow("Nguyễn Văn An", date(1958, 3, 2), date(1980, 5, 19), date(1981, 5, 19),
              "secretary", "0912345678"),
    MemberRow("Trần Thị Bình", date(1975, 11, 20), date(2000, 2, 3), date(2001, 2, 3),
              "deputy", "0987654321"),
    MemberRow("Đặng Văn Cường", date(1990, 1, 15), date(2015, 9, 2), date(2016, 9, 2),
              "committee_member", "0903111222"),
    MemberRow("Lê Thị Đào", date(2001, 7, 7), date(2026, 3, 8), None, "member", "0356777888"),
    MemberRow("Phạm Văn Ê", None, date(1995, 12, 22), date(1996, 12, 22), "member", None),
]


def with_joined(*joined: date | None) -> list[MemberRow]:
    return [MemberRow(m.full_name, m.birth_date, m.admitted_on, m.official_on, m.role,
                      m.phone, j) for m, j in zip(EXPECTED, joined, strict=True)]


def test_standard_list_two_row_header_merged_official_dates_kept() -> None:
    """1. The standard layout: titles, STT, a two-row header with *Ngày vào Đảng* merged
    over *Dự bị* / *Chính thức*, column numbers, names in capitals, phones stored as
    numbers (leading 0 lost), Excel dates, and the signature block."""
    rows: list[list[object]] = [*TITLE, [
        "STT", "Họ và tên", "Ngày, tháng, năm sinh", "Ngày vào Đảng", None, "Chức vụ",
        "Số điện thoại (di động)"],
        [None, None, None, "Dự bị", "Chính thức", None, None],
        ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)"],
        [1, "NGUYỄN VĂN AN", naive(1958, 3, 2), naive(1980, 5, 19), naive(1981, 5, 19),
         "Bí thư", 912345678],
        [2, "TRẦN THỊ BÌNH", naive(1975, 11, 20), naive(2000, 2, 3), naive(2001, 2, 3),
         "Phó Bí thư", 987654321],
        [3, "ĐẶNG VĂN CƯỜNG", naive(1990, 1, 15), naive(2015, 9, 2), naive(2016, 9, 2),
         "Chi ủy viên", 903111222],
        [4, "LÊ THỊ ĐÀO", naive(2001, 7, 7), naive(2026, 3, 8), None, "Đảng viên", 356777888],
        [5, "PHẠM VĂN Ê", None, naive(1995, 12, 22), naive(1996, 12, 22), None, None],
        *SIGNATURES]
    data = xlsx(rows, merge=["A1:C1", "A2:C2", "A4:G4", "A5:G5", "A6:A7", "B6:B7", "C6:C7",
                             "D6:E6", "F6:F7", "G6:G7"])
    result = parse("danh-sach-dang-vien.xlsx", data)
    assert result.header_line == 7
    assert members(result) == list(zip(range(9, 14), EXPECTED, strict=True))
    assert result.total_lines == 5


def test_ket_nap_and_chinh_thuc_under_one_heading_text_dates_and_the_start_here() -> None:
    """2. *Ngày vào Đảng* over *Ngày kết nạp* / *Ngày chính thức*, dates typed as text in
    three ways, phones with dots and spaces, and *Ngày chuyển đến*."""
    rows: list[list[object]] = [
        ["DANH SÁCH ĐẢNG VIÊN CHI BỘ THÔN 3"],
        ["TT", "Họ và tên đảng viên", "Ngày sinh", "Ngày vào Đảng", None, "Chức vụ",
         "Điện thoại", "Ngày chuyển đến"],
        [None, None, None, "Ngày kết nạp", "Ngày chính thức", None, None, None],
        [1, "Nguyễn Văn An", "02/03/1958", "19.05.1980", "19-05-1981", "Bí thư chi bộ",
         "0912.345.678", "01/01/2010"],
        [2, "Trần Thị Bình", "20-11-1975", "03/02/2000", "03.02.2001", "Phó bí thư",
         "0987 654 321", None],
        [3, "Đặng Văn Cường", "15.01.1990", "2/9/2015", "2/9/2016", "Ủy viên",
         "+84 903 111 222", "15/06/2024"],
        [4, "Lê Thị Đào", "7/7/2001", "08/03/2026", None, None, "0356-777-888", None],
        [5, "Phạm Văn Ê", None, "22/12/1995", "22/12/1996", "đảng viên", None, None],
        [],
        [None, "Người lập danh sách", None, None, "T/M CHI BỘ"],
    ]
    data = xlsx(rows, merge=["A1:H1", "A2:A3", "B2:B3", "C2:C3", "D2:E2", "F2:F3", "G2:G3",
                             "H2:H3"])
    result = parse("dv.xlsx", data)
    assert members(result) == list(zip(range(4, 9), with_joined(
        date(2010, 1, 1), None, date(2024, 6, 15), None, None), strict=True))


def test_excel_csv_semicolon_with_bom_punctuated_headers() -> None:
    """3. CSV UTF-8 saved by Excel with a Vietnamese list separator: ``;`` and a BOM;
    headers with colons, commas and notes; *Sinh hoạt tại chi bộ từ*."""
    rows = [
        ["STT", "Họ và tên:", "Ngày, tháng, năm sinh (dd/mm/yyyy)", "Ngày vào Đảng *",
         "Ngày chính thức", "Chức vụ", "SĐT", "Sinh hoạt tại chi bộ từ"],
        ["1", "Nguyễn Văn An", "02/03/1958", "19/05/1980", "19/05/1981", "Bí thư",
         "0912345678", "01/02/2003"],
        ["2", "Trần Thị Bình", "20/11/1975", "03/02/2000", "03/02/2001", "Phó Bí thư",
         "0987654321", ""],
        ["3", "Đặng Văn Cường", "15/01/1990", "02/09/2015", "02/09/2016", "Chi ủy viên",
         "0903111222", ""],
        ["4", "Lê Thị Đào", "07/07/2001", "08/03/2026", "", "", "0356777888", "08/03/2026"],
        ["5", "Phạm Văn Ê", "", "22/12/1995", "22/12/1996", "", "", ""],
    ]
    data = csv_bytes(rows, delimiter=";", bom=True)
    result = parse("danh sach.csv", data)
    assert members(result) == list(zip(range(2, 7), with_joined(
        date(2003, 2, 1), None, None, date(2026, 3, 8), None), strict=True))


def test_legacy_windows_csv_cp1258_with_titles_and_signature() -> None:
    """4. CSV from an old Vietnamese Windows (cp1258), ``,``, no BOM, a title line, Excel
    day numbers in a date column, and a signature line."""
    rows: list[list[object]] = [
        ["CHI BỘ THÔN 3 - DANH SÁCH ĐẢNG VIÊN", "", "", "", "", ""],
        ["Họ tên", "Năm sinh", "Ngày kết nạp", "Ngày chính thức", "Chức vụ", "Số điện thoại"],
        ["NGUYỄN VĂN AN", "02/03/1958", "29360", "19/05/1981", "Bí thư", "912345678"],
        ["Trần Thị Bình", "20/11/1975", "03/02/2000", "03/02/2001", "Phó Bí thư", "0987654321"],
        ["Đặng Văn Cường", "15/01/1990", "02/09/2015", "02/09/2016", "Chi ủy viên",
         "0903111222"],
        ["Lê Thị Đào", "07/07/2001", "08/03/2026", "", "", "0356777888"],
        ["Phạm Văn Ê", "", "22/12/1995", "22/12/1996", "", ""],
        ["", "", "", "", "", ""],
        ["", "", "", "", "T/M CHI BỘ", ""],
        ["", "", "", "", "BÍ THƯ", ""],
    ]
    data = csv_bytes(rows, encoding="cp1258")
    try:
        data.decode("utf-8")
        raise AssertionError("the file must not be valid UTF-8")
    except UnicodeDecodeError:
        pass
    result = parse("DANHSACH.CSV", data)
    # 29360 is Excel's day number of 19/05/1980, as a CSV of a General-formatted cell holds it.
    assert members(result) == list(zip(range(3, 8), EXPECTED, strict=True))


def test_english_csv_with_joined_on_and_a_total_line() -> None:
    """5. Plain UTF-8 CSV with ``,``, English headers including ``joined_on``."""
    rows = [
        ["No", "full_name", "birth_date", "admitted_on", "official_on", "role", "phone",
         "joined_on"],
        ["1", "Nguyễn Văn An", "1958-03-02", "1980-05-19", "1981-05-19", "secretary",
         "0912 345 678", "2010-01-01"],
        ["2", "Trần Thị Bình", "20/11/1975", "03/02/2000", "03/02/2001", "deputy",
         "0987654321", ""],
        ["3", "Đặng Văn Cường", "15/01/1990", "02/09/2015", "02/09/2016", "committee_member",
         "0903111222", ""],
        ["4", "Lê Thị Đào", "07/07/2001", "08/03/2026", "", "member", "0356777888", ""],
        ["5", "Phạm Văn Ê", "", "22/12/1995", "22/12/1996", "", "", ""],
        ["", "Tổng số: 5 đảng viên", "", "", "", "", "", ""],
    ]
    result = parse("members.csv", csv_bytes(rows))
    assert members(result) == list(zip(range(2, 7), with_joined(
        date(2010, 1, 1), None, None, None, None), strict=True))


def test_household_list_with_titles_stt_capitals_and_signature() -> None:
    """6. Households: titles, STT, *Họ và tên chủ hộ*, assigned members in capitals,
    house numbers as numbers, the signature block."""
    rows: list[list[object]] = [
        ["CHI BỘ THÔN 3"], ["DANH SÁCH HỘ GIA ĐÌNH ĐẢNG VIÊN PHỤ TRÁCH"], [],
        ["STT", "Họ và tên chủ hộ", "Thôn/Tổ", "Số nhà", "Địa chỉ", "Đảng viên phụ trách",
         "Ghi chú"],
        [1, "NGÔ VĂN HẢI", "Tổ 1", 12, "Ngõ 3", "NGUYỄN VĂN AN", "Hộ nghèo"],
        [2, "Vũ Thị Gấm", "Tổ 1", "14A", "Ngõ 3", "Trần Thị Bình", None],
        [3, "Đỗ Văn Khánh", "Tổ 2", None, "Xóm Đông", None, "Gia đình chính sách"],
        [],
        [None, "Người lập biểu", None, None, "T/M CHI BỘ"],
        [None, None, None, None, "BÍ THƯ"],
        [None, "Lê Văn Lập", None, None, "Trần Thị Bí Thư"],
    ]
    result = parse("ho.xlsx", xlsx(rows, merge=["A1:G1", "A2:G2"]))
    assert result.kind is ImportKind.HOUSEHOLDS
    assert result.households() == [
        (5, HouseholdRow("Ngô Văn Hải", "Ngõ 3", "Tổ 1", "12", "Nguyễn Văn An", "Hộ nghèo")),
        (6, HouseholdRow("Vũ Thị Gấm", "Ngõ 3", "Tổ 1", "14A", "Trần Thị Bình", None)),
        (7, HouseholdRow("Đỗ Văn Khánh", "Xóm Đông", "Tổ 2", None, None,
                         "Gia đình chính sách")),
    ]


def test_household_csv_cp1258_semicolon() -> None:
    """7. Households as CSV from an old Windows: cp1258 and ``;``."""
    rows = [
        ["Chủ hộ", "Địa chỉ", "Đảng viên theo dõi", "Ghi chú"],
        ["Ngô Văn Hải", "Ngõ 3, Tổ 1", "Nguyễn Văn An", "Hộ nghèo"],
        ["Vũ Thị Gấm", "Ngõ 5, Tổ 1", "Trần Thị Bình", ""],
        ["", "", "", ""],
        ["Tân Lập, ngày 01 tháng 12 năm 2026", "", "", ""],
    ]
    result = parse("ho.csv", csv_bytes(rows, delimiter=";", encoding="cp1258"))
    assert result.households() == [
        (2, HouseholdRow("Ngô Văn Hải", "Ngõ 3, Tổ 1", None, None, "Nguyễn Văn An",
                         "Hộ nghèo")),
        (3, HouseholdRow("Vũ Thị Gấm", "Ngõ 5, Tổ 1", None, None, "Trần Thị Bình", None)),
    ]


def test_dues_sheet_with_titles_total_line_and_signature() -> None:
    """8. Dues: titles, STT, months written three ways, amounts as numbers and text, a
    *Tổng cộng* line and the signature block."""
    rows: list[list[object]] = [
        ["CHI BỘ THÔN 3"], ["SỔ THU ĐẢNG PHÍ THÁNG 11/2026"], [],
        ["STT", "Họ và tên", "Tháng", "Số tiền (đồng)"],
        [1, "NGUYỄN VĂN AN", "11/2026", 20000],
        [2, "Trần Thị Bình", "Tháng 11/2026", "20.000"],
        [3, "Đặng Văn Cường", naive(2026, 11, 1), "15.000 đ"],
        [None, "Tổng cộng", None, 55000],
        [],
        [None, "Người thu", None, "T/M CHI BỘ"],
    ]
    result = parse("dang-phi.xlsx", xlsx(rows, merge=["A1:D1", "A2:D2"]))
    assert result.kind is ImportKind.DUES
    assert result.dues() == [
        (5, DuesRow("Nguyễn Văn An", "2026-11", 20000)),
        (6, DuesRow("Trần Thị Bình", "2026-11", 20000)),
        (7, DuesRow("Đặng Văn Cường", "2026-11", 15000)),
    ]


def test_dues_csv_comma_with_bom() -> None:
    """9. Dues as CSV UTF-8 with a BOM and ``,``."""
    rows = [["Họ và tên", "Tháng", "Đảng phí"],
            ["Nguyễn Văn An", "10/2026", "20,000"],
            ["Lê Thị Đào", "2026-10", "10000"]]
    result = parse("dp.csv", csv_bytes(rows, bom=True))
    assert result.dues() == [(2, DuesRow("Nguyễn Văn An", "2026-10", 20000)),
                             (3, DuesRow("Lê Thị Đào", "2026-10", 10000))]


def test_a_bad_row_above_the_signature_is_still_reported() -> None:
    """The signature block ends the table; a bad data row above it is still an error,
    even when its role is *Bí thư*."""
    rows: list[list[object]] = [
        ["Họ và tên", "Ngày vào Đảng", "Chức vụ"],
        ["Nguyễn Văn An", "31/02/1980", "Bí thư"],
        ["Trần Thị Bình", "03/02/2000", ""],
        [None, "T/M CHI BỘ", None],
        [None, "BÍ THƯ", None],
    ]
    result = parse_upload("x.xlsx", xlsx(rows), today=TODAY)
    assert [(e.line, e.code) for e in result.errors] == [(2, "impossible_date")]
    assert [line for line, _ in result.rows] == [3]
