"""Hostile uploads are refused quickly, before they can take the bot's memory: a
row of 2,000,000 cells in a 0.2 MB workbook, one 90 MB cell, a zip bomb.
Each gets the one-line refusal in under 2 s, and the process barely grows."""

from __future__ import annotations

import io
import resource
import time
import zipfile
from collections.abc import Callable
from datetime import date

import pytest

from bot.imports import describe, parse_upload
from tests.unit.test_imports import VI_HEADER, member_rows, xlsx_bytes

TODAY = date(2026, 12, 1)
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def _workbook(sheet: bytes, shared: bytes | None = None) -> bytes:
    """A minimal valid .xlsx around ``sheet`` (and ``shared`` strings)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'))
        z.writestr("_rels/.rels", (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="'
            'http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="xl/workbook.xml"/></Relationships>'))
        z.writestr("xl/workbook.xml", (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook {NS} xmlns:r="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" '
            'sheetId="1" r:id="rId1"/></sheets></workbook>'))
        z.writestr("xl/_rels/workbook.xml.rels", (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="'
            'http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
            'Target="worksheets/sheet1.xml"/></Relationships>'))
        z.writestr("xl/worksheets/sheet1.xml", sheet)
        if shared is not None:
            z.writestr("xl/sharedStrings.xml", shared)
    return out.getvalue()


def wide_row(cells: int) -> bytes:
    """One row of ``cells`` empty cells: 0.2 MB zipped for 2,000,000."""
    return (f'<worksheet {NS}><sheetData><row r="1">'.encode() + b"<c/>" * cells
            + b"</row></sheetData></worksheet>")


def one_huge_cell(chars: int) -> bytes:
    sheet = (f'<worksheet {NS}><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row>'
             "</sheetData></worksheet>").encode()
    shared = (f'<sst {NS} count="1" uniqueCount="1"><si><t>'.encode() + b"A" * chars
              + b"</t></si></sst>")
    return _workbook(sheet, shared)


def zip_bomb() -> bytes:
    return _workbook(b"\0" * 120_000_000)


HOSTILE = {
    "a row of 2,000,000 cells": lambda: _workbook(wide_row(2_000_000)),
    "a row of 200,000 cells": lambda: _workbook(wide_row(200_000)),
    "1,750,000 cells in rows of 1,000": lambda: _workbook(
        f'<worksheet {NS}><sheetData>'.encode() + b"<row>" + b"<c/>" * 1000 + b"</row>" * 1
        + (b"<row>" + b"<c/>" * 1000 + b"</row>") * 1749 + b"</sheetData></worksheet>"),
    "one 90 MB cell": lambda: one_huge_cell(90_000_000),
    "a zip bomb": zip_bomb,
}


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_file_is_refused_in_one_line_quickly(name: str) -> None:
    data = HOSTILE[name]()
    assert len(data) < 300_000, len(data)
    peak = _peak_rss_mb()
    started = time.perf_counter()
    result = parse_upload("ds.xlsx", data, today=TODAY)
    took = time.perf_counter() - started
    grew = _peak_rss_mb() - peak
    print(f"{name}: {len(data) / 1e6:.2f} MB file, refused in {took:.2f} s, "
          f"peak RSS +{grew:.0f} MB")
    assert result.file_error is not None and result.file_error.code == "too_complex"
    line = describe(result.file_error, "vi")
    assert "\n" not in line and line.startswith("Tệp này không đọc được an toàn")
    assert took < 2.0
    assert grew < 100


def test_an_ordinary_long_list_is_still_read() -> None:
    data = xlsx_bytes([VI_HEADER, *member_rows(1500)], write_only=True)
    result = parse_upload("ds.xlsx", data, today=TODAY)
    assert result.file_error is None and len(result.rows) == 1500


def test_the_parser_runs_under_a_memory_ceiling() -> None:
    """The last line of defence: the child reading the file has a capped address space.
    The same ordinary list is read under the default ceiling and refused, in one line,
    under one too small for it; the bot's own memory does not grow either way."""
    from bot.imports.sandbox import parse_isolated

    data = xlsx_bytes([VI_HEADER, *member_rows(2000)], write_only=True)
    peak = _peak_rss_mb()
    read = parse_isolated("ds.xlsx", data, today=TODAY, max_bytes=5_000_000, memory_mb=512)
    assert read.file_error is None and len(read.rows) == 2000
    starved = parse_isolated("ds.xlsx", data, today=TODAY, max_bytes=5_000_000, memory_mb=24)
    assert starved.file_error is not None and starved.file_error.code == "too_complex"
    assert _peak_rss_mb() - peak < 30


def _expat_error(code: int) -> Exception:
    from xml.parsers import expat

    error = expat.ExpatError(f"{expat.ErrorString(code)}: line 1, column 0")
    error.code = code
    return error


def _parse_error(code: int) -> Exception:
    from xml.etree.ElementTree import ParseError

    error = ParseError("parse error")
    error.code = code
    return error


OUT_OF_MEMORY: dict[str, Callable[[], Exception]] = {
    "MemoryError": lambda: MemoryError(),
    "expat": lambda: _expat_error(1),
    "ElementTree": lambda: _parse_error(1),
    "ENOMEM": lambda: OSError(12, "Cannot allocate memory"),
    "zlib": lambda: __import__("zlib").error("Error -4 while decompressing data"),
}
NOT_MEMORY: dict[str, Callable[[], Exception]] = {
    "expat syntax": lambda: _expat_error(2),
    "ElementTree syntax": lambda: _parse_error(4),
    "EIO": lambda: OSError(5, "I/O error"),
    "zlib data": lambda: __import__("zlib").error("Error -3 while decompressing data"),
}


@pytest.mark.parametrize("name", sorted(OUT_OF_MEMORY))
def test_running_out_of_memory_is_never_called_a_bad_format(
        name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Under the sandbox's cap the allocation that fails is a matter of chance, and many
    libraries report it as a parse or I/O error (CI once answered "not a spreadsheet" for
    a list that was only too big for 24 MB). Every such shape leaves the parser as a
    MemoryError, which the sandbox answers with the "too big to read safely" line."""
    import bot.imports.reader as reader

    def fails(data: bytes, *, data_only: bool) -> tuple[object, object]:
        raise OUT_OF_MEMORY[name]()

    monkeypatch.setattr(reader, "_open_first_sheet", fails)
    with pytest.raises(MemoryError):
        parse_upload("ds.xlsx", xlsx_bytes([VI_HEADER, *member_rows(3)]), today=TODAY)


@pytest.mark.parametrize("name", sorted(NOT_MEMORY))
def test_a_broken_file_is_still_not_a_spreadsheet(
        name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import bot.imports.reader as reader

    def fails(data: bytes, *, data_only: bool) -> tuple[object, object]:
        raise NOT_MEMORY[name]()

    monkeypatch.setattr(reader, "_open_first_sheet", fails)
    result = parse_upload("ds.xlsx", xlsx_bytes([VI_HEADER, *member_rows(3)]), today=TODAY)
    assert result.file_error is not None and result.file_error.code == "not_a_spreadsheet"


def test_a_library_error_raised_while_memory_ran_out_is_memory(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import bot.imports.reader as reader

    def fails(data: bytes, *, data_only: bool) -> tuple[object, object]:
        try:
            raise MemoryError
        except MemoryError:
            raise KeyError("lookup failed while handling it")  # noqa: B904

    monkeypatch.setattr(reader, "_open_first_sheet", fails)
    with pytest.raises(MemoryError):
        parse_upload("ds.xlsx", xlsx_bytes([VI_HEADER, *member_rows(3)]), today=TODAY)
