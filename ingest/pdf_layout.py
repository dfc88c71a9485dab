"""Text lines of a PDF page, and the columns of a table printed without ruling lines.

Without rules, a column is wherever text is: the white gutters that run down every line of
the table separate the columns. Gutters are found over all table lines of all pages at once,
so one short page cannot split a column, and a gap between two words of one name (a space)
is never a gutter unless no other line prints anything there either.
"""

from __future__ import annotations

import bisect
import itertools
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ingest.sheet import clean_cell

Word = dict[str, Any]  # pdfplumber's word: text, x0, x1, top, bottom, size

# Gaps in ems of the font size. Word processors pad table cells by about 0.2 cm each side, so
# the gap between two columns is at least about 1 em; a space between words is 0.2-0.5 em.
SEGMENT_GAP = 0.9
GUTTER = 0.5


@dataclass(frozen=True)
class Line:
    """The words printed on one line of a page, left to right."""

    words: tuple[Word, ...]

    @property
    def top(self) -> float:
        return min(float(w["top"]) for w in self.words)

    @property
    def bottom(self) -> float:
        return max(float(w["bottom"]) for w in self.words)

    @property
    def size(self) -> float:
        return statistics.median(float(w.get("size") or 10.0) for w in self.words)

    @property
    def text(self) -> str:
        return clean_cell(" ".join(str(w["text"]) for w in self.words))

    def segments(self) -> list[tuple[float, float]]:
        """The runs of text on the line that are farther apart than a space."""
        runs: list[tuple[float, float]] = []
        for w in self.words:
            if runs and w["x0"] - runs[-1][1] < SEGMENT_GAP * self.size:
                runs[-1] = (runs[-1][0], max(runs[-1][1], float(w["x1"])))
            else:
                runs.append((float(w["x0"]), float(w["x1"])))
        return runs


def text_lines(words: Sequence[Word]) -> list[Line]:
    """Group words into lines by their top edge, top to bottom."""
    lines: list[list[Word]] = []
    for w in sorted(words, key=lambda w: (w["top"], w["x0"])):
        size = float(w.get("size") or 10.0)
        if lines and w["top"] - lines[-1][0]["top"] <= 0.5 * size:
            lines[-1].append(w)
        else:
            lines.append([w])
    return [Line(tuple(sorted(ws, key=lambda w: w["x0"]))) for ws in lines]


def column_edges(lines: Sequence[Line]) -> list[float]:
    """The x positions between columns: the middle of each gutter no table line prints across."""
    if not lines:
        return []
    gap = GUTTER * statistics.median(line.size for line in lines)
    spans = sorted((float(w["x0"]), float(w["x1"])) for line in lines for w in line.words)
    blocks = [spans[0]]
    for x0, x1 in spans[1:]:
        if x0 - blocks[-1][1] < gap:
            blocks[-1] = (blocks[-1][0], max(blocks[-1][1], x1))
        else:
            blocks.append((x0, x1))
    return [(a[1] + b[0]) / 2 for a, b in itertools.pairwise(blocks)]


def gutter_cells(line: Line, edges: Sequence[float]) -> list[str]:
    """The line's text cut into cells at the column edges.

    A word that crosses an edge (a section heading, a title across the table) makes the line
    one cell across the whole row: the same text in every cell, as a merged range reads.
    """
    width = len(edges) + 1
    for w in line.words:
        if any(w["x0"] < e < w["x1"] for e in edges):
            return [line.text] * width
    parts: list[list[str]] = [[] for _ in range(width)]
    for w in line.words:
        parts[bisect.bisect_left(edges, (w["x0"] + w["x1"]) / 2)].append(str(w["text"]))
    return [clean_cell(" ".join(p)) for p in parts]
