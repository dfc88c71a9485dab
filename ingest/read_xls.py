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

from ingest.sheet import ReadError, Rows, Sheet, TooLargeError, join_lines, resolve_sections
from ingest.sniff import Format, sniff

MAX_SHEETS = 256
MAX_ROWS = 65_536  # BIFF8's own limit
MAX_COLS = 256
_EXACT = 10**15  # past 15 digits a double no longer keeps every integer digit as typed
_ZEROS = re.compile(r'^"?(0+)"?$')  # a number format that pads with zeros: 000000


def read_xls(
    data: bytes,
    *,
    encoding: str | None = None,
    max_sheets: int = MAX_SHEETS,
    max_rows: int = MAX_ROWS,
    max_cols: int = MAX_COLS,
) -> list[Sheet]:
    """Read every sheet of a BIFF workbook, merged ranges filled in.

    ``encoding`` is for a BIFF5 (Excel 95) file without a code-page record, whose strings
    carry no encoding of their own; it is never guessed. Rows are numbered as Excel shows them.

    Raises:
        ReadError: not a BIFF workbook (saying what the file is instead: an XLSX workbook or an
            HTML table saved with an .xls name), a damaged one, or a number too long to be exact.
        TooLargeError: more than ``max_sheets`` sheets, or a sheet past ``max_rows`` / ``max_cols``.
    """
    kind = sniff(data).format
    if kind is not Format.XLS:
        raise ReadError(f"not a binary Excel workbook but {kind.description}; read it as that")
    try:
        book = xlrd.open_workbook(
            file_contents=data, formatting_info=True, on_demand=True, encoding_override=encoding
        )
    # xlrd asserts on some damaged records; struct and index errors come from truncated ones
    except (xlrd.XLRDError, CompDocError, struct.error, IndexError, AssertionError) as exc:
        raise ReadError(f"a damaged .xls workbook: {exc}") from None
    except (LookupError, UnicodeDecodeError) as exc:
        raise ReadError(f"the workbook's text does not decode: {exc}") from None
    with book:
        if book.nsheets > max_sheets:
            raise TooLargeError(f"the workbook has {book.nsheets} sheets; at most {max_sheets}")
        sheets = []
        for index in range(book.nsheets):
            ws = book.sheet_by_index(index)
            if ws.nrows > max_rows or ws.ncols > max_cols:
                raise TooLargeError(
                    f"sheet {ws.name!r} has {ws.nrows} rows and {ws.ncols} columns; "
                    f"at most {max_rows} rows and {max_cols} columns are read"
                )
            sheets.append(Sheet(ws.name, resolve_sections(_rows(book, ws))))
            book.unload_sheet(index)
    return sheets


def _rows(book: xlrd.Book, ws: XlrdSheet) -> Rows:
    grid = [[_text(book, ws, r, c) for c in range(ws.ncols)] for r in range(ws.nrows)]
    for rlo, rhi, clo, chi in ws.merged_cells:
        for r in range(rlo, rhi):
            for c in range(clo, chi):
                grid[r][c] = grid[rlo][clo]
    width = max((c + 1 for row in grid for c, v in enumerate(row) if v), default=0)
    rows = [(r + 1, row[:width]) for r, row in enumerate(grid)]
    while rows and not any(rows[-1][1]):
        rows.pop()
    return rows


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
