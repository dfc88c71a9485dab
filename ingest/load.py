"""The validated, atomic load: source graphs (+ PROV) → SHACL gate → one published generation.

Each source is one named graph. The change is staged in the writer's transaction (``writer``),
where it starts loading at once; meanwhile the shapes gate validates the nodes the change touches
(with what the rest of the store says of them as their context), and the transaction publishes
only if no shape is violated. A failed gate discards it: the store, the registry and every
reader are exactly as before.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from ingest.derivation import DerivedPart, derived_after_commit, fingerprint
from ingest.neighbourhood import neighbourhood
from ingest.progress import QUIET, Progress
from ingest.provenance import describe_graph, stored_fingerprint
from ingest.registry_commit import REGISTRY_GRAPHS, registry_graphs
from ingest.source_graph import Source, SourceGraph
from ingest.validity import DERIVED
from ingest.validity import TITLE as DERIVED_TITLE
from ontology import __version__
from ontology.iris import Iris
from ontology.paths import ONTOLOGY_TTL, SHAPES_DIR
from ontology.rdf import GraphBuilder
from ontology.store import GraphStore, Transaction
from ontology.store.common import count
from ontology.store.merge import worth_patching

if TYPE_CHECKING:
    from ingest.shacl import ShapesGate, ValidationReport
    from ingest.writer import Writing


@dataclass(frozen=True)
class CommitOutcome:
    """What a commit did: graphs replaced or left as they were, and the gate's report."""

    replaced: tuple[str, ...]
    unchanged: tuple[str, ...]
    triples: int  # written (of a graph patched: the triples it adds)
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


@dataclass(frozen=True)
class _Pending:
    """A source graph to write: its graph IRI, its source's hash, its N-Triples with PROV, and
    the part of them the gate checks (all of it, but for the derived graph: its PROV)."""

    graph: str
    sha: str
    ntriples: bytes
    triples: int
    subjects: frozenset[str]  # the focus of the graph when it is new (else: of what differs)
    checked: bytes
    validated: bool = True  # False: the gate checks only the graph's description (``subjects``)
    patch: tuple[bytes, bytes] | None = None  # staged as a patch of the stored graph


def commit(
    writing: Writing,
    iris: Iris,
    graphs: Sequence[SourceGraph],
    *,
    gate: ShapesGate | None = None,
    now: dt.datetime | None = None,
    force: bool = False,
    replace_all: bool = False,
    identity: bool = False,
    progress: Progress = QUIET,
) -> CommitOutcome:
    """Validate the source graphs and stage them in the writer's transaction, published as one
    new state (with the registry) when its block ends.

    A source whose bytes and software version match what its graph records is skipped, so the
    same file twice changes nothing; ``replace_all`` drops every other graph (a clean rebuild).
    ``now`` stamps the ingest (default: the wall clock). The graphs given are not changed, so a
    second commit of them writes the same triples.

    With ``identity``, the registry's own graphs (``names``, ``merges``) are committed with the
    change, so that every firm the store describes has the one current name the registry gives
    it (``ingest.identity_graphs``).

    Raises:
        ValidationFailed: a shape is violated (leave the block with it: nothing is published).
    """
    store, stored = writing.store, set(writing.store.named_graphs())
    force = force or replace_all
    started = now or dt.datetime.now(dt.UTC).replace(microsecond=0)
    own = [sg for sg in graphs if not (identity and sg.source.name in REGISTRY_GRAPHS)]
    sources, unchanged = _to_write(store, iris, own, force)
    # the sources start loading now, while the graphs that follow from them are computed
    pending = [_prepare(sg, iris, started, now) for sg in sources]
    staged = _stage_all(writing.tx, store, stored, pending)
    following: list[SourceGraph] = []  # the graphs that follow from the sources, if changed
    if identity:
        views = registry_graphs(store, iris, writing.registry, own, replace_all=replace_all)
        following, same = _to_write(store, iris, views, force)
        unchanged += same
    if not sources and not following:
        return CommitOutcome((), tuple(unchanged), 0, None, store.generation())
    derived = derived_graph(store, iris, [*sources, *following], replace_all=replace_all)
    following += _to_write(store, iris, [derived], force)[0]
    later = [_prepare(sg, iris, started, now) for sg in following]
    staged.update(_stage_all(writing.tx, store, stored, later))
    pending += later
    rows = {node: where for sg in [*sources, *following] for node, where in sg.rows.items()}
    gate = gate if gate is not None else default_gate()
    ontology = str(iris.graph("ontology"))
    dropped = sorted(stored - {p.graph for p in pending}) if replace_all else []
    report = _validate_staged(writing, ontology, pending, staged, dropped, rows, gate, progress)
    return CommitOutcome(
        tuple(p.graph for p in pending),
        tuple(unchanged),
        sum(p.triples for p in pending),
        report,
        store.generation(),
    )


def _to_write(
    store: GraphStore, iris: Iris, graphs: Iterable[SourceGraph], force: bool
) -> tuple[list[SourceGraph], list[str]]:
    """The graphs to write, and the names of those whose stored version records the same
    source bytes and software version (the same file twice changes nothing)."""
    todo: list[SourceGraph] = []
    unchanged: list[str] = []
    for sg in graphs:
        graph = str(iris.graph(sg.source.name))
        if not force and stored_fingerprint(store, graph) == (sg.source.sha256(), __version__):
            unchanged.append(graph)
        else:
            todo.append(sg)
    return todo, unchanged


def derived_graph(
    store: GraphStore, iris: Iris, changed: Sequence[SourceGraph], *, replace_all: bool
) -> SourceGraph:
    """The derived graph (``ingest.validity``) as the commit of ``changed`` leaves the store:
    rebuilt at every commit that changes a graph, so it always follows the graphs it reads."""
    # a graph patched is not whole (the registry's names): the derivation reads none of it
    new = {_graph_of(iris, sg): sg.builder.triples for sg in changed if sg.patch is None}
    derived = derived_after_commit(None if replace_all else store, iris, new)
    if isinstance(derived, DerivedPart):  # a patch of the stored graph, not read whole
        sha, data, patch = derived.fingerprint, None, (derived.gone, derived.come)
    else:
        sha, data, patch = fingerprint(derived.ntriples.splitlines(True)), derived.ntriples, None
    source = Source(
        DERIVED, DERIVED_TITLE, data=data, derived_from=derived.sources, fingerprint=sha
    )
    return SourceGraph(source, derived.builder, patch=patch)


def _graph_of(iris: Iris, sg: SourceGraph) -> str:
    return str(iris.graph(sg.source.name))


def _prepare(
    sg: SourceGraph, iris: Iris, started: dt.datetime, now: dt.datetime | None
) -> _Pending:
    """Serialise the graph with its PROV description, once (in Rust): it is bulk-loaded twice,
    into the draft on disk and into the in-memory copy the gate validates."""
    graph = str(iris.graph(sg.source.name))
    sha = sg.source.sha256()
    ended = now or dt.datetime.now(dt.UTC).replace(microsecond=0)
    prov = describe_graph(iris, sg.source, graph, sha, started=started, ended=ended)
    described = ox.serialize(prov.triples, format=ox.RdfFormat.N_TRIPLES) or b""
    # the derived graph follows from validated facts by code: the gate checks the facts (and
    # the derived graph's own description); checking every designation's terms again at each
    # commit would cost in proportion to the store. Its text is its source's (in one order),
    # or a patch of the stored graph (counted as the triples it adds).
    subjects = frozenset(prov.subjects())
    if (patch := sg.patch) is not None:
        # a graph derived in part (the derived graph, the registry's names): counted as the
        # triples it adds; the gate checks the names' nodes whose lines go or come
        validated = sg.source.name != DERIVED
        if validated:
            lines = ox.parse(patch[0] + patch[1], format=ox.RdfFormat.N_TRIPLES)
            subjects |= _subjects(q.triple for q in lines)
        count = patch[1].count(b"\n") + len(prov)
        return _Pending(
            graph, sha, b"", count, subjects, described, validated, (patch[0], patch[1] + described)
        )
    if sg.source.name == DERIVED and sg.source.data is not None:
        data, count = sg.source.data + described, sg.source.data.count(b"\n") + len(prov)
        return _Pending(graph, sha, data, count, subjects, described, False)
    data = ox.serialize(sg.builder.triples, format=ox.RdfFormat.N_TRIPLES) or b""
    subjects = frozenset(sg.builder.subjects() | prov.subjects())
    data += described
    return _Pending(graph, sha, data, len(sg.builder) + len(prov), subjects, data)


@dataclass
class _Staged:
    """What the staged graphs give the gate: the nodes whose statements change, and the graphs
    staged as a patch (validated as stored, with the patch applied)."""

    focus: set[str]
    patched: dict[str, tuple[bytes, bytes]]

    def update(self, other: _Staged) -> None:
        self.focus |= other.focus
        self.patched.update(other.patched)


def _stage_all(
    tx: Transaction, store: GraphStore, stored: set[str], pending: Iterable[_Pending]
) -> _Staged:
    """Stage the graphs (each starts loading in the background) and say what they change."""
    staged = _Staged(set(), {})
    for p in pending:
        if p.patch is not None:
            staged.focus |= p.subjects
            tx.patch_graph(p.graph, *p.patch)
            staged.patched.update({p.graph: p.patch} if p.validated else {})
            continue
        old = store.graph_ntriples(p.graph) if p.validated and p.graph in stored else None
        gone, come = _difference(old, p.ntriples) if old is not None else (set(), set())
        staged.focus |= _changed_subjects(gone | come) if old is not None else p.subjects
        _stage(tx, p, old, gone, come)
    return staged


def _validate_staged(
    writing: Writing,
    ontology: str,
    pending: list[_Pending],
    staged: _Staged,
    dropped: list[str],
    rows: Mapping[str, str],
    gate: ShapesGate,
    progress: Progress,
) -> ValidationReport:
    """Drop the ``dropped`` graphs (what a clean rebuild leaves out), and validate what the
    change touches while the staged graphs load."""
    store, tx = writing.store, writing.tx
    for g in dropped:
        tx.drop_graph(g)
    focus, patched = staged.focus, staged.patched
    progress.step(f"validate {len(focus):,} nodes")
    checked = {p.graph: p.checked for p in pending if p.graph not in patched}
    context = neighbourhood(
        store,
        focus,
        changed=checked,
        patched=patched,
        ontology=ontology,
        dropped=frozenset(dropped),
    )
    report = _validate(gate, context, focus)
    progress.step("load")  # the staged graphs finish loading; the writer's block publishes
    if not report.conforms:
        raise ValidationFailed(report, rows)
    return report


def _difference(old: bytes, new: bytes) -> tuple[set[bytes], set[bytes]]:
    """The lines of a graph's stored version that its new one drops, and the lines it adds."""
    before, after = set(old.splitlines()) - {b""}, set(new.splitlines()) - {b""}
    return before - after, after - before


def _changed_subjects(lines: set[bytes]) -> set[str]:
    """The subjects whose statements in the graph differ between its stored and its new version
    (``lines``: what one has and the other not): only they can validate differently because of
    this graph (a node it states the same of is judged on the same triples). The registry's
    names graph is rewritten whenever a firm is added; comparing keeps its focus to the firms
    that changed, not every firm of the store. Compared line by line: a blank node is never the
    same text in two versions, so a statement through one always counts as changed."""
    changed = b"\n".join(lines)
    return _subjects(q.triple for q in ox.parse(changed, ox.RdfFormat.N_TRIPLES))


def _stage(
    tx: Transaction, p: _Pending, old: bytes | None, gone: set[bytes], come: set[bytes]
) -> None:
    """Stage the new version of a graph: as a patch (the lines that go and come) when the
    stored version was read anyway (the names graph built whole) and little of it changes, so
    the store need not read it again (~1.5 s for 100,000 triples on disk); else whole."""
    size = max(old.count(b"\n"), p.ntriples.count(b"\n")) if old is not None else 0
    if old is None or not worth_patching(len(gone) + len(come), size, old, p.ntriples):
        tx.replace_graph(p.graph, p.ntriples)
        return
    tx.patch_graph(p.graph, *(b"".join(x + b"\n" for x in sorted(ls)) for ls in (gone, come)))


def _subjects(triples: Iterable[ox.Triple]) -> set[str]:
    return {t.subject.value for t in triples if isinstance(t.subject, ox.NamedNode)}


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
    if len(focus) * 2 < count(context.query(q)):
        return gate.validate(context, focus=focus)
    whole = gate.validate(context)
    return whole.restricted_to(focus)
