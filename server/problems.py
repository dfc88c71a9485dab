"""Domain errors with a status and a problem-type IRI, rendered as RFC 9457 problem+json.

Anything that is not a :class:`Problem` is a fault of ours: it is logged with a request id and
answered 500 with a generic detail naming that id (STYLE §6), never with the traceback.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_BASE = "https://w3id.org/littlegiant/problems/"
PROBLEM_JSON = "application/problem+json"
log = logging.getLogger(__name__)


class Problem(Exception):  # noqa: N818 - RFC 9457 calls them problems
    """A client-visible error; subclasses fix status, type and title."""

    status = 400
    type_slug = "bad-request"
    title = "Bad request"

    def __init__(self, detail: str, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.headers = headers or {}


class NotFound(Problem):
    status, type_slug, title = 404, "not-found", "Resource not found"


class NotAcceptable(Problem):
    status, type_slug, title = 406, "not-acceptable", "No acceptable representation"


class PreconditionFailed(Problem):
    status, type_slug, title = 412, "precondition-failed", "Precondition failed"


class PayloadTooLarge(Problem):
    status, type_slug, title = 413, "payload-too-large", "Request body too large"


class TooManyRequests(Problem):
    status, type_slug, title = 429, "too-many-requests", "Too many requests"


def problem_response(request: Request, exc: Problem) -> JSONResponse:
    """The RFC 9457 body of one problem, with the problem's own headers."""
    body = {
        "type": PROBLEM_BASE + exc.type_slug,
        "title": exc.title,
        "status": exc.status,
        "detail": exc.detail,
        "instance": request.url.path,
    }
    return JSONResponse(body, status_code=exc.status, media_type=PROBLEM_JSON, headers=exc.headers)


def internal_error_response(request: Request, exc: Exception) -> JSONResponse:
    """Log an unexpected exception under a fresh request id and answer a generic 500."""
    request_id = uuid.uuid4().hex[:16]
    log.error(
        "request %s: %s %s failed", request_id, request.method, request.url.path, exc_info=exc
    )
    body = {
        "type": PROBLEM_BASE + "internal-error",
        "title": "Internal server error",
        "status": 500,
        "detail": f"The server failed to answer; quote request id {request_id} when reporting it",
        "instance": request.url.path,
        "requestId": request_id,
    }
    return JSONResponse(
        body, status_code=500, media_type=PROBLEM_JSON, headers={"X-Request-ID": request_id}
    )


ErrorPage = Callable[[Request, int, str, str, dict[str, str]], Response | None]


def add_problem_handlers(app: FastAPI, page: ErrorPage | None = None) -> None:
    """Register the handlers of every Problem, of routing and validation errors, and the one
    that logs every fault. ``page`` draws an error as HTML for a browser (None otherwise).

    Routing errors (unknown path 404, 405) and parameter validation (422) answer in RFC 9457
    terms too, so that no client meets FastAPI's bare ``{"detail": ...}``.
    """

    def drawn(request: Request, exc: Problem) -> Response:
        html = page(request, exc.status, exc.type_slug, exc.detail, exc.headers) if page else None
        return html if html is not None else problem_response(request, exc)

    async def handle_problem(request: Request, exc: Exception) -> Response:
        if not isinstance(exc, Problem):  # registered for Problem only
            raise exc
        return drawn(request, exc)

    async def handle_http(request: Request, exc: Exception) -> Response:
        if not isinstance(exc, StarletteHTTPException):
            raise exc
        problem = _from_http(exc)
        return drawn(request, problem)

    async def handle_invalid(request: Request, exc: Exception) -> Response:
        if not isinstance(exc, RequestValidationError):
            raise exc
        reasons = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ())[1:]) or 'request'}: {e.get('msg', '')}"
            for e in exc.errors()
        )
        return drawn(request, InvalidParameter(reasons or "invalid request"))

    async def handle_fault(request: Request, exc: Exception) -> JSONResponse:
        return internal_error_response(request, exc)

    app.add_exception_handler(Problem, handle_problem)
    app.add_exception_handler(StarletteHTTPException, handle_http)
    app.add_exception_handler(RequestValidationError, handle_invalid)
    app.add_exception_handler(Exception, handle_fault)


class InvalidParameter(Problem):
    status, type_slug, title = 422, "invalid-parameter", "Invalid request parameter"


class MethodNotAllowed(Problem):
    status, type_slug, title = 405, "method-not-allowed", "Method not allowed"


def _from_http(exc: StarletteHTTPException) -> Problem:
    headers = dict(exc.headers or {})
    if exc.status_code == 404:
        return NotFound("Nothing is published at this path", headers=headers)
    if exc.status_code == 405:
        return MethodNotAllowed(str(exc.detail), headers=headers)
    problem = Problem(str(exc.detail), headers=headers)
    problem.status = exc.status_code
    return problem
