"""Lookups from what other datasets hold: a credit code or a printed name → our canonical IRI.

``/id/uscc/{code}`` answers 303 to the enterprise (400 with the rule a code breaks, 404 for a valid
code we do not know); ``/id/name/{name}`` (or ``/lookup/name?q=``) answers 303 for one match and
300 Multiple Choices listing the candidates when a name is shared, never a guess. Names match
after normalisation (full/half-width brackets, spaces, case); ``region=`` narrows a shared name.
"""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from ontology.names import InvalidUSCC, validate_uscc
from server.conneg import negotiate
from server.deps import StateDep
from server.matching import Entry
from server.media_types import HTML, JSON_LD_COMPACTED
from server.problems import NotFound, Problem
from server.render import CACHE_CONTROL, represent, represent_page
from server.state import AppState

router = APIRouter(tags=["lookup"])

_CHOICE_OFFERS = (HTML, JSON_LD_COMPACTED)


class InvalidCode(Problem):
    status, type_slug, title = 400, "invalid-credit-code", "Not a valid Unified Social Credit Code"


def _see_other(state: AppState, iri: str) -> RedirectResponse:
    location = state.iris.relative(iri) or iri
    return RedirectResponse(location, status_code=303, headers={"Cache-Control": CACHE_CONTROL})


def _by_uscc(state: AppState, code: str) -> Response:
    try:
        compact = validate_uscc(code)
    except InvalidUSCC as exc:
        raise InvalidCode(str(exc)) from None
    entry = state.name_index().by_uscc(compact)
    if entry is None:
        raise NotFound(f"No enterprise in the dataset has the credit code {compact}")
    return _see_other(state, entry.iri)


@router.get("/id/uscc/{code}")
def lookup_uscc(state: StateDep, code: str) -> Response:
    """Redirect (303) a credit code to the enterprise that holds it.

    Raises:
        InvalidCode: the code breaks GB 32100-2015 (length, characters or check character).
        NotFound: a valid code that no enterprise in the dataset holds.
    """
    return _by_uscc(state, code)


@router.get("/lookup/uscc", include_in_schema=False)
def lookup_uscc_form(state: StateDep, code: str) -> Response:
    """The home page's form: the same as ``/id/uscc/{code}``."""
    return _by_uscc(state, code.strip())


def _by_name(request: Request, state: AppState, name: str, region: str | None) -> Response:
    name = name.strip()
    if not name:
        raise Problem("Give a name to look up")
    found = state.name_index().by_name(name, region)
    if not found:
        raise NotFound(f"No enterprise is known by the name {name!r}")
    if len(found) == 1:
        return _see_other(state, found[0].iri)
    return _choices(request, state, name, found)


def _choices(request: Request, state: AppState, name: str, found: list[Entry]) -> Response:
    # RFC 9110 §15.4.1: 300 lists the alternatives; no Location, since none is preferred.
    offer = negotiate(request.headers.get("accept"), _CHOICE_OFFERS)
    items = [
        {
            "id": e.iri,
            "href": state.iris.relative(e.iri) or e.iri,
            "label": e.name,
            "detail": " · ".join(x for x in (e.uscc, ", ".join(e.region_codes)) if x),
        }
        for e in found
    ]
    if offer is HTML:
        values = {"name": name, "candidates": items}
        return represent_page(
            request, "choices.html", values, status=300, vary=["Accept"], cache_control="no-cache"
        )
    candidates = [{"id": i["id"], "name": i["label"], "description": i["detail"]} for i in items]
    body = json.dumps({"query": name, "candidates": candidates}, ensure_ascii=False)
    return represent(
        request,
        body.encode("utf-8"),
        media_type="application/json",
        status=300,
        vary=["Accept"],
        cache_control="no-cache",
    )


@router.get("/id/name/{name}")
def lookup_name(
    request: Request,
    state: StateDep,
    name: str,
    region: Annotated[str | None, Query(description="region name, GB code or IRI")] = None,
) -> Response:
    """Redirect (303) a printed name to its enterprise; 300 with the candidates if it is shared."""
    return _by_name(request, state, name, region)


@router.get("/lookup/name")
def lookup_name_query(
    request: Request,
    state: StateDep,
    q: Annotated[str, Query(min_length=1, max_length=200)],
    region: Annotated[str | None, Query()] = None,
) -> Response:
    """The same as ``/id/name/{name}``, with the name as ``?q=`` (for forms)."""
    return _by_name(request, state, q, region)
