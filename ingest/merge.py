"""``littlegiant merge KEY --into KEY``: a person's decision that two keys name one firm.

The decision is recorded in the registry (date, reason, the page that says so), and everything
the store says of the merged key moves to the survivor in one validated commit: the curated
graphs are rebuilt (their rows now resolve to the survivor), every other source graph has the
merged key's IRIs — the enterprise, its designations and their events — rewritten to the
survivor's, and the ``names`` and ``merges`` graphs follow the registry. The survivor keeps its
current legal name; the merged key's names become former names. The merged IRI keeps answering:
301 to the survivor, with ``owl:sameAs`` both ways. Change-feed graphs are history and are left
as they were.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ingest.build.curated import build_default
from ingest.feed import feed_graph_name
from ingest.identity import Registry
from ingest.identity_graphs import DERIVED
from ingest.load import CommitOutcome, commit, turtle_graph
from ingest.source_graph import Source, SourceGraph
from ingest.writer import DEFAULT_WAIT_S, writing
from ontology.iris import Iris
from ontology.namespaces import DCTERMS, LG
from ontology.paths import DATA_DIR, ONTOLOGY_TTL
from ontology.rdf import GraphBuilder
from ontology.store import GraphStore

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
Subject = ox.NamedNode | ox.BlankNode | ox.Triple
_FEED_PREFIX = feed_graph_name("", "").removesuffix("-")  # "changes-"


@dataclass(frozen=True)
class MergeOutcome:
    """What a merge did: the keys, the source graphs rewritten, and the commit."""

    merged: str
    into: str
    rewritten: tuple[str, ...]
    outcome: CommitOutcome


def merge_keys(
    store: GraphStore,
    registry: Registry,
    duplicate: str,
    into: str,
    *,
    on: dt.date,
    reason: str = "",
    source_url: str = "",
    data_dir: Path = DATA_DIR,
    wait_s: float = DEFAULT_WAIT_S,
) -> MergeOutcome:
    """Record that ``duplicate`` is the firm ``into`` and move what the store says of it, as
    one writer (the registry is read under the store's lock and published with the result).

    Raises:
        ValueError: an unknown key, a key already merged, a cycle, or two credit codes.
        ingest.load.ValidationFailed: the merged store would break a shape (two designations
            of one title that disagree, say); nothing is written and the registry is unchanged.
        ontology.store.StoreLocked: another writer kept the lock for ``wait_s`` seconds.
    """
    iris = Iris()
    with writing(store, registry, wait_s=wait_s) as w:
        w.registry.merge(duplicate, into, on=on, reason=reason, source_url=source_url)
        survivor = w.registry.canonical(into)
        graphs = [turtle_graph("ontology", "Little Giant ontology", ONTOLOGY_TTL)]
        graphs += build_default(iris, w.registry, data_dir)
        rebuilt = {str(iris.graph(sg.source.name)) for sg in graphs}
        rebuilt |= {str(iris.graph(name)) for name in DERIVED}
        rewritten = [
            sg
            for name in store.named_graphs()
            if name not in rebuilt and not _is_feed(iris, name)
            if (sg := _rewrite(store, iris, name, duplicate, survivor)) is not None
        ]
        # forced: the curated files are unchanged, but what their rows resolve to is not
        outcome = commit(w, iris, [*graphs, *rewritten], identity=True, force=True)
    outcome = dataclasses.replace(outcome, generation=store.generation())
    return MergeOutcome(
        duplicate, survivor, tuple(str(iris.graph(sg.source.name)) for sg in rewritten), outcome
    )


def _is_feed(iris: Iris, graph: str) -> bool:
    parsed = iris.parse(graph)
    return parsed is not None and parsed.local.startswith(_FEED_PREFIX)


def _rewrite(store: GraphStore, iris: Iris, graph: str, old: str, new: str) -> SourceGraph | None:
    """The graph with the merged key's IRIs replaced by the survivor's (None if it has none).

    The graph's own description (title, source, hash, times) is written afresh by the commit,
    from the same title, source URL and retrieval date; the ingest that first wrote the graph
    stays recorded beside the one that rewrites it.
    """
    g = ox.NamedNode(graph)
    own: dict[str, list[Term]] = {}
    out = GraphBuilder()
    changed = False
    for q in store.quads(None, None, None, g):
        if q.subject == g:
            own.setdefault(q.predicate.value, []).append(q.object)
            continue
        s, o = _rekey_subject(iris, q.subject, old, new), _rekey(iris, q.object, old, new)
        changed |= s is not q.subject or o is not q.object
        out.triples.append(ox.Triple(s, q.predicate, o))
    if not changed:
        return None
    parsed = iris.parse(graph)
    name = parsed.local if parsed is not None else graph
    title = next((_text(t) for t in own.get(str(DCTERMS.title), [])), name)
    url = next(
        (t.value for t in own.get(str(DCTERMS.source), []) if isinstance(t, ox.NamedNode)), None
    )
    retrieved = next((_text(t) for t in own.get(str(LG.retrievalDate), [])), None)
    data = ox.serialize(out.triples, format=ox.RdfFormat.N_TRIPLES) or b""
    source = Source(
        name,
        title,
        url=url,
        retrieval_date=dt.date.fromisoformat(retrieved) if retrieved else None,
        data=data,
    )
    return SourceGraph(source, out)


def _rekey(iris: Iris, term: Term, old: str, new: str) -> Term:
    if isinstance(term, ox.NamedNode) and (rekeyed := iris.rekey(term.value, old, new)):
        return ox.NamedNode(rekeyed)
    return term


def _rekey_subject(iris: Iris, term: Subject, old: str, new: str) -> Subject:
    if isinstance(term, ox.NamedNode) and (rekeyed := iris.rekey(term.value, old, new)):
        return ox.NamedNode(rekeyed)
    return term


def _text(term: Term) -> str:
    return term.value if not isinstance(term, ox.Triple) else str(term)
