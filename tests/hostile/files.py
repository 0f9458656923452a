"""Hostile uploads: wrong types, empty, broken archives, formulas, merged cells, 100,000 rows.

Each payload is built once per process (``functools.cache``). The 100,000-row workbook is
written as raw worksheet XML into a zip (a third of a second, where openpyxl takes many),
without the ``<dimension>`` element Excel writes, so a reader must scan all of it.
"""

from __future__ import annotations

import functools
import io
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from openpyxl import Workbook

MEMBER_HEADER = ["Họ và tên", "Ngày sinh", "Ngày vào Đảng", "Ngày chính thức", "Chức vụ",
                 "Điện thoại"]
HOUSEHOLD_HEADER = ["Chủ hộ", "Thôn/Tổ", "Số nhà", "Địa chỉ", "Đảng viên phụ trách", "Ghi chú"]
DUES_HEADER = ["Họ và tên", "Tháng", "Số tiền"]
HUGE_ROWS = 100_000
ZW = "\u200b\u200c\u200d\u2060\ufeff"
RTL = "\u202e\u200f\u061c"


@dataclass(frozen=True)
class Upload:
    """A document as a person sends it: its name, bytes and MIME type."""

    filename: str
    data: bytes
    mime_type: str | None = None


def _xlsx(rows: Sequence[Sequence[object]], *, merge: tuple[str, ...] = ()) -> bytes:
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


def _members_with_formulas() -> bytes:
    return _xlsx([
        MEMBER_HEADER,
        ["=HYPERLINK(\"http://evil.example\",\"Nguyễn Văn A\")", "01/01/1980", "=TODAY()",
         "=1/0", "=A1", "=cmd|' /C calc'!A0"],
        ["Trần Thị B", "=DATE(1985,2,31)", "31/02/2010", "29/02/2011", "Bí thư",
         "+84 912 345 678"],
        ["@SUM(1+1)*cmd|' /C calc'!A0", "01/01/1990", "01/01/2010", "", "member", "-1"],
        ["Lê Văn C" + ZW, "=NOW()", "01/01/2010", "", "=\"secretary\"", "#REF!"],
    ])


def _members_merged() -> bytes:
    rows: list[Sequence[object]] = [
        ["DANH SÁCH ĐẢNG VIÊN" + RTL, None, None, None, None, None],
        MEMBER_HEADER,
        ["Phạm Văn D", "01/01/1970", "01/01/2000", "01/01/2001", "Đảng viên", "0912345678"],
        ["Hoàng Thị E", "01/01/1971", "01/01/2000", "01/01/2001", "Đảng viên", "0912345679"],
        ["Vũ Văn G", "01/01/1972", "01/01/2000", "01/01/2001", "Đảng viên", "0912345670"],
    ]
    return _xlsx(rows, merge=("A1:F1", "A3:A4", "E3:F5", "B4:D5"))


def _households_hostile() -> bytes:
    long_name = ("Nguyễn" + ZW + RTL) * 1_500
    return _xlsx([
        HOUSEHOLD_HEADER,
        [long_name, "Thôn 3", "12", "Xóm " + RTL + "Đông", "Đảng viên 01-002", "ghi chú"],
        ["Chủ Hộ " + ZW, "=1/0", "=ROW()", None, "Không Có Ai", "=HYPERLINK(\"x\")"],
        ["Hộ Bình Thường", "Thôn 1", "1", "Số 1", "Đảng viên 02-003", "\u200b\u202e"],
    ])


def _dues_hostile() -> bytes:
    return _xlsx([
        DUES_HEADER,
        ["Đảng viên 01-002", "13/2026", "20000"],
        ["Đảng viên 01-003", "02/2026", "-5"],
        ["Đảng viên 01-004", "=TODAY()", "=1/0"],
        ["Đảng viên 01-005", "00/0000", "1e309"],
        ["Đảng viên 01-006", "12/2026", "99999999999999999999"],
    ])


def _valid_members() -> bytes:
    return _xlsx([
        MEMBER_HEADER,
        ["Đinh Văn Mới", "02/03/1990", "03/02/2015", "03/02/2016", "Đảng viên", "0987654321"],
        ["Ngô Thị " + RTL + "Lạ", "31/12/1999", "01/06/2020", "", "", ""],
    ])


def _huge_xml(rows: int) -> bytes:
    """A valid ``.xlsx`` of ``rows`` member rows, written without openpyxl (fast)."""
    def cell(ref: str, text: str) -> str:
        return f'<c r="{ref}" t="inlineStr"><is><t>{escape(text)}</t></is></c>'

    lines = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
             '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             "<sheetData>"]
    header = "".join(cell(f"{col}1", name) for col, name in zip("ABCDEF", MEMBER_HEADER,
                                                               strict=True))
    lines.append(f'<row r="1">{header}</row>')
    for r in range(2, rows + 2):
        lines.append(f'<row r="{r}">{cell(f"A{r}", f"Đảng viên Giả {r}")}'
                     f'{cell(f"C{r}", "01/01/2000")}</row>')
    lines.append("</sheetData></worksheet>")
    sheet = "".join(lines).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            "</Types>"))
        archive.writestr("_rels/.rels", (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'))
        archive.writestr("xl/workbook.xml", (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'))
        archive.writestr("xl/_rels/workbook.xml.rels", (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'))
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return out.getvalue()


@functools.cache
def huge_workbook() -> bytes:
    return _huge_xml(HUGE_ROWS)


def _broken_zip() -> bytes:
    good = _valid_members()
    return good[: len(good) // 2]


def _zip_not_workbook() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "xin chào")
    return out.getvalue()


def _zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * 120_000_000)
    return out.getvalue()


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

BUILDERS: dict[str, Callable[[], Upload]] = {
    "empty": lambda: Upload("danh-sach.xlsx", b"", XLSX),
    "whitespace": lambda: Upload("danh-sach.csv", b" \n\t\r\n ", "text/csv"),
    "pdf": lambda: Upload("bien-ban.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n",
                          "application/pdf"),
    "jpeg_as_xlsx": lambda: Upload("anh.xlsx", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" * 50, XLSX),
    "binary_csv": lambda: Upload("du-lieu.csv", bytes(range(256)) * 20, "text/csv"),
    "exe": lambda: Upload("setup.exe", b"MZ\x90\x00" + b"\x00" * 500,
                          "application/x-msdownload"),
    "no_name": lambda: Upload("", b"Ho va ten,Ngay vao Dang\nA,01/01/2000\n", None),
    "formulas": lambda: Upload("dang-vien.xlsx", _members_with_formulas(), XLSX),
    "merged": lambda: Upload("dang-vien.xlsx", _members_merged(), XLSX),
    "households": lambda: Upload("ho-gia-dinh.xlsx", _households_hostile(), XLSX),
    "dues": lambda: Upload("dang-phi.xlsx", _dues_hostile(), XLSX),
    "valid_members": lambda: Upload("dang-vien-moi.xlsx", _valid_members(), XLSX),
    "huge_rows": lambda: Upload("100k.xlsx", huge_workbook(), XLSX),
    "broken_zip": lambda: Upload("hong.xlsx", _broken_zip(), XLSX),
    "zip_not_workbook": lambda: Upload("nen.xlsx", _zip_not_workbook(), "application/zip"),
    "zip_bomb": lambda: Upload("bom.xlsx", _zip_bomb(), XLSX),
    "csv_cp1258": lambda: Upload("dv.csv", "Họ và tên;Ngày vào Đảng\nLê Thị Ả;01/01/2000\n"
                                 .encode("cp1258", errors="replace"), "text/csv"),
    "csv_utf16": lambda: Upload("dv.csv", "Họ và tên\tNgày vào Đảng\n31/02/2020\t25:61\n"
                                .encode("utf-16"), "text/csv"),
    "csv_injection": lambda: Upload("dv.csv", (
        "Họ và tên,Ngày vào Đảng,Điện thoại\n=cmd|' /C calc'!A0,01/01/2000,+1-2\n"
        "\"Nguyễn \"\"Trích\"\" Dẫn\",31/02/2000,0\n\"không đóng ngoặc,01/01/2000\n"
    ).encode(), "text/csv"),
    "long_cells_csv": lambda: Upload("dv.csv", ("Họ và tên,Ngày vào Đảng\n"
                                                + ("A" * 10_000) + ",01/01/2000\n").encode(),
                                     "text/csv"),
}
NAMES = tuple(BUILDERS)


@functools.cache
def upload(name: str) -> Upload:
    return BUILDERS[name]()
