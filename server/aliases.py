"""Alias bases: a mirror's or a development host's own base maps to the canonical IRIs (301).

Every IRI we publish is under ``ontology.iris.CANONICAL_BASE`` and the service answers for those
IRIs on whatever host it runs. A base listed in ``LG_ALIAS_BASES`` is one under which the same
paths are reachable but which must never be mistaken for an identifier: a request arriving on
it for a published resource (``/id/…``, ``/graph/…``, ``/ontology``, ``/shapes``, with or
without a format extension) answers ``301 Moved Permanently`` to the canonical IRI, query
string kept, so that whatever stored the alias IRI learns the one it should store. Service
pages (``/sparql``, ``/api/…``, ``/``) are served as usual on any base.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Receive, Scope, Send

from ontology.iris import CANONICAL_BASE, IDENTIFIER_ROOTS


@dataclass(frozen=True)
class AliasBase:
    """One alias base split into what a request is compared with."""

    scheme: str
    host: str  # host[:port], lower case; the default port is dropped
    path: str  # "" or "/prefix"

    @classmethod
    def parse(cls, base: str) -> AliasBase:
        parts = urlsplit(base)
        return cls(parts.scheme, _host(parts.scheme, parts.netloc), parts.path.rstrip("/"))


def canonical_location(aliases: Iterable[AliasBase], scope: Scope) -> str | None:
    """The canonical IRI a request on an alias base stands for; None when it is on no alias."""
    headers = dict(scope.get("headers") or [])
    host = _host(scope.get("scheme", "http"), headers.get(b"host", b"").decode("latin-1"))
    path, root = scope.get("path", ""), scope.get("root_path", "")
    if root and not path.startswith(root):  # servers differ on whether path includes it
        path = root + path
    for alias in aliases:
        if alias.scheme != scope.get("scheme") or alias.host != host:
            continue
        rest = path[len(alias.path) :] if path.startswith(alias.path + "/") else None
        if rest is None or not _published(rest):
            continue
        query = scope.get("query_string", b"").decode("latin-1")
        return CANONICAL_BASE + rest + (f"?{query}" if query else "")
    return None


_PUBLISHED = re.compile(
    rf"^/(?:(?:{'|'.join(r for r in IDENTIFIER_ROOTS if r in ('id', 'graph'))})(?:/.*)?"
    rf"|(?:{'|'.join(r for r in IDENTIFIER_ROOTS if r not in ('id', 'graph'))})(?:\.\w+)?)$"
)


def _published(path: str) -> bool:
    """Whether a path under a base names a published resource (or one of its formats)."""
    return _PUBLISHED.match(path) is not None


def _host(scheme: str, netloc: str) -> str:
    host = netloc.lower()
    default = {"http": ":80", "https": ":443"}.get(scheme)
    return host[: -len(default)] if default and host.endswith(default) else host


class AliasRedirects:
    """ASGI middleware answering 301 for published paths requested on an alias base."""

    def __init__(self, app: ASGIApp, bases: Iterable[str]) -> None:
        self.app = app
        self.aliases = tuple(AliasBase.parse(b) for b in bases)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.aliases:
            await self.app(scope, receive, send)
            return
        location = canonical_location(self.aliases, scope)
        if location is None or scope.get("method") not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        await send(
            {
                "type": "http.response.start",
                "status": 301,
                "headers": [
                    (b"location", location.encode("utf-8")),
                    (b"content-length", b"0"),
                    (b"cache-control", b"public, max-age=86400"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": b""})
