"""What a list or notice is, from what its own text, the command line and the store say; and
IngestError.

A list's title or a notice's text states some of its kind, batch, 文号 and date; the caller may
state them too; the store may know the rest (``ingest.store_facts``). They are consulted in that
order: the file, then the command line, then the store. Two that state a fact must agree (a
disagreement is an error, never a pick), a fact nobody states is asked for, and the report says
where each fact came from.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from ingest.parse_list import LIST_KINDS
from ingest.row_errors import RULE_REJECTED, RowError
from ingest.store_facts import Known

T = TypeVar("T")

KnownLookup = Callable[[int | None, str | None], Known]
"""What the store knows for (batch, document 文号 or None)."""


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
    """What a list or notice is, after reconciling its own text, the caller and the store.

    ``document`` is the 文号 when one is stated; ``document_iri`` the document the list belongs
    to however it is known (its 文号, or the batch's announcing document in the store).
    ``valid_from``/``valid_until``: the validity term the store's titles of the batch share,
    which new titles inherit. ``origins``: (fact, where it came from), as ``fact_origins``
    words it, the store's facts added.
    """

    kind: str
    batch: int | None
    document: str | None
    date: dt.date
    source_url: str | None
    document_iri: str | None = None
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    origins: tuple[tuple[str, str], ...] = ()


def reconcile_facts(
    own: Stated,
    given: Stated,
    *,
    file: str,
    noun: str,
    source_url: str | None,
    known: KnownLookup | None = None,
    document_iri: Callable[[str], str] | None = None,
) -> Facts:
    """Merge what the file says (``own``), what the caller says (``given``) and, for what
    neither states, what the store knows (``known``).

    ``noun`` is what the messages call the file ("file", "notice"); ``document_iri`` maps a
    stated 文号 to its IRI. A batch list or notice must say which batch it awards.

    Raises:
        IngestError: a fact is missing, or two of file, command line and store disagree on it.
    """
    problems: list[str] = []
    origins = fact_origins(own, given)

    def pick(what: str, mine: T | None, theirs: T | None) -> T | None:
        if mine is not None and theirs is not None and mine != theirs:
            problems.append(f"{what}: the {noun} says {mine}, the command line says {theirs}")
        return mine if mine is not None else theirs

    kind = pick("kind", own.kind, given.kind)
    batch = pick("batch", own.batch, given.batch)
    document = pick("document", own.document, given.document)
    day = pick("date", own.date, given.date)
    # what the store knows of a batch (its announcing notice and date) is a batch list's; a
    # review or revocation list of the batch is another document of another day
    batch_list = kind in (None, "batch")
    store = known(batch, document) if known is not None and batch_list else Known()
    iri = document_iri(document) if document and document_iri else store.document
    if document is None and store.document is not None:
        origins["document"] = f"the store: {store.document_label} announces batch {batch}"
    if store.date is not None:
        if day is None:
            day = store.date
            origins["date"] = f"the store: {store.date_why}"
        elif store.binding and day != store.date:
            problems.append(
                f"date: {day} is stated, the store says {store.date} ({store.date_why})"
            )
    if store.valid_from is not None:
        until = f" to {store.valid_until}" if store.valid_until else ""
        term = f"{store.valid_from}{until}"
        origins["validity"] = f"the store: {term}, the term batch {batch}'s titles share"
    if kind is None:
        problems.append("the list does not say its kind; give --kind " + "|".join(LIST_KINDS))
    if day is None:
        what = f"for batch {batch} " if batch is not None else ""
        problems.append(
            f"the {noun} states no date, and the store knows none {what}(no dated announcing "
            "document, announcement date or validity); give --date YYYY-MM-DD"
        )
    if kind == "batch" and batch is None:
        problems.append(f"the {noun} does not say its batch; give --batch N")
    if problems or kind is None or day is None:
        raise IngestError(file, problems)
    return Facts(
        kind,
        batch,
        document,
        day,
        source_url,
        document_iri=iri,
        valid_from=store.valid_from,
        valid_until=store.valid_until,
        origins=tuple(origins.items()),
    )


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
