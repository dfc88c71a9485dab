"""HTML tables as sheets of cells: every top-level table of a page, spans expanded, bounded.

A page is read in the charset it declares (``sniff``), else UTF-8. Spans are clamped as browsers
clamp them (a rowspan to 65,534 rows and never past the table's last row, a colspan to 1,000),
and carried down row by row rather than filled in ahead, so a ``rowspan="1000000"`` costs
nothing; cells, rows and columns count against ``ReadLimits``.
"""

from __future__ import annotations

from html.parser import HTMLParser

from ingest.limits import LimitExceeded, ReadLimits
from ingest.sheet import ReadError, Sheet, clean_cell

_MAX_ROWSPAN, _MAX_COLSPAN = 65_534, 1_000  # the HTML standard's clamps


def read_html(data: bytes, encoding: str, limits: ReadLimits) -> list[Sheet]:
    """Every top-level table of a page, in ``encoding``.

    Raises:
        ReadError: the page does not decode, or holds no table.
        LimitExceeded: past a limit.
    """
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        raise ReadError(f"the page does not decode as {encoding}") from None
    parser = _TableParser(limits)
    parser.feed(text)
    parser.close()
    if not parser.tables:
        raise ReadError("the page holds no table")
    return parser.tables


class _TableParser(HTMLParser):
    """Tables with rowspan/colspan expanded; text outside tables kept as each table's preamble."""

    def __init__(self, limits: ReadLimits) -> None:
        super().__init__(convert_charrefs=True)
        self.limits = limits
        self.tables: list[Sheet] = []
        self._text: list[str] = []
        self._depth = 0
        self._rows: list[tuple[int, list[str]]] = []
        self._row: dict[int, str] | None = None
        self._carry: dict[int, tuple[str, int]] = {}  # column -> (value, rows still spanned)
        self._col = 0
        self._cell: list[str] | None = None
        self._size = 0
        self._span = (1, 1)
        self._skip = 0
        self._count = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in ("script", "style"):
            self._skip += 1
        elif tag == "table":
            self._depth += 1
            if self._depth == 1:
                self._rows, self._carry = [], {}
        elif tag == "tr" and self._depth == 1:
            self._end_row()
            self._start_row()
        elif tag in ("td", "th") and self._depth == 1:
            row = self._row if self._row is not None else self._start_row()
            self._end_cell()
            while self._col in row:
                self._col += 1
            self._cell, self._size = [], 0
            rs = min(_span(a.get("rowspan")), _MAX_ROWSPAN)
            self._span = (rs, min(_span(a.get("colspan")), _MAX_COLSPAN))
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag in ("td", "th") and self._depth == 1:
            self._end_cell()
        elif tag == "tr" and self._depth == 1:
            self._end_row()
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
            self._size += len(data)
            if self._size > self.limits.max_cell_chars:
                what = f"table {len(self.tables) + 1} has a cell of {self._size:,}+ characters"
                raise LimitExceeded("max_cell_chars", what, self.limits)
            self._cell.append(data)
        elif (self._depth == 0 or not self._rows) and len(self._text) < 1_000:
            self._text.append(data[: self.limits.max_cell_chars])

    def _start_row(self) -> dict[int, str]:
        self._count += 1
        if self._count > self.limits.max_list_rows:
            what = f"the page's tables have more than {self.limits.max_list_rows:,} rows"
            raise LimitExceeded("max_list_rows", what, self.limits)
        row: dict[int, str] = {}
        self._row, self._col = row, 0
        for col, (value, left) in list(self._carry.items()):
            row[col] = value
            if left <= 1:
                del self._carry[col]
            else:
                self._carry[col] = (value, left - 1)
        return row

    def _end_cell(self) -> None:
        if self._cell is None or self._row is None:
            return
        value = clean_cell("".join(self._cell))
        rs, cs = self._span
        if self._col + cs > self.limits.max_list_columns:
            what = f"table {len(self.tables) + 1} has a cell in column {self._col + cs:,}"
            raise LimitExceeded("max_list_columns", what, self.limits)
        for c in range(self._col, self._col + cs):
            self._row[c] = value
            if rs > 1:
                self._carry[c] = (value, rs - 1)
        self._col += cs
        self._cell = None

    def _end_row(self) -> None:
        self._end_cell()
        if self._row is not None:
            width = max(self._row, default=-1) + 1
            self._rows.append((len(self._rows) + 1, [self._row.get(c, "") for c in range(width)]))
            self._row = None

    def _end_table(self) -> None:
        self._end_row()
        width = max((len(cells) for _, cells in self._rows), default=0)
        rows = [(n, cells + [""] * (width - len(cells))) for n, cells in self._rows]
        pre = " ".join(" ".join(self._text).split())
        self.tables.append(Sheet(f"table {len(self.tables) + 1}", rows, [pre]))
        self._text, self._rows, self._carry = [], [], {}


def _span(v: str | None) -> int:
    try:
        return max(1, int(v or 1))
    except ValueError:
        return 1
