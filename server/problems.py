"""Domain errors with a status and a problem-type IRI, rendered as RFC 9457 problem+json."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

PROBLEM_BASE = "https://w3id.org/littlegiant/problems/"
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


class UnsupportedMediaType(Problem):
    status, type_slug, title = 415, "unsupported-media-type", "Unsupported media type"


class PayloadTooLarge(Problem):
    status, type_slug, title = 413, "payload-too-large", "Request body too large"


class TooManyRequests(Problem):
    status, type_slug, title = 429, "too-many-requests", "Too many requests"


def problem_response(request: Request, exc: Problem) -> JSONResponse:
    body = {
        "type": PROBLEM_BASE + exc.type_slug,
        "title": exc.title,
        "status": exc.status,
        "detail": exc.detail,
        "instance": request.url.path,
    }
    return JSONResponse(
        body, status_code=exc.status, media_type="application/problem+json", headers=exc.headers
    )


def add_problem_handlers(app: FastAPI) -> None:
    """Register the one handler that renders every Problem."""

    async def handle(request: Request, exc: Exception) -> JSONResponse:
        if not isinstance(exc, Problem):  # registered for Problem only
            raise exc
        return problem_response(request, exc)

    app.add_exception_handler(Problem, handle)
