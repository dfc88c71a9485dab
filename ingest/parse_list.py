"""Attachment lists (附件名单) as MIIT and the provinces publish them, read into rows and errors.

The file's sheets (``read_tables``) are interpreted here: the header row in Chinese or English,
each row's region and credit code, duplicates, and the facts the title states. Every problem names
file, sheet, row and rule; the caller refuses the whole list when there is any (all or nothing).
Nothing is guessed: a region nobody can name or a credit code whose check character is wrong is
reported, not repaired. Pure: the store and the URI scheme play no part.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ingest import title_facts
from ingest.limits import DEFAULT_LIMITS, ReadLimits
from ingest.read_tables import UnreadableFile, read_input, read_tables
from ingest.regions import resolve_region
from ingest.row_errors import (
    RULE_CONTROL,
    RULE_DUPLICATE,
    RULE_EMPTY,
    RULE_KIND,
    RULE_MISSING_COLUMN,
    RULE_MISSING_VALUE,
    RULE_REGION,
    RULE_USCC,
    RowError,
    clip,
)
from ingest.sheet import Sheet
from ontology.names import InvalidUSCC, normalise_name, validate_uscc

LIST_KINDS = ("batch", "review-passed", "review-failed", "revocation")
_RULE_COLUMN = {RULE_REGION: "region", RULE_USCC: "uscc", RULE_DUPLICATE: "name"}

# Header synonyms, compared after normalise_name (NFKC, no spaces, case-folded).
_HEADERS: dict[str, tuple[str, ...]] = {
    "seq": ("序号", "编号", "no.", "no", "#", "number", "seq", "serialnumber"),
    "region": (
        "省份", "地区", "省市", "省(区、市)", "省(自治区、直辖市)", "省(区、市)及计划单列市",
        "所在地区", "所属地区", "推荐地区", "省级", "province", "region", "province/region",
    ),
    "name": (
        "企业名称", "企业名单", "单位名称", "名称", "enterprise", "enterprisename", "company",
        "companyname", "name",
    ),
    "uscc": (
        "统一社会信用代码", "社会信用代码", "信用代码", "uscc", "unifiedsocialcreditcode",
        "creditcode",
    ),
    "note": ("备注", "撤销原因", "原因", "note", "notes", "remark", "remarks", "reason"),
}  # fmt: skip
_HEADER_INDEX = {normalise_name(s): col for col, syns in _HEADERS.items() for s in syns}
_NAME_HEADERS = frozenset(normalise_name(s) for s in _HEADERS["name"])
REQUIRED = ("region", "name")
MAX_NAME = 200  # characters: the longest registered Chinese company names run to about 60
# C0 control characters but TAB, LF and CR (a line break inside a cell is layout; readers join)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _names_a_column(cells: Sequence[str]) -> bool:
    return any(normalise_name(c) in _HEADER_INDEX for c in cells if c)


def _stacked(upper: tuple[int, list[str]], lower: tuple[int, list[str]]) -> list[str]:
    """Two header rows as one: each column named by its lower cell when that is a known
    header, else by its upper one (a group label over sub-columns, or a cell spanning both)."""
    return [
        low if low and normalise_name(low) in _HEADER_INDEX else top or low
        for top, low in itertools.zip_longest(upper[1], lower[1], fillvalue="")
    ]


@dataclass(frozen=True)
class ListRow:
    """One enterprise row as printed; ``region`` is the resolved region code, ``region_text``
    the cell as printed."""

    sheet: str
    row: int
    seq: str
    region: str
    name: str
    uscc: str
    note: str
    region_text: str = ""


@dataclass(frozen=True)
class ParsedList:
    """A whole list: its rows, the facts its title states, and every error found."""

    rows: tuple[ListRow, ...]
    kind: str | None
    batch: int | None
    document: str | None
    date: dt.date | None
    errors: tuple[RowError, ...]
    file: str = ""
    title: str = ""
    data: bytes = field(default=b"", repr=False)
    unread: tuple[str, ...] = ()  # lines below a table that are not rows (notes, footers)


def parse_list(
    path: Path | str,
    *,
    kind_hint: str | None = None,
    encoding: str | None = None,
    limits: ReadLimits = DEFAULT_LIMITS,
) -> ParsedList:
    """Read an attachment list (PDF, XLS, XLSX, HTML or CSV, told by its bytes) into rows and
    errors.

    ``kind_hint`` is the kind the caller says the list is; when the list's own title says
    otherwise, that is a ``wrong-list-kind`` error rather than a silent choice. ``encoding``
    is the caller's word for a text file's encoding (never guessed).

    Raises:
        ValueError: ``kind_hint`` is not one of :data:`LIST_KINDS`.
    """
    path = Path(path)
    name = path.name
    if kind_hint is not None and kind_hint not in LIST_KINDS:
        raise ValueError(f"unknown list kind {kind_hint!r}; one of {', '.join(LIST_KINDS)}")
    try:
        data = read_input(path, limits)
    except UnreadableFile as exc:
        return _refused(name, b"", exc.error)
    if not data.strip():
        return _refused(name, data, RowError(name, "", 0, RULE_EMPTY, "the file is empty"))
    try:
        sheets = read_tables(data, name, encoding=encoding, limits=limits)
    except UnreadableFile as exc:
        return _refused(name, data, exc.error)
    return _ListReader(name).read(sheets, data, kind_hint)


def _refused(name: str, data: bytes, error: RowError) -> ParsedList:
    return ParsedList((), None, None, None, None, (error,), name, "", data)


@dataclass(frozen=True)
class _Header:
    """The header row of a sheet: which column holds what, and its cells to spot repeats."""

    columns: dict[str, int]
    cells: tuple[str, ...]
    sheet_region: str = ""  # the region a sheet's name gives every row, when it has no column

    @classmethod
    def of(cls, cells: Sequence[str]) -> _Header | None:
        """The header this row is: a name column and at least one other known column."""
        found: dict[str, int] = {}
        for i, c in enumerate(cells):
            col = _HEADER_INDEX.get(normalise_name(c))
            if col and col not in found:
                found[col] = i
        if "name" not in found or len(found) < 2:
            return None
        return cls(found, tuple(normalise_name(c) for c in cells if c))

    def get(self, cells: Sequence[str], column: str) -> str:
        i = self.columns.get(column)
        return cells[i].strip() if i is not None and i < len(cells) else ""

    def repeated_in(self, cells: Sequence[str]) -> bool:
        """Whether the row is this header again, at the top of a printed page."""
        return normalise_name(self.get(cells, "name")) in _NAME_HEADERS and self.cells == tuple(
            normalise_name(c) for c in cells if c
        )


class _ListReader:
    """One pass over a list's sheets: each one's header, then its rows checked and de-duplicated."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.errors: list[RowError] = []
        self.rows: list[ListRow] = []
        self.preamble: list[str] = []  # what the list prints above its table (not its file name)
        self.sheet_names: list[str] = []  # may state facts too, but are not the list's title
        self.unread: list[str] = []
        self._header: _Header | None = None
        self._names: dict[tuple[str, str], tuple[str, int]] = {}
        self._codes: dict[str, tuple[str, int]] = {}
        self._regions: dict[str, str | None] = {}

    def read(self, sheets: list[Sheet], data: bytes, kind_hint: str | None) -> ParsedList:
        any_cells = False
        for sheet in sheets:
            self.preamble += sheet.preamble
            self.sheet_names.append(sheet.name)
            non_empty = [(n, cells) for n, cells in sheet.rows if any(cells)]
            if non_empty:
                any_cells = True
                self._sheet(sheet.name, non_empty)
        if not any_cells:
            return _refused(
                self.file, data, self._error("", 0, RULE_EMPTY, "the list has no cells")
            )
        if not self.rows and not self.errors:
            self.errors.append(self._error("", 0, RULE_EMPTY, "the list has a header but no rows"))
        return self._parsed(data, kind_hint)

    def _error(self, sheet: str, row: int, rule: str, message: str, value: str = "") -> RowError:
        """The problem, with the number of the column its rule is about (none for the file)."""
        at = self._header.columns.get(_RULE_COLUMN.get(rule, "")) if row and self._header else None
        return RowError(
            self.file, sheet, row, rule, message, "" if at is None else str(at + 1), value
        )

    def _sheet(self, sheet: str, rows: list[tuple[int, list[str]]]) -> None:
        """Title rows until the header (one row, or two where the second names the columns the
        first groups); then every row, unless the header lacks a column. A list with no region
        column takes its region from the sheet's name when that names one."""
        for i, (n, cells) in enumerate(rows):
            header, width = _Header.of(cells), 1
            if header is None and i + 1 < len(rows) and _names_a_column(cells):
                # a row naming a column above a header is its upper row, never the title
                below, stacked = _Header.of(rows[i + 1][1]), _Header.of(_stacked(*rows[i : i + 2]))
                if stacked and (below is None or len(stacked.columns) >= len(below.columns)):
                    header, width = stacked, 2
                elif below is not None:
                    header, width = below, 2
            if header is None:  # a merged title cell fills its row: read it once
                self.preamble.append(" ".join(dict.fromkeys(c for c in cells if c)))
                continue
            if "region" not in header.columns and resolve_region(sheet):
                header = dataclasses.replace(header, sheet_region=sheet)
            missing = [
                c
                for c in REQUIRED
                if c not in header.columns and not (c == "region" and header.sheet_region)
            ]
            for col in missing:
                synonyms = f"{' / '.join(_HEADERS[col][:3])}, {_HEADERS[col][-3]}"
                message = f"no {col} column ({synonyms}) in the header {clip(' | '.join(cells))!r}"
                self.errors.append(self._error(sheet, n, RULE_MISSING_COLUMN, message))
            if not missing:
                self._header = header
                self._body(sheet, rows[i + width :], header)
            return
        message = (
            "no header row with an enterprise-name column (企业名称 / 企业名单 / "
            "Enterprise) and a region column (省份 / 地区 / Province)"
        )
        self.errors.append(self._error(sheet, rows[0][0], RULE_MISSING_COLUMN, message))

    def _body(self, sheet: str, rows: list[tuple[int, list[str]]], header: _Header) -> None:
        """The rows under the header. A line with text but no name, no credit code and no
        number is a note or a page footer below the table; between two rows it is part of the
        list that cannot be read (a name split from its row), so it is reported, never dropped."""
        strays: list[tuple[int, str]] = []  # (row, its text)
        for m, cells in rows:
            if header.repeated_in(cells) or not self._clean(sheet, m, cells):
                continue
            named = header.get(cells, "name") or header.get(cells, "uscc")
            if not named and not header.get(cells, "seq").isdigit():
                strays += [(m, clip(" ".join(c for c in cells if c)))] if any(cells) else []
                continue
            for n, text in strays:
                message = f"a line inside the table holds {text!r} but no enterprise name"
                self.errors.append(self._error(sheet, n, RULE_MISSING_VALUE, message, text))
            strays = []
            self._add(self._row(sheet, m, cells, header))
        self.unread += [f"{_at(sheet, n)}: {text!r}" for n, text in strays]

    def _clean(self, sheet: str, n: int, cells: list[str]) -> bool:
        """Whether no cell holds a control character (C0 but TAB, and line breaks, which the
        readers join); each one that does is reported."""
        ok = True
        for i, cell in enumerate(cells):
            if m := CONTROL.search(cell):
                code = f"U+{ord(m.group()):04X}"
                message = f"column {i + 1} holds the control character {code}; it is refused"
                self.errors.append(
                    RowError(self.file, sheet, n, RULE_CONTROL, message, str(i + 1), clip(cell))
                )
                ok = False
        return ok

    def _row(self, sheet: str, n: int, cells: list[str], header: _Header) -> ListRow | None:
        """The row as a ListRow, or None (its problems recorded) when it is not a usable one."""
        printed = header.get(cells, "name")
        region_text = header.get(cells, "region") or header.sheet_region
        seq, raw_code = header.get(cells, "seq"), header.get(cells, "uscc")
        if not printed:  # numbered, or with a credit code: a row without its name
            self.errors.append(self._error(sheet, n, RULE_MISSING_VALUE, "no enterprise name"))
            return None
        if len(printed) > MAX_NAME:
            message = f"the enterprise name has {len(printed):,} characters; at most {MAX_NAME}"
            self.errors.append(self._error(sheet, n, RULE_MISSING_VALUE, message, clip(printed)))
            return None
        ok, code = True, ""
        if raw_code:
            try:
                code = validate_uscc(raw_code)
            except InvalidUSCC as exc:
                message = clip(str(exc), 200)
                self.errors.append(self._error(sheet, n, RULE_USCC, message, clip(raw_code)))
                ok = False
        region = self._region(sheet, n, printed, region_text)
        if region is None or not ok:
            return None
        return ListRow(sheet, n, seq, region, printed, code, header.get(cells, "note"), region_text)

    def _region(self, sheet: str, n: int, printed: str, text: str) -> str | None:
        """The code of the region the cell names; None (and the error recorded) when none."""
        if not text:
            message = f"{clip(printed)!r} has no region"
            self.errors.append(self._error(sheet, n, RULE_MISSING_VALUE, message))
            return None
        if text not in self._regions:
            region = resolve_region(text)
            self._regions[text] = region.code if region is not None else None
        code = self._regions[text]
        if code is None:
            message = f"{clip(text)!r} is not a province, planned city or 新疆生产建设兵团"
            self.errors.append(self._error(sheet, n, RULE_REGION, message, clip(text)))
        return code

    def _add(self, row: ListRow | None) -> None:
        """Keep the row unless an earlier one has its name in its region, or its credit code."""
        if row is None:
            return
        key = (normalise_name(row.name), row.region)
        if key in self._names:
            where = _at(*self._names[key])
            message = (
                f"{clip(row.name)!r} in {clip(row.region_text or row.region)!r} already on {where}"
            )
            self.errors.append(self._error(row.sheet, row.row, RULE_DUPLICATE, message, row.name))
            return
        if row.uscc and row.uscc in self._codes:
            message = f"credit code {row.uscc} already on {_at(*self._codes[row.uscc])}"
            self.errors.append(self._error(row.sheet, row.row, RULE_DUPLICATE, message))
            return
        self._names[key] = (row.sheet, row.row)
        if row.uscc:
            self._codes[row.uscc] = (row.sheet, row.row)
        self.rows.append(row)

    def _parsed(self, data: bytes, kind_hint: str | None) -> ParsedList:
        """The list with the facts its title text states (the text around and above the tables,
        and its sheet names); its title is what it prints, the same in every format."""
        printed = title_facts.printed_title(self.preamble)
        title = " ".join(dict.fromkeys(p for p in [printed, *self.sheet_names] if p))
        kind = title_facts.detect_kind(title)
        if kind_hint and kind and kind != kind_hint:
            message = (
                f"the list is given as {kind_hint} but its title says {kind}: {_clip(title)!r}"
            )
            self.errors.insert(0, self._error("", 0, RULE_KIND, message))
        return ParsedList(
            rows=tuple(self.rows),
            kind=kind_hint or kind,
            batch=title_facts.detect_batch(title),
            document=title_facts.detect_document(title),
            date=title_facts.detect_date(title),
            errors=tuple(self.errors),
            file=self.file,
            title=_clip(printed, 300),
            data=data,
            unread=tuple(self.unread),
        )


def _at(sheet: str, row: int) -> str:
    return (f"sheet {sheet!r} " if sheet else "") + f"row {row}"


def _clip(text: str, n: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"
