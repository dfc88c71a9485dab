"""What the validity terms cost: deriving them at commit, the derived graph's size, and "held the
title on D" as the pages, the API and example 06 ask it.

    .venv/bin/python bench/bench_validity.py [--enterprises 20000] [--repeat 15] [--skip-queries]

The data is the SYNTHETIC set of ``bench/synth_graph.py`` (enterprises, designations with
validity, re-review and revocation events) loaded into an on-disk ``EmbeddedStore`` in one
transaction. Then:

- *derive, from the new graphs*: ``ingest.validity.derive_after`` with no store (what the first
  build pays);
- *derive, from the store*: the same over the loaded store, a small graph being committed (what
  every later commit pays: the derivation reads the facts of every graph);
- *commit the derived graph*: one transaction replacing it, the default graph's merge included;
- *derive in part*: ``ingest.derivation.derived_after_commit`` for the same small graph over the
  store holding the derived graph (what a later commit pays now: the designations and batches
  within reach of the change are derived again), checked equal to the whole derivation; then a
  commit of the derived graph with 200 lines changed (the store patches it);
- sizes: triples of the derived graph, bytes of the store directory before and after;
- queries, in memory (the query workers' copy) and on disk: the count of holders on a date
  (``ontology.temporal.holds_on``) and the status of every designation on a date
  (``status_on``), medians of ``--repeat`` runs.
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
from typing import TypeVar

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.synth_graph import quads as synthetic_quads  # noqa: E402
from ingest.derivation import derived_after_commit  # noqa: E402
from ingest.validity import DERIVED, derive_after  # noqa: E402
from ontology.iris import Iris  # noqa: E402
from ontology.store import EmbeddedStore  # noqa: E402
from ontology.store.common import ntriples  # noqa: E402
from ontology.temporal import holds_on, status_on  # noqa: E402

BASE = "https://w3id.org/littlegiant"
LG = "https://w3id.org/littlegiant/ontology#"
T = TypeVar("T")
DAYS = ("2010-01-01", "2022-01-01", "2026-11-28")


def holders(day: str) -> str:
    return f"SELECT (COUNT(?d) AS ?n) WHERE {{ ?d a <{LG}Designation> . {holds_on(day)} }}"


def statuses(day: str) -> str:
    return (
        f"SELECT ?status (COUNT(?d) AS ?n) WHERE {{ ?d a <{LG}Designation> . {status_on(day)} }} "
        "GROUP BY ?status"
    )


def timed(fn: Callable[[], T], repeat: int) -> tuple[float, T]:
    """The median of ``repeat`` runs; a run over a second is run once (it is the figure)."""
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        runs.append(time.perf_counter() - started)
        if runs[-1] > 1.0:
            break
    return statistics.median(runs), result


def select(store: ox.Store, query: str) -> list[str]:
    """The answer as short text: the count, or status=count per status."""
    out = []
    for row in store.query(query):
        if not isinstance(row, ox.QuerySolution):
            continue
        status = row["status"] if "status" in query else None
        name = status.value.rsplit("#", 1)[-1] + "=" if status is not None else ""
        out.append(name + row["n"].value)
    return out


def size_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def measure(enterprises: int, repeat: int, *, queries: bool = True) -> None:
    iris = Iris(BASE)
    graphs: dict[str, list[ox.Triple]] = {}
    for q in synthetic_quads(enterprises):
        graphs.setdefault(str(q.graph_name)[1:-1], []).append(q.triple)
    root = Path(tempfile.mkdtemp(prefix="lg-bench-validity-"))
    store = EmbeddedStore(root / "store")
    with store.transaction() as tx:
        for g, triples in graphs.items():
            tx.replace_graph(g, ntriples(ox.Quad(*t) for t in triples))
    before = size_mb(root / "store")
    rows: list[tuple[str, str]] = []
    first_s, _ = timed(lambda: derive_after(None, iris, graphs), 1)
    rows.append(("derive, from the new graphs (first build), s", f"{first_s:.2f}"))
    print(*rows[-1], sep=": ", flush=True)
    small = {f"{BASE}/graph/bench-small": list(graphs[next(iter(graphs))][:100])}
    again_s, derived = timed(lambda: derive_after(store, iris, small), 1)
    rows.append(("derive, from the store (any later commit), s", f"{again_s:.2f}"))
    print(*rows[-1], sep=": ", flush=True)
    data = derived.ntriples
    rows.append(("derived graph, triples", f"{len(derived.builder.triples):,}"))

    def commit_derived(text: bytes) -> None:
        with store.transaction() as tx:
            tx.replace_graph(str(iris.graph(DERIVED)), text)

    commit_s, _ = timed(lambda: commit_derived(data), 1)
    rows.append(("commit the derived graph (with the merge), s", f"{commit_s:.2f}"))
    print(*rows[-1], sep=": ", flush=True)
    part_s, part = timed(lambda: derived_after_commit(store, iris, small), 1)
    same = "same graph" if part.ntriples == derived.ntriples else "DIFFERENT graph"
    rows.append((f"derive in part, a later commit (ingest.derivation; {same}), s", f"{part_s:.2f}"))
    print(*rows[-1], sep=": ", flush=True)
    moved = part.ntriples.replace(b"-12-31", b"-12-30", 200)  # 200 ends moved: a small change
    patch_s, _ = timed(lambda: commit_derived(moved), 1)
    rows.append(("commit the derived graph with 200 lines changed (patched), s", f"{patch_s:.2f}"))
    print(*rows[-1], sep=": ", flush=True)
    rows.append(("store on disk before / after the derived graph, MB", f"{before:.1f} / "))
    rows[-1] = (rows[-1][0], rows[-1][1] + f"{size_mb(root / 'store'):.1f}")
    memory = ox.Store()
    if queries:
        memory.bulk_extend(store.raw)
    for day in DAYS if queries else ():
        for label, query in (("holders on", holders(day)), ("status of all on", statuses(day))):
            for where, s in (("memory", memory), ("disk", store.raw)):
                ms, result = timed(lambda q=query, s=s: select(s, q), repeat)
                answer = ", ".join(result)
                rows.append((f"query ({where}): {label} {day}, ms [{answer}]", f"{ms * 1000:.1f}"))
                print(*rows[-1], sep=": ", flush=True)  # a slow query shows as it ends
    print(
        f"\n## {enterprises:,} synthetic enterprises: {len(store):,} quads, "
        f"{sum(len(t) for t in graphs.values()):,} in the source graphs"
    )
    print("| step | figure |\n|---|---:|")
    for label, figure in rows:
        print(f"| {label} | {figure} |")
    shutil.rmtree(root, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument(
        "--skip-queries", action="store_true", help="derivation and commit figures only"
    )
    args = parser.parse_args(argv)
    measure(args.enterprises, args.repeat, queries=not args.skip_queries)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
