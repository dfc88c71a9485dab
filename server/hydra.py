"""One page of a Hydra collection (https://www.hydra-cg.com/spec/latest/core/): its members with
their own statements, ``hydra:totalItems`` and a ``hydra:PartialCollectionView``.

Pages are keyset-paged on the member IRI (``after=``), so a page costs the same wherever it is
and stays stable while data is added. The view always names its page size, so it never shares
the collection's IRI.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

import pyoxigraph as ox

from ontology.namespaces import HYDRA, LG, PROV, XSD
from ontology.rdf import GraphBuilder, date, typed
from ontology.store import GraphStore
from ontology.temporal import status_on
from server.filters import sparql_string
from server.links import Links
from server.store_results import count, iris_of, select

# what a member enterprise's designations contribute to its page
DESIGNATION_SUMMARY = frozenset(
    str(p) for p in (LG.holder, LG.tier, LG.batch, LG.validFrom, LG.validUntil, LG.effectiveUntil)
)


def members(store: GraphStore, where: str, after: str | None, limit: int) -> list[str]:
    """Up to ``limit + 1`` member IRIs after ``after`` in IRI order (one more tells of a next)."""
    keyset = f"FILTER (STR(?e) > {sparql_string(after)})" if after else ""
    rows = select(
        store,
        f"SELECT DISTINCT ?e WHERE {{ {where}\n{keyset} }} ORDER BY STR(?e) LIMIT {limit + 1}",
    )
    return iris_of(rows, "e")


def total(store: GraphStore, where: str) -> int:
    """How many members the filters select in all."""
    return count(store, f"SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ {where} }}")


def member_triples(store: GraphStore, iris: list[str], kind: str, day: dt.date) -> list[ox.Triple]:
    """Each member's own statements (not blank nodes); enterprises add their designations with
    each one's status on ``day`` as a dated lg:StatusObservation."""
    out: list[ox.Triple] = []
    for iri in iris:
        quads = store.quads(ox.NamedNode(iri), None, None, None)
        out.extend(q.triple for q in quads if not isinstance(q.object, ox.BlankNode))
    if kind == "enterprises" and iris:
        values = " ".join(f"<{i}>" for i in iris)
        # designations first, then their own statements: a VALUES join on the predicate
        # makes pyoxigraph scan every triple (1.5 s at 20k enterprises)
        held = select(
            store, f"SELECT DISTINCT ?d WHERE {{ VALUES ?e {{ {values} }} ?d <{LG.holder}> ?e }}"
        )
        for designation in iris_of(held, "d"):
            for quad in store.quads(ox.NamedNode(designation), None, None, None):
                if quad.predicate.value in DESIGNATION_SUMMARY:
                    out.append(quad.triple)
        statuses = select(
            store,
            f"""SELECT ?d ?status WHERE {{ VALUES ?e {{ {values} }} ?d <{LG.holder}> ?e .
              {status_on(day)} }}""",
        )
        out.extend(status_observations(statuses, day))
    return list(dict.fromkeys(out))


def status_observations(
    rows: Iterable[Mapping[str, ox.NamedNode | ox.BlankNode | ox.Literal]], day: dt.date
) -> list[ox.Triple]:
    """Each designation's status as a dated lg:StatusObservation: a status holds on a date, so a
    client that keeps the answer keeps the date with it (a bare ``lg:status`` would become
    false the day the title ends)."""
    builder = GraphBuilder()
    on = date(day)
    for row in rows:
        d = row["d"]
        if "status" not in row or not isinstance(d, ox.NamedNode):
            continue
        # named by what it observes: the same answer serialises the same (ETags stay stable)
        key = hashlib.sha1(f"{d.value} {day.isoformat()}".encode()).hexdigest()[:16]  # noqa: S324
        observation = ox.BlankNode(f"status{key}")
        builder.type(observation, LG.StatusObservation)
        builder.add(observation, LG.designation, d)
        builder.add(observation, LG.onDate, on)
        builder.add(observation, LG.status, row["status"])
        builder.add(observation, PROV.wasDerivedFrom, d)
    return builder.triples


def page_path(path: str, params: Mapping[str, str], **changes: str | None) -> str:
    """``path`` with the request's parameters changed (None removes one), sorted."""
    merged = dict(params)
    for key, value in changes.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    query = urlencode(sorted(merged.items()))
    return path + (f"?{query}" if query else "")


@dataclass(frozen=True)
class View:
    """Where one page sits: the collection, this view, the first page and the next (if any)."""

    collection: str
    this: str
    first: str
    next: str | None

    def links(self) -> list[str]:
        """``Link`` values for ``first`` and ``next`` (the same URLs as in the body)."""
        out = [f'<{self.first}>; rel="first"']
        if self.next is not None:
            out.append(f'<{self.next}>; rel="next"')
        return out


def view_of(
    links: Links, path: str, params: Mapping[str, str], limit: int, last: str | None
) -> View:
    """The view of a page whose last member is ``last`` (None when there is no next page).

    The collection and its pages are documents of this service, not identifiers: they are
    named by their URLs on the host that served them, so a client follows ``next`` there.
    """
    size = str(limit)
    return View(
        collection=links.url(page_path(path, params, after=None, limit=None)),
        this=links.url(page_path(path, params, limit=size)),
        first=links.url(page_path(path, params, after=None, limit=size)),
        next=links.url(page_path(path, params, after=last, limit=size))
        if last is not None
        else None,
    )


def collection_triples(view: View, total_items: int, member_iris: list[str]) -> list[ox.Triple]:
    """The collection, its size, its view and its members."""
    g = GraphBuilder()
    g.type(view.collection, HYDRA.Collection)
    g.add(view.collection, HYDRA.totalItems, typed(total_items, XSD.integer))
    g.add(view.collection, HYDRA.view, view.this)
    g.type(view.this, HYDRA.PartialCollectionView)
    g.add(view.this, HYDRA.first, view.first)
    if view.next is not None:
        g.add(view.this, HYDRA.next, view.next)
    for iri in member_iris:
        g.add(view.collection, HYDRA.member, iri)
    return g.triples
