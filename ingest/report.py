"""What the command says about an ingest: a rejection summarised by rule, or what a success did.

A rejected list can have thousands of problems. The terminal gets, per rule, the count and the
first cases in row order (numbers compared as numbers: 9 before 10 before 998); ``--errors
FILE.csv`` gets every case, one row each, for a spreadsheet or a script.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from ingest.ingest_file import IngestResult
from ingest.row_errors import FIRST_CASES, RULE_SHAPE, RowError, clip

ERROR_COLUMNS = ("file", "sheet", "row", "column", "rule", "value", "message")
_ROW = re.compile(r"^(?P<file>.*?)(?: \[(?P<sheet>.*)\])? row (?P<row>\d+)$")


def in_row_order(errors: Iterable[RowError]) -> list[RowError]:
    """File-level problems first, then sheets in the order they appear, rows by number."""
    errors = list(errors)
    sheets: dict[str, int] = {}
    for e in errors:
        sheets.setdefault(e.sheet, len(sheets))
    return sorted(errors, key=lambda e: (e.row > 0, sheets[e.sheet], e.row))


def summary(file: str, errors: Sequence[RowError], *, first: int = FIRST_CASES) -> str:
    """Per rule: how many cases, and the first ``first`` of them in row order."""
    by_rule: dict[str, list[RowError]] = {}
    for e in in_row_order(errors):
        by_rule.setdefault(e.rule, []).append(e)
    rules = "rule" if len(by_rule) == 1 else "rules"
    lines = [
        f"{file}: rejected, nothing written: {len(errors):,} problem(s), {len(by_rule)} {rules}"
    ]
    for rule, cases in sorted(by_rule.items(), key=lambda kv: -len(kv[1])):
        lines.append(f"  {rule}: {len(cases):,}")
        for e in cases[:first]:
            where = (f"[{clip(e.sheet, 40)}] " if e.sheet else "") + (
                f"row {e.row}" if e.row else "file"
            )
            lines.append(f"    {where}: {clip(e.message, 240)}")
        if len(cases) > first:
            lines.append(f"    … and {len(cases) - first:,} more")
    return "\n".join(lines)


def write_errors(path: Path, errors: Iterable[RowError]) -> int:
    """Every case as a CSV row (file, sheet, row, column, rule, value, message); the count."""
    n = 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(ERROR_COLUMNS)
        for e in in_row_order(errors):
            out.writerow([e.file, e.sheet, e.row or "", e.column, e.rule, e.value, e.message])
            n += 1
    return n


def shape_errors(file: str, results: Iterable[tuple[str, str, str, str, str]]) -> list[RowError]:
    """SHACL violations as row problems: (where, shape, path, value, message) → RowError.

    ``where`` is the source row a node was built from (``file [sheet] row N``) when known.
    """
    out = []
    for where, shape, path, value, message in results:
        m = _ROW.match(where)
        sheet, row = (m.group("sheet") or "", int(m.group("row"))) if m else ("", 0)
        text = message if m else f"{clip(where, 120)}: {message}"
        rule = f"{RULE_SHAPE}:{shape.rsplit('#', 1)[-1].rsplit('/', 1)[-1]}"
        out.append(RowError(file, sheet, row, rule, text, path, clip(value, 200)))
    return out


def success_lines(result: IngestResult) -> list[str]:
    """What a published (or unchanged) ingest did, in the words a person checks it by."""
    t = result.tally
    if not result.outcome.changed:
        return [f"{result.rows:,} rows read; unchanged: the store already holds this file"]
    lines = [f"{result.rows:,} rows read"]
    if result.kind != "notice":
        matched = max(0, result.rows - t.firms_new)
        lines.append(f"firms: {matched:,} matched, {t.firms_new:,} new, 0 sent to review")
    lines.append(
        f"titles: {t.titles_added:,} added, {t.titles_extended:,} extended, "
        f"{t.titles_ended:,} ended"
    )
    lines.append(f"graphs replaced: {len(result.outcome.replaced)}")
    if result.facts is not None:
        f = result.facts
        document = f.document or f.document_iri  # a document the store knows may have no 文号
        stated = {"kind": f.kind, "batch": f.batch, "document": document, "date": f.date}
        for what, value in stated.items():
            origin = result.origins.get(what, "not stated")
            lines.append(f"  {what}: {value if value is not None else '-'} ({origin})")
    return lines
