"""What a list or notice is, once its own text and the command line agree; and IngestError.

A list's title or a notice's text states some of its kind, batch, 文号 and date; the caller may
state them too. Both are reconciled here, for lists and notices alike: a disagreement is an
error, never a pick, and a fact nobody states is asked for.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVar

from ingest.parse_list import LIST_KINDS
from ingest.row_errors import RULE_REJECTED, RowError

T = TypeVar("T")


class IngestError(Exception):
    """The input cannot be ingested as it is; every reason is listed, nothing was written.

    ``errors`` holds every problem (``ingest.report`` summarises them by rule); the message
    shows the first few only, since a list can have thousands.
    """

    SHOWN = 20

    def __init__(self, file: str, problems: Iterable[RowError | str]) -> None:
        self.file = file
        self.errors = [
            p if isinstance(p, RowError) else RowError(file, "", 0, RULE_REJECTED, p)
            for p in problems
        ]
        self.problems = [str(e) for e in self.errors[: self.SHOWN]]
        more = len(self.errors) - len(self.problems)
        super().__init__(
            f"{file}: rejected, nothing written ({len(self.errors)} problem(s)):\n  "
            + "\n  ".join(self.problems)
            + (f"\n  … and {more:,} more" if more > 0 else "")
        )


@dataclass(frozen=True)
class Stated:
    """The facts one party states about a file (the file itself, or the command line)."""

    kind: str | None = None
    batch: int | None = None
    document: str | None = None
    date: dt.date | None = None


@dataclass(frozen=True)
class Facts:
    """What a list or notice is, after reconciling its own text with what the caller says."""

    kind: str
    batch: int | None
    document: str | None
    date: dt.date
    source_url: str | None


def reconcile_facts(
    own: Stated, given: Stated, *, file: str, noun: str, source_url: str | None
) -> Facts:
    """Merge what the file says (``own``) with what the caller says (``given``).

    ``noun`` is what the messages call the file ("file", "notice"). A batch list or notice must
    say which batch it awards.

    Raises:
        IngestError: a fact is missing, or the file and the caller disagree on it.
    """
    problems: list[str] = []

    def pick(what: str, mine: T | None, theirs: T | None) -> T | None:
        if mine is not None and theirs is not None and mine != theirs:
            problems.append(f"{what}: the {noun} says {mine}, the command line says {theirs}")
        return theirs if theirs is not None else mine

    kind = pick("kind", own.kind, given.kind)
    batch = pick("batch", own.batch, given.batch)
    document = pick("document", own.document, given.document)
    day = pick("date", own.date, given.date)
    if kind is None:
        problems.append("the list does not say its kind; give --kind " + "|".join(LIST_KINDS))
    if day is None:
        problems.append(f"the {noun} states no date; give --date YYYY-MM-DD")
    if kind == "batch" and batch is None:
        problems.append(f"the {noun} does not say its batch; give --batch N")
    if problems or kind is None or day is None:
        raise IngestError(file, problems)
    return Facts(kind, batch, document, day, source_url)


def fact_origins(own: Stated, given: Stated) -> dict[str, str]:
    """Where each fact of a list or notice came from: the command line, the file, or nowhere."""
    out = {}
    for what in ("kind", "batch", "document", "date"):
        if getattr(given, what) is not None:
            out[what] = f"--{what}"
        elif getattr(own, what) is not None:
            out[what] = "the file's own text"
        else:
            out[what] = "not stated"
    return out
