"""Time the real ingest path on SYNTHETIC lists: parse → build → one validated commit to disk.

    .venv/bin/python bench/bench_pipeline.py [--enterprises 20000]

Builds the default dataset into a fresh on-disk store, then ingests the seven synthetic batch
lists of bench/synth.py as one commit (the way a full rebuild from source files runs), then one
more 4,000-row list on top. Prints wall and CPU seconds per stage.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from synth import write_lists  # noqa: E402

from ingest.build.lists import build_list  # noqa: E402
from ingest.cli import build_store  # noqa: E402
from ingest.identity import Registry  # noqa: E402
from ingest.load import commit  # noqa: E402
from ingest.parse_list import parse_list  # noqa: E402
from ingest.writer import writing  # noqa: E402
from ontology.iris import Iris  # noqa: E402
from ontology.settings import Settings  # noqa: E402
from ontology.store import open_store  # noqa: E402

# Dates given on the command line in a real ingest (the synthetic lists state none).
DATES = {n: dt.date(2019 + n - 1, 7, 1) for n in range(1, 9)}


@contextmanager
def step(name: str, note: str = "") -> Iterator[None]:
    wall, cpu = time.perf_counter(), time.process_time()
    yield
    print(f"{name:<44}{time.perf_counter() - wall:8.2f}{time.process_time() - cpu:9.2f}  {note}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--enterprises", type=int, default=20000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="lg-bench-pipeline-"))
    try:
        lists = work / "lists"
        paths = write_lists(args.enterprises, lists, extra=4000)
        extra = [p for p in paths if "extra" in p.name]
        batches = [p for p in paths if "extra" not in p.name]
        shutil.copytree(ROOT / "data" / "registry", work / "registry")
        settings = Settings(store=work / "store", registry=work / "registry")
        store = open_store(settings.store)
        iris = Iris(settings.base_uri)
        print(f"SYNTHETIC data, {args.enterprises} enterprises; load {os.getloadavg()[0]:.1f}")
        print(f"{'stage':<44}{'wall s':>8}{'cpu s':>9}")
        with step("build default dataset (data/)"):
            build_store(settings, store)
        registry = Registry(settings.registry)
        with step("parse 7 lists", f"{len(batches)} files"):
            parsed = [parse_list(p) for p in batches]
        session = writing(store, registry)  # the lock, then the registry (as every writer)
        w = session.__enter__()
        with step("build RDF of 7 lists"):
            changes = [
                build_list(
                    p,
                    kind="batch",
                    batch=p.batch,
                    document=None,
                    date=DATES[p.batch or 1],
                    source_url=None,
                    iris=iris,
                    registry=w.registry,
                    store=store,
                    review_dir=work / "review",
                )
                for p in parsed
            ]
        triples = sum(len(c.builder) for c in changes)
        with step("commit: validate + load to disk", f"{triples} triples"):
            outcome = commit(w, iris, changes, identity=True)  # with the registry's names
            session.__exit__(None, None, None)  # the loads finish; the generation is published
        violations = len(outcome.report.violations) if outcome.report else 0
        print(f"  gate: {violations} violations; store {len(store)} quads")
        with step("4k list: parse + build"):
            p = parse_list(extra[0])
            session = writing(store, registry)
            w = session.__enter__()
            change = build_list(
                p,
                kind="batch",
                batch=8,
                document=None,
                date=DATES[8],
                source_url=None,
                iris=iris,
                registry=w.registry,
                store=store,
                review_dir=work / "review",
            )
        with step("4k list: commit (validate + load)", f"{len(change.builder)} triples"):
            commit(w, iris, [change], identity=True)
            session.__exit__(None, None, None)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
