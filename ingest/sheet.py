"""Sheets of cell text as the format readers hand them on, and the cell rules they share.

A reader's work ends at cells; what a cell means is ``parse_list``'s concern. The rules here are
the ones every reader must apply alike, so that one table printed as PDF, saved as XLS, XLSX or
CSV reads as the same cells: how a line break inside a cell joins, and how a list printed in
province sections (一、北京市（21家）) becomes a region column.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from ingest.regions import resolve_region
from ontology.names import CJK_RANGE

# ideographs, CJK punctuation (、。「」) and full-width forms (（），：): no space at a line break
_CJK = re.compile(f"[{CJK_RANGE}\u3000-\u303f\uf900-\ufaff\uff00-\uffef]")
# a space between two ideographs (or brackets) is layout, never part of a name: the rule the
# CSV, XLSX and HTML readers apply, so that every format gives the same cells
_CJK_GAP = re.compile(rf"(?<=[{CJK_RANGE}（）()])\s+(?=[{CJK_RANGE}（）()])")
_SECTION = re.compile(
    r"^(?:(?:[一二三四五六七八九十百]+|\d+)\s*[、.．]|[（(][一二三四五六七八九十百]+[)）])?\s*"
    r"(?P<region>[^\s（()）]+?)\s*"
    r"(?:[（(]\s*(?:共\s*)?(?P<count>\d+)\s*(?:家|户|个)?\s*[)）])?$"
)

Rows = list[tuple[int, list[str]]]


@dataclass
class Sheet:
    """One sheet (or one table joined over its pages): rows of cell text, and the title text
    printed around it."""

    name: str
    rows: Rows  # (1-based row number as the source counts, cells)
    preamble: list[str] = field(default_factory=list)  # title text outside the table


class ReadError(ValueError):
    """A file that cannot be read as tables; the message says why in words a person can act on."""


class TooLargeError(ReadError):
    """A file past one of the reader's caps (pages, characters, rows, columns)."""


def is_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


def clean_cell(text: str) -> str:
    """Collapse whitespace and drop the spaces a layout puts between CJK characters."""
    return _CJK_GAP.sub("", " ".join(text.split()))


def join_lines(lines: Iterable[str]) -> str:
    """Join the lines of one wrapped cell: a break next to a CJK character is no space, a break
    between two Latin words is one."""
    out = ""
    for line in (clean_cell(x) for x in lines):
        if not line:
            continue
        if out and not (is_cjk(out[-1]) or is_cjk(line[0])):
            out += " "
        out += line
    return clean_cell(out)


def spanning_text(cells: list[str]) -> str | None:
    """The text of a row printed as one cell across the table, else None.

    Such a row has its text in the first cell only, or the same text in every cell (a merged
    range filled in); a row with one other cell filled is a wrapped line, not a heading.
    """
    if len(cells) < 2 or not cells[0]:
        return None
    if all(c == cells[0] for c in cells) or not any(cells[1:]):
        return cells[0]
    return None


def section_region(cells: list[str]) -> tuple[str, int | None] | None:
    """(region as printed, stated count) when the row is a province section heading.

    A heading needs an ordinal (一、 / （一） / 1.) or a count (（21家）) and a name that resolves
    as a reporting region, so an industry heading or an enterprise row is never taken for one.
    """
    text = spanning_text(cells)
    if text is None or not (m := _SECTION.match(text)):
        return None
    if m.group("count") is None and not re.match(r"[一二三四五六七八九十百\d（(]", text):
        return None
    if resolve_region(m.group("region")) is None:
        return None
    return m.group("region"), int(m.group("count")) if m.group("count") else None


def resolve_sections(rows: Rows) -> Rows:
    """A list printed in province sections, as rows with a region column.

    The heading rows go; each row under a heading gets the heading's region in an appended
    地区 (or Region) column, or in the table's own region column where it has one (a filled cell
    there must name the same region). A heading's stated count must match the rows under it.

    Raises:
        ReadError: a count that does not match, or a row whose region contradicts its heading.
    """
    marks = [section_region(cells) for _, cells in rows]
    first = next((i for i, m in enumerate(marks) if m), None)
    if first is None:
        return rows
    width = max(len(cells) for _, cells in rows)
    body = [(n, cells + [""] * (width - len(cells))) for n, cells in rows]
    col = _region_column(body[first:], marks[first:])
    head = [i for i in range(first) if any(body[i][1])]
    out: Rows = []
    for i, (n, cells) in enumerate(body[:first]):
        if col is None:
            label = ("地区" if is_cjk("".join(cells)) else "Region") if head[-1:] == [i] else ""
            cells = [*cells, label]
        out.append((n, cells))
    current: tuple[str, int | None] = ("", None)
    counted = 0
    for (n, cells), mark in zip(body[first:], marks[first:], strict=True):
        if mark is not None:
            _check_count(current, counted)
            current, counted = mark, 0
        elif spanning_text(cells) is not None and not (col is not None and cells[col]):
            out.append((n, cells if col is not None else [*cells, ""]))  # a note, not a row
        elif any(cells):
            counted += 1
            out.append((n, _with_region(n, cells, col, current[0])))
    _check_count(current, counted)
    return out


def _with_region(n: int, cells: list[str], col: int | None, region: str) -> list[str]:
    if col is None:
        return [*cells, region]
    if not cells[col]:
        return [*cells[:col], region, *cells[col + 1 :]]
    if resolve_region(cells[col]) != resolve_region(region):
        raise ReadError(f"row {n} is in the section of {region} but names {cells[col]}")
    return cells


def _check_count(section: tuple[str, int | None], counted: int) -> None:
    if section[1] is not None and section[1] != counted:
        raise ReadError(
            f"section {section[0]} states {section[1]} enterprises but {counted} rows follow it"
        )


def _region_column(rows: Rows, marks: list[tuple[str, int | None] | None]) -> int | None:
    """The column every filled cell of which names a region, if the table has one."""
    data = [cells for (_, cells), m in zip(rows, marks, strict=True) if m is None and any(cells)]
    for col in range(len(data[0]) if data else 0):
        values = [cells[col] for cells in data if cells[col]]
        if values and all(resolve_region(v) is not None for v in values):
            return col
    return None


def fill_region_column(rows: Rows) -> Rows:
    """Fill down a region printed once for the rows of its group.

    Only for a column every filled body cell of which names a region (never a name or a code
    column), and only below a filled cell; section or spanning rows are left as they are.
    """
    if len(rows) < 3:
        return rows
    body = [cells for _, cells in rows[1:] if any(cells) and spanning_text(cells) is None]
    col = _region_column([(0, c) for c in body], [None] * len(body))
    if col is None:
        return rows
    out: Rows = [rows[0]]
    above = ""
    for n, cells in rows[1:]:
        if spanning_text(cells) is None and any(cells) and col < len(cells):
            if cells[col]:
                above = cells[col]
            elif above:
                cells = [*cells[:col], above, *cells[col + 1 :]]
        out.append((n, cells))
    return out
