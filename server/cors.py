"""CORS for every response, in one ASGI middleware (https://fetch.spec.whatwg.org/#http-cors-protocol).

Everything the service publishes is public and read-only, and no route uses credentials, so
every response says ``Access-Control-Allow-Origin: *`` (with or without an ``Origin``, which
keeps cached copies valid for every origin) and exposes the headers clients read. A preflight
(``OPTIONS`` with ``Origin`` and ``Access-Control-Request-Method``) is answered here with 204.
"""

from __future__ import annotations

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

ALLOW_METHODS = "GET, HEAD, POST, OPTIONS"
ALLOW_HEADERS = "Accept, Accept-Language, Content-Type, Authorization, If-None-Match, If-Match"
EXPOSE_HEADERS = (
    "ETag, Last-Modified, Link, Content-Location, Content-Type, Content-Length, Vary, "
    "Location, Retry-After, Digest, X-Request-ID, X-Result-Rows, X-Result-Limit, "
    "X-Result-Truncated"
)
PREFLIGHT_MAX_AGE = "86400"


class CorsMiddleware:
    """Add the CORS response headers to every HTTP response and answer preflights."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        if (
            scope["method"] == "OPTIONS"
            and "origin" in headers
            and "access-control-request-method" in headers
        ):
            await _preflight(send, headers.get("access-control-request-headers"))
            return

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                out = MutableHeaders(scope=message)
                out["Access-Control-Allow-Origin"] = "*"
                out["Access-Control-Expose-Headers"] = EXPOSE_HEADERS
            await send(message)

        await self.app(scope, receive, send_with_cors)


async def _preflight(send: Send, requested: str | None) -> None:
    # any request header may be sent: nothing is credentialed, and the routes ignore the rest
    allowed = requested or ALLOW_HEADERS
    headers = [
        (b"access-control-allow-origin", b"*"),
        (b"access-control-allow-methods", ALLOW_METHODS.encode()),
        (b"access-control-allow-headers", allowed.encode("latin-1")),
        (b"access-control-max-age", PREFLIGHT_MAX_AGE.encode()),
        (b"allow", ALLOW_METHODS.encode()),
    ]
    await send({"type": "http.response.start", "status": 204, "headers": headers})
    await send({"type": "http.response.body", "body": b""})
