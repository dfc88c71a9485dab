"""Workbooks in the binary Excel format (BIFF, the real ``.xls``), as sheets of cells.

xlrd 2 reads BIFF only, and reports merged ranges only when it also reads the formatting
(``formatting_info=True``); the formatting is wanted anyway, to print a number the way its
format shows it (a 序号 stored as 1.0 is "1", a code formatted 000000 keeps its zeros). A BIFF
number is a double: one with more digits than a double holds exactly is refused, since a
credit code that went through a float is no longer the code.
"""

from __future__ import annotations

import datetime as dt
import re
import struct

import xlrd
from xlrd.compdoc import CompDocError
from xlrd.sheet import Sheet as XlrdSheet

from ingest.limits import DEFAULT_LIMITS, LimitExceeded, ReadLimits
from ingest.sheet import ReadError, Rows, Sheet, join_lines, resolve_sections
from ingest.sniff import Format, sniff

MAX_ROWS = 65_536  # BIFF8's own limit
MAX_COLS = 256
_EXACT = 10**15  # past 15 digits a double no longer keeps every integer digit as typed
_ZEROS = re.compile(r'^"?(0+)"?$')  # a number format that pads with zeros: 000000


def read_xls(
    data: bytes, *, encoding: str | None = None, limits: ReadLimits = DEFAULT_LIMITS
) -> list[Sheet]:
    """Read every sheet of a BIFF workbook, merged ranges filled in.

    ``encoding`` is for a BIFF5 (Excel 95) file without a code-page record, whose strings
    carry no encoding of their own; it is never guessed. Rows are numbered as Excel shows them.

    Raises:
        ReadError: not a BIFF workbook (saying what the file is instead: an XLSX workbook or an
            HTML table saved with an .xls name), a damaged one, or a number too long to be exact.
        LimitExceeded: more sheets, rows, columns or characters in a cell than ``limits``.
    """
    max_sheets, max_cols = limits.max_sheets, min(limits.max_list_columns, MAX_COLS)
    max_rows = min(limits.max_list_rows, MAX_ROWS)
    kind = sniff(data).format
    if kind is not Format.XLS:
        raise ReadError(f"not a binary Excel workbook but {kind.description}; read it as that")
    try:
        book = xlrd.open_workbook(
            file_contents=data,
            formatting_info=True,
            on_demand=True,
            ragged_rows=True,  # a cell at the last row and column must not pad every row
            encoding_override=encoding,
        )
    # xlrd asserts on some damaged records; struct and index errors come from truncated ones
    except (xlrd.XLRDError, CompDocError, struct.error, IndexError, AssertionError) as exc:
        raise ReadError(f"a damaged .xls workbook: {exc}") from None
    except (LookupError, UnicodeDecodeError) as exc:
        raise ReadError(f"the workbook's text does not decode: {exc}") from None
    with book:
        if book.nsheets > max_sheets:
            what = f"the workbook has {book.nsheets} sheets"
            raise LimitExceeded("max_sheets", what, limits)
        sheets, rows_read = [], 0
        for index in range(book.nsheets):
            ws = book.sheet_by_index(index)
            if ws.nrows > max_rows:
                raise LimitExceeded(
                    "max_list_rows", f"sheet {ws.name!r} has {ws.nrows} rows", limits
                )
            if ws.ncols > max_cols:
                what = f"sheet {ws.name!r} has {ws.ncols} columns"
                raise LimitExceeded("max_list_columns", what, limits)
            rows = _rows(book, ws, limits)
            rows_read += len(rows)
            if rows_read > limits.max_list_rows:
                what = f"the workbook has more than {limits.max_list_rows:,} rows"
                raise LimitExceeded("max_list_rows", what, limits)
            sheets.append(Sheet(ws.name, resolve_sections(rows)))
            book.unload_sheet(index)
    return sheets


def _rows(book: xlrd.Book, ws: XlrdSheet, limits: ReadLimits) -> Rows:
    """The rows that hold a cell (merged ranges filled in), each as wide as its last cell."""
    cells: dict[int, dict[int, str]] = {}
    for r in range(ws.nrows):
        for c in range(ws.row_len(r)):
            if value := _text(book, ws, r, c):
                if len(value) > limits.max_cell_chars:
                    what = f"sheet {ws.name!r} cell {xlrd.cellname(r, c)} has {len(value):,} chars"
                    raise LimitExceeded("max_cell_chars", what, limits)
                cells.setdefault(r, {})[c] = value
    area = sum((rhi - rlo) * (chi - clo) for rlo, rhi, clo, chi in ws.merged_cells)
    if area > 4 * limits.max_list_rows:
        what = f"sheet {ws.name!r} merges {area:,} cells (4 × the row limit at most)"
        raise LimitExceeded("max_list_rows", what, limits)
    for rlo, rhi, clo, chi in ws.merged_cells:
        top = cells.get(rlo, {}).get(clo, "")
        if top:
            for r in range(rlo, rhi):
                for c in range(clo, chi):
                    cells.setdefault(r, {})[c] = top
    width = max((c + 1 for row in cells.values() for c in row), default=0)
    return [(r + 1, [cells[r].get(c, "") for c in range(width)]) for r in sorted(cells)]


def _text(book: xlrd.Book, ws: XlrdSheet, r: int, c: int) -> str:
    cell = ws.cell(r, c)
    kind, value = cell.ctype, cell.value
    if kind == xlrd.XL_CELL_TEXT:
        return join_lines(str(value).splitlines())
    if kind == xlrd.XL_CELL_NUMBER:
        return _number(float(value), _format(book, cell.xf_index), ws.name, r, c)
    if kind == xlrd.XL_CELL_DATE:
        return _date(float(value), book.datemode)
    if kind == xlrd.XL_CELL_BOOLEAN:
        return "TRUE" if value else "FALSE"
    if kind == xlrd.XL_CELL_ERROR:
        return str(xlrd.error_text_from_code.get(int(value), "#ERROR"))
    return ""


def _format(book: xlrd.Book, xf_index: int | None) -> str:
    if xf_index is None or xf_index >= len(book.xf_list):
        return ""
    fmt = book.format_map.get(book.xf_list[xf_index].format_key)
    return str(fmt.format_str) if fmt is not None else ""


def _number(value: float, fmt: str, sheet: str, r: int, c: int) -> str:
    if not value.is_integer():
        return repr(value)
    if abs(value) >= _EXACT:
        raise ReadError(
            f"sheet {sheet!r} cell {xlrd.cellname(r, c)} holds the number {value:.6g}, longer "
            "than the 15 digits a spreadsheet number keeps exactly; a credit code or other "
            "long number must be stored as text"
        )
    digits = str(int(value))
    if (m := _ZEROS.match(fmt)) and value >= 0:
        return digits.zfill(len(m.group(1)))
    return digits


def _date(value: float, datemode: int) -> str:
    try:
        moment = xlrd.xldate.xldate_as_datetime(value, datemode)
    except (xlrd.xldate.XLDateError, OverflowError, ValueError):
        return repr(value)
    if value < 1:
        return moment.time().isoformat()
    if moment.time() == dt.time():
        return moment.date().isoformat()
    return moment.isoformat(sep=" ")
