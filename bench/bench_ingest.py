"""Time the ingest of SYNTHETIC batch lists: parse → RDF → SHACL gate → on-disk load.

    python bench/bench_ingest.py                    # 20,000 enterprises
    python bench/bench_ingest.py --size 200000
    python bench/bench_ingest.py --pyshacl          # also pySHACL on the full set (minutes)
    python bench/bench_ingest.py --pipeline         # also the real `ingest_file` path

The lists come from bench/synth.py (written to a temporary directory, never to data/). Parsing
uses ``ingest.parse_list``; the triples follow ontology/README.md (enterprise, designation and
award event per row, ~21 triples) and are built with ``ontology.rdf.GraphBuilder``; the gate is
``ingest.shacl.ShapesGate`` over the project's shapes (or, while shapes/ is empty, the test
fixture shapes, which the table says). Then a 4,000-row list is ingested into the store that
already holds the full set, validating only the nodes it touches (``focus=``).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import synth
from ingest.parse_list import ListRow, parse_list
from ingest.shacl import ShapesGate
from ingest.shacl.reference import reference_validate
from ontology import rdf
from ontology.iris import Iris
from ontology.namespaces import DCTERMS, LG, RDF, RDFS, SKOS, XSD
from ontology.paths import DATA_DIR, ONTOLOGY_TTL, ROOT, SHAPES_DIR
from ontology.rdf import GraphBuilder

BASE = "https://w3id.org/littlegiant"
FIXTURE_SHAPES = ROOT / "tests" / "ingest" / "data" / "validate" / "shapes"
SYNTHETIC_PAGE = "https://example.org/synthetic/list"
KEY_OFFSET = 900_000  # synthetic keys E900001...: far from the registry's real keys


class Timer:
    """Collects (step, seconds, note) rows for the final table."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, float, float, str]] = []

    @contextlib.contextmanager
    def step(self, name: str, note: str = "") -> Iterator[list[str]]:
        """Time a step: wall clock, and CPU time of all threads (less sensitive to load)."""
        notes = [note] if note else []
        started, cpu = time.perf_counter(), time.process_time()
        yield notes
        wall = time.perf_counter() - started
        self.rows.append((name, wall, time.process_time() - cpu, "; ".join(notes)))

    def note(self, name: str, text: str) -> None:
        self.rows.append((name, 0.0, 0.0, text))

    def table(self) -> str:
        width = max(len(n) for n, *_ in self.rows)
        lines = [f"{'step':<{width}}  {'wall s':>7}  {'cpu s':>7}  note", "-" * (width + 50)]
        lines += [f"{n:<{width}}  {w:7.2f}  {c:7.2f}  {note}" for n, w, c, note in self.rows]
        return "\n".join(lines)


def context_graph(iris: Iris) -> GraphBuilder:
    """Regions from data/reference/regions.csv, plus SYNTHETIC batches and list documents."""
    b = GraphBuilder()
    with (DATA_DIR / "reference" / "regions.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            code, kind = row["code"], row["kind"]
            node = iris.province(code) if kind == "province" else iris.region(code)
            cls = {
                "province": LG.Province,
                "planned-city": LG.PlannedCity,
                "corps": LG.ProductionConstructionCorps,
            }[kind]
            b.type(node, cls)
            b.add(node, RDFS.label, rdf.text(row["name_zh"], "zh"))
            b.add(node, SKOS.prefLabel, rdf.text(row["name_zh"], "zh"))
            b.add(node, SKOS.prefLabel, rdf.text(row["name_en"], "en"))
            if code.isdigit():
                b.add(node, LG.gbCode, rdf.text(code))
            for prefix in filter(None, row["uscc_prefixes"].split(";")):
                b.add(node, LG.divisionCodePrefix, rdf.text(prefix))
            if row["within"]:
                b.add(node, LG.withinProvince, iris.province(row["within"]))
    for n in range(1, len(synth.BATCH_SHARES) + 1):
        batch, doc = iris.batch(n), iris.document(f"synthetic-list-{n}")
        b.type(batch, LG.Batch)
        b.add(batch, RDFS.label, rdf.text(f"合成第{n}批（SYNTHETIC）", "zh"))
        b.add(batch, LG.ordinal, rdf.typed(n, XSD.positiveInteger))
        b.add(batch, LG.tier, LG.LittleGiant)
        b.add(batch, LG.announcedBy, doc)
        b.type(doc, LG.RegulatoryDocument)
        b.add(doc, RDFS.label, rdf.text(f"合成第{n}批名单（SYNTHETIC）", "zh"))
        b.add(doc, DCTERMS.title, rdf.text(f"合成第{n}批名单（SYNTHETIC）", "zh"))
        b.add(doc, LG.documentKind, LG.KindList)
        b.add(doc, DCTERMS.source, rdf.node(SYNTHETIC_PAGE))
        b.add(doc, LG.announces, batch)
    return b


def list_graph(
    iris: Iris, ordinal: int, rows: list[ListRow], first_key: int, graph: str
) -> list[ox.Quad]:
    """One list's quads, as ontology/README.md models an award (SYNTHETIC dates).

    Terms are made once per row and predicates once per list: rdflib namespace attribute
    access and URIRef validation cost microseconds each, which at 400k triples is seconds.
    """
    g = ox.NamedNode(graph)
    p = {name: rdf.node(term) for name, term in _PREDICATES.items()}
    batch = rdf.node(iris.batch(ordinal))
    doc = rdf.node(iris.document(f"synthetic-list-{ordinal}"))
    start = dt.date(2018 + ordinal, 7, 1)
    start_lit, until_lit = rdf.date(start), rdf.date(dt.date(2021 + ordinal, 6, 30))
    page, tier = rdf.node(SYNTHETIC_PAGE), rdf.node(LG.LittleGiant)
    classes = {name: rdf.node(LG[name]) for name in ("Enterprise", "Designation", "Award")}
    evidence = rdf.node(LG.EvidenceFinalList)
    regions: dict[str, ox.NamedNode] = {}
    out: list[ox.Quad] = []
    add = out.append
    Q = ox.Quad  # noqa: N806 - a local alias in the hot loop
    for i, row in enumerate(rows):
        key = f"E{first_key + i:06d}"
        e = ox.NamedNode(str(iris.enterprise(key)))
        if row.region not in regions:
            code = row.region
            iri = iris.province(code) if code.endswith("0000") else iris.region(code)
            regions[code] = rdf.node(iri)
        name = ox.Literal(row.name, language="zh")
        add(Q(e, p["type"], classes["Enterprise"], g))
        add(Q(e, p["label"], name, g))
        add(Q(e, p["legalName"], name, g))
        if row.uscc:
            add(Q(e, p["uscc"], ox.Literal(row.uscc), g))
        add(Q(e, p["reportingRegion"], regions[row.region], g))
        d = ox.NamedNode(str(iris.designation(key, "little-giant", ordinal)))
        label = ox.Literal(f"{row.name} 第{ordinal}批专精特新“小巨人”", language="zh")
        add(Q(d, p["type"], classes["Designation"], g))
        add(Q(d, p["label"], label, g))
        add(Q(d, p["holder"], e, g))
        add(Q(d, p["tier"], tier, g))
        add(Q(d, p["batch"], batch, g))
        add(Q(d, p["awardedBy"], doc, g))
        add(Q(d, p["validFrom"], start_lit, g))
        add(Q(d, p["validUntil"], until_lit, g))
        add(Q(d, p["evidence"], evidence, g))
        add(Q(d, p["source"], page, g))
        a = ox.NamedNode(
            str(iris.event("award", f"{key}-little-giant-{ordinal}", start.isoformat()))
        )
        add(Q(a, p["type"], classes["Award"], g))
        add(Q(a, p["designation"], d, g))
        add(Q(a, p["eventDate"], start_lit, g))
        add(Q(a, p["eventDocument"], doc, g))
        add(Q(a, p["source"], page, g))
    return out


_PREDICATES = {
    "type": RDF.type, "label": RDFS.label, "legalName": LG.legalName, "uscc": LG.uscc,
    "reportingRegion": LG.reportingRegion, "holder": LG.holder, "tier": LG.tier,
    "batch": LG.batch, "awardedBy": LG.awardedBy, "validFrom": LG.validFrom,
    "validUntil": LG.validUntil, "evidence": LG.evidence, "source": DCTERMS.source,
    "designation": LG.designation, "eventDate": LG.eventDate, "eventDocument": LG.eventDocument,
}  # fmt: skip


def quads(builder: GraphBuilder, graph: str) -> Iterator[ox.Quad]:
    g = ox.NamedNode(graph)
    return (ox.Quad(t.subject, t.predicate, t.object, g) for t in builder)


def shapes_dir(requested: Path | None) -> Path:
    if requested is not None:
        return requested
    return SHAPES_DIR if any(SHAPES_DIR.glob("*.ttl")) else FIXTURE_SHAPES


def run(args: argparse.Namespace) -> int:
    iris = Iris(BASE)
    timer = Timer()
    work = Path(tempfile.mkdtemp(prefix="lg-bench-"))
    try:
        lists_dir = work / "lists"
        with timer.step(f"synthesise {args.size} rows (bench/synth.py)"):
            *paths, extra = synth.write_lists(args.size, lists_dir, seed=args.seed, extra=4000)
        shapes = shapes_dir(args.shapes)
        with timer.step("compile shapes (ShapesGate)", str(shapes.relative_to(ROOT))) as note:
            gate = ShapesGate(shapes, ONTOLOGY_TTL)
            note.append(f"{len(gate)} queries")

        # -- the full set: parse → RDF → validate → load
        with timer.step("parse CSV (ingest.parse_list)") as note:
            parsed = [parse_list(p, kind_hint="batch") for p in paths]
            errors = sum(len(p.errors) for p in parsed)
            note.append(f"{sum(len(p.rows) for p in parsed)} rows, {errors} errors")
        with timer.step("build RDF (GraphBuilder)") as note:
            context = str(iris.graph("synthetic-context"))
            staged = list(quads(context_graph(iris), context))
            key = KEY_OFFSET + 1
            for p in parsed:
                graph = str(iris.graph(f"list-synthetic-{p.batch}"))
                staged += list_graph(iris, p.batch or 0, list(p.rows), key, graph)
                key += len(p.rows)
            triples = len(staged)
            note.append(f"{triples} triples")
        with timer.step("stage in memory (bulk_extend)"):
            memory = ox.Store()
            memory.load(path=str(ONTOLOGY_TTL), format=ox.RdfFormat.TURTLE,
                        to_graph=ox.NamedNode(str(iris.graph("ontology"))))  # fmt: skip
            memory.bulk_extend(staged)
        with timer.step("validate, gate, full") as note:
            report = gate.validate(memory)
            note.append(f"{len(report.violations)} violations, {len(report.warnings)} warnings")
        if report.violations:
            print(report.text(10), file=sys.stderr)
        if args.pyshacl:
            with timer.step("validate, pySHACL, full") as note:
                ontology = Graph().parse(ONTOLOGY_TTL, format="turtle")
                ref = reference_validate(memory, gate.shapes, ontology)
                same = "same results" if ref.keys() == report.keys() else "DIFFERENT results"
                note.append(f"{len(ref.violations)} violations; {same} as the gate")
        with timer.step("bulk load on disk (pyoxigraph)") as note:
            disk = ox.Store(str(work / "store"))
            disk.bulk_load(path=str(ONTOLOGY_TTL), format=ox.RdfFormat.TURTLE,
                           to_graph=ox.NamedNode(str(iris.graph("ontology"))))  # fmt: skip
            disk.bulk_extend(staged)
            disk.flush()
            note.append(f"{len(disk)} quads")

        # -- one 4,000-row list into the store that holds the full set
        with timer.step("4k list: parse + RDF") as note:
            p4 = parse_list(extra, kind_hint="batch")
            g4 = str(iris.graph("list-synthetic-extra"))
            b4 = list_graph(iris, 7, list(p4.rows), key, g4)
            note.append(f"{len(p4.rows)} rows, {len(b4)} triples")
        with timer.step("4k list: load on disk") as note:
            disk.bulk_extend(b4)
            disk.flush()
            note.append(f"{len(disk)} quads now")
        focus = {q.subject.value for q in b4} | {
            q.object.value
            for q in b4
            if isinstance(q.object, ox.NamedNode) and q.object.value.startswith(BASE + "/id/")
        }
        with timer.step("4k list: validate, gate, focus", f"{len(focus)} focus nodes") as note:
            r4 = gate.validate(disk, focus=focus)
            note.append(f"{len(r4.violations)} violations, {len(r4.warnings)} warnings")
        memory.bulk_extend(b4)
        with timer.step("4k list: validate, gate, focus, in memory") as note:
            r4m = gate.validate(memory, focus=focus)
            same = "same" if r4m.keys() == r4.keys() else "DIFFERENT"
            note.append(f"{len(r4m.violations)} violations; {same} results as on disk")
        with timer.step("4k list: validate, gate, full, in memory") as note:
            r_all = gate.validate(memory)
            note.append(f"{len(r_all.violations)} violations")
        if args.full_on_disk:
            with timer.step("4k list: validate, gate, full, on disk") as note:
                r_all = gate.validate(disk)
                note.append(f"{len(r_all.violations)} violations")
        if args.pipeline:
            pipeline_figures(timer, paths, work)
        print()
        load = " ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"SYNTHETIC data, {args.size} enterprises; shapes: {shapes}; load average {load}")
        print(timer.table())
        return 0
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def pipeline_figures(timer: Timer, paths: list[Path], work: Path) -> None:
    """The real path: `littlegiant build` then `ingest_file` per list (registry in a temp copy)."""
    try:
        from ingest.cli import build_store
        from ingest.identity import Registry
        from ingest.ingest_file import ingest_file
        from ontology.settings import Settings
        from ontology.store import EmbeddedStore
    except ImportError as exc:  # parts of the pipeline not there yet
        timer.note("pipeline", f"not available: {exc}")
        return
    registry_dir = work / "registry"
    shutil.copytree(DATA_DIR / "registry", registry_dir, dirs_exist_ok=True)
    settings = Settings(base_uri=BASE, store=work / "pipeline-store", registry=registry_dir)
    store = EmbeddedStore(settings.store)
    try:
        with timer.step("pipeline: littlegiant build (data/)"):
            build_store(settings, store)
        registry = Registry.load(registry_dir)
        iris = Iris(BASE)
        with (DATA_DIR / "batches.csv").open(encoding="utf-8", newline="") as fh:
            facts = {r["target"]: r for r in csv.DictReader(fh)}
        for n, path in enumerate(paths, start=1):
            fact = facts.get(f"batch:{n}", {})
            date = fact.get("announcement_date") or None
            if date is None:  # the pipeline needs the list's date; none is recorded for it
                timer.note(f"pipeline: ingest_file {path.name}", "skipped: batch has no date")
                continue
            with timer.step(f"pipeline: ingest_file {path.name}") as note:
                result = ingest_file(
                    store, iris, registry, path, kind="batch", batch=n,
                    document=doc if "〔" in (doc := fact.get("announced_by", "")) else None,
                    date=dt.date.fromisoformat(date) if date else None,
                    source_url=SYNTHETIC_PAGE, review_dir=work / "review",
                )  # fmt: skip
                note.append(f"{result.rows} rows")
    except Exception as exc:
        timer.note("pipeline", f"failed: {type(exc).__name__}: {str(exc)[:200]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=20000, help="enterprises in the full set")
    parser.add_argument("--seed", type=int, default=20190605)
    parser.add_argument("--shapes", type=Path, default=None, help="shapes directory")
    parser.add_argument("--pyshacl", action="store_true", help="also time pySHACL (slow)")
    parser.add_argument("--pipeline", action="store_true", help="also time ingest_file")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument(
        "--full-on-disk", action="store_true", help="also a full validation of the disk store"
    )
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
