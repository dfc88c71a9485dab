"""XLSX workbooks as sheets of cells, streamed: bounded in memory and time whatever they claim.

An XLSX file is a ZIP of XML parts, and either can lie: a 5 KB file can declare a grid of
17 billion cells, merge all of it, unzip to gigabytes, or declare XML entities that expand
without end. So before any part is parsed its unzipped size and compression ratio are checked;
parts are unzipped and parsed as a stream (expat, with document type declarations refused, so
no entity is ever defined or expanded); only the cells actually present are kept, never a grid
sized from the declared dimension; and every cell, row, column and merged range is counted
against ``ReadLimits`` as it is met.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from collections.abc import Callable

from ingest.limits import LimitExceeded, ReadLimits
from ingest.sheet import Sheet
from ingest.xlsx_parts import Elem, Parts

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_REF = re.compile(r"^\$?([A-Z]{1,3})\$?(\d{1,7})$")
_CHUNK = 64 * 1024
# built-in number formats that show a date (ECMA-376 §18.8.30)
_DATE_FORMATS = frozenset({14, 15, 16, 17, 22, 27, 30, 36, 45, 46, 47, 50, 57})
_DATE_CODE = re.compile(r"[dmyhs]", re.I)
_QUOTED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')


def read_xlsx(data: bytes, limits: ReadLimits) -> list[Sheet]:
    """Every worksheet of a workbook; a merged range repeats its top-left value in every cell.

    Raises:
        LimitExceeded: past a limit (named in the message).
        ReadError: not a workbook, a damaged one, or XML that declares entities.
    """
    parts = Parts(data, limits)
    sheets = _sheet_parts(parts)
    if len(sheets) > limits.max_sheets:
        raise LimitExceeded("max_sheets", f"the workbook has {len(sheets)} sheets", limits)
    strings = _shared_strings(parts, limits) if parts.has("xl/sharedStrings.xml") else []
    dates, date1904 = _date_styles(parts), _uses_1904(parts)
    out, rows_left = [], limits.max_list_rows
    for title, part in sheets:
        reader = _SheetReader(title, strings, dates, date1904, limits, rows_left)
        parts.stream(part, reader.handlers())
        out.append(Sheet(title, reader.rows()))
        rows_left -= reader.count
    return out


def _sheet_parts(parts: Parts) -> list[tuple[str, str]]:
    """(sheet name, part name) in workbook order, through the workbook's relationships."""
    targets: dict[str, str] = {}
    sheets: list[tuple[str, str]] = []

    def rel(name: str, attrs: dict[str, str]) -> None:
        e = Elem(name, attrs)
        if e.name == "Relationship" and "Id" in e.attrs:
            target = e.attrs.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
            targets[e.attrs["Id"]] = posixpath.normpath(path)

    def sheet(name: str, attrs: dict[str, str]) -> None:
        e = Elem(name, attrs)
        if e.name == "sheet":
            sheets.append((e.attrs.get("name", ""), e.attrs.get("id", "")))

    if parts.has("xl/_rels/workbook.xml.rels"):
        parts.stream("xl/_rels/workbook.xml.rels", {"StartElementHandler": rel})
    parts.stream("xl/workbook.xml", {"StartElementHandler": sheet})
    return [(title, targets[rid]) for title, rid in sheets if targets.get(rid) in parts.infos]


def _shared_strings(parts: Parts, limits: ReadLimits) -> list[str]:
    """The shared strings, each within the cell limit (phonetic runs left out)."""
    strings: list[str] = []
    text: list[str] = []
    state = {"in_t": False, "skip": 0, "size": 0}

    def start(name: str, attrs: dict[str, str]) -> None:
        local = name.rsplit("}", 1)[-1]
        if local == "si":
            text.clear()
            state["size"] = 0
        elif local == "rPh":
            state["skip"] += 1
        elif local == "t" and not state["skip"]:
            state["in_t"] = True

    def end(name: str) -> None:
        local = name.rsplit("}", 1)[-1]
        if local == "si":
            strings.append("".join(text))
        elif local == "rPh":
            state["skip"] -= 1
        elif local == "t":
            state["in_t"] = False

    def chars(data: str) -> None:
        if state["in_t"]:
            state["size"] += len(data)
            if state["size"] > limits.max_cell_chars:
                what = (
                    f"shared string {len(strings) + 1} holds more than {state['size']:,} characters"
                )
                raise LimitExceeded("max_cell_chars", what, limits)
            text.append(data)

    handlers: dict[str, Callable[..., None]] = {
        "StartElementHandler": start,
        "EndElementHandler": end,
        "CharacterDataHandler": chars,
    }
    parts.stream("xl/sharedStrings.xml", handlers)
    return strings


def _date_styles(parts: Parts) -> frozenset[int]:
    """The cell style indexes whose number format shows a date."""
    if not parts.has("xl/styles.xml"):
        return frozenset()
    custom: dict[int, str] = {}
    xfs: list[int] = []
    depth = {"cellXfs": False}

    def start(name: str, attrs: dict[str, str]) -> None:
        e = Elem(name, attrs)
        if e.name == "numFmt":
            custom[_int(e.attrs.get("numFmtId"))] = e.attrs.get("formatCode", "")
        elif e.name == "cellXfs":
            depth["cellXfs"] = True
        elif e.name == "xf" and depth["cellXfs"]:
            xfs.append(_int(e.attrs.get("numFmtId")))

    def end(name: str) -> None:
        if name.endswith("cellXfs"):
            depth["cellXfs"] = False

    parts.stream("xl/styles.xml", {"StartElementHandler": start, "EndElementHandler": end})

    def is_date(fmt: int) -> bool:
        if fmt in custom:
            return bool(_DATE_CODE.search(_QUOTED.sub("", custom[fmt])))
        return fmt in _DATE_FORMATS

    return frozenset(i for i, fmt in enumerate(xfs) if is_date(fmt))


def _uses_1904(parts: Parts) -> bool:
    found = {"1904": False}

    def start(name: str, attrs: dict[str, str]) -> None:
        e = Elem(name, attrs)
        if e.name == "workbookPr":
            found["1904"] = e.attrs.get("date1904", "0").lower() in ("1", "true")

    parts.stream("xl/workbook.xml", {"StartElementHandler": start})
    return found["1904"]


class _SheetReader:
    """One worksheet's cells as they stream past, and its merged ranges, within the limits."""

    def __init__(
        self,
        title: str,
        strings: list[str],
        dates: frozenset[int],
        date1904: bool,
        limits: ReadLimits,
        rows_left: int,
    ) -> None:
        self.title, self.strings, self.dates, self.date1904 = title, strings, dates, date1904
        self.limits = limits
        self.rows_left = rows_left
        self.cells: dict[int, dict[int, str]] = {}
        self.merges: list[tuple[int, int, int, int]] = []
        self.count = 0
        self._row = 0
        self._col = 0
        self._cell: dict[str, str] | None = None
        self._text: list[str] | None = None
        self._size = 0

    def handlers(self) -> dict[str, Callable[..., None]]:
        return {
            "StartElementHandler": self._start,
            "EndElementHandler": self._end,
            "CharacterDataHandler": self._chars,
        }

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        local = name.rsplit("}", 1)[-1]
        if local == "row":
            self._row = _int(attrs.get("r")) or self._row + 1
            self._col = 0
            self._check_row(self._row)
        elif local == "c":
            ref = attrs.get("r")
            self._col = _column(ref) if ref else self._col + 1
            self._check_col(self._col, ref or f"column {self._col}")
            self._cell = {"t": attrs.get("t", "n"), "s": attrs.get("s", "0"), "v": ""}
        elif local in ("v", "t") and self._cell is not None:
            self._text, self._size = [], 0
        elif local == "mergeCell":
            self._merge(attrs.get("ref", ""))
        elif local == "dimension":  # never allocated from; past the limits it is refused early
            last = attrs.get("ref", "").rpartition(":")[2]
            if m := _REF.match(last):
                self._check_row(int(m.group(2)))
                self._check_col(_column(last), last)

    def _chars(self, data: str) -> None:
        if self._text is not None:
            self._size += len(data)
            if self._size > self.limits.max_cell_chars:
                what = (
                    f"sheet {self.title!r} row {self._row} has a cell of {self._size:,}+ characters"
                )
                raise LimitExceeded("max_cell_chars", what, self.limits)
            self._text.append(data)

    def _end(self, name: str) -> None:
        local = name.rsplit("}", 1)[-1]
        if local in ("v", "t") and self._cell is not None and self._text is not None:
            self._cell["v"] += "".join(self._text)
            self._text = None
        elif local == "c" and self._cell is not None:
            value = self._value(self._cell)
            if value:
                row = self.cells.get(self._row)
                if row is None:
                    self.count += 1
                    if self.count > self.rows_left:
                        self._too_many_rows()
                    row = self.cells[self._row] = {}
                row[self._col] = value
            self._cell = None

    def _value(self, cell: dict[str, str]) -> str:
        kind, raw = cell["t"], cell["v"]
        if kind == "s":
            index = _int(raw)
            return self.strings[index].strip() if 0 <= index < len(self.strings) else ""
        if kind in ("str", "inlineStr"):
            return raw.strip()
        if kind == "b":
            return "TRUE" if raw.strip() in ("1", "true") else "FALSE"
        if kind == "d":
            return raw.strip()[:10]
        if kind == "e" or not raw.strip():
            return raw.strip()
        return _number(raw.strip(), _int(cell["s"]) in self.dates, self.date1904)

    def _merge(self, ref: str) -> None:
        first, _, last = ref.partition(":")
        a, b = _REF.match(first), _REF.match(last or first)
        if not (a and b):
            return
        r1, r2 = sorted((int(a.group(2)), int(b.group(2))))
        c1, c2 = sorted((_column(first), _column(last or first)))
        self._check_row(r2)
        self._check_col(c2, ref)
        area = sum((y2 - y1 + 1) * (x2 - x1 + 1) for y1, y2, x1, x2 in self.merges)
        if area + (r2 - r1 + 1) * (c2 - c1 + 1) > 4 * self.limits.max_list_rows:
            what = f"sheet {self.title!r} merges more than {4 * self.limits.max_list_rows:,} cells"
            raise LimitExceeded("max_list_rows", what, self.limits)
        self.merges.append((r1, r2, c1, c2))

    def _check_row(self, row: int) -> None:
        if row > self.limits.max_list_rows:
            what = f"sheet {self.title!r} has a row numbered {row:,}"
            raise LimitExceeded("max_list_rows", what, self.limits)

    def _check_col(self, col: int, ref: str) -> None:
        if col > self.limits.max_list_columns:
            what = f"sheet {self.title!r} has a cell in column {col:,} ({ref[:20]})"
            raise LimitExceeded("max_list_columns", what, self.limits)

    def _too_many_rows(self) -> None:
        what = f"the workbook has more than {self.rows_left:,} rows (at sheet {self.title!r})"
        raise LimitExceeded("max_list_rows", what, self.limits)

    def rows(self) -> list[tuple[int, list[str]]]:
        """The rows present, in order, each merged range's top-left value filled in."""
        for r1, r2, c1, c2 in self.merges:
            top = self.cells.get(r1, {}).get(c1, "")
            if not top:
                continue
            for r in range(r1, r2 + 1):
                row = self.cells.get(r)
                if row is None:
                    self.count += 1
                    if self.count > self.rows_left:
                        self._too_many_rows()
                    row = self.cells[r] = {}
                for c in range(c1, c2 + 1):
                    row.setdefault(c, top)
        return [(r, _dense(self.cells[r])) for r in sorted(self.cells)]


def _dense(row: dict[int, str]) -> list[str]:
    width = max(row, default=0)
    return [row.get(c, "") for c in range(1, width + 1)]


def _column(ref: str) -> int:
    letters = "".join(ch for ch in ref.split(":")[0] if ch.isalpha()).upper()
    n = 0
    for ch in letters[:4]:
        n = n * 26 + ord(ch) - 64
    return n


def _int(text: str | None) -> int:
    try:
        return int(text or 0)
    except ValueError:
        return 0


def _number(raw: str, is_date: bool, date1904: bool) -> str:
    try:
        value = float(raw)
    except ValueError:
        return raw
    if is_date and 0 <= value < 2_958_466:  # up to 9999-12-31
        base = dt.datetime(1904, 1, 1) if date1904 else dt.datetime(1899, 12, 30)
        return (base + dt.timedelta(days=value)).date().isoformat()
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return raw
