"""The outermost layer of every request: who the client is, whether the request line can even be
read, and what was answered (metrics and one JSON line of access log).

A path whose percent-encoding is not UTF-8 (``%FF``, the surrogate ``%ED%A0%80``) or that holds
a control character (``%00``) names no resource and gets 400 here, before any router could fail
on it; so does such a query string outside ``/sparql`` (whose protocol errors are its own).
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Iterable
from urllib.parse import unquote_to_bytes

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server import metrics
from server.fair_use import client_of
from server.problems import PROBLEM_BASE, PROBLEM_JSON

access_log = logging.getLogger("littlegiant.access")
CLIENT = "lg_client"  # scope["state"] keys the handlers fill in for the access log
QUERY_HASH = "lg_query_hash"
OUTCOME = "lg_outcome"
_CONTROL = frozenset(range(0x20)) | {0x7F}


class ObservedRequests:
    """Pure ASGI middleware: client identity, request-line checks, metrics, access log."""

    def __init__(self, app: ASGIApp, *, trusted_proxies: Iterable[str] = ()) -> None:
        self.app = app
        self.trusted = frozenset(trusted_proxies)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        state = scope.setdefault("state", {})
        peer = scope.get("client")
        forwarded = _header(scope, b"x-forwarded-for")
        state[CLIENT] = client_of(peer[0] if peer else None, forwarded, self.trusted)
        status = 500

        async def observed_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            problem = unreadable(scope)
            if problem is not None:
                await _refuse(scope, observed_send, problem)
            else:
                await self.app(scope, receive, observed_send)
        finally:
            self._record(scope, status, time.perf_counter() - started)

    def _record(self, scope: Scope, status: int, seconds: float) -> None:
        route = route_label(scope)
        metrics.HTTP_REQUESTS.labels(route, scope["method"], str(status)).inc()
        metrics.HTTP_DURATION.labels(route).observe(seconds)
        if access_log.isEnabledFor(logging.INFO):
            state = scope.get("state", {})
            entry = {
                "route": route,
                "method": scope["method"],
                "status": status,
                "duration_ms": round(seconds * 1000, 2),
                "query_hash": state.get(QUERY_HASH),
                "outcome": state.get(OUTCOME),
                "client": state.get(CLIENT),
            }
            access_log.info(json.dumps(entry, ensure_ascii=False))


def query_hash(query: str) -> str:
    """A short, stable name for a query text in logs (never the text itself)."""
    return hashlib.sha256(query.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def route_label(scope: Scope) -> str:
    """The route's path template (``/id/{kind}/{local}``): bounded, unlike the paths."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    if isinstance(path, str):
        return path
    if scope.get("path", "").startswith("/static/"):
        return "/static"
    return "(unmatched)"


def unreadable(scope: Scope) -> str | None:
    """Why the request's path or query string cannot be read, or None."""
    raw = scope.get("raw_path") or scope.get("path", "").encode("utf-8", "surrogateescape")
    problem = _undecodable(raw, "path")
    if problem is None and scope.get("path") != "/sparql":
        query = scope.get("query_string", b"").replace(b"+", b" ")
        problem = _undecodable(query, "query string", controls_allowed=True)
    return problem


def _undecodable(raw: bytes, what: str, *, controls_allowed: bool = False) -> str | None:
    if raw.isascii() and b"%" not in raw and (controls_allowed or raw.isalnum()):
        return None  # the common case, decided without decoding
    decoded = unquote_to_bytes(raw) if b"%" in raw else raw
    try:
        decoded.decode("utf-8")
    except UnicodeDecodeError as err:
        return f"The {what} is not valid UTF-8 (byte 0x{decoded[err.start]:02x})"
    if controls_allowed:
        return "The query string holds a NUL character" if b"\x00" in decoded else None
    if any(b in _CONTROL for b in decoded):
        return f"The {what} holds a control character"
    return None


async def _refuse(scope: Scope, send: Send, detail: str) -> None:
    body = json.dumps(
        {
            "type": PROBLEM_BASE + "bad-request",
            "title": "Bad request",
            "status": 400,
            "detail": detail,
            "instance": scope.get("raw_path", b"").decode("ascii", "replace")[:200],
        }
    ).encode()
    headers = [(b"content-type", PROBLEM_JSON.encode()), (b"content-length", b"%d" % len(body))]
    await send({"type": "http.response.start", "status": 400, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value.decode("latin-1")
    return None
