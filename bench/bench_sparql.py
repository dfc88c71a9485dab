"""Benchmark the SPARQL endpoint against in-process pyoxigraph, ``oxigraph serve`` and
rdflib-endpoint on the same SYNTHETIC data; print median latencies, throughput and ratios.

    python bench/bench_sparql.py --enterprises 20000

All servers listen on 127.0.0.1 only. Our server runs with every safety feature on (worker
isolation, time limit, SERVICE/nesting checks, row limit). The data is ``bench/synth_graph.py``
output (synthetic, never the default store).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.synth_graph import quads  # noqa: E402
from ontology.store import EmbeddedStore  # noqa: E402
from server.sparql.pool import Job, QueryPool  # noqa: E402
from server.state import PerGeneration  # noqa: E402

P = "PREFIX lg: <https://w3id.org/littlegiant/ontology#>\n"
JSON = "application/sparql-results+json"


def reference_queries(name: str, enterprise: str) -> dict[str, tuple[str, str]]:
    """The reference set: (kind light/heavy, query)."""
    return {
        "lookup by name": (
            "light",
            P + f'SELECT ?e WHERE {{ ?e lg:legalName "{name}"@zh }}',
        ),
        "DESCRIBE one enterprise": ("light", f"DESCRIBE <{enterprise}>"),
        "count per province per batch": (
            "heavy",
            P + "SELECT ?r ?o (COUNT(?e) AS ?n) WHERE { ?d lg:holder ?e ; lg:batch ?b . "
            "?b lg:ordinal ?o . ?e lg:reportingRegion ?r } GROUP BY ?r ?o",
        ),
        "title holders on a date": (
            "heavy",
            P + "SELECT (COUNT(?d) AS ?n) WHERE { ?d a lg:Designation ; lg:validFrom ?from ; "
            'lg:validUntil ?u . FILTER(?from <= "2024-01-01"^^<http://www.w3.org/2001/'
            'XMLSchema#date> && ?u >= "2024-01-01"^^<http://www.w3.org/2001/XMLSchema#date>) '
            "FILTER NOT EXISTS { ?e lg:designation ?d ; a lg:Revocation } }",
        ),
        "substring search": (
            "heavy",
            P + 'SELECT ?e ?n WHERE { ?e lg:legalName ?n FILTER(CONTAINS(STR(?n), "星海")) }',
        ),
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            r = httpx.get(url, params={"query": "ASK {}"}, headers={"Accept": JSON}, timeout=120)
            if r.status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


def median_ms(run: Callable[[], object], runs: int) -> float:
    run()  # warm
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        run()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def http_runner(url: str, query: str) -> Callable[[], object]:
    client = httpx.Client(timeout=300)
    accept = "text/turtle" if query.startswith("DESCRIBE") else JSON

    def run() -> object:
        r = client.get(url, params={"query": query}, headers={"Accept": accept})
        if r.status_code != 200:
            raise RuntimeError(f"{r.status_code} {r.text[:200]}")
        return r.content

    return run


async def throughput(url: str, names: list[str], seconds: float, concurrency: int) -> float:
    """Lookups per second with ``concurrency`` keep-alive connections, each one request in
    flight. A minimal HTTP/1.1 client on asyncio streams: httpx itself tops out near the
    servers' rates on two cores, so it would measure the client."""
    parsed = httpx.URL(url)
    requests = [
        (
            f"GET {parsed.raw_path.decode()}?"
            + httpx.QueryParams(
                {"query": P + f'SELECT ?e WHERE {{ ?e lg:legalName "{name}"@zh }}'}
            ).__str__()
            + f" HTTP/1.1\r\nHost: {parsed.host}:{parsed.port}\r\nAccept: {JSON}\r\n\r\n"
        ).encode()
        for name in names[:2000]
    ]
    done = 0
    stop = time.monotonic() + seconds

    async def connection(offset: int) -> None:
        nonlocal done
        reader, writer = await asyncio.open_connection(parsed.host, parsed.port)
        i = offset
        try:
            while time.monotonic() < stop:
                writer.write(requests[i % len(requests)])
                head = await reader.readuntil(b"\r\n\r\n")
                status = int(head.split(b" ", 2)[1])
                lower = head.lower()
                if b"content-length:" in lower:
                    length = int(lower.split(b"content-length:")[1].split(b"\r\n")[0])
                    await reader.readexactly(length)
                else:  # chunked
                    while True:
                        size = int((await reader.readuntil(b"\r\n")).strip(), 16)
                        await reader.readexactly(size + 2)
                        if size == 0:
                            break
                if status == 200:
                    done += 1
                i += concurrency
        finally:
            writer.close()

    start = time.monotonic()
    await asyncio.gather(*(connection(k) for k in range(concurrency)))
    return done / (time.monotonic() - start)


async def isolation_cost(store: EmbeddedStore, query: str, runs: int) -> float:
    """Median ms of one query through the worker pool, without HTTP (the price of safety)."""
    pool = QueryPool(store, PerGeneration(store), size=1)
    try:
        job = Job(query=query, format_name="JSON")
        for _ in range(3):
            await (await pool.execute(job, 30)).read_all()
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            await (await pool.execute(job, 30)).read_all()
            times.append((time.perf_counter() - t) * 1000)
        return statistics.median(times)
    finally:
        pool.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--rdflib-runs", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--skip-rdflib", action="store_true")
    args = parser.parse_args(argv)
    out = print

    work = Path(tempfile.mkdtemp(prefix="lg-bench-sparql-"))
    procs: list[subprocess.Popen[bytes]] = []
    try:
        data = list(quads(args.enterprises))
        nq, nt = work / "synthetic.nq", work / "synthetic.nt"
        ox.serialize(data, str(nq), ox.RdfFormat.N_QUADS)
        ox.serialize(
            [ox.Triple(q.subject, q.predicate, q.object) for q in data],
            str(nt),
            ox.RdfFormat.N_TRIPLES,
        )
        out(
            f"SYNTHETIC data: {args.enterprises} enterprises, {len(data)} quads; "
            f"{os.cpu_count()} CPUs"
        )
        names = [str(q.object.value) for q in data if q.predicate.value.endswith("#legalName")]
        enterprise = next(q.subject.value for q in data if q.predicate.value.endswith("#legalName"))
        queries = reference_queries(names[len(names) // 2], enterprise)

        # in-process pyoxigraph, in memory: the floor
        mem = ox.Store()
        mem.bulk_load(path=str(nq), format=ox.RdfFormat.N_QUADS)

        def inproc(q: str) -> Callable[[], object]:
            def run() -> object:
                r = mem.query(q, use_default_graph_as_union=True)
                if isinstance(r, ox.QueryTriples):
                    return ox.serialize(r, format=ox.RdfFormat.TURTLE)
                return r.serialize(format=ox.QueryResultsFormat.JSON)

            return run

        # our server, on disk, safety on
        store = EmbeddedStore(work / "store")
        graphs: dict[str, list[ox.Quad]] = {}
        for q in data:
            graphs.setdefault(q.graph_name.value, []).append(q)  # type: ignore[union-attr]
        store.replace_graphs(graphs)
        ours_port, oxi_port, rdf_port = free_port(), free_port(), free_port()
        env = {
            **os.environ,
            "LG_STORE": str(work / "store"),
            "LG_QUERY_WORKERS": "2",
            "LG_QUERY_TIMEOUT_S": "30",
        }
        procs.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "uvicorn",
                    "server.app:from_env",
                    "--factory",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(ours_port),
                    "--log-level",
                    "warning",
                    "--loop",
                    "uvloop",
                    "--http",
                    "httptools",
                    "--no-access-log",
                ],
                cwd=ROOT,
                env=env,
            )
        )
        ours = f"http://127.0.0.1:{ours_port}/sparql"

        oxi_dir = work / "oxigraph"
        oxigraph = str(Path(sys.executable).with_name("oxigraph"))
        subprocess.run(
            [oxigraph, "load", "--location", str(oxi_dir), "--file", str(nq)],
            check=True,
            capture_output=True,
        )
        procs.append(
            subprocess.Popen(
                [
                    oxigraph,
                    "serve-read-only",
                    "--location",
                    str(oxi_dir),
                    "--bind",
                    f"127.0.0.1:{oxi_port}",
                    "--union-default-graph",
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        oxi = f"http://127.0.0.1:{oxi_port}/query"

        rdf = f"http://127.0.0.1:{rdf_port}/"
        if not args.skip_rdflib:
            endpoint = str(Path(sys.executable).with_name("rdflib-endpoint"))
            procs.append(
                subprocess.Popen(
                    [endpoint, "serve", str(nt), "--host", "127.0.0.1", "--port", str(rdf_port)],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        wait_up(ours, 900)
        wait_up(oxi, 300)
        if not args.skip_rdflib:
            wait_up(rdf, 600)
        for _ in range(3):  # our workers copy the generation into memory on first use
            http_runner(ours, queries["lookup by name"][1])()

        out("\nMedian latency (ms) of the reference queries, one client, sequential:")
        header = f"{'query':32} {'in-proc':>8} {'ours':>8} {'oxigraph':>9} {'rdflib':>9}"
        out(
            header + f" {'ours-inproc':>12} {'ours/inproc':>12} {'ours/oxi':>9} {'ours/rdflib':>12}"
        )
        for label, (kind, q) in queries.items():
            base = median_ms(inproc(q), args.runs)
            mine = median_ms(http_runner(ours, q), args.runs)
            theirs = median_ms(http_runner(oxi, q), args.runs)
            try:
                slow = (
                    float("nan")
                    if args.skip_rdflib
                    else median_ms(http_runner(rdf, q), args.rdflib_runs)
                )
            except RuntimeError:
                slow = float("nan")
            out(
                f"{label + ' (' + kind + ')':32} {base:8.2f} {mine:8.2f} {theirs:9.2f} {slow:9.2f}"
                f" {mine - base:12.2f} {mine / base:12.2f} {mine / theirs:9.2f}"
                f" {mine / slow:12.3f}"
            )

        out(
            f"\nLoopback lookup throughput (req/s), {args.concurrency} in flight, "
            f"{args.seconds:g} s each:"
        )
        t_ours = asyncio.run(throughput(ours, names, args.seconds, args.concurrency))
        t_oxi = asyncio.run(throughput(oxi, names, args.seconds, args.concurrency))
        t_rdf = (
            float("nan")
            if args.skip_rdflib
            else asyncio.run(throughput(rdf, names, args.seconds, args.concurrency))
        )
        out(f"  ours {t_ours:8.0f}   oxigraph serve {t_oxi:8.0f}   rdflib-endpoint {t_rdf:8.0f}")
        out(
            f"  ours/oxigraph {t_ours / t_oxi:.2f} (aim >= 0.5)   "
            f"ours/rdflib {t_ours / t_rdf:.2f} (aim >= 4)"
        )

        lookup = queries["lookup by name"][1]
        iso = asyncio.run(isolation_cost(store, lookup, args.runs))
        base = median_ms(inproc(lookup), args.runs)
        out(
            f"\nIsolation cost (worker process + IPC, no HTTP), lookup: {iso:.2f} ms vs "
            f"{base:.2f} ms in process (+{iso - base:.2f} ms)"
        )
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
