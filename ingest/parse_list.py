"""Attachment lists (附件名单) as MIIT and the provinces publish them: CSV, XLSX and HTML tables.

A list is read into rows plus every problem found, each naming file, sheet, row and rule; the
caller refuses the whole list when there is any error (all-or-nothing). Nothing is guessed: a
byte sequence that is not UTF-8, a region nobody can name, a credit code whose check character is
wrong are reported, not repaired.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from ontology.names import InvalidUSCC, normalise_name, validate_uscc

KINDS = ("batch", "review-passed", "review-failed", "revocation")

# Rule names, as they appear in every RowError (users grep for them).
RULE_ENCODING = "encoding"
RULE_EMPTY = "empty-file"
RULE_MISSING_COLUMN = "missing-column"
RULE_MISSING_VALUE = "missing-value"
RULE_USCC = "uscc"
RULE_REGION = "unknown-region"
RULE_DUPLICATE = "duplicate-row"
RULE_KIND = "wrong-list-kind"
RULE_FORMAT = "unsupported-format"
RULE_CONFLICT = "conflicting-fact"

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

_CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7}
_CN_DIGITS |= {"八": 8, "九": 9}
_EN_ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
}
_DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]+〔\d{4}〕\d+号")
_ZH_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_CJK_GAP = re.compile(r"(?<=[\u4e00-\u9fff（）()])\s+(?=[\u4e00-\u9fff（）()])")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


@dataclass(frozen=True)
class RowError:
    """One problem in a list: where it is (file, sheet, row) and which rule it breaks."""

    file: str
    sheet: str
    row: int
    rule: str
    message: str

    def __str__(self) -> str:
        where = self.file + (f" [{self.sheet}]" if self.sheet else "")
        where += f" row {self.row}" if self.row else ""
        return f"{where}: {self.rule}: {self.message}"


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

    @property
    def ok(self) -> bool:
        return not self.errors


def parse_list(path: Path | str, *, kind_hint: str | None = None) -> ParsedList:
    """Read an attachment list (``.csv``, ``.xlsx``, ``.html``/``.htm``) into rows and errors.

    ``kind_hint`` is the kind the caller says the list is; when the list's own title says
    otherwise, that is a ``wrong-list-kind`` error rather than a silent choice.
    """
    path = Path(path)
    name = path.name
    data = path.read_bytes()
    suffix = path.suffix.lower()
    if kind_hint is not None and kind_hint not in KINDS:
        raise ValueError(f"unknown list kind {kind_hint!r}; one of {', '.join(KINDS)}")
    if not data.strip():
        return _empty(name, data, "the file is empty")
    try:
        if suffix == ".csv":
            sheets = _read_csv(data, name)
        elif suffix in (".xlsx", ".xlsm"):
            sheets = _read_xlsx(data)
        elif suffix in (".html", ".htm"):
            sheets = _read_html(data, name)
        else:
            err = RowError(
                name,
                "",
                0,
                RULE_FORMAT,
                f"cannot read {suffix or 'files without a suffix'}"
                "; lists are read from .csv, .xlsx, .html",
            )
            return ParsedList((), None, None, None, None, (err,), name, "", data)
    except _Rejected as exc:
        return ParsedList((), None, None, None, None, (exc.error,), name, "", data)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        # openpyxl on a file that is not a workbook (or a damaged one)
        err = RowError(name, "", 0, RULE_FORMAT, f"cannot read the {suffix} file: {exc}")
        return ParsedList((), None, None, None, None, (err,), name, "", data)
    return _interpret(name, data, sheets, kind_hint)


# -- reading the formats into sheets of cells -------------------------------------------------


@dataclass
class _Sheet:
    name: str
    rows: list[tuple[int, list[str]]]  # (1-based row number as the source counts, cells)
    preamble: list[str] = field(default_factory=list)  # title text outside the table


class _Rejected(Exception):  # noqa: N818 - internal signal carrying one RowError
    def __init__(self, error: RowError) -> None:
        super().__init__(str(error))
        self.error = error


def _read_csv(data: bytes, name: str) -> list[_Sheet]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        bad = data[exc.start : exc.start + 1].hex()
        raise _Rejected(
            RowError(
                name,
                "",
                line,
                RULE_ENCODING,
                f"byte 0x{bad} at offset {exc.start} is not UTF-8; save the list as UTF-8 "
                "(GBK/GB18030 files are not guessed)",
            )
        ) from None
    rows = [(i, [c.strip() for c in r]) for i, r in enumerate(csv.reader(io.StringIO(text)), 1)]
    return [_Sheet("", rows)]


def _read_xlsx(data: bytes) -> list[_Sheet]:
    from openpyxl import load_workbook

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
            cells = []
            for c, v in enumerate(values, 1):
                if v is None:
                    v = fill.get((r, c))
                cells.append(_cell_text(v))
            rows.append((r, cells))
        sheets.append(_Sheet(ws.title, rows))
    return sheets


def _cell_text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, dt.datetime):
        return v.date().isoformat()
    return str(v).strip()


class _TableParser(HTMLParser):
    """Tables with rowspan/colspan expanded; text outside tables kept as each table's preamble."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[_Sheet] = []
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
            self._span = (_int(a.get("rowspan")), _int(a.get("colspan")))
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag in ("td", "th") and self._depth == 1 and self._cell is not None:
            value = " ".join("".join(self._cell).split())
            # a line break inside a Chinese name is layout, not a space in the name
            value = _CJK_GAP.sub("", value)
            rs, cs = self._span
            for r in range(self._row, self._row + rs):
                for c in range(self._col, self._col + cs):
                    self._grid[(r, c)] = value
            self._col += cs
            self._cell = None
        elif tag == "table" and self._depth:
            self._depth -= 1
            if self._depth == 0:
                n_rows = max((r for r, _ in self._grid), default=-1) + 1
                n_cols = max((c for _, c in self._grid), default=-1) + 1
                rows = [
                    (r + 1, [self._grid.get((r, c), "") for c in range(n_cols)])
                    for r in range(n_rows)
                ]
                pre = " ".join(" ".join(self._text).split())
                self.tables.append(_Sheet(f"table {len(self.tables) + 1}", rows, [pre]))
                self._text = []
        elif tag in ("p", "div", "h1", "h2", "h3", "h4", "title", "caption") and not self._depth:
            self._text.append("\n")

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._cell is not None:
            self._cell.append(data)
        elif self._depth == 0 or self._row < 0:
            self._text.append(data)


def _int(v: str | None) -> int:
    try:
        return max(1, int(v or 1))
    except ValueError:
        return 1


def _read_html(data: bytes, name: str) -> list[_Sheet]:
    charset = re.search(rb"<meta[^>]+charset=[\"']?([A-Za-z0-9_-]+)", data[:4096], re.I)
    encoding = charset.group(1).decode("ascii").lower() if charset else "utf-8"
    try:
        text = data.decode(encoding if encoding != "utf8" else "utf-8")
    except (UnicodeDecodeError, LookupError):
        raise _Rejected(
            RowError(name, "", 0, RULE_ENCODING, f"the page does not decode as {encoding}")
        ) from None
    parser = _TableParser()
    parser.feed(text)
    parser.close()
    if not parser.tables:
        raise _Rejected(RowError(name, "", 0, RULE_EMPTY, "the page holds no table"))
    return parser.tables


# -- interpreting sheets: header, title facts, rows ---------------------------------------------


def _header_map(cells: Sequence[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for i, c in enumerate(cells):
        col = _HEADER_INDEX.get(normalise_name(c))
        if col and col not in found:
            found[col] = i
    return found


def _interpret(name: str, data: bytes, sheets: list[_Sheet], kind_hint: str | None) -> ParsedList:
    from ingest.regions import resolve_region  # written alongside; imported when a list is read

    errors: list[RowError] = []
    rows: list[ListRow] = []
    preamble: list[str] = [name]
    seen_name: dict[tuple[str, str], tuple[str, int]] = {}
    seen_uscc: dict[str, tuple[str, int]] = {}
    any_cells = False
    region_cache: dict[str, str | None] = {}
    for sheet in sheets:
        preamble += [*sheet.preamble, sheet.name]
        non_empty = [(n, cells) for n, cells in sheet.rows if any(cells)]
        if not non_empty:
            continue
        any_cells = True
        header: dict[str, int] | None = None
        header_key: tuple[str, ...] = ()
        for n, cells in non_empty:
            if header is None:
                hmap = _header_map(cells)
                if "name" in hmap and len(hmap) >= 2:
                    header = hmap
                    header_key = tuple(normalise_name(c) for c in cells if c)
                    missing = [c for c in REQUIRED if c not in hmap]
                    for col in missing:
                        errors.append(
                            RowError(
                                name,
                                sheet.name,
                                n,
                                RULE_MISSING_COLUMN,
                                f"no {col} column ({' / '.join(_HEADERS[col][:3])}, "
                                f"{_HEADERS[col][-3]}) in the header {cells!r}",
                            )
                        )
                    if missing:
                        break
                else:
                    preamble.append(" ".join(cells))
                continue
            i = header["name"]
            if (
                i < len(cells)
                and normalise_name(cells[i]) in _NAME_HEADERS
                and tuple(normalise_name(c) for c in cells if c) == header_key
            ):
                continue  # the header repeated at the top of a printed page
            row = _row(name, sheet.name, n, cells, header, resolve_region, region_cache, errors)
            if row is None:
                continue
            key = (normalise_name(row.name), row.region)
            if key in seen_name:
                s, r = seen_name[key]
                errors.append(
                    RowError(
                        name,
                        sheet.name,
                        n,
                        RULE_DUPLICATE,
                        f"{row.name!r} in {row.region_text or row.region!r} already on {_at(s, r)}",
                    )
                )
                continue
            if row.uscc and row.uscc in seen_uscc:
                s, r = seen_uscc[row.uscc]
                errors.append(
                    RowError(
                        name,
                        sheet.name,
                        n,
                        RULE_DUPLICATE,
                        f"credit code {row.uscc} already on {_at(s, r)}",
                    )
                )
                continue
            seen_name[key] = (sheet.name, n)
            if row.uscc:
                seen_uscc[row.uscc] = (sheet.name, n)
            rows.append(row)
        if header is None:
            errors.append(
                RowError(
                    name,
                    sheet.name,
                    non_empty[0][0],
                    RULE_MISSING_COLUMN,
                    "no header row with an enterprise-name column (企业名称 / 企业名单 / "
                    "Enterprise) and a region column (省份 / 地区 / Province)",
                )
            )
    if not any_cells:
        return _empty(name, data, "the list has no cells")
    if not rows and not errors:
        errors.append(RowError(name, "", 0, RULE_EMPTY, "the list has a header but no rows"))
    title = " ".join(p for p in preamble if p)
    kind = detect_kind(title)
    if kind_hint and kind and kind != kind_hint:
        errors.insert(
            0,
            RowError(
                name,
                "",
                0,
                RULE_KIND,
                f"the list is given as {kind_hint} but its title says {kind}: {_clip(title)!r}",
            ),
        )
    return ParsedList(
        rows=tuple(rows),
        kind=kind_hint or kind,
        batch=detect_batch(title),
        document=detect_document(title),
        date=detect_date(title),
        errors=tuple(errors),
        file=name,
        title=_clip(title, 300),
        data=data,
    )


def _row(
    file: str,
    sheet: str,
    n: int,
    cells: list[str],
    header: dict[str, int],
    resolve_region: object,
    cache: dict[str, str | None],
    errors: list[RowError],
) -> ListRow | None:
    def get(col: str) -> str:
        i = header.get(col)
        return cells[i].strip() if i is not None and i < len(cells) else ""

    printed = get("name")
    region_text = get("region")
    if not printed:
        # a page footer or a note line under the table: only an error if it looks like a row
        if get("uscc") or (get("seq") and get("seq").isdigit()):
            errors.append(RowError(file, sheet, n, RULE_MISSING_VALUE, "no enterprise name"))
        return None
    ok = True
    code = ""
    if raw := get("uscc"):
        try:
            code = validate_uscc(raw)
        except InvalidUSCC as exc:
            errors.append(RowError(file, sheet, n, RULE_USCC, str(exc)))
            ok = False
    region = ""
    if not region_text:
        errors.append(RowError(file, sheet, n, RULE_MISSING_VALUE, f"{printed!r} has no region"))
        ok = False
    else:
        if region_text not in cache:
            cache[region_text] = _region_code(resolve_region(region_text))  # type: ignore[operator]
        if cache[region_text] is None:
            errors.append(
                RowError(
                    file,
                    sheet,
                    n,
                    RULE_REGION,
                    f"{region_text!r} is not a province, planned city or 新疆生产建设兵团",
                )
            )
            ok = False
        else:
            region = cache[region_text] or ""
    if not ok:
        return None
    return ListRow(sheet, n, get("seq"), region, printed, code, get("note"), region_text)


def _region_code(resolved: object) -> str | None:
    """The code of whatever the region resolver returns (a code string or an object with one)."""
    if resolved is None:
        return None
    if isinstance(resolved, str):
        return resolved
    for attr in ("code", "gbcode", "gb_code", "local", "key"):
        v = getattr(resolved, attr, None)
        if isinstance(v, str) and v:
            return v
    return str(resolved)


def _empty(name: str, data: bytes, message: str) -> ParsedList:
    err = RowError(name, "", 0, RULE_EMPTY, message)
    return ParsedList((), None, None, None, None, (err,), name, "", data)


def _at(sheet: str, row: int) -> str:
    return (f"sheet {sheet!r} " if sheet else "") + f"row {row}"


def _clip(text: str, n: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


# -- facts from titles (shared with the notice reader) -----------------------------------------


def cn_number(text: str) -> int | None:
    """一 → 1, 十二 → 12, 二十 → 20, 248 → 248; None for anything else."""
    if text.isdigit():
        return int(text)
    if not text or any(ch not in _CN_DIGITS and ch != "十" for ch in text):
        return None
    if "十" in text:
        tens, _, units = text.partition("十")
        t = _CN_DIGITS.get(tens, 1) if tens else 1
        return t * 10 + (_CN_DIGITS.get(units, 0) if units else 0)
    return _CN_DIGITS.get(text) if len(text) == 1 else None


def detect_batch(text: str) -> int | None:
    """The one batch ordinal a title names (第一批 / 第1批 / first batch / batch 1), else None."""
    found: set[int] = set()
    for m in re.finditer(r"第\s*([0-9一二两三四五六七八九十]+)\s*批", text):
        if (v := cn_number(m.group(1))) is not None and not _fiscal(text, m.end()):
            found.add(v)
    for m in re.finditer(r"\b(" + "|".join(_EN_ORDINALS) + r")\s+batch", text, re.I):
        found.add(_EN_ORDINALS[m.group(1).lower()])
    for m in re.finditer(r"\bbatch\s+(?:no\.\s*)?(\d+)\b", text, re.I):
        found.add(int(m.group(1)))
    return found.pop() if len(found) == 1 else None


def _fiscal(text: str, end: int) -> bool:
    # 第二批第二年 is a fiscal-support batch (重点小巨人), a separate numbering
    return bool(re.match(r"\s*第[一二三四五0-9]+年", text[end:]))


def detect_kind(text: str) -> str | None:
    """Which kind of list a title announces; None when it does not say or says several."""
    t = normalise_name(text)
    kinds = set()
    if re.search(r"撤销|撤消|revok|revocation", t):
        kinds.add("revocation")
    if re.search(r"未通过复核|复核未通过|不予通过|failedthe(re-?)?review|notpass", t):
        kinds.add("review-failed")
    elif re.search(r"通过复核|复核通过|passedthe(re-?)?review|review-?passed|passedre-?review", t):
        kinds.add("review-passed")
    if not kinds and re.search(r"第[0-9一二三四五六七八九十]+批.*小巨人|batch.*littlegiant", t):
        kinds.add("batch")
    if (
        "review-passed" in kinds
        and len(set(re.findall(r"第([0-9一二三四五六七八九十]+)批", t))) > 1
    ):
        return None  # 第四批…和通过复核的第一批…: one list of two kinds, the caller must say which
    return kinds.pop() if len(kinds) == 1 else None


def detect_document(text: str) -> str | None:
    """The one 文号 a title states; None when it states none or several."""
    found = {m.group(0) for m in _DOC_NUMBER.finditer(text)}
    return found.pop() if len(found) == 1 else None


def detect_date(text: str) -> dt.date | None:
    """The one date a title states (2019年6月5日 or 2019-06-05)."""
    found: set[dt.date] = set()
    for m in [*_ZH_DATE.finditer(text), *_ISO_DATE.finditer(text)]:
        try:
            found.add(dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))))
        except ValueError:
            continue
    return found.pop() if len(found) == 1 else None


def rows_by_key(rows: Iterable[ListRow]) -> dict[tuple[str, str], ListRow]:
    """Rows keyed by (normalised name, region) for lookups across lists."""
    return {(normalise_name(r.name), r.region): r for r in rows}
