"""The OpenAPI document as the routes really answer: every status and every media type.

FastAPI declares what a handler's signature says (one JSON 200, a 422); the routes negotiate
RDF formats, answer browsers with HTML, refuse with problem details (or, at ``/sparql``, in the
protocol's own ``text/plain``) and page, limit and validate. Clients generated from the document,
and conformance checkers such as schemathesis, need all of it, so it is added here, in one
place, from the same offer tables the routes negotiate with.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from server.media_types import GRAPH_OFFERS, HTML, RESOURCE_OFFERS, RESULT_OFFERS
from server.problems import PROBLEM_JSON

PLAIN = "text/plain"
JSON = "application/json"
JSON_LD = "application/ld+json"
# what any route may answer besides its success: the request is bad, names nothing, cannot be
# represented, fails a precondition, is too large or too frequent, or the service is busy
_ERRORS = {
    "400": "Bad request: a parameter, path segment or body that cannot be read",
    "404": "Nothing is known under this name",
    "406": "None of the representations on offer is acceptable",
    "412": "A precondition (If-Match, If-Unmodified-Since) failed",
    "413": "The request or its batch is too large",
    "429": "Over the client's fair-use budget, or too many at once (see Retry-After)",
    "431": "The request head is too large",
    "503": "Busy or unavailable for now (see Retry-After)",
}
_SPARQL_ERRORS = {**_ERRORS, "403": "A SERVICE target not on the allow-list", "415": "Not a query"}
_CONDITIONAL = {"304": "Not modified since the representation the client holds"}
# the lookups redirect to the enterprise they find (a shared name lists its candidates); an IRI
# of a merged enterprise, or of a title or event it held, moves to the survivor's
_REDIRECTS = {
    "/id/name/": {"303": "See the enterprise of this name", "300": "Enterprises sharing the name"},
    "/lookup/name": {
        "303": "See the enterprise of this name",
        "300": "Enterprises sharing the name",
    },
    "/id/uscc/": {"303": "See the enterprise holding this credit code"},
    "/id/{kind}/": {"301": "Merged into another enterprise: its IRI (owl:sameAs)"},
}


def _types(offers: Iterable[Any]) -> list[str]:
    return [o.media_type for o in offers]


def _success_types(path: str) -> list[str]:
    """The media types a route's success may carry, by the routes' own offer tables."""
    linked = [*_types(RESOURCE_OFFERS), JSON_LD, JSON]
    if path == "/sparql":
        return [*_types(RESULT_OFFERS), *_types(GRAPH_OFFERS), HTML.media_type]
    if path.startswith("/dumps/"):
        return ["application/n-quads", "application/gzip", PLAIN, JSON]
    if path == "/dumps":
        return [JSON, HTML.media_type, "application/n-quads"]
    if path in ("/metrics",):
        return [PLAIN]
    if path.startswith(("/reconcile/preview",)):
        return [HTML.media_type, JSON]
    return linked


def _content(types: Iterable[str]) -> dict[str, dict[str, object]]:
    return {t: {} for t in dict.fromkeys(types)}


def complete(document: dict[str, Any]) -> dict[str, Any]:
    """Add the statuses and media types the routes answer to every operation of ``document``."""
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            responses: dict[str, Any] = operation.setdefault("responses", {})
            success = _success_types(path)
            ok = responses.setdefault("200", {"description": "OK"})
            ok["content"] = {**ok.get("content", {}), **_content(success)}
            errors = _SPARQL_ERRORS if path == "/sparql" else _ERRORS
            error_types = [PLAIN] if path == "/sparql" else [PROBLEM_JSON, HTML.media_type, JSON]
            for status, description in errors.items():
                entry = responses.setdefault(status, {"description": description})
                entry["content"] = {**entry.get("content", {}), **_content(error_types)}
            if method in ("get", "head"):
                for status, description in _CONDITIONAL.items():
                    responses.setdefault(status, {"description": description})
                for prefix, moves in _REDIRECTS.items():
                    if path.startswith(prefix):
                        for status, description in moves.items():
                            responses.setdefault(status, {"description": description})
            if "422" in responses:
                responses["422"]["content"] = {
                    **responses["422"].get("content", {}),
                    **_content([PROBLEM_JSON, JSON]),
                }
    return document


def install(app: FastAPI) -> None:
    """Make ``app.openapi()`` return the completed document (built once, on first use)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title, version=app.version, routes=app.routes, tags=app.openapi_tags
            )
            app.openapi_schema = complete(document)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented way
