"""A batch's page: declared against known count, its notices, the count claims, its enterprises.

The graph says honestly how complete each batch is: the declared count beside the enterprises
the dataset knows (drawn as a bar), every count a source claims, and the known firms by region.
"""

from __future__ import annotations

from dataclasses import replace

from ontology.namespaces import LG
from ontology.store import GraphStore
from server.describe import Description
from server.links import Links
from server.pages import schema_org
from server.pages.common import LIST_LIMIT, PageContext, first_literal, statements


def batch_page(store: GraphStore, links: Links, desc: Description, lang: str) -> dict[str, object]:
    """The template values of a batch's page, with its schema.org ItemList."""
    ctx = PageContext(store, links, lang)
    iri = desc.iri
    holders = ctx.rows(
        f"SELECT DISTINCT ?e WHERE {{ ?d lg:batch <{iri}> ; lg:holder ?e }} LIMIT {LIST_LIMIT}"
    )
    known = ctx.rows(
        f"SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ ?d lg:batch <{iri}> ; lg:holder ?e }}"
    )
    claims = ctx.rows(
        f"""SELECT ?c ?count ?basis ?src WHERE {{
          <{iri}> lg:countClaim ?c . ?c lg:count ?count .
          OPTIONAL {{ ?c lg:countBasis ?basis }} OPTIONAL {{ ?c dcterms:source ?src }}
        }} ORDER BY ?count"""
    )
    by_region = ctx.rows(
        f"""SELECT ?r (COUNT(DISTINCT ?e) AS ?n) WHERE {{
          ?d lg:batch <{iri}> ; lg:holder ?e . OPTIONAL {{ ?e lg:reportingRegion ?r0 }}
          BIND (COALESCE(?r0, "") AS ?r)
        }} GROUP BY ?r ORDER BY DESC(?n)"""
    )
    ctx.load(r["r"] for r in by_region if r["r"])
    name = ctx.label(iri)
    known_count = int(known[0].get("n", "0")) if known else 0
    members = [row["e"] for row in holders]
    enterprises = ctx.links(members)
    return {
        "kind": "batch",
        "name": name,
        "ordinal": first_literal(desc, str(LG.ordinal)),
        "declared": first_literal(desc, str(LG.declaredCount)),
        "known": known_count,
        "date": first_literal(desc, str(LG.announcementDate)),
        "notices": [ctx.link(d) for d in desc.iris(str(LG.announcedBy))],
        "claims": [
            {"count": r["count"], "basis": r.get("basis", ""), "source": r.get("src", "")}
            for r in claims
        ],
        "enterprises": enterprises,
        "by_region": [
            {"region": ctx.link(r["r"]) if r["r"] else None, "count": int(r["n"])}
            for r in by_region
        ],
        "truncated": known_count > len(holders),
        "statements": statements(ctx, desc),
        "schema": schema_org.item_list(
            iri,
            name,
            ctx.page_url(iri),
            known_count,
            [replace(e, href=ctx.page_url(e.iri)) for e in enterprises],
        ),
    }
