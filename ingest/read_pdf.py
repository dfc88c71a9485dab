"""Attachment lists printed as PDF: the one table they hold, joined over its pages, as cells.

pdfplumber gives each character with its position. A ruled table's cells come from its ruling
lines, merged cells from their geometry; a table without rules is cut into columns at the white
gutters that run down its text. The title and 附件N above the table become the preamble, page
numbers are dropped, the header repeated on a page goes, a row broken over a page boundary is
joined again. Nothing is OCR'd: a scan is refused, not read as an empty list.
"""

from __future__ import annotations

import bisect
import io
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFPasswordIncorrect
from pdfminer.pdftypes import resolve1
from pdfplumber.page import Page
from pdfplumber.table import Table
from pdfplumber.utils.exceptions import PdfminerException

from ingest.limits import DEFAULT_LIMITS, LimitExceeded, ReadLimits
from ingest.pdf_layout import Line, column_edges, gutter_cells, text_lines
from ingest.sheet import (
    ReadError,
    Sheet,
    fill_region_column,
    join_lines,
    resolve_sections,
    section_region,
    spanning_text,
)

MAX_CHARS = 5_000_000  # about 2,500 characters a page at the page cap
_STREAM = re.compile(rb"(?<!end)stream\r?\n")
_SCAN_COVER = 0.5  # a page without text whose images cover this much of it is a scanned page
_PAGE_NUMBER = re.compile(
    r"^(?:[-—–－]\s*\d+\s*[-—–－]|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?"
    r"|\d+(?:\s*/\s*\d+)?|[Pp]age\s*\d+(?:\s*of\s*\d+)?)$"
)


class NoTextLayerError(ReadError):
    """A PDF (or a page of one) with no characters to read: a scan, or glyphs without Unicode."""


class EncryptedPdfError(ReadError):
    """A PDF that opens only with a password."""


@dataclass
class _Page:
    """One page's part of the table: rows of cells, and the text printed outside the table."""

    number: int
    rows: list[list[str]] = field(default_factory=list)
    ruled: bool = True
    scanned: bool = False
    lines: list[Line] = field(default_factory=list)  # an unruled page's text lines
    outside: list[str] = field(default_factory=list)


def read_pdf(data: bytes, limits: ReadLimits = DEFAULT_LIMITS) -> list[Sheet]:
    """Read the attachment list a PDF prints into one sheet: the header row, then the rows.

    Cells hold text as printed, a wrapped cell's lines joined (no space next to a CJK
    character, one between Latin words); merged cells and a region printed once for its group
    are filled in; province section headings (一、北京市（21家）) become a 地区 column.

    Raises:
        EncryptedPdfError: the PDF needs a password.
        NoTextLayerError: a scan (pages of images), or glyphs that map to no characters.
            OCR is not done.
        LimitExceeded: more pages than ``limits`` allow, or more characters than its rows
            and cells can hold, or a stream that inflates past the unzipped limit.
        ReadError: not a PDF pdfminer can parse, or no table in it.
    """
    max_pages = limits.max_pdf_pages
    max_chars = min(MAX_CHARS, limits.max_list_rows * 50)
    check_streams(data, limits)
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except PdfminerException as exc:
        raise _refusal(exc) from None
    with pdf:
        count = _page_count(pdf)
        if count > max_pages:
            raise LimitExceeded("max_pdf_pages", f"the PDF has {count} pages", limits)
        pages, chars = [], 0
        for page in pdf.pages:
            if page.page_number > max_pages:  # a page tree whose Count understates it
                raise LimitExceeded("max_pdf_pages", "the PDF has more pages than it says", limits)
            try:
                chars += len(page.chars)
                if chars > max_chars:
                    what = f"the PDF has more than {max_chars:,} characters"
                    raise LimitExceeded("max_list_rows", what, limits)
                pages.append(_read_page(page))
            except PdfminerException as exc:
                raise ReadError(f"page {page.page_number} cannot be read: {exc}") from None
            finally:
                page.close()  # pdfplumber keeps every parsed object of a page until then
    scans = [p.number for p in pages if p.scanned]
    if scans and len(scans) == len(pages):
        raise NoTextLayerError(
            "the PDF is a scan without a text layer: its pages are images; OCR is not done, "
            "so ask for a PDF with text or the list as a spreadsheet"
        )
    if scans:
        which = (
            f"page {scans[0]} is" if len(scans) == 1 else f"pages {', '.join(map(str, scans))} are"
        )
        raise NoTextLayerError(
            f"{which} (of {len(pages)}) a scanned image without a text layer; OCR is not done, "
            "and the list is not read without it"
        )
    if not any(p.rows or p.lines for p in pages):
        raise NoTextLayerError(
            "the PDF has no text layer: no page holds a character to read (a scan, or text "
            "drawn as outlines); OCR is not done, so ask for a PDF with text or the list as "
            "a spreadsheet"
        )
    return [_join(pages)]


def check_streams(data: bytes, limits: ReadLimits) -> None:
    """Inflate the PDF's Flate streams, all together up to the unzipped limit, before pdfminer
    does: it inflates each whole, and a few kilobytes can inflate to gigabytes.

    Raises:
        LimitExceeded: the streams inflate past ``max_unzipped_bytes``.
    """
    budget = limits.max_unzipped_bytes
    for m in _STREAM.finditer(data):
        end = data.find(b"endstream", m.end())
        if end < 0:
            return
        inflater, chunk = zlib.decompressobj(), data[m.end() : end]
        try:
            while chunk and budget >= 0:
                budget -= len(inflater.decompress(chunk, budget + 1))
                chunk = inflater.unconsumed_tail
        except zlib.error:
            continue  # not a Flate stream: pdfminer decodes the other filters on its own
        if budget < 0:
            what = "the PDF's compressed streams inflate to more bytes than it can hold"
            raise LimitExceeded("max_unzipped_bytes", what, limits)


def _refusal(exc: PdfminerException) -> ReadError:
    cause = exc.args[0] if exc.args else exc
    if isinstance(cause, PDFPasswordIncorrect):
        return EncryptedPdfError(
            "the PDF is encrypted and opens only with a password; it is not read"
        )
    return ReadError(f"not a readable PDF: {cause}")


def _page_count(pdf: pdfplumber.PDF) -> int:
    """The page count the page tree states, read before any page is parsed."""
    try:
        count = resolve1(resolve1(pdf.doc.catalog["Pages"])["Count"])
        return int(count)
    except (KeyError, TypeError, ValueError):
        return len(pdf.pages)


def _read_page(page: Page) -> _Page:
    chars = [c for c in page.chars if not c["text"].isspace()]
    out = _Page(page.page_number)
    if any(c["text"].startswith("(cid:") for c in chars):
        raise NoTextLayerError(
            f"page {page.page_number} prints glyphs that map to no characters (a font without "
            "a Unicode table); they cannot be read as text and OCR is not done"
        )
    if not chars:
        cover = sum(abs((i["x1"] - i["x0"]) * (i["bottom"] - i["top"])) for i in page.images)
        out.scanned = cover >= _SCAN_COVER * page.width * page.height
        return out
    tables = sorted(
        (t for t in page.find_tables() if len(t.rows) >= 2 and len(t.rows[0].cells) >= 2),
        key=lambda t: t.bbox[1],
    )
    words = page.extract_words(extra_attrs=["size"])
    if not tables:
        out.ruled = False
        out.lines = _without_furniture(text_lines(words), page.height)
        return out
    for table in tables:
        out.rows += _grid(table)
    boxes = [t.bbox for t in tables]
    loose = [w for w in words if not any(_inside(w, b) for b in boxes)]
    out.outside = [line.text for line in _without_furniture(text_lines(loose), page.height)]
    return out


def _inside(word: dict[str, Any], box: tuple[float, float, float, float]) -> bool:
    x, y = (word["x0"] + word["x1"]) / 2, (word["top"] + word["bottom"]) / 2
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def _without_furniture(lines: list[Line], height: float) -> list[Line]:
    """The lines less a page number printed as the first or last line in the page's margin."""
    keep = list(lines)
    for line in (keep[-1:] + keep[:1]) if keep else []:
        margin = line.top > 0.88 * height or line.bottom < 0.12 * height
        if margin and _PAGE_NUMBER.match(line.text.replace(" ", "")) and line in keep:
            keep.remove(line)
    return keep


def _grid(table: Table) -> list[list[str]]:
    """A ruled table's rows, each merged cell's text in every grid cell it covers."""
    rows = table.rows
    texts = table.extract()
    xs = sorted({c[0] for c in table.cells})
    tops = [min(c[1] for c in row.cells if c is not None) for row in rows]
    grid: list[list[str | None]] = [[None] * len(xs) for _ in rows]
    for i, row in enumerate(rows):
        for j, cell in enumerate(row.cells):
            if cell is None:
                continue
            text = join_lines((texts[i][j] or "").split("\n"))
            last_row = bisect.bisect_left(tops, cell[3] - 1)
            last_col = bisect.bisect_left(xs, cell[2] - 1)
            for r in range(i, max(last_row, i + 1)):
                for c in range(j, max(last_col, j + 1)):
                    grid[r][c] = text
    return [[c or "" for c in row] for row in grid]


def _join(pages: list[_Page]) -> Sheet:
    """One sheet from the pages: the header once, rows broken over a boundary joined."""
    _unruled_to_rows(pages)
    preamble: list[str] = []
    rows: list[list[str]] = []
    head: list[list[str]] = []  # the header as printed: more than one line where it wraps
    continuing: list[bool] = []  # whether a row may continue the one before it
    for page in pages:
        body = page.rows
        if not head:
            first = next((i for i, r in enumerate(body) if not _spans_or_empty(r)), None)
            if first is None:
                preamble += [_text(row) for row in body if any(row)] + page.outside
                continue
            preamble += [_text(r) for r in body[:first] if any(r)] + page.outside
            end = first + 1 if page.ruled else _header_end(body, first)
            head, body = body[first:end], body[end:]
            rows.append([join_lines(lines) for lines in zip(*head, strict=False)])
            continuing.append(False)
        else:
            preamble += page.outside
            for line in head:  # the header repeated at the top of the page
                if body and _key(body[0]) == _key(line):
                    body = body[1:]
        for k, row in enumerate(body):
            rows.append(row)
            continuing.append(not page.ruled or k == 0)
    if not head:
        raise ReadError("the PDF holds text but no table with a header row")
    rows = _merge_continuations(rows, continuing)
    while len(rows) > 1 and (text := spanning_text(rows[-1])) and not section_region(rows[-1]):
        preamble.append(text)  # a note printed under the table
        rows.pop()
    numbered = [(n, row) for n, row in enumerate(rows, 1)]
    return Sheet("", fill_region_column(resolve_sections(numbered)), preamble)


def _header_end(body: list[list[str]], first: int) -> int:
    """Where an unruled header ends: its wrapped lines run up to the first numbered row (序号
    1) or section heading, if one follows within a few lines."""
    for end in range(first + 1, min(first + 4, len(body))):
        if body[end][0].isdigit() or section_region(body[end]):
            return end
    return first + 1


def _unruled_to_rows(pages: list[_Page]) -> None:
    """Cut the unruled pages' lines into cells at the gutters of all their table lines."""
    unruled = [p for p in pages if not p.ruled and p.lines]
    if not unruled:
        return
    first = unruled[0]
    start = next((i for i, ln in enumerate(first.lines) if len(ln.segments()) > 1), None)
    start = len(first.lines) if start is None else start
    first.outside = [ln.text for ln in first.lines[:start]] + first.outside
    first.lines = first.lines[start:]
    table = [ln for p in unruled for ln in p.lines if len(ln.segments()) > 1]
    edges = column_edges(table)
    for p in unruled:
        cells = [gutter_cells(ln, edges) for ln in p.lines]
        if p is not first:
            while cells and spanning_text(cells[0]) and not section_region(cells[0]):
                p.outside.append(p.lines[len(p.lines) - len(cells)].text)  # a repeated title
                cells = cells[1:]
        p.rows = cells


def _merge_continuations(rows: list[list[str]], continuing: list[bool]) -> list[list[str]]:
    """Join the lines of a wrapped row, and a row broken over a page boundary, into one row.

    Only where the first column numbers the rows (序号): a row there without a number is the
    rest of the row above it.
    """
    firsts = [r[0] for r in rows[1:] if r[0] and not _spans_or_empty(r)]
    if not firsts or not all(f.isdigit() for f in firsts):
        return rows
    out = [rows[0]]
    for row, may in zip(rows[1:], continuing[1:], strict=True):
        prev = out[-1]
        joinable = may and len(out) > 1 and not (_spans_or_empty(row) or _spans_or_empty(prev))
        if joinable and (not row[0] or not prev[0]):
            width = max(len(prev), len(row))
            pairs = zip(prev + [""] * width, row + [""] * width, strict=False)
            out[-1] = [join_lines(pair) for pair in pairs][:width]
        else:
            out.append(row)
    return out


def _spans_or_empty(row: Sequence[str]) -> bool:
    return not any(row) or spanning_text(list(row)) is not None


def _text(row: Sequence[str]) -> str:
    return spanning_text(list(row)) or " ".join(c for c in row if c)


def _key(row: Sequence[str]) -> tuple[str, ...]:
    return tuple("".join(c.split()) for c in row)
