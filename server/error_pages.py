"""Errors as a browser sees them: the problem (RFC 9457) rendered as a page in the reader's
language, with the same status and headers as the ``application/problem+json`` that JSON
clients get. ``server.problems`` decides what the problem is; this module only draws it.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from server.conneg import negotiate
from server.i18n import UI
from server.media_types import HTML, MediaType
from server.problems import PROBLEM_JSON, NotAcceptable
from server.render import language, represent_page

__all__ = ["error_page", "wants_page"]

# JSON first: */* and an absent Accept get problem+json; a browser names text/html
_PROBLEM = MediaType(PROBLEM_JSON, None, "json", aliases=("application/json",))
_OFFERS = (_PROBLEM, HTML)


def wants_page(request: Request) -> bool:
    """Whether the client prefers an HTML page to problem+json (a browser does)."""
    try:
        return negotiate(request.headers.get("accept"), _OFFERS) is HTML
    except NotAcceptable:
        return False


def error_page(
    request: Request, status: int, slug: str, detail: str, headers: dict[str, str]
) -> Response | None:
    """The problem as a page for a browser; None for any other client."""
    if not wants_page(request):
        return None
    lang = language(request)
    known = UI.get(f"problem_{slug}") or UI.get(f"problem_{status}") or UI["problem_other"]
    values = {
        "name": f"{status} — {known[lang.tag]}",
        "status": status,
        "detail": detail,
        "instance": request.url.path,
    }
    response = represent_page(
        request,
        "error.html",
        values,
        status=status,
        lang=lang,
        vary=["Accept"],
        cache_control="no-store",
    )
    response.headers.update(headers)
    return response
