"""Bytes of an upload -> spreadsheet rows ``(line, cells)``, streamed, first sheet only."""

from __future__ import annotations

import codecs
import csv
import errno
import io
import os
import unicodedata
import warnings
import zipfile
import zlib
from collections.abc import Callable, Generator, Iterator
from datetime import date, datetime, time, timedelta
from typing import IO, Any, Final
from xml.parsers import expat

from bot.imports.values import EXCEL_ERRORS, FORMULA_NO_VALUE, Cell

MAX_COLUMNS: Final = 60
# What a member, household or dues list can never need, checked on the unpacked XML before
# openpyxl builds anything (it holds a whole row, and every shared string, in memory: a
# row of 2,000,000 empty cells in a 0.2 MB file took 2.6 GB and 51 s).
MAX_UNZIPPED: Final = 8_000_000  # bytes the archive may unpack to, all parts together
MAX_ROW_CELLS: Final = 1024  # cells written in one row (formatted blanks included)
MAX_CELLS: Final = 300_000  # cells (and shared strings) in the whole workbook
MAX_CELL_CHARS: Final = 32_767  # Excel's own limit for the text of one cell
_SCAN_CHUNK: Final = 65_536
_ZIP_MAGIC: Final = b"PK\x03\x04"
_XLSX_EXTENSIONS: Final = frozenset({".xlsx", ".xlsm", ".xltx", ".xltm"})
_TEXT_EXTENSIONS: Final = frozenset({".csv", ".tsv", ".txt", ""})
_DELIMITERS: Final = (",", ";", "\t")

Row = tuple[int, tuple[Cell, ...]]


class Unreadable(Exception):
    """The bytes are not a spreadsheet we can read (or they stop being one half-way)."""


def read_rows(filename: str, data: bytes, *, max_unzipped: int) -> Generator[Row, None, None]:
    """Rows of the first sheet, numbered as a spreadsheet shows them (from 1).

    Raises :class:`Unreadable` (possibly while iterating) for anything that is not a
    readable ``.xlsx`` or text/CSV file. The iterator must be closed by the caller.
    """
    ext = os.path.splitext(filename.strip().lower())[1]
    if data.startswith(_ZIP_MAGIC):
        return _guard(_xlsx_rows(data, max_unzipped=max_unzipped))
    if ext in _XLSX_EXTENSIONS or ext not in _TEXT_EXTENSIONS:
        raise Unreadable(f"not a spreadsheet: {ext or 'no extension'}")
    return _guard(_csv_rows(data))


_NO_MEMORY: Final = expat.errors.codes[expat.errors.XML_ERROR_NO_MEMORY]


def out_of_memory(exc: BaseException) -> bool:
    """Whether ``exc``, or what caused it, is the process running out of memory.

    Under the sandbox's address-space cap the allocation that fails is a matter of
    chance, and not every library says so with ``MemoryError``: expat and ElementTree
    report "out of memory" as a parse error, zlib as its own error, the OS as ENOMEM.
    Such a failure is the file's size, never its format."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, MemoryError):
            return True
        if isinstance(current, OSError) and current.errno == errno.ENOMEM:
            return True
        code = getattr(current, "code", None)
        if isinstance(current, (expat.ExpatError, SyntaxError)) and code == _NO_MEMORY:
            return True
        if isinstance(current, zlib.error) and "-4" in str(current):  # Z_MEM_ERROR
            return True
        current = current.__cause__ or current.__context__
    return False


def _unreadable(exc: Exception) -> Exception:
    """What a reader's exception becomes: :class:`Unreadable`, unless memory ran out."""
    if out_of_memory(exc):
        return MemoryError(f"out of memory while reading: {exc}")
    return Unreadable(str(exc))


def _guard(rows: Iterator[Row]) -> Generator[Row, None, None]:
    """Turn any exception of the underlying reader into :class:`Unreadable`."""
    try:
        while True:
            try:
                row = next(rows)
            except StopIteration:
                return
            except (Unreadable, MemoryError):
                raise
            except Exception as exc:  # hostile files break openpyxl/csv in many ways
                raise _unreadable(exc) from exc
            yield row
    finally:
        close = getattr(rows, "close", None)
        if close is not None:
            close()


# --- xlsx --------------------------------------------------------------------------------


class ZipTooLarge(Unreadable):
    """The archive would unpack to more than allowed (a zip bomb or a giant workbook)."""

    def __init__(self, size: int) -> None:
        super().__init__(f"unpacks to {size} bytes")
        self.size = size


class TooComplex(Unreadable):
    """The workbook holds what no list needs (a row of too many cells, a cell too long,
    too many cells): refused before it is parsed."""


def _check_zip(data: bytes, max_unzipped: int) -> None:
    """The archive's declared sizes (zipfile never unpacks past them), then every sheet
    and the shared strings scanned as a stream against the limits above."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
            total = sum(info.file_size for info in parts)
            if total > min(max_unzipped, MAX_UNZIPPED):
                raise ZipTooLarge(total)
            for info in parts:
                name = info.filename.lower()
                if name.endswith(".xml") and (name.startswith("xl/worksheets/")
                                              or name == "xl/sharedstrings.xml"):
                    with archive.open(info) as stream:
                        _scan_part(stream)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, expat.ExpatError,
            zlib.error) as exc:
        raise _unreadable(exc) from exc


class _Counts:
    def __init__(self) -> None:
        self.cells = 0
        self.in_row = 0
        self.chars = 0


def _scan_part(stream: IO[bytes]) -> None:
    """Count cells per row, cells in all, and characters per text, with expat's
    callbacks: nothing of the document is kept, whatever its shape."""
    counts = _Counts()
    parser = expat.ParserCreate()

    def start(name: str, _attrs: dict[str, str]) -> None:
        local = name.rpartition(":")[2]
        counts.chars = 0
        if local == "row":
            counts.in_row = 0
        elif local in ("c", "si"):
            counts.cells += 1
            counts.in_row += 1
            if counts.cells > MAX_CELLS or counts.in_row > MAX_ROW_CELLS:
                raise TooComplex("too many cells")

    def text(data: str) -> None:
        counts.chars += len(data)
        if counts.chars > MAX_CELL_CHARS:
            raise TooComplex("a cell too long")

    def end(_name: str) -> None:
        counts.chars = 0

    def refuse(*_args: object) -> None:
        raise TooComplex("a document type declaration")  # entities: never needed

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.StartDoctypeDeclHandler = refuse
    feed: Callable[[bytes, bool], int] = parser.Parse
    while chunk := stream.read(_SCAN_CHUNK):
        feed(chunk, False)
    feed(b"", True)


def _open_first_sheet(data: bytes, *, data_only: bool) -> tuple[Any, Any]:
    from openpyxl import load_workbook

    workbook = load_workbook(
        io.BytesIO(data), read_only=True, data_only=data_only, keep_links=False
    )
    if not workbook.worksheets:
        workbook.close()
        raise Unreadable("no worksheet")
    sheet = workbook.worksheets[0]
    sheet.reset_dimensions()  # dimensions written by some tools are wrong: read what is there
    return workbook, sheet


def _xlsx_rows(data: bytes, *, max_unzipped: int) -> Iterator[Row]:
    _check_zip(data, max_unzipped)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        values_book, values_sheet = _open_first_sheet(data, data_only=True)
        try:
            formula_book, formula_sheet = _open_first_sheet(data, data_only=False)
        except BaseException:
            values_book.close()
            raise
    try:
        values = values_sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
        formulas = formula_sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
        line = 0
        while True:
            # Both readers stream the same XML: the second one only tells formulas apart.
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                cached = next(values, None)
                raw = next(formulas, None)
            if cached is None:
                return
            line += 1
            yield (
                line,
                tuple(
                    _xlsx_cell(value, raw[i] if raw is not None and i < len(raw) else None)
                    for i, value in enumerate(cached)
                ),
            )
    finally:
        values_book.close()
        formula_book.close()


def _xlsx_cell(value: Any, raw: Any) -> Cell:
    if value is None:
        return FORMULA_NO_VALUE if _is_formula(raw) else None
    if isinstance(value, str | bool | int | float | datetime | date | time | timedelta):
        return value
    return str(value)


def _is_formula(raw: Any) -> bool:
    if isinstance(raw, str):
        return raw.startswith("=")
    # ArrayFormula / DataTableFormula objects
    return raw is not None and type(raw).__name__ in {"ArrayFormula", "DataTableFormula"}


# --- csv ---------------------------------------------------------------------------------


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 (BOM or NUL-interleaved), else Windows-1258."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    sample = data[:4096]
    if b"\x00" in sample:
        even_nuls = sample[0::2].count(0)
        odd_nuls = sample[1::2].count(0)
        return data.decode("utf-16-be" if even_nuls > odd_nuls else "utf-16-le")
    # Windows-1258 keeps tone marks as combining characters: NFC puts them back together.
    return unicodedata.normalize("NFC", data.decode("cp1258"))


def sniff_delimiter(text: str) -> str:
    """``,``, ``;`` or tab: the one that splits the first lines into the most columns."""
    head = text[:65536].splitlines()[:20]
    best, best_score = ",", (0, 0)
    for delimiter in _DELIMITERS:
        counts = [len(row) for row in csv.reader(head, delimiter=delimiter)]
        widest = max(counts, default=0)
        score = (widest, counts.count(widest))
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _csv_rows(data: bytes) -> Iterator[Row]:
    try:
        text = decode_text(data)
    except UnicodeDecodeError as exc:
        raise Unreadable(str(exc)) from exc
    if "\x00" in text:
        raise Unreadable("binary data")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    for line, record in enumerate(reader, start=1):
        yield line, tuple(_csv_cell(field) for field in record[:MAX_COLUMNS])


def _csv_cell(field: str) -> Cell:
    if not field.strip():
        return None
    return field


def is_error_literal(value: Cell) -> bool:
    return isinstance(value, str) and value.strip().upper() in EXCEL_ERRORS
