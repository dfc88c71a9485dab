"""Safety of the public endpoint: SERVICE allow-list, nesting, contained crashes, read-only."""

from __future__ import annotations

import os
import signal
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from ontology.store import EmbeddedStore
from server.prefixes import PREFIXES
from server.sparql.analyse import QueryRejectedError, analyse
from tests.server.support import app_client, worker_pids


@pytest.fixture(scope="module")
def client(curated_dir: Path) -> Iterator[TestClient]:
    """One endpoint (and one pool of workers) for the tests that do not kill a worker."""
    with app_client(EmbeddedStore(curated_dir)) as c:
        yield c


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    srv.settimeout(0.5)
    yield srv
    srv.close()


def connections(srv: socket.socket) -> int:
    count = 0
    while True:
        try:
            conn, _ = srv.accept()
        except TimeoutError:
            return count
        conn.close()
        count += 1


def service_queries(url: str) -> list[str]:
    return [
        f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"select * where {{ sErViCe SiLeNt <{url}> {{ ?s ?p ?o }} }}",
        f"PREFIX ep: <{url}>\nSELECT * WHERE {{ SERVICE ep: {{ ?s ?p ?o }} }}",
        f"BASE <{url}>\nSELECT * WHERE {{ SERVICE <> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ # SERVICE in a comment\nSERVICE\n<{url}>\n{{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ BIND(<{url}> AS ?x) SERVICE ?x {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ VALUES ?x {{ <{url}> }} SERVICE SILENT ?x {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?a ?b ?c OPTIONAL {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
    ]


def test_service_makes_no_connection(client: TestClient, listener: socket.socket) -> None:
    """The SSRF hole: pyoxigraph itself would POST to any SERVICE endpoint."""
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/"
    for query in service_queries(url):
        r = client.post("/sparql", data={"query": query})
        assert 400 <= r.status_code < 500, (query, r.text)
        assert "SERVICE" in r.text
    assert connections(listener) == 0


def test_an_allow_listed_service_is_called(curated_dir: Path, listener: socket.socket) -> None:
    """The positive control: the listener does see the engine's call when it is allowed.

    A thread accepts and hangs up at once, so the engine's call fails fast and the
    query's time limit can be generous: a loaded machine must not turn this into a race.
    """
    seen = threading.Event()

    def answer_and_hang_up() -> None:
        listener.settimeout(60)
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        seen.set()
        conn.close()

    thread = threading.Thread(target=answer_and_hang_up, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/"
    allowed = {"service_allowlist": (url,), "query_timeout_s": 60}
    with app_client(EmbeddedStore(curated_dir), **allowed) as c:
        c.post("/sparql", data={"query": f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}"})
    thread.join(timeout=60)
    assert seen.is_set()


@pytest.mark.parametrize(
    "query",
    [
        'SELECT * WHERE { ?s ?p "SERVICE <http://127.0.0.1:1/> { }" }',
        "SELECT * WHERE { ?s <http://x.test/p#SERVICE> ?o }",
        "PREFIX service: <http://x.test/>\nSELECT * WHERE { ?s service:x ?service }",
        "SELECT * WHERE { ?s ?p ?o } # SERVICE <http://127.0.0.1:1/> {}",
        "SELECT * WHERE { ?s ?p '''SERVICE\n<http://127.0.0.1:1/>''' }",
    ],
)
def test_service_lookalikes_are_not_refused(query: str) -> None:
    result = analyse(query, default_prefixes=PREFIXES, allowlist=(), max_depth=64)
    assert result.form == "SELECT"
    assert result.services == ()


def test_load_of_a_local_file_is_refused(client: TestClient) -> None:
    for r in (
        client.post("/sparql", data={"query": "LOAD <file:///etc/passwd>"}),
        client.post("/sparql", data={"update": "LOAD <file:///etc/passwd>"}),
        client.post(
            "/sparql",
            content=b"LOAD <file:///etc/passwd>",
            headers={"Content-Type": "application/sparql-update"},
        ),
    ):
        assert 400 <= r.status_code < 500, r.text
    leaked = client.get(
        "/sparql", params={"query": 'ASK { ?s ?p ?o FILTER(CONTAINS(STR(?o), "root:")) }'}
    )
    assert leaked.json()["boolean"] is False


@pytest.mark.parametrize("opener", ["(", "{", "["])
def test_deep_nesting_is_refused_before_parsing(client: TestClient, opener: str) -> None:
    closer = {"(": ")", "{": "}", "[": "]"}[opener]
    query = "SELECT * WHERE { " + opener * 20_000 + closer * 20_000 + " }"
    r = client.post("/sparql", data={"query": query})
    assert r.status_code == 400, r.text
    assert "nested" in r.text
    assert client.get("/sparql", params={"query": "ASK {}"}).status_code == 200


def test_nesting_inside_strings_iris_and_comments_is_not_counted() -> None:
    deep = "(" * 500
    query = f'SELECT * WHERE {{ ?s ?p "{deep}" }} # {deep}\n'
    assert analyse(query, default_prefixes=PREFIXES, allowlist=(), max_depth=64).depth == 1
    with pytest.raises(QueryRejectedError):
        analyse(
            "SELECT * WHERE " + "{" * 65 + "}" * 65,
            default_prefixes=PREFIXES,
            allowlist=(),
            max_depth=64,
        )


@pytest.mark.slow  # kills a query worker (kill -9): CI runs it
def test_a_worker_crash_is_contained(curated_dir: Path) -> None:
    """With the nesting guard lifted, pyoxigraph's parser overflows its stack and the process
    dies: only the worker goes, the request gets 400 (the query's fault: it is not retried into
    the next worker), a fresh worker takes its place."""
    query = "SELECT * WHERE " + "{" * 30_000 + "}" * 30_000
    lifted = {"max_query_nesting": 1_000_000, "max_query_chain": 1_000_000, "query_workers": 1}
    before_app = worker_pids()
    with app_client(EmbeddedStore(curated_dir), **lifted) as c:
        assert c.get("/sparql", params={"query": "ASK {}"}).status_code == 200
        before = worker_pids() - before_app
        assert len(before) == 1
        r = c.post("/sparql", data={"query": query})
        assert r.status_code == 400, r.text
        assert "not retried" in r.text
        after = c.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})
        assert after.status_code == 200, after.text
        assert after.json()["boolean"] is True
        replaced = worker_pids() - before_app
        assert len(replaced) == 1
        assert replaced != before


def _busy_worker(c: TestClient, others: set[int]) -> int:
    """The pid of the one worker of ``c``'s app once it has loaded its snapshot."""
    assert c.get("/sparql", params={"query": "ASK {}"}).status_code == 200
    (pid,) = worker_pids() - others
    return pid


@pytest.mark.slow  # kills a query worker (kill -9): CI runs it
def test_a_worker_killed_while_idle_costs_no_request(curated_dir: Path) -> None:
    """Issue 15.4: the next query was handed to the dead idle worker (BrokenPipeError) and got
    500; a worker found dead at hand-over never saw the query, which goes to a fresh one."""
    others = worker_pids()
    with app_client(EmbeddedStore(curated_dir), query_workers=1) as c:
        os.kill(_busy_worker(c, others), signal.SIGKILL)
        for _ in range(3):
            r = c.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})
            assert r.status_code == 200, r.text


@pytest.mark.slow  # kills a query worker (kill -9): CI runs it
def test_a_worker_killed_in_flight_gets_503_with_retry_after(curated_dir: Path) -> None:
    """A query whose worker is killed from outside while it runs is worth retrying: 503 with
    Retry-After, never 500; the next query is answered."""
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    others = worker_pids()
    with app_client(EmbeddedStore(curated_dir), query_workers=1, query_timeout_s=300) as c:
        pid = _busy_worker(c, others)
        answers: list[httpx.Response] = []
        asker = threading.Thread(
            target=lambda: answers.append(c.get("/sparql", params={"query": slow}))
        )
        asker.start()
        _wait_busy(pid)
        os.kill(pid, signal.SIGKILL)
        asker.join(60)
        (r,) = answers
        assert r.status_code == 503, r.text
        assert int(r.headers["retry-after"]) >= 1
        assert c.get("/sparql", params={"query": "ASK {}"}).status_code == 200


def _wait_busy(pid: int) -> None:
    """Until the worker has used a second of CPU (it is evaluating, not waiting)."""
    ticks = os.sysconf("SC_CLK_TCK")
    start = _cpu(pid)
    for _ in range(600):
        if _cpu(pid) - start >= ticks:
            return
        time.sleep(0.05)
    pytest.fail("the worker never started evaluating")


def _cpu(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])
