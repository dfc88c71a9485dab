"""The SPARQL text of the remote store: its reserved graphs, the commit's operations, the lease.

Everything here is plain SPARQL 1.1 that every engine measured accepts (Oxigraph, Virtuoso 7):
data goes as ``INSERT DATA`` of at most ``CHUNK`` triples per operation (Virtuoso compiles each
operation to SQL and refuses ~1,500 triples), triples with a blank node as an ``INSERT … WHERE
{}`` template (Virtuoso refuses blank nodes in ``INSERT DATA``), and the merge is updated by
copying inside the engine, so the data crosses the network once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from ontology.store import merge
from ontology.store.common import QueryResult, expect_solutions

STATE_GRAPH = "https://w3id.org/littlegiant/store/state"
MERGE_GRAPH = "https://w3id.org/littlegiant/store/merge"
RESERVED = frozenset({STATE_GRAPH, MERGE_GRAPH})
NO_GRAPH = "https://w3id.org/littlegiant/store/state#none"  # an empty dataset, by name
CHUNK = 500  # triples per INSERT DATA operation
_S = "<https://w3id.org/littlegiant/store/state#store>"
_NS = "https://w3id.org/littlegiant/store/state#"
_GENERATION = f"<{_NS}generation>"
_GRAPH = f"<{_NS}graph>"
_COMMITS = f"<{_NS}commits>"
_REFUSED = f"<{_NS}refused>"
_WRITER = f"<{_NS}writer>"
_WRITER_UNTIL = f"<{_NS}writerUntil>"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_IN_STATE = f"GRAPH <{STATE_GRAPH}>"

VIEW_QUERY = (
    f"SELECT ?m ?g WHERE {{ {_IN_STATE} {{ {{ {_S} {_GENERATION} ?m }} UNION "
    f"{{ {_S} {_GRAPH} ?g }} }} }}"
)
COUNTS_QUERY = (
    f"SELECT ?c ?r WHERE {{ {_IN_STATE} {{ OPTIONAL {{ {_S} {_COMMITS} ?c }} "
    f"OPTIONAL {{ {_S} {_REFUSED} ?r }} }} }}"
)
HOLDER_QUERY = f"SELECT ?h WHERE {{ {_IN_STATE} {{ {_S} {_WRITER} ?h }} }}"


@dataclass(frozen=True)
class View:
    """What readers query: the published marker and the data graphs of that state."""

    generation: str
    graphs: tuple[str, ...]


def read_view(result: QueryResult) -> View:
    marker, graphs = "", set()
    for row in expect_solutions(result):
        m, g = row["m"], row["g"]
        if isinstance(m, ox.Literal):
            marker = m.value
        if isinstance(g, ox.NamedNode):
            graphs.add(g.value)
    return View(marker, tuple(sorted(graphs)))


def read_counts(result: QueryResult) -> dict[str, int]:
    counts = {"ok": 0, "refused": 0}
    for row in expect_solutions(result):
        for key, var in (("ok", "c"), ("refused", "r")):
            if isinstance(term := row[var], ox.Literal):
                counts[key] = int(float(term.value))
    return counts


def read_holder(result: QueryResult) -> str | None:
    rows = expect_solutions(result)
    return next((t.value for row in rows if isinstance(t := row["h"], ox.Literal)), None)


def check_data_graph(name: str) -> None:
    """Raises: ValueError for a graph name the store keeps for itself."""
    if name in RESERVED or name == NO_GRAPH:
        raise ValueError(f"<{name}> is reserved by the store")


def replace_graph(name: str, data: bytes) -> list[str]:
    """Operations that replace graph ``name`` and keep the merge up to date."""
    plain, blank = _split(data)
    operations = [retire(name), f"DROP SILENT GRAPH <{name}>"]
    operations += [f"INSERT DATA {{ GRAPH <{name}> {{\n{chunk}\n}} }}" for chunk in _chunks(plain)]
    if blank:  # one operation: a blank node label names one node within one operation only
        operations.append(f"INSERT {{ GRAPH <{name}> {{\n{chr(10).join(blank)}\n}} }} WHERE {{}}")
    operations.append(copy_to_merge(name))
    return operations


def copy_to_merge(name: str) -> str:
    """Add the triples of graph ``name`` to the merge (copied inside the engine)."""
    into_merge = f"INSERT {{ GRAPH <{MERGE_GRAPH}> {{ ?s ?p ?o }} }}"
    return f"{into_merge} WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}"


def patch_graph(name: str, remove: bytes, add: bytes) -> list[str]:
    """Operations that remove the triples of ``remove`` from graph ``name`` and add those of
    ``add`` (no blank node), the merge following: a removed triple leaves it only when no other
    data graph states it (asked after its removal, so a triple removed and added back stays)."""
    gone = [f"{t.subject} {t.predicate} {t.object}" for t in _parse(remove)]
    come = [line for line in add.decode("utf-8").splitlines() if line.strip()]
    operations = [
        f"DELETE DATA {{ GRAPH <{name}> {{\n{chunk}\n}} }}"
        for chunk in _chunks([f"{t} ." for t in gone])
    ]
    others = " && ".join(f"?other != <{g}>" for g in (MERGE_GRAPH, STATE_GRAPH))
    stated = f"FILTER NOT EXISTS {{ GRAPH ?other {{ ?s ?p ?o }} FILTER ({others}) }}"
    for start in range(0, len(gone), CHUNK):
        rows = " ".join(f"({t})" for t in gone[start : start + CHUNK])
        where = f"VALUES (?s ?p ?o) {{ {rows} }} {stated}"
        operations.append(f"DELETE {{ GRAPH <{MERGE_GRAPH}> {{ ?s ?p ?o }} }} WHERE {{ {where} }}")
    for graph in (name, MERGE_GRAPH):
        operations += [f"INSERT DATA {{ GRAPH <{graph}> {{\n{c}\n}} }}" for c in _chunks(come)]
    return operations


def _parse(data: bytes) -> list[ox.Triple]:
    return [q.triple for q in ox.parse(data, ox.RdfFormat.N_TRIPLES)] if data.strip() else []


def drop_graph(name: str) -> list[str]:
    return [retire(name), f"DROP SILENT GRAPH <{name}>"]


def retire(graph: str) -> str:
    """Remove from the merge the triples that only ``graph`` states (of the data graphs)."""
    others = " && ".join(f"?other != <{g}>" for g in (graph, MERGE_GRAPH, STATE_GRAPH))
    return (
        f"DELETE {{ GRAPH <{MERGE_GRAPH}> {{ ?s ?p ?o }} }} "
        f"WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} "
        f"FILTER NOT EXISTS {{ GRAPH ?other {{ ?s ?p ?o }} FILTER ({others}) }} }}"
    )


def publish(marker: str, graphs: Iterable[str]) -> list[str]:
    """Operations that publish a commit: the marker, the data graphs, one more commit."""
    listed = " ".join(f"{_S} {_GRAPH} <{g}> ." for g in graphs)
    return [
        f"DELETE WHERE {{ {_IN_STATE} {{ {_S} {_GENERATION} ?m }} }}",
        f"DELETE WHERE {{ {_IN_STATE} {{ {_S} {_GRAPH} ?g }} }}",
        f"INSERT DATA {{ {_IN_STATE} {{ {_S} {_GENERATION} {_literal(marker)} . {listed} }} }}",
        _increment(_COMMITS),
    ]


def count_refused() -> str:
    return _increment(_REFUSED)


def _increment(counter: str) -> str:
    return (
        f"DELETE {{ {_IN_STATE} {{ {_S} {counter} ?n }} }} "
        f"INSERT {{ {_IN_STATE} {{ {_S} {counter} ?next }} }} "
        f"WHERE {{ OPTIONAL {{ {_IN_STATE} {{ {_S} {counter} ?n }} }} "
        f"BIND (COALESCE(?n + 1, 1) AS ?next) }}"
    )


def take_lease(me: str, lease_s: float) -> str:
    """Take the lease if nobody holds it or the holder's has run out (one conditional update)."""
    now = dt.datetime.now(dt.UTC)
    until = now + dt.timedelta(seconds=lease_s)
    held = f"{_S} {_WRITER} ?h ; {_WRITER_UNTIL} ?t"
    return (
        f"DELETE {{ {_IN_STATE} {{ {held} }} }} "
        f"INSERT {{ {_IN_STATE} {{ {_S} {_WRITER} {_literal(me)} ; "
        f"{_WRITER_UNTIL} {_datetime(until)} }} }} "
        f"WHERE {{ OPTIONAL {{ {_IN_STATE} {{ {held} }} }} "
        f"FILTER (!BOUND(?h) || ?t < {_datetime(now)}) }}"
    )


def renew_lease(me: str, lease_s: float) -> str:
    until = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=lease_s)
    mine = f"{_S} {_WRITER} {_literal(me)}"
    return (
        f"DELETE {{ {_IN_STATE} {{ {_S} {_WRITER_UNTIL} ?t }} }} "
        f"INSERT {{ {_IN_STATE} {{ {_S} {_WRITER_UNTIL} {_datetime(until)} }} }} "
        f"WHERE {{ {_IN_STATE} {{ {mine} ; {_WRITER_UNTIL} ?t }} }}"
    )


def release(holder: str) -> str:
    return (
        f"DELETE WHERE {{ {_IN_STATE} {{ {_S} {_WRITER} {_literal(holder)} ; "
        f"{_WRITER_UNTIL} ?t }} }}"
    )


def _split(data: bytes) -> tuple[list[str], list[str]]:
    """The N-Triples lines without and with a blank node."""
    plain_bytes, has_blank = merge.split_blank(data)
    plain = plain_bytes.decode("utf-8").splitlines()
    if not has_blank:
        return plain, []
    kept = set(plain)
    blank = [line for line in data.decode("utf-8").splitlines() if line not in kept]
    return plain, blank


def _chunks(lines: list[str]) -> Iterable[str]:
    for start in range(0, len(lines), CHUNK):
        yield "\n".join(lines[start : start + CHUNK])


def _literal(text: str) -> str:
    return str(ox.Literal(text))


def _datetime(value: dt.datetime) -> str:
    return f'"{value.isoformat()}"^^<{_XSD}dateTime>'


ABOUT_CHUNK = 1_000  # nodes per VALUES block: few round trips, a body any engine takes


def about_queries(iris: Sequence[str], excluding: frozenset[str]) -> tuple[str, str]:
    """SELECTs of what the named graphs but ``excluding`` say of the IRIs (``?s ?p ?o ?g``) and
    of the blank nodes they point to (``?n ?link ?b`` and ``?b ?p ?o``, in one answer)."""
    nodes = " ".join(f"<{iri}>" for iri in iris)
    left_out = ", ".join(f"<{graph}>" for graph in sorted(excluding))
    keep = f"FILTER (?g NOT IN ({left_out}))" if left_out else ""
    own = (
        f"SELECT ?s ?p ?o ?g WHERE {{ VALUES ?s {{ {nodes} }}"
        f" GRAPH ?g {{ ?s ?p ?o }} FILTER (!isBlank(?o)) {keep} }}"
    )
    blank = (
        f"SELECT ?n ?link ?b ?p ?o ?g WHERE {{ VALUES ?n {{ {nodes} }}"
        f" GRAPH ?g {{ ?n ?link ?b . ?b ?p ?o }} FILTER isBlank(?b) {keep} }}"
    )
    return own, blank
