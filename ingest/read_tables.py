"""Attachment-list files as sheets of cells: CSV, XLSX (merged cells filled in) and HTML tables.

Format readers only: what the cells mean is ``parse_list``'s concern. A file that cannot be read
as tables at all raises UnreadableFile naming the rule it breaks. Nothing is guessed: a CSV file
that is not UTF-8 is refused, not decoded as GBK.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from html.parser import HTMLParser

from ingest.row_errors import RULE_EMPTY, RULE_ENCODING, RULE_FORMAT, RowError
from ontology.names import CJK_RANGE

# a line break inside a Chinese name is layout, not a space in the name
_CJK_GAP = re.compile(rf"(?<=[{CJK_RANGE}（）()])\s+(?=[{CJK_RANGE}（）()])")


@dataclass
class Sheet:
    """One sheet (or HTML table): its rows of cell text, and the title text printed around it."""

    name: str
    rows: list[tuple[int, list[str]]]  # (1-based row number as the source counts, cells)
    preamble: list[str] = field(default_factory=list)  # title text outside the table


class UnreadableFile(Exception):  # noqa: N818 - reads as the verdict it carries
    """The file cannot be read as tables; ``error`` says which rule it breaks."""

    def __init__(self, error: RowError) -> None:
        super().__init__(str(error))
        self.error = error


def read_tables(data: bytes, name: str, suffix: str) -> list[Sheet]:
    """Read a ``.csv``, ``.xlsx``/``.xlsm`` or ``.html``/``.htm`` file into sheets of cells.

    Raises:
        UnreadableFile: an unknown suffix, a CSV that is not UTF-8, a damaged workbook, a page
            with no table.
    """
    try:
        if suffix == ".csv":
            return read_csv(data, name)
        if suffix in (".xlsx", ".xlsm"):
            return read_xlsx(data)
        if suffix in (".html", ".htm"):
            return read_html(data, name)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        # openpyxl on a file that is not a workbook (or a damaged one)
        message = f"cannot read the {suffix} file: {exc}"
        raise UnreadableFile(RowError(name, "", 0, RULE_FORMAT, message)) from None
    message = (
        f"cannot read {suffix or 'files without a suffix'}; lists are read from .csv, .xlsx, .html"
    )
    raise UnreadableFile(RowError(name, "", 0, RULE_FORMAT, message))


def read_csv(data: bytes, name: str) -> list[Sheet]:
    """A UTF-8 CSV file (with or without a byte-order mark) as one sheet."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        bad = data[exc.start : exc.start + 1].hex()
        message = (
            f"byte 0x{bad} at offset {exc.start} is not UTF-8; save the list as UTF-8 "
            "(GBK/GB18030 files are not guessed)"
        )
        raise UnreadableFile(RowError(name, "", line, RULE_ENCODING, message)) from None
    rows = [(i, [c.strip() for c in r]) for i, r in enumerate(csv.reader(io.StringIO(text)), 1)]
    return [Sheet("", rows)]


def read_xlsx(data: bytes) -> list[Sheet]:
    """Every worksheet of a workbook; a merged range repeats its top-left value in every cell."""
    from openpyxl import load_workbook  # slow to import; only workbooks need it

    wb = load_workbook(io.BytesIO(data), read_only=False, data_only=True)
    sheets = []
    for ws in wb.worksheets:
        fill: dict[tuple[int, int], object] = {}
        for rng in ws.merged_cells.ranges:
            top = ws.cell(rng.min_row, rng.min_col).value
            for r in range(rng.min_row, rng.max_row + 1):
                for c in range(rng.min_col, rng.max_col + 1):
                    fill[(r, c)] = top
        rows = []
        for r, values in enumerate(ws.iter_rows(values_only=True), 1):
            cells = [
                _cell_text(fill.get((r, c)) if v is None else v) for c, v in enumerate(values, 1)
            ]
            rows.append((r, cells))
        sheets.append(Sheet(ws.title, rows))
    return sheets


def _cell_text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, dt.datetime):
        return v.date().isoformat()
    return str(v).strip()


def read_html(data: bytes, name: str) -> list[Sheet]:
    """Every top-level table of a page, in the charset its ``<meta>`` declares (else UTF-8)."""
    charset = re.search(rb"<meta[^>]+charset=[\"']?([A-Za-z0-9_-]+)", data[:4096], re.I)
    encoding = charset.group(1).decode("ascii").lower() if charset else "utf-8"
    try:
        text = data.decode(encoding if encoding != "utf8" else "utf-8")
    except (UnicodeDecodeError, LookupError):
        message = f"the page does not decode as {encoding}"
        raise UnreadableFile(RowError(name, "", 0, RULE_ENCODING, message)) from None
    parser = _TableParser()
    parser.feed(text)
    parser.close()
    if not parser.tables:
        raise UnreadableFile(RowError(name, "", 0, RULE_EMPTY, "the page holds no table"))
    return parser.tables


class _TableParser(HTMLParser):
    """Tables with rowspan/colspan expanded; text outside tables kept as each table's preamble."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[Sheet] = []
        self._text: list[str] = []
        self._depth = 0
        self._grid: dict[tuple[int, int], str] = {}
        self._row = -1
        self._col = 0
        self._cell: list[str] | None = None
        self._span = (1, 1)
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in ("script", "style"):
            self._skip += 1
        elif tag == "table":
            self._depth += 1
            if self._depth == 1:
                self._grid, self._row = {}, -1
        elif tag == "tr" and self._depth == 1:
            self._row += 1
            self._col = 0
        elif tag in ("td", "th") and self._depth == 1:
            while (self._row, self._col) in self._grid:
                self._col += 1
            self._cell = []
            self._span = (_span(a.get("rowspan")), _span(a.get("colspan")))
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag in ("td", "th") and self._depth == 1 and self._cell is not None:
            self._end_cell(self._cell)
        elif tag == "table" and self._depth:
            self._depth -= 1
            if self._depth == 0:
                self._end_table()
        elif tag in ("p", "div", "h1", "h2", "h3", "h4", "title", "caption") and not self._depth:
            self._text.append("\n")

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._cell is not None:
            self._cell.append(data)
        elif self._depth == 0 or self._row < 0:
            self._text.append(data)

    def _end_cell(self, parts: list[str]) -> None:
        value = _CJK_GAP.sub("", " ".join("".join(parts).split()))
        rs, cs = self._span
        for r in range(self._row, self._row + rs):
            for c in range(self._col, self._col + cs):
                self._grid[(r, c)] = value
        self._col += cs
        self._cell = None

    def _end_table(self) -> None:
        n_rows = max((r for r, _ in self._grid), default=-1) + 1
        n_cols = max((c for _, c in self._grid), default=-1) + 1
        rows = [(r + 1, [self._grid.get((r, c), "") for c in range(n_cols)]) for r in range(n_rows)]
        # a title the page prints twice (in <title> and in a heading) is one title
        lines = (" ".join(line.split()) for line in "".join(self._text).split("\n"))
        pre = " ".join(dict.fromkeys(line for line in lines if line))
        self.tables.append(Sheet(f"table {len(self.tables) + 1}", rows, [pre]))
        self._text = []


def _span(v: str | None) -> int:
    try:
        return max(1, int(v or 1))
    except ValueError:
        return 1
