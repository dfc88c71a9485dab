"""What a published list's page adds to its document page: how many rows the list prints, how
many of them this dataset resolved to an enterprise, its fiscal-support batch, the official
attachment it copies, and its entries in 序号 order (printed name, printed region, the firm).

A list read through a copy says so: the copy is its source, the official file its primary
source, both shown."""

from __future__ import annotations

from ontology.namespaces import LG, PROV, RDF
from server.describe import Description
from server.pages.common import LIST_LIMIT, PageContext, first_literal


def list_values(ctx: PageContext, desc: Description) -> dict[str, object]:
    """Template values for a lg:PublishedList (empty for any other document)."""
    if str(LG.PublishedList) not in desc.iris(str(RDF.type)):
        return {}
    iri = desc.iri
    entries = ctx.rows(
        f"""SELECT ?x ?pos ?name ?region ?e WHERE {{
          ?x lg:inList <{iri}> ; lg:position ?pos ; lg:printedName ?name .
          OPTIONAL {{ ?x lg:printedRegion ?region }} OPTIONAL {{ ?x lg:listedEnterprise ?e }}
        }} ORDER BY ?pos LIMIT {LIST_LIMIT}"""
    )
    ctx.load(r["e"] for r in entries if r.get("e"))
    size = first_literal(desc, str(LG.entryCount))
    known = first_literal(desc, str(LG.knownEntryCount))
    return {
        "list_size": size,
        "list_known": known,
        "list_complete": bool(size) and size == known,
        "fiscal_batch": ctx.links(desc.iris(str(LG.fiscalBatch))),
        "support_year": first_literal(desc, str(LG.supportYear)),
        "primary_sources": desc.iris(str(PROV.hadPrimarySource)),
        "entries": [
            {
                "position": r["pos"],
                "href": ctx.href(r["x"]),
                "name": r["name"],
                "region": r.get("region", ""),
                "firm": ctx.link(r["e"]) if r.get("e") else None,
            }
            for r in entries
        ],
    }


def listings(ctx: PageContext, enterprise: str) -> dict[str, object]:
    """An enterprise's fiscal supports (batch, years) and the list rows that name it, each with
    the copy it was read from and the official file that copy reproduces."""
    supports = ctx.rows(
        f"""SELECT ?s ?b (GROUP_CONCAT(DISTINCT STR(?y); separator=", ") AS ?years) WHERE {{
          ?s a lg:FiscalSupport ; lg:holder <{enterprise}> ; lg:fiscalBatch ?b .
          OPTIONAL {{ ?s lg:supportYear ?y }} }} GROUP BY ?s ?b ORDER BY ?b"""
    )
    entries = ctx.rows(
        f"""SELECT ?x ?l ?pos ?name (SAMPLE(?src) AS ?via) (SAMPLE(?pdf) AS ?primary) WHERE {{
          ?x lg:listedEnterprise <{enterprise}> ; lg:inList ?l ; lg:position ?pos ;
             lg:printedName ?name .
          OPTIONAL {{ ?x dcterms:source ?src }} OPTIONAL {{ ?x prov:hadPrimarySource ?pdf }}
        }} GROUP BY ?x ?l ?pos ?name ORDER BY ?l ?pos"""
    )
    ctx.load([*(r["b"] for r in supports), *(r["l"] for r in entries)])
    return {
        "supports": [
            {"link": ctx.link(r["s"]), "batch": ctx.link(r["b"]), "years": r.get("years", "")}
            for r in supports
        ],
        "listed": [
            {
                "list": ctx.link(r["l"]),
                "href": ctx.href(r["x"]),
                "position": r["pos"],
                "name": r["name"],
                "via": r.get("via", ""),
                "primary": r.get("primary", ""),
            }
            for r in entries
        ],
    }
