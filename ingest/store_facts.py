"""What the store already knows about a list's or notice's batch and document: the facts a file
and the command line leave unstated are taken from here, and only from here (``ingest.facts``).

For a batch: its announcing document (the one notice or list that announces it, a 公示 not
counted: a 公示 proposes titles, it does not award them), that document's date (成文日期, else
its publication), else the batch's announcement date, else the validity start its designations
share; and the validity term its titles share, which new titles of the batch inherit. For a
document the file or the command line names: its date. The graph being replaced is left out:
a list's earlier version is not evidence for the list itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pyoxigraph as ox

from ontology.iris import Iris
from ontology.namespaces import LG
from ontology.store import GraphStore

_LG = str(LG)


@dataclass(frozen=True)
class Known:
    """What the store knows; each value with the reason it is known (for the ingest's report)."""

    document: str | None = None  # IRI of the batch's announcing document
    document_label: str = ""  # its 文号 or label, for messages
    date: dt.date | None = None
    date_why: str = ""
    binding: bool = False  # a document's or announcement's date: a stated date must agree
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None


class StoreFacts:
    """Lookups of one list's or notice's facts in the store, leaving out its own graph."""

    def __init__(self, store: GraphStore, iris: Iris, own_graph: str | None = None) -> None:
        self.store = store
        self.iris = iris
        self.own = own_graph

    def _rows(self, where: str, *names: str) -> list[tuple[ox.NamedNode | ox.Literal | None, ...]]:
        own = f"FILTER (?g != <{self.own}>)" if self.own else ""
        rows = self.store.select(
            f"SELECT DISTINCT {' '.join('?' + n for n in names)} WHERE {{ {where} {own} }}"
        )
        return [tuple(row[n] for n in names) for row in rows]  # unbound: None

    def announcing_document(self, batch: int) -> tuple[str, str] | None:
        """The one document that announces ``batch`` and is not a 公示: (IRI, label)."""
        b = self.iris.batch(batch)
        rows = self._rows(
            f"""{{ GRAPH ?g {{ <{b}> <{_LG}announcedBy> ?doc }} }}
                UNION {{ GRAPH ?g {{ ?doc <{_LG}announces> <{b}> }} }}
                FILTER NOT EXISTS {{ ?doc <{_LG}documentKind> <{_LG}KindPublicity> }}
                OPTIONAL {{ ?doc <{_LG}documentNumber> ?number }}""",
            "doc",
            "number",
        )
        docs = {(d.value, n.value if n is not None else "") for d, n in rows if d is not None}
        if len({d for d, _ in docs}) != 1:
            return None
        iri, number = sorted(docs)[0]
        parsed = self.iris.parse(iri)
        return iri, number or (parsed.local if parsed else iri)

    def document_date(self, iri: str) -> tuple[dt.date, str] | None:
        """The date a document was written (成文日期), else published."""
        for prop, why in (("dateWritten", "written"), ("datePublished", "published")):
            days = self._dates(f"GRAPH ?g {{ <{iri}> <{_LG}{prop}> ?day }}")
            if len(days) == 1:
                return days[0], why
        return None

    def batch_facts(self, batch: int) -> tuple[dt.date | None, dt.date | None, dt.date | None]:
        """The batch's announcement date, and the validity term its designations share."""
        b = self.iris.batch(batch)
        announced = self._dates(f"GRAPH ?g {{ <{b}> <{_LG}announcementDate> ?day }}")
        rows = self._rows(
            f"""?d <{_LG}batch> <{b}> . GRAPH ?g {{ ?d <{_LG}validFrom> ?from }}
                OPTIONAL {{ ?d <{_LG}validUntil> ?until }}""",
            "from",
            "until",
        )
        terms = {(f.value, u.value if u is not None else "") for f, u in rows if f is not None}
        start = end = None
        if len(terms) == 1:
            first, last = next(iter(terms))
            start = dt.date.fromisoformat(first)
            end = dt.date.fromisoformat(last) if last else None
        return (announced[0] if len(announced) == 1 else None), start, end

    def _dates(self, where: str) -> list[dt.date]:
        out = set()
        for (day,) in self._rows(where, "day"):
            if isinstance(day, ox.Literal):
                try:
                    out.add(dt.date.fromisoformat(day.value))
                except ValueError:
                    continue
        return sorted(out)

    def known(self, batch: int | None, document: str | None) -> Known:
        """What the store knows of a list of ``batch`` belonging to ``document`` (an IRI, or
        None: the batch's announcing document, if the store knows one). The batch's own dates
        are the list's only when it is the batch's announcing document's (or names none): a
        supplementary list of the batch has its own."""
        label = ""
        announcing = self.announcing_document(batch) if batch is not None else None
        if announcing is not None and document in (None, announcing[0]):
            document, label = announcing
        batch_own = document is None or (announcing is not None and announcing[0] == document)
        announced = start = end = None
        if batch is not None and batch_own:
            announced, start, end = self.batch_facts(batch)
        base = Known(document, label, valid_from=start, valid_until=end)
        if document is not None and (dated := self.document_date(document)):
            day, why = dated
            return _with_date(base, day, f"the date {label or document} was {why}", True)
        if announced is not None:
            return _with_date(base, announced, f"the announcement date of batch {batch}", True)
        if start is not None:
            return _with_date(base, start, f"the validity start of batch {batch}'s titles", False)
        return base


def _with_date(known: Known, day: dt.date, why: str, binding: bool) -> Known:
    return Known(
        known.document, known.document_label, day, why, binding, known.valid_from, known.valid_until
    )
