"""Reading a SPARQL 1.1 Protocol request (https://www.w3.org/TR/sparql11-protocol/ §2.1), purely:
bytes and headers in, a :class:`QueryRequest` or a :class:`ProtocolError` out.

Form bodies and query strings are decoded strictly (invalid UTF-8 is an error, never replaced);
a direct POST carries the query in its body only; update requests are refused by name.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import unquote_to_bytes

import pyoxigraph as ox

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"
ALLOW = "GET, HEAD, POST, OPTIONS"
# what may travel in the URL beside a form body: the output format and the protocol's dataset
# (the W3C protocol tests send default-graph-uri in the URL of a form POST), never the query
FORMAT_PARAMS = ("format", "output")
DATASET_PARAMS = ("default-graph-uri", "named-graph-uri")
# what a request without a query may carry: it asks for the service description (or the page)
DESCRIPTION_PARAMS = frozenset({*FORMAT_PARAMS, "lang"})

Params = list[tuple[str, str]]


class ProtocolError(Exception):
    """A request the protocol refuses; answered as ``text/plain`` with ``status``."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


@dataclass(frozen=True)
class QueryRequest:
    """What a protocol request asks: a query (None for the service description), an output
    format override, and the RDF dataset (None: the union of every named graph)."""

    query: str | None
    format: str | None
    default_graphs: list[str] | None
    named_graphs: list[str] | None

    @classmethod
    def from_params(cls, params: Params, *, from_get: bool) -> QueryRequest:
        """Check the parameters of one request.

        Raises:
            ProtocolError: an update, several queries, a POST without a query, a bad IRI.
        """
        if any(k == "update" for k, _ in params):
            raise ProtocolError(
                400, "SPARQL Update is not accepted: this endpoint is read-only (no 'update')"
            )
        queries = values(params, "query")
        if len(queries) > 1:
            raise ProtocolError(400, "Exactly one 'query' parameter is allowed")
        if not queries and (not from_get or any(k not in DESCRIPTION_PARAMS for k, _ in params)):
            # a GET with protocol parameters but no query is a query request missing its query
            raise ProtocolError(400, "Missing 'query' parameter")
        default = values(params, "default-graph-uri")
        named = values(params, "named-graph-uri")
        for iri in default + named:
            try:
                ox.NamedNode(iri)
            except ValueError as err:
                raise ProtocolError(400, f"Not an absolute IRI: {iri!r} ({err})") from None
        dataset_given = bool(default or named)
        return cls(
            query=queries[0] if queries else None,
            format=first(params, "format") or first(params, "output"),
            default_graphs=default if dataset_given else None,
            named_graphs=named if dataset_given else None,
        )


def values(params: Params, name: str) -> list[str]:
    return [v for k, v in params if k == name]


def first(params: Params, name: str) -> str | None:
    found = values(params, name)
    return found[0] if found else None


def parse_form(raw: bytes) -> Params:
    """Decode ``application/x-www-form-urlencoded`` strictly: invalid UTF-8 (raw or
    percent-encoded) is an error, never silently replaced as ``parse_qsl`` would.

    Raises:
        ProtocolError: a key or value is not valid UTF-8.
    """
    pairs: Params = []
    for part in raw.split(b"&"):
        if not part:
            continue
        key, _, value = part.partition(b"=")
        try:
            k = unquote_to_bytes(key.replace(b"+", b" ")).decode("utf-8")
            v = unquote_to_bytes(value.replace(b"+", b" ")).decode("utf-8")
        except UnicodeDecodeError as err:
            raise ProtocolError(
                400, f"Parameter is not valid UTF-8 (byte 0x{err.object[err.start]:02x})"
            ) from None
        pairs.append((k, v))
    return pairs


def content_type(header: str) -> tuple[str, dict[str, str]]:
    """The media type of a ``Content-Type`` header (lower case) and its parameters."""
    parts = [p.strip() for p in header.split(";")]
    params = {}
    for p in parts[1:]:
        name, _, value = p.partition("=")
        params[name.strip().lower()] = value.strip().strip('"')
    return parts[0].lower(), params


def check_post_type(header: str) -> str:
    """The body's media type, if it is one a query POST may have (§2.1.2, §2.1.3).

    Raises:
        ProtocolError: 415 for another type, an update, or a charset other than UTF-8.
    """
    ctype, cparams = content_type(header)
    charset = cparams.get("charset", "utf-8").lower()
    accept_post = {"Accept-Post": f"{FORM}, {DIRECT}"}
    if charset not in ("utf-8", "utf8"):
        raise ProtocolError(415, f"Only UTF-8 is accepted, not charset={charset}")
    if ctype == UPDATE:
        raise ProtocolError(
            415, "SPARQL Update is not accepted: this endpoint is read-only", accept_post
        )
    if ctype not in (FORM, DIRECT):
        raise ProtocolError(
            415,
            f"Unsupported Content-Type {ctype or '(none)'}; send {FORM} or {DIRECT}",
            accept_post,
        )
    return ctype


def post_params(ctype: str, body: bytes, url_params: Sequence[tuple[str, str]]) -> Params:
    """The parameters of a POST: the form's (plus a format or dataset in the URL), or the direct
    body's (with the URL's parameters).

    Raises:
        ProtocolError: the query is in both the URL and the body, or the body is not UTF-8.
    """
    if ctype == FORM:
        if any(k == "query" for k, _ in url_params):
            raise ProtocolError(400, "Send the query in the body or the URL, not both")
        kept = (*FORMAT_PARAMS, *DATASET_PARAMS)
        return parse_form(body) + [(k, v) for k, v in url_params if k in kept]
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ProtocolError(400, f"Body is not valid UTF-8 (byte {err.start})") from None
    if any(k in ("query", "update") for k, _ in url_params):
        raise ProtocolError(400, "A direct POST carries the query in the body only")
    return [("query", text), *url_params]


def check_length(query: str, limit: int) -> None:
    """Raises: ProtocolError: 413 for a query longer than ``limit`` characters."""
    if len(query) > limit:
        raise ProtocolError(
            413, f"Query is {len(query)} characters; the limit is {limit} (LG_MAX_QUERY_LENGTH)"
        )
