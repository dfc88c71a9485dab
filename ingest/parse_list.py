"""Attachment lists (附件名单) as MIIT and the provinces publish them, read into rows and errors.

The file's sheets (``read_tables``) are interpreted here: the header row in Chinese or English,
each row's region and credit code, duplicates, and the facts the title states. Every problem names
file, sheet, row and rule; the caller refuses the whole list when there is any (all or nothing).
Nothing is guessed: a region nobody can name or a credit code whose check character is wrong is
reported, not repaired. Pure: the store and the URI scheme play no part.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ingest.read_tables import Sheet, UnreadableFile, read_tables
from ingest.regions import resolve_region
from ingest.row_errors import (
    RULE_DUPLICATE,
    RULE_EMPTY,
    RULE_KIND,
    RULE_MISSING_COLUMN,
    RULE_MISSING_VALUE,
    RULE_REGION,
    RULE_USCC,
    RowError,
)
from ingest.title_facts import detect_batch, detect_date, detect_document, detect_kind
from ontology.names import InvalidUSCC, normalise_name, validate_uscc

LIST_KINDS = ("batch", "review-passed", "review-failed", "revocation")

# Header synonyms, compared after normalise_name (NFKC, no spaces, case-folded).
_HEADERS: dict[str, tuple[str, ...]] = {
    "seq": ("序号", "编号", "no.", "no", "#", "number", "seq", "serialnumber"),
    "region": (
        "省份",
        "地区",
        "省市",
        "省(区、市)",
        "省(自治区、直辖市)",
        "省(区、市)及计划单列市",
        "所在地区",
        "所属地区",
        "推荐地区",
        "省级",
        "province",
        "region",
        "province/region",
    ),
    "name": (
        "企业名称",
        "企业名单",
        "单位名称",
        "名称",
        "enterprise",
        "enterprisename",
        "company",
        "companyname",
        "name",
    ),
    "uscc": (
        "统一社会信用代码",
        "社会信用代码",
        "信用代码",
        "uscc",
        "unifiedsocialcreditcode",
        "creditcode",
    ),
    "note": ("备注", "撤销原因", "原因", "note", "notes", "remark", "remarks", "reason"),
}
_HEADER_INDEX = {normalise_name(s): col for col, syns in _HEADERS.items() for s in syns}
_NAME_HEADERS = frozenset(normalise_name(s) for s in _HEADERS["name"])
REQUIRED = ("region", "name")


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


def parse_list(path: Path | str, *, kind_hint: str | None = None) -> ParsedList:
    """Read an attachment list (``.csv``, ``.xlsx``, ``.html``/``.htm``) into rows and errors.

    ``kind_hint`` is the kind the caller says the list is; when the list's own title says
    otherwise, that is a ``wrong-list-kind`` error rather than a silent choice.

    Raises:
        ValueError: ``kind_hint`` is not one of :data:`LIST_KINDS`.
    """
    path = Path(path)
    name = path.name
    data = path.read_bytes()
    if kind_hint is not None and kind_hint not in LIST_KINDS:
        raise ValueError(f"unknown list kind {kind_hint!r}; one of {', '.join(LIST_KINDS)}")
    if not data.strip():
        return _refused(name, data, RowError(name, "", 0, RULE_EMPTY, "the file is empty"))
    try:
        sheets = read_tables(data, name, path.suffix.lower())
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

    def _error(self, sheet: str, row: int, rule: str, message: str) -> RowError:
        return RowError(self.file, sheet, row, rule, message)

    def _sheet(self, sheet: str, rows: list[tuple[int, list[str]]]) -> None:
        """Title rows until the header; then every row, unless the header lacks a column."""
        for i, (n, cells) in enumerate(rows):
            header = _Header.of(cells)
            if header is None:  # a merged title cell fills its row: read it once
                self.preamble.append(" ".join(dict.fromkeys(c for c in cells if c)))
                continue
            missing = [c for c in REQUIRED if c not in header.columns]
            for col in missing:
                synonyms = f"{' / '.join(_HEADERS[col][:3])}, {_HEADERS[col][-3]}"
                message = f"no {col} column ({synonyms}) in the header {cells!r}"
                self.errors.append(self._error(sheet, n, RULE_MISSING_COLUMN, message))
            if not missing:
                for m, row_cells in rows[i + 1 :]:
                    if not header.repeated_in(row_cells):
                        self._add(self._row(sheet, m, row_cells, header))
            return
        message = (
            "no header row with an enterprise-name column (企业名称 / 企业名单 / "
            "Enterprise) and a region column (省份 / 地区 / Province)"
        )
        self.errors.append(self._error(sheet, rows[0][0], RULE_MISSING_COLUMN, message))

    def _row(self, sheet: str, n: int, cells: list[str], header: _Header) -> ListRow | None:
        """The row as a ListRow, or None (its problems recorded) when it is not a usable one."""
        printed, region_text = header.get(cells, "name"), header.get(cells, "region")
        seq, raw_code = header.get(cells, "seq"), header.get(cells, "uscc")
        if not printed:
            # a page footer or a note line under the table: only an error if it looks like a row
            if raw_code or seq.isdigit():
                self.errors.append(self._error(sheet, n, RULE_MISSING_VALUE, "no enterprise name"))
            return None
        ok, code = True, ""
        if raw_code:
            try:
                code = validate_uscc(raw_code)
            except InvalidUSCC as exc:
                self.errors.append(self._error(sheet, n, RULE_USCC, str(exc)))
                ok = False
        region = self._region(sheet, n, printed, region_text)
        if region is None or not ok:
            return None
        return ListRow(sheet, n, seq, region, printed, code, header.get(cells, "note"), region_text)

    def _region(self, sheet: str, n: int, printed: str, text: str) -> str | None:
        """The code of the region the cell names; None (and the error recorded) when none."""
        if not text:
            message = f"{printed!r} has no region"
            self.errors.append(self._error(sheet, n, RULE_MISSING_VALUE, message))
            return None
        if text not in self._regions:
            region = resolve_region(text)
            self._regions[text] = region.code if region is not None else None
        code = self._regions[text]
        if code is None:
            message = f"{text!r} is not a province, planned city or 新疆生产建设兵团"
            self.errors.append(self._error(sheet, n, RULE_REGION, message))
        return code

    def _add(self, row: ListRow | None) -> None:
        """Keep the row unless an earlier one has its name in its region, or its credit code."""
        if row is None:
            return
        key = (normalise_name(row.name), row.region)
        if key in self._names:
            where = _at(*self._names[key])
            message = f"{row.name!r} in {row.region_text or row.region!r} already on {where}"
            self.errors.append(self._error(row.sheet, row.row, RULE_DUPLICATE, message))
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
        printed = " ".join(dict.fromkeys(p for p in self.preamble if p))
        title = " ".join(dict.fromkeys(p for p in [printed, *self.sheet_names] if p))
        kind = detect_kind(title)
        if kind_hint and kind and kind != kind_hint:
            message = (
                f"the list is given as {kind_hint} but its title says {kind}: {_clip(title)!r}"
            )
            self.errors.insert(0, self._error("", 0, RULE_KIND, message))
        return ParsedList(
            rows=tuple(self.rows),
            kind=kind_hint or kind,
            batch=detect_batch(title),
            document=detect_document(title),
            date=detect_date(title),
            errors=tuple(self.errors),
            file=self.file,
            title=_clip(printed, 300),
            data=data,
        )


def _at(sheet: str, row: int) -> str:
    return (f"sheet {sheet!r} " if sheet else "") + f"row {row}"


def _clip(text: str, n: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"
