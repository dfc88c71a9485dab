"""What the default graph as a set costs: commits, store size and queries, with and without it.

    .venv/bin/python bench/bench_store.py [--enterprises 20000] [--repeat 3]

Two data sets: the shipped default data (built in memory by ``ingest.cli.build_store``) and the
SYNTHETIC enterprises of ``bench/synth_graph.py``. For each, on disk:

- *with the merge*: ``EmbeddedStore.transaction()`` (the default graph kept the merge of the
  named graphs at every commit, then a published checkpoint);
- *without*: the same changes on a bare pyoxigraph store (``remove_graph`` + ``bulk_load``),
  the way the store committed before, queried in union mode.

Commits: the first load of every graph, replacing the largest graph by itself, adding a small
new graph, dropping it again; and ``merge.rebuild`` (what ``writer()`` pays at the end). Sizes:
the bytes of the store directory. Queries: as the SPARQL workers run them, on an in-memory copy
and on disk. Prints one table per data set; medians of ``--repeat`` runs.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.synth_graph import quads as synthetic_quads  # noqa: E402
from ontology.store import EmbeddedStore, merge  # noqa: E402
from ontology.store.common import ntriples  # noqa: E402

LG = "https://w3id.org/littlegiant/ontology#"
QUERIES = {
    "count all": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "per-region GROUP BY": f"SELECT ?r (COUNT(?e) AS ?n) WHERE {{ ?e a <{LG}Enterprise> ; "
    f"<{LG}reportingRegion> ?r }} GROUP BY ?r",
    "date range": f"SELECT (COUNT(?d) AS ?n) WHERE {{ ?d <{LG}validFrom> ?f ; "
    f"<{LG}validUntil> ?u FILTER(STR(?f) <= '2022-01-01' && STR(?u) >= '2022-01-01') }}",
}


def default_data() -> dict[str, bytes]:
    from ingest.cli import build_store
    from ontology.settings import Settings

    home = Path(tempfile.mkdtemp(prefix="lg-bench-registry-"))
    shutil.copytree(ROOT / "data" / "registry", home / "registry")
    built = EmbeddedStore(None)
    build_store(Settings(store=None, registry=home / "registry"), built)
    shutil.rmtree(home)
    return {g: ntriples(built.quads(graph=ox.NamedNode(g))) for g in built.named_graphs()}


def synthetic_data(enterprises: int) -> dict[str, bytes]:
    graphs: dict[str, list[ox.Quad]] = {}
    for q in synthetic_quads(enterprises):
        graphs.setdefault(str(q.graph_name)[1:-1], []).append(q)
    return {g: ntriples(qs) for g, qs in graphs.items()}


def timed(fn: Callable[[], object], repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def measure(name: str, graphs: dict[str, bytes], repeat: int) -> None:
    root = Path(tempfile.mkdtemp(prefix="lg-bench-store-"))
    largest = max(graphs, key=lambda g: len(graphs[g]))
    small_name = "https://w3id.org/littlegiant/graph/bench-small"
    small = b"".join(graphs[largest].splitlines(keepends=True)[:1000])
    rows: list[tuple[str, float, float]] = []

    def fresh_pair(i: int) -> tuple[EmbeddedStore, ox.Store]:
        return EmbeddedStore(root / f"merged-{i}"), ox.Store(str(root / f"bare-{i}"))

    def first_merged(store: EmbeddedStore) -> None:
        with store.transaction() as tx:
            for g, data in graphs.items():
                tx.replace_graph(g, data)

    def first_bare(store: ox.Store) -> None:
        for g, data in graphs.items():
            store.bulk_load(data, ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(g))

    pairs = [fresh_pair(i) for i in range(repeat)]
    it = iter(pairs)
    merged_first = timed(lambda: first_merged(next(it)[0]), repeat)
    it = iter(pairs)
    bare_first = timed(lambda: first_bare(next(it)[1]), repeat)
    rows.append(("commit: first load of every graph", merged_first, bare_first))
    merged, bare = pairs[0]

    def replace_merged(g: str, data: bytes) -> None:
        with merged.transaction() as tx:
            tx.replace_graph(g, data)

    def replace_bare(g: str, data: bytes) -> None:
        node = ox.NamedNode(g)
        if bare.contains_named_graph(node):
            bare.remove_graph(node)
        bare.bulk_load(data, ox.RdfFormat.N_TRIPLES, to_graph=node)

    def drop_merged() -> None:
        with merged.transaction() as tx:
            tx.drop_graph(small_name)

    def nothing_merged() -> None:
        with merged.transaction():
            pass

    rows.append(("commit: nothing staged (lock, draft, checkpoint, publish)", 0.0, 0.0))
    rows[-1] = (rows[-1][0], timed(nothing_merged, repeat), 0.0)
    sizes = compacted_sizes(merged.raw, bare, root)
    rows.append(("size on disk after the first load, compacted, MB", *sizes))

    for label, fm, fb in (
        (
            "commit: replace the largest graph",
            lambda: replace_merged(largest, graphs[largest]),
            lambda: replace_bare(largest, graphs[largest]),
        ),
        (
            "commit: add a 1,000-triple graph",
            lambda: replace_merged(small_name, small),
            lambda: replace_bare(small_name, small),
        ),
        (
            "commit: drop that graph",
            drop_merged,
            lambda: bare.remove_graph(ox.NamedNode(small_name)),
        ),
    ):
        rows.append((label, timed(fm, 1), timed(fb, 1)))
    raw = merged.raw
    rows.append(("writer(): rebuild the whole merge", timed(lambda: _rebuild_copy(raw), 1), 0.0))
    memory_merged, memory_bare = ox.Store(), ox.Store()
    rows.append(
        (
            "query worker: copy the generation into memory",
            timed(lambda: memory_merged.bulk_extend(merged.raw), 1),
            timed(lambda: memory_bare.bulk_extend(bare), 1),
        )
    )
    subject = graphs[largest].split(b" ", 1)[0].decode()
    queries = {**QUERIES, "one subject": f"SELECT ?p ?o WHERE {{ {subject} ?p ?o }}"}
    for label, query in queries.items():
        for where, m, b in (("memory", memory_merged, memory_bare), ("disk", merged.raw, bare)):
            qm = timed(lambda q=query, s=m: list(s.query(q)), max(repeat, 15))
            qb = timed(
                lambda q=query, s=b: list(s.query(q, use_default_graph_as_union=True)),
                max(repeat, 15),
            )
            rows.append((f"query ({where}): {label}, ms", qm * 1000, qb * 1000))
    quads = len(merged)
    distinct = len(list(merged.quads(graph=ox.DefaultGraph())))
    print(f"\n## {name}: {quads:,} quads in {len(graphs)} named graphs, {distinct:,} distinct")
    print("| step | with the merge | without (union mode) |\n|---|---:|---:|")
    for label, with_merge, without in rows:
        print(f"| {label} | {with_merge:.2f} | {without:.2f} |")
    shutil.rmtree(root, ignore_errors=True)


def compacted_sizes(merged: ox.Store, bare: ox.Store, root: Path) -> tuple[float, float]:
    """The SST bytes of both stores, each copied and compacted."""
    sizes = []
    for name, source in (("m", merged), ("b", bare)):
        target = root / f"compacted-{name}"
        source.backup(str(target))
        copy = ox.Store(str(target))
        copy.optimize()
        copy.flush()
        del copy
        sizes.append(sum(p.stat().st_size for p in target.glob("*.sst")) / 1e6)
    return sizes[0], sizes[1]


def _rebuild_copy(store: ox.Store) -> None:
    """Rebuild the merge on a hard-linked copy (a published generation is never written)."""
    target = Path(tempfile.mkdtemp(prefix="lg-bench-rebuild-")) / "copy"
    store.backup(str(target))
    copy = ox.Store(str(target))
    merge.rebuild(copy)
    del copy
    shutil.rmtree(target.parent, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    measure("default data (data/)", default_data(), args.repeat)
    measure(
        f"SYNTHETIC {args.enterprises:,} enterprises", synthetic_data(args.enterprises), args.repeat
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
