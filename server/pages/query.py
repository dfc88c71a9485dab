"""The query page for researchers: an editor, the example queries in both languages, results and
downloads; at ``/query``, and at ``/sparql`` for a browser's ``Accept``."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from server.deps import STATE_KEY
from server.i18n import YASGUI_ZH
from server.prefixes import PREFIXES, PROLOGUE
from server.render import language, represent_page
from server.sparql.examples import load_examples


def query_page(
    request: Request, query: str | None, *, error: str = "", status: int = 200
) -> Response:
    """The page, its editor holding ``query`` (or the first example); ``error`` is why the
    endpoint refuses that query (then ``status`` says so too)."""
    examples = load_examples()
    state = getattr(request.state, STATE_KEY, None)  # the page links results to this host
    fallback = PROLOGUE + "SELECT * WHERE { ?s ?p ?o } LIMIT 10"
    values = {
        "examples": examples,
        "examples_json": [{"slug": e.slug, "query": e.query} for e in examples],
        "tags": sorted({tag for e in examples for tag in e.tags}),
        "base": state.iris.base if state is not None else "",
        "prefixes": PREFIXES,
        "initial_query": query or (examples[0].query if examples else fallback),
        "endpoint": "/sparql",
        "error": error,
        # YASGUI's own controls in the page's language (static/query.js)
        "yasgui_words": YASGUI_ZH if language(request).tag == "zh" else {},
    }
    # /sparql negotiates this page against the service description and results
    return represent_page(
        request, "query.html", values, vary=["Accept"], cache_control="no-cache", status=status
    )
