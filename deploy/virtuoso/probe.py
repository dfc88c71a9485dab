"""Probe a running Virtuoso for what Little Giant KG relies on, and print the findings as Markdown.

    .venv/bin/python deploy/virtuoso/probe.py [DIR] [--big 200000] [--ladder 1000,10000,...]
                                              [--skip-slow] > probe-output.md

DIR is the working directory of ``setup.sh`` (default var/virtuoso): the ports and passwords are
read from its instance.env and credentials.env. Every request is shown as the equivalent curl
command, with the status, the telling headers and the start of the body. Everything the probe
writes goes into graphs under ``urn:x-lg-probe:``, which it drops again at the end. Reference
answers for the query checks come from pyoxigraph over the same data, so each "differs" is a
difference from a SPARQL 1.1 engine, not from a hand-written expectation.

Only the standard library, SPARQLWrapper and pyoxigraph are used (all in the project's venv).
"""

# ruff: noqa: T201, S310, S608
# T201: the report is printed. S310: urllib opens only the http:// base built from instance.env.
# S608: the "SQL" strings are SPARQL for a test server, built from the probe's own constants.
from __future__ import annotations

import argparse
import base64
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent))

from probe_data import (
    GRAPH_A,
    GRAPH_B,
    PROBE,
    bulk_ntriples,
    feature_ntriples,
    feature_queries,
    graph_b_ntriples,
    reference_store,
)

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
DG_A, DG_B, DG_M = PROBE + "dg/a", PROBE + "dg/b", PROBE + "dg/merge"
SHOWN_HEADERS = ("content-type", "www-authenticate", "x-sql-state", "x-sql-message")
SHOWN_PREFIX = ("x-exec-", "x-sparql-")


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    seconds: float

    def text(self, limit: int = 400) -> str:
        body = self.body.decode("utf-8", "replace").strip()
        return body if len(body) <= limit else body[:limit] + f" … ({len(self.body)} bytes)"


class Endpoint:
    """One Virtuoso instance: the anonymous /sparql, the writer's endpoints, and a report."""

    def __init__(self, base: str, user: str, password: str) -> None:
        self.base = base
        self.user = user
        self.password = password
        self.lines: list[str] = []

    # -- HTTP
    def send(
        self,
        path: str,
        fields: list[tuple[str, str]] | None = None,
        *,
        body: bytes | None = None,
        content_type: str | None = None,
        accept: str | None = None,
        auth: str | None = None,
        get: bool = False,
        method: str | None = None,
        timeout: float = 900.0,
    ) -> Answer:
        url = self.base + path
        data = body
        headers: dict[str, str] = {}
        if fields is not None and get:
            url += "?" + urllib.parse.urlencode(fields)
        elif fields is not None:
            data = urllib.parse.urlencode(fields).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if content_type:
            headers["Content-Type"] = content_type
        if accept:
            headers["Accept"] = accept
        handlers: list[urllib.request.BaseHandler] = []
        if auth == "basic":
            token = base64.b64encode(f"{self.user}:{self.password}".encode()).decode()
            headers["Authorization"] = f"Basic {token}"
        elif auth == "digest":
            manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            manager.add_password(None, self.base, self.user, self.password)
            handlers.append(urllib.request.HTTPDigestAuthHandler(manager))
        opener = urllib.request.build_opener(*handlers)
        request = urllib.request.Request(url, data=data, headers=headers, method=method)
        started = time.perf_counter()
        try:
            with opener.open(request, timeout=timeout) as response:
                answer = Answer(response.status, dict(response.headers), response.read(), 0.0)
        except urllib.error.HTTPError as error:
            answer = Answer(error.code, dict(error.headers), error.read(), 0.0)
        except urllib.error.URLError as error:  # e.g. the server closed while the body was sent
            answer = Answer(0, {}, f"no HTTP answer: {error.reason}".encode(), 0.0)
        answer.seconds = time.perf_counter() - started
        answer.headers = {k.lower(): v for k, v in answer.headers.items()}
        return answer

    def query(self, sparql: str, accept: str = "text/tab-separated-values", **kw: object) -> Answer:
        extra = [(k.replace("_", "-"), str(v)) for k, v in kw.items()]
        return self.send("/sparql", [("query", sparql), *extra], accept=accept)

    def update(self, sparql: str, *, path: str = "/sparql-auth-basic", **kw: str) -> Answer:
        extra = [(k.replace("_", "-"), v) for k, v in kw.items()]
        return self.send(path, [("update", sparql), *extra], auth="basic", accept="text/plain")

    def gsp_put(
        self,
        graph: str,
        ntriples: str,
        *,
        path: str = "/sparql-graph-crud-auth-basic",
        auth: str = "basic",
    ) -> Answer:
        """SPARQL 1.1 Graph Store Protocol: replace ``graph`` by an N-Triples document."""
        query = urllib.parse.urlencode([("graph", graph)])
        return self.send(
            f"{path}?{query}",
            body=ntriples.encode(),
            auth=auth,
            content_type="application/n-triples",
            method="PUT",
        )

    def rows(self, sparql: str, **kw: object) -> list[list[str | None]]:
        # JSON: Virtuoso's TSV writes its header as "g" instead of ?g, which pyoxigraph refuses
        answer = self.query(sparql, accept="application/sparql-results+json", **kw)
        if answer.status != 200:
            raise RuntimeError(f"{answer.status}: {answer.text()}")
        solutions = ox.parse_query_results(answer.body, ox.QueryResultsFormat.JSON)
        if not isinstance(solutions, ox.QuerySolutions):
            raise TypeError(f"not a SELECT: {sparql}")
        names = [v.value for v in solutions.variables]
        return [[_value(row[n]) for n in names] for row in solutions]

    def number(self, sparql: str, **kw: object) -> int:
        term = self.rows(sparql, **kw)[0][0]
        return int(term) if term is not None else -1

    # -- report
    def say(self, text: str = "") -> None:
        self.lines.append(text)
        print(text, flush=True)

    def show(self, command: str, answer: Answer, limit: int = 300) -> None:
        shown = [f"{k}: {v}" for k, v in answer.headers.items() if k in SHOWN_HEADERS]
        shown += [f"{k}: {v}" for k, v in answer.headers.items() if k.startswith(SHOWN_PREFIX)]
        self.say("```")
        self.say(f"$ {command}")
        self.say(f"HTTP {answer.status}  ({answer.seconds:.2f} s)")
        for line in shown:
            self.say(line)
        if answer.body:
            self.say(answer.text(limit))
        self.say("```")


def curl(path: str, fields: dict[str, str], auth: str = "", extra: str = "") -> str:
    """The curl command that sends the same request (long texts shortened)."""
    parts = ["curl -sS -i", auth, extra]
    for name, value in fields.items():
        shown = value if len(value) < 160 else value[:120] + " …"
        parts.append(f"--data-urlencode {name}='{shown}'")
    parts.append(f"$V{path}")
    return " ".join(p for p in parts if p)


BASIC = "-u $LG_SPARQL_USER:$LG_SPARQL_PASSWORD"
DIGEST = "--digest -u $LG_SPARQL_USER:$LG_SPARQL_PASSWORD"


def probe_auth(ep: Endpoint) -> None:
    ep.say("## 1. Authentication and where updates are accepted\n")
    op = f"INSERT DATA {{ GRAPH <{PROBE}auth> {{ <{PROBE}s> <{PROBE}p> 1 }} }}"
    cases = [
        ("/sparql", None, "anonymous /sparql (the public, read-only endpoint)"),
        ("/sparql-auth", None, "/sparql-auth without credentials"),
        ("/sparql-auth", "basic", "/sparql-auth with Basic"),
        ("/sparql-auth", "digest", "/sparql-auth with Digest"),
        ("/sparql-auth-basic", "basic", "/sparql-auth-basic (defined by setup.sh) with Basic"),
        ("/sparql-auth-basic", "digest", "/sparql-auth-basic with Digest"),
    ]
    for path, auth, title in cases:
        ep.say(f"{title}:")
        flag = {"basic": BASIC, "digest": DIGEST}.get(auth or "", "")
        answer = ep.send(path, [("update", op)], auth=auth, accept="text/plain")
        ep.show(curl(path, {"update": op}, flag), answer)
    ep.say(
        "SPARQLWrapper (DIGEST / BASIC, `setHTTPAuth`) against the update endpoints: "
        + sparqlwrapper_auth(ep, op)
        + "\n"
    )


def sparqlwrapper_auth(ep: Endpoint, op: str) -> str:
    from SPARQLWrapper import BASIC as SW_BASIC
    from SPARQLWrapper import DIGEST as SW_DIGEST
    from SPARQLWrapper import POST, POSTDIRECTLY, SPARQLWrapper

    results = []
    for path in ("/sparql-auth", "/sparql-auth-basic"):
        for name, scheme in (("DIGEST", SW_DIGEST), ("BASIC", SW_BASIC)):
            wrapper = SPARQLWrapper(ep.base + "/sparql", updateEndpoint=ep.base + path)
            wrapper.setHTTPAuth(scheme)
            wrapper.setCredentials(ep.user, ep.password)
            wrapper.setMethod(POST)
            wrapper.setRequestMethod(POSTDIRECTLY)
            wrapper.setQuery(op)
            try:
                status = wrapper.query().response.status
                results.append(f"{path} {name}: {status}")
            except Exception as error:  # SPARQLWrapper raises its own error per status
                results.append(f"{path} {name}: {type(error).__name__}")
    return "; ".join(results)


def probe_update_forms(ep: Endpoint) -> None:
    ep.say("## 2. Which request forms carry an update\n")
    for form, how in (("update", "form"), ("query", "form"), ("body", "body"), ("get", "get")):
        graph = f"{PROBE}form-{form}"
        op = f"INSERT DATA {{ GRAPH <{graph}> {{ <{PROBE}s> <{PROBE}p> 1 }} }}"
        if how == "body":
            answer = ep.send(
                "/sparql-auth-basic",
                body=op.encode(),
                content_type="application/sparql-update",
                auth="basic",
                accept="text/plain",
            )
            command = (
                f"curl -sS -i {BASIC} -H 'Content-Type: application/sparql-update' "
                f"--data-binary '{op}' $V/sparql-auth-basic"
            )
        else:
            name = "update" if how == "get" else form
            answer = ep.send(
                "/sparql-auth-basic",
                [(name, op)],
                auth="basic",
                accept="text/plain",
                get=how == "get",
            )
            command = curl("/sparql-auth-basic", {name: op}, BASIC, "-G" if how == "get" else "")
        applied = ep.number(f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        ep.show(command, answer, 200)
        ep.say(f"→ applied: {'yes' if applied else 'no'} ({applied} triple)\n")


def probe_atomicity(ep: Endpoint) -> None:
    ep.say("## 3. Is one request with several operations atomic?\n")
    g = f"{PROBE}atomic"
    old = f'INSERT DATA {{ GRAPH <{g}> {{ <{PROBE}s> <{PROBE}p> "old" }} }}'
    new = (
        f"DROP SILENT GRAPH <{g}> ;\n"
        f'INSERT DATA {{ GRAPH <{g}> {{ <{PROBE}s> <{PROBE}p> "new" }} }}'
    )
    failing = [
        (
            "third operation fails at run time (DROP GRAPH of a graph that does not exist)",
            f"{new} ;\nDROP GRAPH <{PROBE}never-created>",
        ),
        (
            "third operation fails at run time (LOAD refused: no sponge permission)",
            f"{new} ;\nLOAD <http://127.0.0.1:9/nothing.ttl>",
        ),
        (
            "second operation fails at run time, after the DROP",
            f"DROP SILENT GRAPH <{g}> ;\nDROP GRAPH <{PROBE}never-created> ;\n"
            f'INSERT DATA {{ GRAPH <{g}> {{ <{PROBE}s> <{PROBE}p> "new" }} }}',
        ),
        ("third operation is a syntax error", f"{new} ;\nINSERT DATA {{ GRAPH <{g}> {{ oops }} }}"),
        (
            "DELETE/INSERT … WHERE as third operation (works)",
            f"{new} ;\nDELETE {{ GRAPH <{g}> {{ ?s <{PROBE}p> ?o }} }} "
            f'INSERT {{ GRAPH <{g}> {{ ?s <{PROBE}p> "newer" }} }} '
            f"WHERE {{ GRAPH <{g}> {{ ?s <{PROBE}p> ?o }} }}",
        ),
    ]
    for title, request in failing:
        ep.update(f"DROP SILENT GRAPH <{g}>")
        ep.update(old)
        answer = ep.update(request)
        state = [r[0] for r in ep.rows(f"SELECT ?o {{ GRAPH <{g}> {{ ?s ?p ?o }} }}") if r[0]]
        ep.say(f'**{title}** (graph held "old" before):')
        ep.show(
            curl("/sparql-auth-basic", {"update": request.replace("\n", " ")}, BASIC), answer, 260
        )
        ep.say(f"→ graph afterwards: {state or 'empty'}\n")


def probe_concurrent_reader(ep: Endpoint, big: int) -> None:
    ep.say("## 7. What a reader sees while a graph is being replaced\n")
    g = f"{PROBE}big"
    marker = f"{PROBE}marker"
    load = ep.gsp_put(g, bulk_ntriples(big, "v1"))
    ep.say(
        f"{big:,} triples of version v1 loaded by a Graph Store PUT: HTTP {load.status} "
        f"in {load.seconds:.1f} s.\n"
    )
    watch(
        ep,
        g,
        f"a Graph Store PUT of {big:,} triples of version v2",
        lambda: ep.gsp_put(g, bulk_ntriples(big, "v2")),
    )
    small = f"{PROBE}small"
    ep.update(f"INSERT DATA {{ GRAPH <{small}> {{\n{bulk_ntriples(1000, 'v1')}\n}} }}")
    ep.update(f"INSERT DATA {{ GRAPH <{small}> {{\n{bulk_ntriples(1000, 'v1b')}\n}} }}")
    ep.update(f"INSERT DATA {{ GRAPH <{small}> {{\n{bulk_ntriples(1000, 'v1c')}\n}} }}")
    request = " ;\n".join(
        [f"DROP SILENT GRAPH <{small}>"]
        + [
            f"INSERT DATA {{ GRAPH <{small}> {{\n{bulk_ntriples(1000, v)}\n}} }}"
            for v in ("v2", "v2b", "v2c")
        ]
        + [
            f"DELETE WHERE {{ GRAPH <{marker}> {{ <{PROBE}state> <{PROBE}gen> ?m }} }}",
            f'INSERT DATA {{ GRAPH <{marker}> {{ <{PROBE}state> <{PROBE}gen> "2" }} }}',
        ]
    )
    watch(
        ep,
        small,
        "one SPARQL Update request: DROP + 3 INSERT DATA of 1,000 triples + "
        "the commit marker (3,000 triples v1/v1b/v1c replaced by v2/v2b/v2c)",
        lambda: ep.update(request),
        marker,
    )


def watch(ep: Endpoint, graph: str, what: str, change: object, marker: str | None = None) -> None:
    """Run ``change`` in a thread and poll the graph's version counts until it returns."""
    seen: Counter[str] = Counter()
    done = threading.Event()
    result: list[Answer] = []

    def write() -> None:
        result.append(change())  # type: ignore[operator]
        done.set()

    reader_q = (
        f"SELECT ?v (COUNT(*) AS ?n) {{ GRAPH <{graph}> {{ ?s <{PROBE}version> ?v }} }} GROUP BY ?v"
    )
    writer = threading.Thread(target=write)
    writer.start()
    samples = 0
    while not done.is_set():
        counts = {r[0]: int(r[1]) for r in ep.rows(reader_q) if r[0] and r[1]}
        label = ", ".join(f"{v}={n:,}" for v, n in sorted(counts.items())) or "empty"
        if marker is not None:
            gen = ep.rows(f"SELECT ?m {{ GRAPH <{marker}> {{ ?s ?p ?m }} }}")
            label += f"; marker={'2' if gen else 'none'}"
        seen[label] += 1
        samples += 1
    writer.join()
    ep.say(
        f"While {what} ran (HTTP {result[0].status}, {result[0].seconds:.1f} s), a reader "
        f"polling meanwhile ({samples} reads) saw:\n"
    )
    ep.say("| state seen by the reader | times |\n|---|---:|")
    for state, times in seen.most_common():
        ep.say(f"| {state} | {times} |")
    ep.say("")


def probe_sizes(ep: Endpoint, ladder: list[int]) -> None:
    ep.say("## 10. Large INSERT DATA requests, and the Graph Store Protocol\n")
    ep.say("| request | triples | request bytes | HTTP | seconds | stored | message |")
    ep.say("|---|---:|---:|---:|---:|---:|---|")
    g = f"{PROBE}size"

    def row(kind: str, n: int, text: str, answer: Answer) -> None:
        stored = ep.number(f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{g}> {{ ?s ?p ?o }} }}")
        message = (
            answer.text(150).replace("\n", " ").replace("|", "/")
            if answer.status >= 300 or answer.status == 0
            else ""
        )
        ep.say(
            f"| {kind} | {n:,} | {len(text):,} | {answer.status} | {answer.seconds:.2f} "
            f"| {stored:,} | {message} |"
        )
        ep.update(f"DROP SILENT GRAPH <{g}>")

    for n in ladder:
        text = f"INSERT DATA {{ GRAPH <{g}> {{\n{bulk_ntriples(n, 's')}\n}} }}"
        row("one INSERT DATA", n, text, ep.update(text))
    for ops, per in ((2, 1000), (3, 1000)):
        text = " ;\n".join(
            f"INSERT DATA {{ GRAPH <{g}> {{\n{bulk_ntriples(per, f's{j}')}\n}} }}"
            for j in range(ops)
        )
        row(f"{ops} INSERT DATA operations in one request", ops * per, text, ep.update(text))
    for n in (1000, 4000, 6000):
        text = (
            f"define sql:big-data-const 1 INSERT DATA {{ GRAPH <{g}> {{\n"
            f"{bulk_ntriples(n, 's')}\n}} }}"
        )
        row("`define sql:big-data-const 1` + INSERT DATA", n, text, ep.update(text))
    for n in (1000, 10_000, 200_000):
        body = bulk_ntriples(n, "s") + "\n"
        for path, auth in (
            ("/sparql-graph-crud-auth-basic", "basic"),
            ("/sparql-graph-crud-auth", "digest"),
        ):
            answer = ep.gsp_put(g, body, path=path, auth=auth)
            row(f"Graph Store PUT ({auth}, {path})", n, body, answer)
    ep.say("")


def probe_default_graph(ep: Endpoint) -> None:
    ep.say("## 4. Default-graph semantics\n")
    ep.say(f"A = <{DG_A}>, B = <{DG_B}>, M = <{DG_M}> (M stands for the service's merge).\n")
    s, p = f"<{PROBE}s>", f"<{PROBE}p>"
    ep.update(
        f'INSERT DATA {{ GRAPH <{DG_A}> {{ {s} {p} "in A" , "in both" }} '
        f'GRAPH <{DG_B}> {{ {s} {p} "in B" , "in both" }} }}'
    )
    ep.update(f'INSERT DATA {{ {s} {p} "in M" }}', default_graph_uri=DG_M)
    cases: list[tuple[str, str, dict[str, str]]] = [
        ("no FROM, no parameters", f"SELECT ?o {{ {s} {p} ?o }}", {}),
        ("FROM <urn:nothing>", f"SELECT ?o FROM <urn:nothing> {{ {s} {p} ?o }}", {}),
        ("default-graph-uri=M", f"SELECT ?o {{ {s} {p} ?o }}", {"default-graph-uri": DG_M}),
        (
            "default-graph-uri=M, GRAPH ?g",
            f"SELECT ?g ?o {{ GRAPH ?g {{ {s} {p} ?o }} }}",
            {"default-graph-uri": DG_M},
        ),
        (
            "default-graph-uri=M and the query's FROM <A>",
            f"SELECT ?o FROM <{DG_A}> {{ {s} {p} ?o }}",
            {"default-graph-uri": DG_M},
        ),
        (
            "FROM <A> only, GRAPH ?g",
            f"SELECT ?g ?o FROM <{DG_A}> {{ GRAPH ?g {{ {s} {p} ?o }} }}",
            {},
        ),
        (
            "FROM NAMED <B> only, default graph",
            f"SELECT ?o FROM NAMED <{DG_B}> {{ {s} {p} ?o }}",
            {},
        ),
        (
            "default-graph-uri=M, named-graph-uri=A, GRAPH ?g",
            f"SELECT ?g ?o {{ GRAPH ?g {{ {s} {p} ?o }} }}",
            {"default-graph-uri": DG_M, "named-graph-uri": DG_A},
        ),
        (
            'FROM <A> FROM <B>: COUNT(*) of the merge ("in both" is one triple)',
            f"SELECT (COUNT(*) AS ?n) FROM <{DG_A}> FROM <{DG_B}> {{ {s} {p} ?o }}",
            {},
        ),
        (
            "no dataset: the graphs a GRAPH ?g query lists",
            "SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }",
            {},
        ),
        ("no dataset: COUNT(*) over everything", "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", {}),
    ]
    for title, sparql, params in cases:
        answer = ep.send("/sparql", [("query", sparql), *params.items()], accept="text/csv")
        ep.say(f"**{title}**")
        ep.show(
            curl("/sparql", {"query": sparql, **params}, extra="-H 'Accept: text/csv'"), answer, 600
        )
    op = f'INSERT DATA {{ {s} {p} "no graph" }}'
    ep.say("**INSERT DATA without GRAPH, no parameters / with default-graph-uri=M:**")
    ep.show(curl("/sparql-auth-basic", {"update": op}, BASIC), ep.update(op), 260)
    ep.show(
        curl("/sparql-auth-basic", {"update": op, "default-graph-uri": DG_M}, BASIC),
        ep.update(op, default_graph_uri=DG_M),
        260,
    )
    retire = (
        f"DELETE {{ ?s ?p ?o }} WHERE {{ GRAPH <{DG_A}> {{ ?s ?p ?o }} FILTER NOT EXISTS "
        f"{{ GRAPH ?other {{ ?s ?p ?o }} FILTER (?other != <{DG_A}>) }} }}"
    )
    ep.update(f'INSERT DATA {{ {s} {p} "in A" , "in both" , "in B" }}', default_graph_uri=DG_M)
    before = ep.number(f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{DG_M}> {{ ?s ?p ?o }} }}")
    answer = ep.update(retire, default_graph_uri=DG_M)
    after = ep.number(f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{DG_M}> {{ ?s ?p ?o }} }}")
    ep.say(
        '**The merge\'s "retire" step** (remove from M what only A states) with '
        "default-graph-uri=M:"
    )
    ep.show(
        curl("/sparql-auth-basic", {"update": retire, "default-graph-uri": DG_M}, BASIC),
        answer,
        200,
    )
    ep.say(
        f"→ M held {before} triples before and {after} after; a SPARQL 1.1 engine removes "
        '"in A" (only A states it), but here GRAPH ?other also ranges over M itself.\n'
    )


def probe_time_limit(ep: Endpoint, skip_slow: bool) -> None:
    ep.say("## 9. Query time limits\n")
    g = f"{PROBE}big"
    slow = (
        f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{g}> {{ ?a <{PROBE}version> ?v . "
        f"?b <{PROBE}version> ?v }} }}"
    )
    heavy_rows = (
        f"SELECT ?a ?b {{ GRAPH <{g}> {{ ?a <{PROBE}version> ?v . ?b <{PROBE}version> ?v }} }}"
    )
    cases = [
        ("timeout=2000 (ms), an aggregate", slow, {"timeout": "2000"}),
        ("timeout=2000 (ms), rows", heavy_rows, {"timeout": "2000"}),
    ]
    if not skip_slow:
        cases.append(("no timeout parameter: the ini's MaxQueryExecutionTime", slow, {}))
    for title, sparql, params in cases:
        answer = ep.send(
            "/sparql",
            [("query", sparql), *params.items()],
            accept="application/sparql-results+json",
        )
        ep.say(f"**{title}**")
        ep.show(curl("/sparql", {"query": sparql, **params}), answer, 300)


def probe_max_rows(ep: Endpoint, big: int) -> None:
    ep.say("## 8. ResultSetMaxRows\n")
    sparql = f"SELECT ?s {{ GRAPH <{PROBE}big> {{ ?s <{PROBE}version> ?v }} }}"
    for accept in ("text/tab-separated-values", "application/sparql-results+json"):
        answer = ep.query(sparql, accept=accept)
        lines = (
            answer.body.count(b"\n") - 1
            if accept.startswith("text")
            else answer.body.count(b'"s":')
        )
        ep.say(
            f"`{sparql}` with Accept {accept}: HTTP {answer.status}, {lines:,} rows of "
            f"{big:,}; headers: "
            + ", ".join(
                f"{k}: {v}"
                for k, v in answer.headers.items()
                if k.startswith(("x-", "content-type"))
            )
        )
    ep.say("")


def probe_formats(ep: Endpoint) -> None:
    ep.say("## 5. Result formats, and what pyoxigraph reads back\n")
    plain = "\n".join(t for t in feature_ntriples().splitlines() if "_:" not in t)
    blank = "\n".join(t for t in feature_ntriples().splitlines() if "_:" in t)
    data = f"INSERT DATA {{ GRAPH <{GRAPH_A}> {{\n{blank}\n}} }}"
    ep.say("INSERT DATA with a blank node:")
    ep.show(curl("/sparql-auth-basic", {"update": data.replace("\n", " ")}, BASIC), ep.update(data))
    template = f"INSERT {{ GRAPH <{GRAPH_A}> {{\n{blank}\n}} }} WHERE {{}}"
    ep.say("The same triples as an INSERT … WHERE {} template:")
    ep.show(
        curl("/sparql-auth-basic", {"update": template.replace("\n", " ")}, BASIC),
        ep.update(template),
        120,
    )
    for text in (
        f"INSERT DATA {{ GRAPH <{GRAPH_A}> {{\n{plain}\n}} }}",
        f"INSERT DATA {{ GRAPH <{GRAPH_B}> {{\n{graph_b_ntriples()}\n}} }}",
    ):
        answer = ep.update(text)
        if answer.status != 200:
            raise RuntimeError(f"loading the probe data failed: {answer.text()}")
    reference = reference_store()
    sparql = f"SELECT ?p ?o {{ GRAPH <{GRAPH_A}> {{ <{PROBE}e1> ?p ?o FILTER (!isBlank(?o)) }} }}"
    expected = {(str(r["p"]), _norm(r["o"])) for r in _select(reference.query(sparql))}
    formats = [
        ("application/sparql-results+json", ox.QueryResultsFormat.JSON),
        ("application/sparql-results+xml", ox.QueryResultsFormat.XML),
        ("text/tab-separated-values", ox.QueryResultsFormat.TSV),
        ("text/csv", ox.QueryResultsFormat.CSV),
    ]
    for accept, fmt in formats:
        answer = ep.query(sparql, accept=accept)
        ep.say(
            f"**SELECT, Accept: {accept}** → HTTP {answer.status}, "
            f"Content-Type {answer.headers.get('content-type')}"
        )
        try:
            parsed_rows = _select(ox.parse_query_results(answer.body, fmt))
            got = {(str(r["p"]), _norm(r["o"])) for r in parsed_rows}
        except (SyntaxError, ValueError) as error:
            ep.say(f"- pyoxigraph cannot parse it: {error}\n")
            continue
        for item in sorted(expected - got):
            ep.say(f"- inserted `{item[1]}` ({item[0]}) not read back as such")
        for item in sorted(got - expected):
            ep.say(f"- read back `{item[1]}` ({item[0]})")
        ep.say("- all terms read back as inserted\n" if got == expected else "")
    with_blank = f"SELECT ?o {{ GRAPH <{GRAPH_A}> {{ <{PROBE}e1> <{PROBE}blank> ?o }} }}"
    for accept, fmt in formats[:2]:
        answer = ep.query(with_blank, accept=accept)
        try:
            parsed = _render(ox.parse_query_results(answer.body, fmt))
        except (SyntaxError, ValueError) as error:
            parsed = f"pyoxigraph cannot parse it: {error}"
        ep.say(f"**A blank node, Accept: {accept}**: `{answer.text(400)}` → {parsed}\n")
    ep.say("Raw JSON of a few bindings:")
    answer = ep.query(sparql, accept="application/sparql-results+json")
    ep.say("```\n" + answer.text(1800) + "\n```")
    construct = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{GRAPH_A}> {{ ?s ?p ?o }} }}"
    built = reference.query(construct)
    if not isinstance(built, ox.QueryTriples):
        raise TypeError("CONSTRUCT gave no triples")
    truth = {(_norm(t.subject), str(t.predicate), _norm(t.object)) for t in built}
    for accept, rdf_format in (
        ("application/n-triples", ox.RdfFormat.N_TRIPLES),
        ("text/turtle", ox.RdfFormat.TURTLE),
        ("application/rdf+xml", ox.RdfFormat.RDF_XML),
        ("application/n-quads", ox.RdfFormat.N_QUADS),
    ):
        answer = ep.query(construct, accept=accept)
        line = (
            f"**CONSTRUCT, Accept: {accept}** → HTTP {answer.status}, "
            f"Content-Type {answer.headers.get('content-type')}"
        )
        try:
            triples = {
                (_norm(t.subject), str(t.predicate), _norm(t.object))
                for t in ox.parse(answer.body, rdf_format)
            }
            line += (
                ": same triples as inserted"
                if triples == truth
                else f": differs: missing {sorted(truth - triples)}, "
                f"extra {sorted(triples - truth)}"
            )
        except (SyntaxError, ValueError) as error:
            line += f": pyoxigraph cannot parse it: {str(error)[:200]}"
        ep.say(line + "\n")
    for accept in ("application/sparql-results+json", "text/csv"):
        answer = ep.query(f"ASK {{ GRAPH <{GRAPH_A}> {{ ?s ?p ?o }} }}", accept=accept)
        ep.say(f"ASK, Accept {accept}: HTTP {answer.status} `{answer.text(120)}`")
    ep.say("")


def _value(term: Term | None) -> str | None:
    """The lexical value of a term (IRI, label or literal text)."""
    if term is None or isinstance(term, ox.Triple):
        return None if term is None else str(term)
    return term.value


def _select(result: object) -> ox.QuerySolutions:
    if not isinstance(result, ox.QuerySolutions):
        raise TypeError(f"expected solutions, got {result!r}")
    return result


def _norm(term: object) -> str:
    return "_:b" if isinstance(term, ox.BlankNode) else str(term)


def probe_features(ep: Endpoint) -> None:
    ep.say("## 6. Query features against a SPARQL 1.1 reference (pyoxigraph, same data)\n")
    ep.say(
        "Both engines get the same dataset: named graphs A and B given as `FROM NAMED`, or "
        "the query's own `FROM`.\n"
    )
    ep.say("| query | Virtuoso | pyoxigraph | same |\n|---|---|---|---|")
    reference = reference_store()
    for title, sparql in feature_queries():
        ours = _solutions(reference, sparql)
        answer = ep.query(sparql, accept="application/sparql-results+xml")
        if answer.status != 200:
            theirs = f"HTTP {answer.status}: " + answer.text(150).split("\n")[0]
        else:
            parsed = ox.parse_query_results(answer.body, ox.QueryResultsFormat.XML)
            theirs = _render(parsed)
        same = "yes" if theirs == ours else "**no**"
        ep.say(f"| {title} | {_cell(theirs)} | {_cell(ours)} | {same} |")
    ep.say("")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _solutions(store: ox.Store, sparql: str) -> str:
    try:
        return _render(store.query(sparql))
    except SyntaxError as error:
        return f"error: {error}"


def _render(result: object) -> str:
    if isinstance(result, ox.QueryBoolean):
        return str(bool(result)).lower()
    if not isinstance(result, ox.QuerySolutions):
        return f"(a graph: {result!r})"
    names = [v.value for v in result.variables]
    rows = sorted(
        " ".join(_norm(row[n]) if row[n] is not None else "-" for n in names) for row in result
    )
    return "; ".join(rows) if rows else "(none)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", nargs="?", default="var/virtuoso", type=Path)
    parser.add_argument("--big", type=int, default=200_000, help="triples in the large graph")
    parser.add_argument("--ladder", default="200,500,1000,1500,2000,5000,10000")
    parser.add_argument("--skip-slow", action="store_true", help="skip the 30 s ini timeout test")
    args = parser.parse_args(argv)
    env = _read_env(args.dir / "instance.env") | _read_env(args.dir / "credentials.env")
    base = f"http://{env['HOST']}:{env['HTTP_PORT']}"
    ep = Endpoint(base, env["LG_SPARQL_USER"], env["LG_SPARQL_PASSWORD"])
    ep.say(f"# Virtuoso probe ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())})\n")
    version = ep.send("/sparql", [("query", "ASK {}")])
    ep.say(
        f"Server: {version.headers.get('server', '?').strip()}; `$V` = {base}; "
        f"ini: ResultSetMaxRows={env.get('MAX_ROWS')}, "
        f"MaxQueryExecutionTime={env.get('QUERY_TIMEOUT_S')} s.\n"
    )
    drop_probe_graphs(ep)
    try:
        probe_auth(ep)
        probe_update_forms(ep)
        probe_atomicity(ep)
        probe_default_graph(ep)
        probe_formats(ep)
        probe_features(ep)
        probe_concurrent_reader(ep, args.big)
        probe_max_rows(ep, args.big)
        probe_time_limit(ep, args.skip_slow)
        probe_sizes(ep, [int(n) for n in args.ladder.split(",")])
    finally:
        drop_probe_graphs(ep)
    return 0


def drop_probe_graphs(ep: Endpoint) -> None:
    """DROP every graph the probe wrote (all under ``urn:x-lg-probe:``)."""
    rows = ep.rows(
        f'SELECT DISTINCT ?g {{ GRAPH ?g {{ ?s ?p ?o }} FILTER STRSTARTS(STR(?g), "{PROBE}") }}'
    )
    for row in rows:
        if row[0] is not None:
            ep.update(f"DROP SILENT GRAPH <{row[0]}>")


def _read_env(path: Path) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)
    return {k.strip(): v.strip() for k, v in pairs}


if __name__ == "__main__":
    sys.exit(main())
