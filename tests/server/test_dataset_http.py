"""End to end over a real uvicorn: an on-disk store, its dump, negotiation and lookups over HTTP."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from ontology.store import EmbeddedStore
from ontology.store.dumps import write_dumps

BASE = "https://w3id.org/littlegiant"
ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).parent / "data" / "sample.trig"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, EmbeddedStore]]:
    root = tmp_path_factory.mktemp("ld-e2e")
    store = EmbeddedStore(root / "store")
    with store.writer() as w:
        w.load(path=str(DATA), format=ox.RdfFormat.TRIG)
    write_dumps(store, root / "store" / "dumps")  # what `littlegiant build` does after a commit
    port = free_port()
    env = {**os.environ, "LG_STORE": str(root / "store"), "LG_BASE_URI": BASE}
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "server.app:from_env", "--factory",
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        cwd=ROOT,
        env=env,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(url + "/health", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            pytest.fail("uvicorn did not start")
        yield url, store
    finally:
        proc.terminate()
        proc.wait(10)


def test_dump_over_http_matches_its_checksum_and_the_store(
    server: tuple[str, EmbeddedStore],
) -> None:
    url, store = server
    manifest = httpx.get(url + "/dumps").json()["dumps"][0]
    body = httpx.get(url + manifest["href"]).content
    assert hashlib.sha256(body).hexdigest() == manifest["sha256"]
    assert manifest["generation"] == store.generation()
    reloaded = ox.Store()
    reloaded.load(gzip.decompress(body), format=ox.RdfFormat.N_QUADS)
    assert set(reloaded) == set(store.quads())
    part = httpx.get(url + manifest["href"], headers={"Range": "bytes=0-99"})
    assert part.status_code == 206
    assert part.content == body[:100]


def test_negotiation_and_304_over_http(server: tuple[str, EmbeddedStore]) -> None:
    url, _ = server
    r = httpx.get(url + "/id/enterprise/E900001", headers={"Accept": "application/ld+json"})
    assert r.status_code == 200, r.text
    assert r.headers["content-location"] == "/id/enterprise/E900001.jsonld"
    again = httpx.get(
        url + "/id/enterprise/E900001",
        headers={"Accept": "application/ld+json", "If-None-Match": r.headers["etag"]},
    )
    assert again.status_code == 304
    head = httpx.head(url + "/id/enterprise/E900001.ttl")
    assert head.status_code == 200
    assert head.content == b""


def test_lookup_and_reconcile_over_http(server: tuple[str, EmbeddedStore]) -> None:
    url, _ = server
    r = httpx.get(url + "/id/uscc/91110108MA01AAAA0M")
    assert r.status_code == 303
    assert r.headers["location"] == "/id/enterprise/E900001"
    queries = {"q0": {"query": "北京示例精密机械有限公司"}}
    answer = httpx.post(url + "/reconcile", data={"queries": json.dumps(queries)}).json()
    assert answer["q0"]["result"][0]["id"] == "E900001"
