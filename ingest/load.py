"""The validated, atomic load: source graphs (+ PROV) → SHACL gate → one published generation.

Each source is one named graph. The change is written into a draft generation of the store, the
shapes gate validates the nodes the change touches (with everything else in the store as their
context), and the draft is published only if no shape is violated. A failed gate discards the
draft: the store, the registry and every reader are exactly as before.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, cast

import pyoxigraph as ox

from ingest.commit_tx import write_validated
from ingest.progress import Steps
from ontology import __version__, rdf
from ontology.iris import Iris
from ontology.namespaces import DCTERMS, LG, PROV, RDFS, SD
from ontology.paths import ONTOLOGY_TTL, ROOT, SHAPES_DIR
from ontology.rdf import GraphBuilder
from ontology.store import EmbeddedStore, GraphStore

if TYPE_CHECKING:
    from ingest.identity import Registry
    from ingest.shacl import ShapesGate, ValidationReport


@dataclass(frozen=True)
class Source:
    """Where a graph comes from: its files or bytes, and the URL and date of the original."""

    name: str
    title: str
    files: tuple[Path, ...] = ()
    url: str | None = None
    retrieval_date: dt.date | None = None
    data: bytes | None = None

    def sha256(self) -> str:
        """Hash the source bytes (files in order, or ``data``): equal hashes mean nothing to do."""
        digest = hashlib.sha256()
        for path in self.files:
            digest.update(path.read_bytes())
        if self.data is not None:
            digest.update(self.data)
        return digest.hexdigest()

    def file_label(self) -> str:
        """The files as recorded in the graph: repo-relative when shipped, else their names."""
        labels = []
        for path in self.files:
            resolved = path.resolve()
            labels.append(
                str(resolved.relative_to(ROOT)) if resolved.is_relative_to(ROOT) else path.name
            )
        return "; ".join(labels)


@dataclass(frozen=True)
class SourceGraph:
    """One source's graph as built, with the source row behind each node for error messages."""

    source: Source
    builder: GraphBuilder
    rows: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class CommitOutcome:
    """What a commit did: graphs replaced or left as they were, and the gate's report."""

    replaced: tuple[str, ...]
    unchanged: tuple[str, ...]
    triples: int
    report: ValidationReport | None
    generation: str

    @property
    def changed(self) -> bool:
        return bool(self.replaced)


class ValidationFailed(Exception):  # noqa: N818 - the gate's verdict, not a programming error
    """The change violates the shapes; nothing was written."""

    def __init__(self, report: ValidationReport, rows: Mapping[str, str]) -> None:
        self.report = report
        self.rows = rows
        super().__init__(self.describe())

    def describe(self) -> str:
        lines = []
        for r in self.report.results:
            if r.severity != "Violation":
                continue
            where = self.rows.get(r.focus, r.focus)
            path = f" {r.path}" if r.path else ""
            value = f" (value {r.value})" if r.value else ""
            lines.append(f"{where}: {r.shape}{path}: {r.message}{value}")
        return "validation failed:\n  " + "\n  ".join(lines)


@functools.cache
def default_gate() -> ShapesGate:
    """The gate compiled from the shipped shapes and ontology (once per process: compiling and
    probing every query takes seconds, and the shipped files do not change while it runs)."""
    from ingest.shacl import ShapesGate  # slow to import; only a commit needs it

    return ShapesGate(SHAPES_DIR, ONTOLOGY_TTL)


def stored_fingerprint(store: GraphStore, graph: str) -> tuple[str, str] | None:
    """The (sha256, software version) recorded in a graph, or None if the graph is absent."""
    g = ox.NamedNode(graph)
    sha = next(iter(store.quads(g, rdf.node(LG.sha256), None, g)), None)
    if sha is None or not isinstance(sha.object, ox.Literal):
        return None
    version = next(iter(store.quads(None, rdf.node(LG.softwareVersion), None, g)), None)
    if version is None or not isinstance(version.object, ox.Literal):
        return sha.object.value, ""
    return sha.object.value, version.object.value


@dataclass(frozen=True)
class _Pending:
    """A source graph to write: its graph IRI, its source's hash, and its N-Triples with PROV."""

    graph: str
    sha: str
    ntriples: bytes
    triples: int
    subjects: set[str]


def commit(
    store: GraphStore,
    iris: Iris,
    graphs: Sequence[SourceGraph],
    *,
    registry: Registry | None = None,
    gate: ShapesGate | None = None,
    now: dt.datetime | None = None,
    force: bool = False,
    replace_all: bool = False,
) -> CommitOutcome:
    """Validate and publish the source graphs as one new state of the store.

    A source whose bytes and software version match what its graph records is skipped, so the
    same file twice changes nothing; ``replace_all`` drops every other graph (a clean rebuild).
    ``now`` stamps the ingest (default: the wall clock). The graphs given are not changed, so a
    second commit of them writes the same triples.

    Raises:
        ValidationFailed: a shape is violated (store and registry untouched).
    """
    force = force or replace_all
    started = now or dt.datetime.now(dt.UTC).replace(microsecond=0)
    todo: list[SourceGraph] = []
    unchanged: list[str] = []
    for sg in graphs:
        graph = str(iris.graph(sg.source.name))
        if not force and stored_fingerprint(store, graph) == (sg.source.sha256(), __version__):
            unchanged.append(graph)
        else:
            todo.append(sg)
    if not todo:
        return CommitOutcome((), tuple(unchanged), 0, None, store.generation())
    pending = [_prepare(sg, iris, started, now) for sg in todo]
    rows = {node: where for sg in todo for node, where in sg.rows.items()}
    gate = gate if gate is not None else default_gate()
    if isinstance(store, EmbeddedStore):
        report = _write_validated(store, iris, pending, rows, gate, registry, replace_all)
    else:

        def refuse(report: ValidationReport) -> NoReturn:
            raise ValidationFailed(report, rows)

        report = write_validated(
            store,
            pending,
            ontology=str(iris.graph("ontology")),
            gate=gate,
            validate=_validate,
            registry=registry,
            replace_all=replace_all,
            refuse=refuse,
        )
    return CommitOutcome(
        tuple(p.graph for p in pending),
        tuple(unchanged),
        sum(p.triples for p in pending),
        report,
        store.generation(),
    )


def _prepare(
    sg: SourceGraph, iris: Iris, started: dt.datetime, now: dt.datetime | None
) -> _Pending:
    """Serialise the graph with its PROV description, once (in Rust): it is bulk-loaded twice,
    into the draft on disk and into the in-memory copy the gate validates."""
    graph = str(iris.graph(sg.source.name))
    sha = sg.source.sha256()
    ended = now or dt.datetime.now(dt.UTC).replace(microsecond=0)
    prov = _describe_graph(iris, sg.source, graph, sha, started=started, ended=ended)
    triples = [*sg.builder.triples, *prov.triples]
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""  # bytes, with no file
    subjects = sg.builder.subjects() | prov.subjects()
    return _Pending(graph, sha, data, len(triples), subjects)


def _write_validated(
    store: EmbeddedStore,
    iris: Iris,
    pending: list[_Pending],
    rows: Mapping[str, str],
    gate: ShapesGate,
    registry: Registry | None,
    replace_all: bool,
) -> ValidationReport:
    """Write the graphs into a draft generation and publish it only if the gate passes."""
    steps = Steps(["write", "validate", "publish"])
    steps.start("writing draft")
    focus: set[str] = set()
    with store.writer() as draft:
        if replace_all:
            keep = {p.graph for p in pending}
            for g in list(draft.named_graphs()):
                if isinstance(g, ox.NamedNode) and g.value not in keep:
                    draft.remove_graph(g)
        for p in pending:
            focus |= _drop(draft, p.graph) | p.subjects
        serialised = {p.graph: p.ntriples for p in pending}
        # the disk write overlaps validation; pyoxigraph releases the GIL while it loads
        with ThreadPoolExecutor(max_workers=1) as pool:
            written = pool.submit(_load_all, draft, serialised)
            steps.start(f"validating {len(focus)} nodes")
            ontology = str(iris.graph("ontology"))
            context = neighbourhood(draft, focus, changed=serialised, ontology=ontology)
            report = _validate(gate, context, focus)
            written.result()
        if not report.conforms:
            steps.close()
            raise ValidationFailed(report, rows)
        if registry is not None:
            registry.save()  # before publishing: every key in the store is in the registry
        steps.start("publishing")
        # the last reference but the writer's own: the draft is closed (its background work
        # done) before it is published, so that no reader opens a directory still being written
        del draft
    steps.close()
    return report


def _drop(draft: ox.Store, graph: str) -> set[str]:
    """Remove the graph's previous version; its subjects, which lose triples, need revalidating."""
    g = ox.NamedNode(graph)
    if not draft.contains_named_graph(g):
        return set()
    q = f"SELECT DISTINCT ?s WHERE {{ GRAPH {g} {{ ?s ?p ?o }} FILTER isIRI(?s) }}"
    subjects = {row["s"].value for row in cast(ox.QuerySolutions, draft.query(q))}
    draft.remove_graph(g)
    return subjects


def _describe_graph(
    iris: Iris,
    source: Source,
    graph: str,
    sha: str,
    *,
    started: dt.datetime,
    ended: dt.datetime,
) -> GraphBuilder:
    """The graph's own PROV description (written inside the graph, so it is replaced with it)."""
    builder = GraphBuilder()
    g = rdf.node(graph)
    activity = iris.activity(f"{source.name}-{sha[:12]}")
    agent = iris.agent(f"littlegiant-{__version__}".replace("+", "-"))
    builder.type(g, PROV.Entity, SD.Graph)
    builder.add(g, DCTERMS.title, rdf.text(source.title))
    if source.url:
        builder.add(g, DCTERMS.source, rdf.node(source.url))
    if source.files:
        builder.add(g, LG.sourceFile, rdf.text(source.file_label()))
    builder.add(g, LG.sha256, rdf.text(sha))
    if source.retrieval_date:
        builder.add(g, LG.retrievalDate, rdf.date(source.retrieval_date))
    builder.add(g, PROV.generatedAtTime, rdf.datetime(ended))
    builder.add(g, PROV.wasGeneratedBy, activity)
    builder.type(activity, PROV.Activity, LG.Ingest)
    builder.add(activity, RDFS.label, rdf.text(f"ingest of {source.title}", "en"))
    builder.add(activity, PROV.startedAtTime, rdf.datetime(started))
    builder.add(activity, PROV.endedAtTime, rdf.datetime(ended))
    builder.add(activity, PROV.wasAssociatedWith, agent)
    builder.add(activity, PROV.generated, g)
    builder.type(agent, PROV.SoftwareAgent)
    builder.add(agent, RDFS.label, rdf.text(f"littlegiant {__version__}", "en"))
    builder.add(agent, LG.softwareVersion, rdf.text(__version__))
    return builder


def turtle_graph(name: str, title: str, path: Path, *, url: str | None = None) -> SourceGraph:
    """A source that is already RDF (the ontology): its triples as they are."""
    builder = GraphBuilder()
    builder.triples.extend(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    return SourceGraph(Source(name, title, files=(path,), url=url), builder)


def _validate(gate: ShapesGate, context: ox.Store, focus: set[str]) -> ValidationReport:
    """Validate the focus nodes of the context: by focus when few, else the whole context.

    A VALUES list of focus nodes makes each query join against it; once the focus is most of the
    context (a rebuild), validating everything and keeping the focus nodes' results is faster.
    """
    q = "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } FILTER isIRI(?s) }"
    n = int(next(iter(cast(ox.QuerySolutions, context.query(q))))["n"].value)
    if len(focus) * 2 < n:
        return gate.validate(context, focus=focus)
    whole = gate.validate(context)
    return whole.restricted_to(focus)


def _load_all(store: ox.Store, serialised: Mapping[str, bytes]) -> None:
    for graph, data in serialised.items():
        store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph))


def neighbourhood(
    store: ox.Store,
    focus: set[str],
    *,
    changed: Mapping[str, bytes],
    ontology: str,
) -> ox.Store:
    """The part of the store the shapes read when validating ``focus``, copied into memory.

    A shape reads its focus node's own triples (in every graph) and, one hop out, the nodes they
    point to (a region's division-code prefixes, a batch's ordinal, an object's type), plus the
    ontology for class hierarchies. Validating that copy gives the same results for the focus
    nodes as the whole store at in-memory speed: the changed graphs (N-Triples) load straight
    into memory, and what other graphs say of the focus nodes comes in one query, so the cost
    follows the size of the change, not of the store. Whole-store rules (batch completeness)
    run in ``littlegiant validate``.
    """
    context = ox.Store()
    _load_all(context, changed)
    g = ox.NamedNode(ontology)
    if ontology not in changed and store.contains_named_graph(g):
        context.bulk_extend(store.quads_for_pattern(None, None, None, g))
    exclude = ", ".join(f"<{graph}>" for graph in [*changed, ontology])
    nodes = " ".join(f"<{iri}>" for iri in sorted(focus))
    others = store.query(
        f"SELECT ?s ?p ?o ?g WHERE {{ VALUES ?s {{ {nodes} }} GRAPH ?g {{ ?s ?p ?o }}"
        f" FILTER (?g NOT IN ({exclude})) }}"
    )
    context.bulk_extend(
        ox.Quad(row["s"], row["p"], row["o"], row["g"]) for row in cast(ox.QuerySolutions, others)
    )
    context.bulk_extend(_one_hop(store, context, focus))
    return context


def _one_hop(store: ox.Store, context: ox.Store, focus: set[str]) -> list[ox.Quad]:
    """What the store says of the nodes the context points to (and of blank nodes, all the way)."""
    objects = context.query(
        "SELECT DISTINCT ?o WHERE { GRAPH ?g { ?s ?p ?o } FILTER (!isLiteral(?o)) }"
    )
    todo = {row["o"] for row in cast(ox.QuerySolutions, objects)}
    todo -= {ox.NamedNode(iri) for iri in focus}
    seen: set[ox.NamedNode | ox.BlankNode] = set()
    hop: list[ox.Quad] = []
    while todo:
        node = todo.pop()
        seen.add(node)
        for q in store.quads_for_pattern(node, None, None, None):
            hop.append(q)
            if isinstance(q.object, ox.BlankNode) and q.object not in seen:
                todo.add(q.object)
    return hop
