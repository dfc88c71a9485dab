"""``littlegiant serve`` as deployed: several web processes, slow and greedy clients, shutdown.

Each test runs the installed console script on a free loopback port over a store built from the
shipped data, the way an operator starts it (``-m slow``).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.server.support import ROOT, free_port

pytestmark = pytest.mark.slow
SCRIPT = Path(sys.executable).with_name("littlegiant")
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
# 25 million solutions whatever the default data holds: seconds, not minutes (the bare cross
# product of the 1,324-firm build is a billion and ran past the 120 s limit)
SLOW = (
    "SELECT (COUNT(*) AS ?n) WHERE { { SELECT ?a WHERE { ?a ?b ?c } LIMIT 5000 }"
    " { SELECT ?d WHERE { ?d ?e ?f } LIMIT 5000 } }"
)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("serve")
    shutil.copytree(ROOT / "data" / "registry", home / "registry")
    env = {**os.environ, "LG_STORE": str(home / "store"), "LG_REGISTRY": str(home / "registry")}
    subprocess.run([SCRIPT, "build"], env=env, check=True, capture_output=True, timeout=300)
    return home


@contextmanager
def serving(home: Path, *args: str, **env: str) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    port = free_port()
    settings = {"LG_STORE": str(home / "store"), "LG_REGISTRY": str(home / "registry"), **env}
    proc = subprocess.Popen(
        [SCRIPT, "serve", "--port", str(port), *args],
        env={**os.environ, **settings},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                if httpx.get(url + "/ready", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        else:
            pytest.fail("the server never became ready")
        yield url, proc
    finally:
        proc.terminate()
        proc.wait(60)


def counter(url: str, name: str, **labels: str) -> float:
    text = httpx.get(url + "/metrics", timeout=10).text
    total = 0.0
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()):
                total += s.value
    return total


def fresh_minute(needed_s: float) -> None:
    """Wait for the next calendar minute if less than ``needed_s`` of this one is left: a
    budget resets when the minute turns, and a test of it must not straddle that moment."""
    left = 60 - time.time() % 60
    if left < needed_s:
        time.sleep(left + 0.2)


def test_workers_share_metrics_and_the_fair_use_budget(built: Path) -> None:
    with serving(built, "--workers", "2", LG_QUERY_BUDGET_S="0.000001") as (url, _):
        for _ in range(10):  # new connections: the kernel spreads them over both processes
            assert httpx.get(url + "/health", timeout=10).status_code == 200
        assert counter(url, "lg_http_requests_total", route="/health", status="200") >= 10
        fresh_minute(40)  # seven queries, each a new connection (under a second when quiet)
        statuses = [
            httpx.get(url + "/sparql", params={"query": COUNT}, timeout=30).status_code
            for _ in range(6)
        ]
        assert statuses[0] == 200
        assert statuses[1:] == [429] * 5, statuses
        assert counter(url, "lg_sparql_queries_total", outcome="limited") == 5
        forged = {"X-Forwarded-For": "203.0.113.9"}  # no LG_TRUSTED_PROXIES: not believed
        r = httpx.get(url + "/sparql", params={"query": COUNT}, headers=forged, timeout=30)
        assert r.status_code == 429


def test_a_slow_head_is_cut_off_and_a_huge_one_refused(built: Path) -> None:
    with serving(built, "--workers", "1", LG_HEADER_TIMEOUT_S="1", LG_MAX_HEADER_BYTES="4096") as (
        url,
        _,
    ):
        port = int(url.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
            s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")
            closed = False
            for _ in range(60):  # a header line every half second, never the blank line
                try:
                    s.sendall(b"X-Slow: 1\r\n")
                    time.sleep(0.5)
                    if s.recv(1, socket.MSG_DONTWAIT) == b"":
                        closed = True
                        break
                except BlockingIOError:
                    continue
                except OSError:
                    closed = True
                    break
            assert closed, "the server kept a slowloris connection open"
        r = httpx.get(url + "/health", headers={"X-Big": "x" * 8000}, timeout=10)
        assert r.status_code == 431
        assert "x" * 100 not in r.text
        assert httpx.get(url + "/health", timeout=10).status_code == 200


def test_shutdown_lets_the_query_in_flight_finish(built: Path) -> None:
    # the grace covers the query however busy the machine is (past it uvicorn cancels it: 500)
    grace = {"LG_QUERY_TIMEOUT_S": "120", "LG_SHUTDOWN_GRACE_S": "150"}
    with serving(built, "--workers", "1", **grace) as (url, proc):
        answers: list[httpx.Response] = []
        asker = threading.Thread(
            target=lambda: answers.append(
                httpx.get(url + "/sparql", params={"query": SLOW}, timeout=240)
            )
        )
        asker.start()
        workers = evaluating(proc.pid, answers)
        proc.send_signal(signal.SIGTERM)
        asker.join(240)
        # uvicorn re-raises the signal once it has shut down gracefully
        assert proc.wait(180) in (0, -signal.SIGTERM)
        assert not any(Path(f"/proc/{pid}").exists() for pid in workers)
    (r,) = answers
    assert r.status_code == 200, r.text
    assert int(r.json()["results"]["bindings"][0]["n"]["value"]) > 0


def evaluating(parent: int, answers: list[httpx.Response], limit_s: float = 120.0) -> set[int]:
    """Wait until a query worker of ``parent`` spends CPU time, the query being evaluated (the
    workers are loaded once the server is ready), and return the workers: the moment the test
    signals at is seen, never guessed with a sleep."""
    deadline = time.monotonic() + limit_s
    before: dict[int, int] = {}
    while time.monotonic() < deadline:
        assert not answers, "the query was answered before the test could signal"
        now = {pid: cpu_ticks(pid) for pid in query_workers(parent)}
        if any(ticks > before.get(pid, ticks) for pid, ticks in now.items()):
            return set(now)
        before = now
        time.sleep(0.2)
    pytest.fail("no query worker began evaluating the query")


def cpu_ticks(pid: int) -> int:
    """User and system CPU time of a process, in clock ticks (0 once it is gone)."""
    fields = stat_fields(Path(f"/proc/{pid}"))
    return int(fields[11]) + int(fields[12]) if fields else 0


def query_workers(parent: int) -> set[int]:
    """The pids of the query worker processes ``parent`` started."""
    found = set()
    for entry in Path("/proc").iterdir():
        try:
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        fields = stat_fields(entry)
        if b"server.sparql.worker" in cmdline and fields and int(fields[1]) == parent:
            found.add(int(entry.name))
    return found


def stat_fields(proc: Path) -> list[str]:
    """The fields of ``/proc/PID/stat`` after the command name (state, ppid, …; [] if gone)."""
    try:
        return (proc / "stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return []
