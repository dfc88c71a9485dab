"""Benchmark the SPARQL endpoint against in-process pyoxigraph, ``oxigraph serve`` and
rdflib-endpoint on the same SYNTHETIC data; print median latencies, throughput and ratios.

    python bench/bench_sparql.py --enterprises 20000 [--workers 2] [--virtuoso var/virtuoso-bench]

Our server is ``littlegiant serve --workers N`` with every safety feature on (worker isolation,
time limit, SERVICE/nesting checks, row limit, metrics, access log), over the embedded store,
over a plain ``oxigraph serve`` (``ours→oxigraph``, loaded through the remote store) and, with
``--virtuoso DIR``, over Debian's Virtuoso 7 (``ours→virtuoso``: installed, configured and
started by ``deploy/virtuoso/setup.sh``, bulk-loaded by ``load.sh``, adopted by the store,
smoke-tested, stopped at the end). All servers listen on 127.0.0.1 only. The data is
``bench/synth_graph.py`` output (synthetic, never the default store).
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
from ontology.store import EmbeddedStore, RemoteStore  # noqa: E402
from ontology.store.remote import MERGE_GRAPH  # noqa: E402
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
        for name in names
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


def serve_ours(env: dict[str, str], workers: int, procs: list[subprocess.Popen[bytes]]) -> str:
    """``littlegiant serve --workers N`` (every safety on) on a free port; its /sparql URL."""
    port = free_port()
    script = str(Path(sys.executable).with_name("littlegiant"))
    procs.append(
        subprocess.Popen(
            [script, "serve", "--port", str(port), "--workers", str(workers)],
            cwd=ROOT,
            env={**os.environ, "LG_QUERY_TIMEOUT_S": "30", **env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    )
    return f"http://127.0.0.1:{port}/sparql"


def oxigraph_backed(work: Path, nq: Path, graphs: list[str], procs: list) -> dict[str, str]:
    """A writable ``oxigraph serve`` (no union default graph), bulk-loaded and adopted."""
    port = free_port()
    oxigraph = str(Path(sys.executable).with_name("oxigraph"))
    location = work / "oxigraph-backing"
    started = time.perf_counter()
    subprocess.run(
        [oxigraph, "load", "--location", str(location), "--file", str(nq)],
        check=True,
        capture_output=True,
    )
    procs.append(
        subprocess.Popen(
            [oxigraph, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    )
    base = f"http://127.0.0.1:{port}"
    wait_up(f"{base}/query", 120)
    store = RemoteStore(f"{base}/query", f"{base}/update")
    store.adopt(graphs, build_merge=True)
    took = time.perf_counter() - started
    print(
        f"  oxigraph-backed: bulk-loaded, merged and adopted in {took:.1f} s ({len(store)} quads)"
    )
    return {"LG_SPARQL_ENDPOINT": f"{base}/query", "LG_SPARQL_UPDATE_ENDPOINT": f"{base}/update"}


def virtuoso_backed(directory: Path, nq: Path, graphs: list[str]) -> dict[str, str]:
    """Debian's Virtuoso 7 set up by ``deploy/virtuoso/setup.sh``, bulk-loaded, adopted."""
    deploy = ROOT / "deploy" / "virtuoso"
    http_port, isql_port = free_port(), free_port()
    started = time.perf_counter()
    subprocess.run(
        [deploy / "setup.sh", str(directory), "--http-port", str(http_port),
         "--isql-port", str(isql_port), "--max-rows", "1000000"],
        check=True, capture_output=True,
    )  # fmt: skip
    env = dict(
        line.split("=", 1)
        for line in (directory / "credentials.env").read_text().splitlines()
        if line.startswith("LG_SPARQL_") and not line.startswith("LG_SPARQL_GRAPH_STORE")
    )
    print(f"  virtuoso: installed/configured/started in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    subprocess.run(
        [deploy / "load.sh", str(directory), str(nq), "--replace", "--merge-graph", MERGE_GRAPH],
        check=True, capture_output=True,
    )  # fmt: skip
    store = RemoteStore(
        env["LG_SPARQL_ENDPOINT"],
        env["LG_SPARQL_UPDATE_ENDPOINT"],
        user=env["LG_SPARQL_USER"],
        password=env["LG_SPARQL_PASSWORD"],
    )
    store.adopt(graphs)
    print(
        f"  virtuoso: bulk-loaded and adopted in {time.perf_counter() - started:.1f} s "
        f"({len(store)} quads)"
    )
    return env


def smoke_test(url: str, label: str) -> None:
    """The server answers the endpoint, a page, the API and the dataset from its engine."""
    root = url.rsplit("/sparql", 1)[0]
    for path in ("/ready", "/dataset.ttl", "/api/batches", "/sitemap.xml", "/metrics"):
        r = httpx.get(root + path, timeout=120)
        if r.status_code != 200:
            raise RuntimeError(f"{label}: {path} answered {r.status_code}: {r.text[:200]}")
    print(f"  {label}: smoke test passed (/ready, /dataset.ttl, /api/batches, /sitemap.xml)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--rdflib-runs", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--skip-rdflib", action="store_true")
    parser.add_argument("--skip-oxigraph-backed", action="store_true")
    parser.add_argument(
        "--virtuoso", type=Path, help="also serve over Virtuoso 7 set up in this directory"
    )
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
            f"{os.cpu_count()} CPUs; our servers: littlegiant serve --workers {args.workers}"
        )
        names = [str(q.object.value) for q in data if q.predicate.value.endswith("#legalName")]
        enterprise = next(q.subject.value for q in data if q.predicate.value.endswith("#legalName"))
        queries = reference_queries(names[len(names) // 2], enterprise)
        graphs: dict[str, list[ox.Quad]] = {}
        for q in data:
            graphs.setdefault(q.graph_name.value, []).append(q)  # type: ignore[union-attr]

        mem = ox.Store()  # in-process pyoxigraph, in memory: the floor
        mem.bulk_load(path=str(nq), format=ox.RdfFormat.N_QUADS)

        def inproc(q: str) -> Callable[[], object]:
            def run() -> object:
                r = mem.query(q, use_default_graph_as_union=True)
                if isinstance(r, ox.QueryTriples):
                    return ox.serialize(r, format=ox.RdfFormat.TURTLE)
                return r.serialize(format=ox.QueryResultsFormat.JSON)

            return run

        servers: dict[str, str] = {}
        store = EmbeddedStore(work / "store")  # ours, on disk
        store.replace_graphs(graphs)
        budget = {"LG_QUERY_BUDGET_S": "1e9"}  # one client, many connections: not a fair-use test
        servers["ours"] = serve_ours(
            {"LG_STORE": str(work / "store"), **budget}, args.workers, procs
        )
        if not args.skip_oxigraph_backed:
            env = oxigraph_backed(work, nq, sorted(graphs), procs)
            servers["ours→oxigraph"] = serve_ours({**env, **budget}, args.workers, procs)
        if args.virtuoso is not None:
            env = virtuoso_backed(args.virtuoso, nq, sorted(graphs))
            servers["ours→virtuoso"] = serve_ours({**env, **budget}, args.workers, procs)

        oxi_dir, oxi_port = work / "oxigraph", free_port()
        oxigraph = str(Path(sys.executable).with_name("oxigraph"))
        subprocess.run(
            [oxigraph, "load", "--location", str(oxi_dir), "--file", str(nq)],
            check=True,
            capture_output=True,
        )
        procs.append(
            subprocess.Popen(
                [oxigraph, "serve-read-only", "--location", str(oxi_dir),
                 "--bind", f"127.0.0.1:{oxi_port}", "--union-default-graph"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )
        )  # fmt: skip
        servers["oxigraph serve"] = f"http://127.0.0.1:{oxi_port}/query"
        if not args.skip_rdflib:
            rdf_port = free_port()
            endpoint = str(Path(sys.executable).with_name("rdflib-endpoint"))
            procs.append(
                subprocess.Popen(
                    [endpoint, "serve", str(nt), "--host", "127.0.0.1", "--port", str(rdf_port)],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
            servers["rdflib-endpoint"] = f"http://127.0.0.1:{rdf_port}/"
        for label, url in servers.items():
            wait_up(url, 900)
            if label.startswith("ours"):
                smoke_test(url, label)
                for _ in range(3):  # our workers copy the generation into memory on first use
                    http_runner(url, queries["lookup by name"][1])()
        report(out, args, servers, queries, inproc, names)
        lookup = queries["lookup by name"][1]
        iso = asyncio.run(isolation_cost(store, lookup, args.runs))
        base = median_ms(inproc(lookup), args.runs)
        out(
            f"\nIsolation cost (worker process + IPC, no HTTP), lookup: {iso:.2f} ms vs "
            f"{base:.2f} ms in process (+{iso - base:.2f} ms)"
        )
        out(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(30)
            except subprocess.TimeoutExpired:
                p.kill()
        if args.virtuoso is not None:
            subprocess.run(
                [ROOT / "deploy" / "virtuoso" / "stop.sh", str(args.virtuoso)], check=False
            )
        shutil.rmtree(work, ignore_errors=True)
    return 0


def report(
    out: Callable[..., None],
    args: argparse.Namespace,
    servers: dict[str, str],
    queries: dict[str, tuple[str, str]],
    inproc: Callable[[str], Callable[[], object]],
    names: list[str],
) -> None:
    """Print the latency table, the throughput line and the ratios, all from this one run."""
    out(f"\nload average at the start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    out("Median latency (ms) of the reference queries, one client, sequential:")
    labels = list(servers)
    out(f"{'query':34} {'in-proc':>8} " + " ".join(f"{label:>15}" for label in labels))
    for label, (kind, q) in queries.items():
        base = median_ms(inproc(q), args.runs)
        cells = []
        for server, url in servers.items():
            runs = args.rdflib_runs if server == "rdflib-endpoint" else args.runs
            try:
                cells.append(median_ms(http_runner(url, q), runs))
            except RuntimeError:
                cells.append(float("nan"))
        mine = cells[0]
        out(
            f"{label + ' (' + kind + ')':34} {base:8.2f} "
            + " ".join(f"{c:15.2f}" for c in cells)
            + f"   ours-inproc {mine - base:+.2f}"
        )
    out(
        f"\nLoopback lookup throughput (req/s), {args.concurrency} in flight, "
        f"{args.seconds:g} s each, a different query text on every request:"
    )
    rates = {
        label: asyncio.run(throughput(url, names, args.seconds, args.concurrency))
        for label, url in servers.items()
    }
    out("  " + "   ".join(f"{label} {rate:.0f}" for label, rate in rates.items()))
    oxi = rates["oxigraph serve"]
    out(f"  ours/oxigraph serve {rates['ours'] / oxi:.2f} (aim >= 0.5)")
    for label in labels:
        if label.startswith("ours→"):
            out(f"  {label}/oxigraph serve {rates[label] / oxi:.2f}")
    if "rdflib-endpoint" in rates:
        out(f"  ours/rdflib-endpoint {rates['ours'] / rates['rdflib-endpoint']:.2f}")


if __name__ == "__main__":
    sys.exit(main())
