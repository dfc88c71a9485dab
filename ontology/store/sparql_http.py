"""The SPARQL 1.1 Protocol as a client speaks it: queries and updates over HTTP, answers parsed
by pyoxigraph (https://www.w3.org/TR/sparql11-protocol/).

One ``httpx.Client`` per store keeps connections alive (a lookup costs one round trip, not a TCP
handshake) and sends Basic credentials up front, so an engine behind authentication answers in
one round trip. Engines' quirks that a plain client must survive are handled here, where the
bytes are: Virtuoso names blank nodes ``nodeID://…`` in result documents (pyoxigraph refuses the
form), reports a query stopped by its time limit as ``200`` with ``X-SQL-State`` set, and a
result cut at its row cap only by ``X-SPARQL-MaxRows``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

import httpx
import pyoxigraph as ox

from ontology.store.common import QueryResult

RESULTS_JSON = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"
ACCEPT = f"{RESULTS_JSON}, {N_TRIPLES};q=0.9"
FORM = "application/x-www-form-urlencoded"
_NODE_ID_JSON = re.compile(rb'"type"\s*:\s*"uri"\s*,\s*"value"\s*:\s*"nodeID://([^"]*)"')
_NODE_ID = re.compile(rb"nodeID://")
_NODE_ID_NT = re.compile(rb"<nodeID://([^>]*)>")


class EngineTimeoutError(TimeoutError):
    """The engine stopped the query at its time limit (or the client stopped waiting)."""


@dataclass(frozen=True)
class Answer:
    """One query's answer as the engine sent it, with what its headers say about it."""

    body: bytes
    media_type: str
    truncated: bool  # the engine cut the result at its own row cap


class SparqlClient:
    """A query endpoint and an update endpoint, over one keep-alive HTTP client."""

    def __init__(
        self,
        query_endpoint: str,
        update_endpoint: str | None = None,
        *,
        user: str | None = None,
        password: str | None = None,
        timeout_s: float = 60.0,
    ) -> None:
        self.query_endpoint = query_endpoint
        self.update_endpoint = update_endpoint or query_endpoint
        auth = httpx.BasicAuth(user, password or "") if user else None
        self._http = httpx.Client(auth=auth, timeout=timeout_s)
        self.timeout_s = timeout_s
        self._engine: str | None = None

    def engine(self) -> str:
        """The engine's ``Server`` header (``Oxigraph/0.5.13``, ``Virtuoso/07.20.3229 …``)."""
        if self._engine is None:
            try:
                r = self._http.get(self.query_endpoint, params={"query": "ASK {}"})
            except httpx.HTTPError as err:
                raise OSError(f"{self.query_endpoint}: {err}") from err
            self._engine = r.headers.get("server", "")
        return self._engine

    def ask_raw(
        self,
        sparql: str,
        dataset: tuple[Sequence[str], Sequence[str]] | None,
        *,
        accept: str = ACCEPT,
        timeout_s: float | None = None,
    ) -> Answer:
        """Send one query (POST form) and return the engine's bytes.

        ``dataset`` is (default graphs, named graphs) as protocol parameters; None sends none.
        ``timeout_s`` is passed to the engine as ``timeout`` (milliseconds: Virtuoso reads it,
        others ignore it) and enforced by the client in any case.

        Raises:
            SyntaxError: the engine refused the query (4xx).
            EngineTimeoutError: the engine or the client stopped it at the time limit.
            OSError: the engine failed or could not be reached.
        """
        form: list[tuple[str, str]] = [("query", sparql)]
        if dataset is not None:
            form += [("default-graph-uri", g) for g in dataset[0]]
            form += [("named-graph-uri", g) for g in dataset[1]]
        limit = timeout_s if timeout_s is not None else self.timeout_s
        form.append(("timeout", str(int(limit * 1000))))
        try:
            r = self._http.post(
                self.query_endpoint,
                content=urlencode(form).encode("ascii"),
                headers={"Accept": accept, "Content-Type": FORM},
                timeout=httpx.Timeout(limit + 1.0, connect=min(limit, 10.0)),
            )
        except httpx.TimeoutException as err:
            raise EngineTimeoutError(
                f"no answer from {self.query_endpoint} in {limit:g} s"
            ) from err
        except httpx.HTTPError as err:
            raise OSError(f"{self.query_endpoint}: {err}") from err
        if r.headers.get("x-sql-state"):  # Virtuoso: an answer cut by its time limit
            raise EngineTimeoutError(r.headers.get("x-sql-message", "the engine stopped the query"))
        _check(r, self.query_endpoint)
        media = r.headers.get("content-type", "").split(";")[0].strip().lower()
        return Answer(r.content, media, bool(r.headers.get("x-sparql-maxrows")))

    def query(
        self, sparql: str, dataset: tuple[Sequence[str], Sequence[str]] | None
    ) -> QueryResult:
        """Evaluate a query; the answer comes back as pyoxigraph's own result types.

        Raises: as :meth:`ask_raw`; OSError also for an answer cut by the engine's row cap.
        """
        answer = self.ask_raw(sparql, dataset)
        if answer.truncated:
            raise OSError(f"{self.query_endpoint} cut the answer at its row limit")
        return parse_answer(answer)

    def update(self, request: str) -> None:
        """Send one SPARQL Update request (``application/sparql-update``).

        Raises: SyntaxError for a refused request, OSError for a failed one.
        """
        try:
            r = self._http.post(
                self.update_endpoint,
                content=request.encode("utf-8"),
                headers={"Content-Type": "application/sparql-update"},
                timeout=httpx.Timeout(600.0, connect=10.0),
            )
        except httpx.HTTPError as err:
            raise OSError(f"{self.update_endpoint}: {err}") from err
        _check(r, self.update_endpoint)

    def close(self) -> None:
        self._http.close()


def parse_answer(answer: Answer) -> QueryResult:
    """pyoxigraph's result for an engine's answer (results JSON/XML, or N-Triples for graphs)."""
    body = answer.body
    if answer.media_type in (N_TRIPLES, "text/plain", "text/turtle"):
        if b"nodeID://" in body:
            body = _NODE_ID_NT.sub(rb"_:\1", body)
        rdf = ox.RdfFormat.TURTLE if answer.media_type == "text/turtle" else ox.RdfFormat.N_TRIPLES
        graph = ox.Store()
        graph.load(body, rdf)
        # the same result type as the embedded store's: triples from a store query
        return graph.query("CONSTRUCT WHERE { ?s ?p ?o }")
    if b"nodeID://" in body:
        body = _NODE_ID.sub(b"", _NODE_ID_JSON.sub(rb'"type": "bnode", "value": "\1"', body))
    fmt = (
        ox.QueryResultsFormat.XML
        if answer.media_type.endswith("xml")
        else ox.QueryResultsFormat.JSON
    )
    return ox.parse_query_results(body, format=fmt)


def _check(r: httpx.Response, endpoint: str) -> None:
    if r.status_code < 300:
        return
    text = r.text.strip()[:2000]
    if 400 <= r.status_code < 500 and r.status_code not in (401, 403, 404, 408, 429):
        raise SyntaxError(f"{endpoint} refused the request ({r.status_code}): {text}")
    raise OSError(f"{endpoint} answered {r.status_code}: {text}")
