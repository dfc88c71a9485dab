"""The query page at ``/query`` (``server.pages.query``); ``?query=`` fills its editor.

Rendered like every page (``server.render``), in the reader's language: zh unless ``?lang=`` or
``Accept-Language`` asks for English.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from server.pages.query import query_page
from server.render import get_and_head
from server.sparql.errors import error_response
from server.sparql.protocol import ProtocolError, first, parse_form

router = APIRouter(include_in_schema=False)


@get_and_head(router, "/query")
def get_query_page(request: Request) -> Response:
    """The query page; ``?query=`` fills the editor (shared links)."""
    try:
        params = parse_form(request.scope.get("query_string", b""))
    except ProtocolError as err:
        return error_response(err)
    return query_page(request, first(params, "query"))
