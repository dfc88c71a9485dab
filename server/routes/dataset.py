"""The dataset's own description: VoID (``/.well-known/void``, VoID §7.2) and DCAT at ``/dataset``.

Negotiated like every resource; the triples (``server.void``) are counted once per published
state of the store, and name the current dump when one is published.
"""

from __future__ import annotations

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import Response

from ontology.store.dumps import DUMP_NAME
from server.conneg import Language, offer_for_extension
from server.deps import LinksDep, StateDep
from server.describe import digest_of, label_map, pick
from server.links import Links
from server.media_types import RESOURCE_OFFERS
from server.pages import schema_org
from server.prefixes import curie
from server.render import (
    CONTEXT_VERSION,
    format_list,
    get_and_head,
    page_html,
    page_modified,
    represent_triples,
)
from server.state import AppState
from server.store_results import named_objects
from server.void import dataset_triples, partition_triples, temporal_coverage

router = APIRouter(tags=["dataset"])


def rows(state: AppState, triples: list[ox.Triple], lang: str) -> list[dict[str, str]]:
    """The description's statements (blank-node subjects aside) as the page's table rows."""
    labels = label_map(state.store, named_objects(triples))
    out = []
    for t in triples:
        if isinstance(t.subject, ox.BlankNode | ox.Triple) or isinstance(t.object, ox.Triple):
            continue
        named = isinstance(t.object, ox.NamedNode)
        value = t.object.value
        out.append(
            {
                "subject": t.subject.value,
                "predicate": curie(t.predicate.value) or t.predicate.value,
                "object": pick(labels.get(value), lang, value) if named else value,
                "href": (state.iris.relative(value) or value) if named else "",
            }
        )
    return out


def dataset_response(request: Request, state: AppState, links: Links) -> Response:
    """The description, negotiated or in the format the path's extension names."""
    _, offer = offer_for_extension(request.url.path, RESOURCE_OFFERS)
    dump = state.dump()
    # the counts once per state of the store; the links (on the serving host) per request
    partitions = state.generations.get(
        "void-partitions", lambda: partition_triples(state.store, state.iris)
    )
    triples = dataset_triples(state.store, links, dump, partitions)
    period = state.generations.get("temporal-coverage", lambda: temporal_coverage(state.store))
    download = schema_org.data_download(links.url(f"/dumps/{dump.name}"), dump) if dump else None
    digest = digest_of(triples)  # blank nodes are named in order: the same state, the same tag
    iri = str(state.iris.dataset())

    def html(lang: Language) -> str:
        return page_html(
            "dataset.html",
            lang=lang,
            request=request,
            name="Little Giant KG — VoID / DCAT",
            rows=rows(state, triples, lang.tag),
            dump=dump,
            dump_href=state.iris.relative(str(state.iris.dump(DUMP_NAME))),
            resource_path="/dataset",
            canonical_iri=iri,
            formats=format_list(),
            schema=schema_org.dataset(links, lang.tag, download=download, period=period),
        )

    return represent_triples(
        request,
        path="/dataset",
        offer=offer,
        triples=triples,
        digest=digest,
        last_modified=page_modified(request),  # counted from the store as it is now
        context_url=links.context(CONTEXT_VERSION),
        html=html,
    )


@get_and_head(router, "/dataset")
def get_dataset(request: Request, state: StateDep, links: LinksDep) -> Response:
    """The VoID and DCAT description of the dataset (negotiated)."""
    return dataset_response(request, state, links)


@get_and_head(router, "/dataset.{ext}")
def get_dataset_format(request: Request, state: StateDep, links: LinksDep, ext: str) -> Response:
    """The dataset description in the format its extension names."""
    return dataset_response(request, state, links)


@get_and_head(router, "/.well-known/void")
def get_well_known_void(request: Request, state: StateDep, links: LinksDep) -> Response:
    """VoID's well-known location (VoID §7.2): the same description as ``/dataset``."""
    return dataset_response(request, state, links)
