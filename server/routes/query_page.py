"""The query page for researchers at ``/query`` (and at ``/sparql`` for ``Accept: text/html``):
an editor, the example queries in both languages, results and downloads.

Rendered like every page (``server.render``), in the reader's language: zh unless ``?lang=`` or
``Accept-Language`` asks for English.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from server.prefixes import PREFIXES, PROLOGUE
from server.render import get_and_head, represent_page
from server.sparql.errors import error_response
from server.sparql.examples import load_examples
from server.sparql.protocol import ProtocolError, first, parse_form

router = APIRouter(include_in_schema=False)


def query_page(request: Request, query: str | None) -> Response:
    """The page, its editor holding ``query`` (or the first example)."""
    examples = load_examples()
    fallback = PROLOGUE + "SELECT * WHERE { ?s ?p ?o } LIMIT 10"
    values = {
        "examples": examples,
        "examples_json": [{"slug": e.slug, "query": e.query} for e in examples],
        "prefixes": PREFIXES,
        "initial_query": query or (examples[0].query if examples else fallback),
        "endpoint": "/sparql",
    }
    # /sparql negotiates this page against the service description and results
    return represent_page(request, "query.html", values, vary=["Accept"], cache_control="no-cache")


@get_and_head(router, "/query")
def get_query_page(request: Request) -> Response:
    """The query page; ``?query=`` fills the editor (shared links)."""
    try:
        params = parse_form(request.scope.get("query_string", b""))
    except ProtocolError as err:
        return error_response(err)
    return query_page(request, first(params, "query"))
