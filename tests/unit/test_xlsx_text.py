"""Every workbook the bot writes keeps text as text: the export's
writer is also the links workbook's, so one check covers both."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from bot.core.xlsx import Workbook

TYPED = ['=HYPERLINK("http://evil.example/x","A")', "=cmd|' /C calc'!A0", "+1+1", "-2",
         "@SUM(A1:A2)", "=1+1"]


def test_formula_like_text_is_written_as_typed() -> None:
    book = Workbook()
    book.add_sheet("Tên", ["Họ và tên", "Ghi chú"], [30, 30], ([v, v] for v in TYPED))
    sheet = load_workbook(io.BytesIO(book.to_bytes())).worksheets[0]
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row]
    assert [c.value for c in cells] == [v for v in TYPED for _ in range(2)]
    assert {c.data_type for c in cells} == {"s"}
