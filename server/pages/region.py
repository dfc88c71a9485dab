"""A reporting region's page: its enterprises grouped by batch, the planned cities within it."""

from __future__ import annotations

from ontology.namespaces import LG
from ontology.store import GraphStore
from server.describe import Description
from server.links import Links
from server.pages import schema_org
from server.pages.common import LIST_LIMIT, PageContext, first_literal, statements


def region_page(store: GraphStore, links: Links, desc: Description, lang: str) -> dict[str, object]:
    """The template values of a region's page, with its schema.org AdministrativeArea."""
    ctx = PageContext(store, links, lang)
    iri = desc.iri
    rows = ctx.rows(
        f"""SELECT ?e ?ord WHERE {{
          ?e lg:reportingRegion <{iri}> .
          OPTIONAL {{ ?d lg:holder ?e ; lg:batch ?b . ?b lg:ordinal ?ord }}
        }} LIMIT {LIST_LIMIT * 2}"""
    )
    groups: dict[str, list[str]] = {}
    for row in rows:
        groups.setdefault(row.get("ord", ""), []).append(row["e"])
    # numbered batches in order, enterprises of no known batch last
    ordered = sorted(groups.items(), key=lambda kv: (kv[0] == "", int(kv[0] or 0)))
    within = ctx.rows(f"SELECT ?c WHERE {{ ?c lg:withinProvince <{iri}> }}")
    name = ctx.label(iri)
    gbcode = first_literal(desc, str(LG.gbCode))
    identifier = schema_org.property_value("GB/T 2260", gbcode) if gbcode else None
    return {
        "kind": "region",
        "name": name,
        "gbcode": gbcode,
        "by_batch": [
            {"batch": ordinal, "enterprises": ctx.links(members)} for ordinal, members in ordered
        ],
        "within": ctx.links(r["c"] for r in within),
        "parents": [ctx.link(p) for p in desc.iris(str(LG.withinProvince))],
        "statements": statements(ctx, desc),
        "schema": schema_org.thing(
            "AdministrativeArea", iri, name, ctx.page_url(iri), identifier=identifier
        ),
    }
