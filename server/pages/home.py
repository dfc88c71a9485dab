"""The home page: what the dataset holds, and each batch with its declared and known count."""

from __future__ import annotations

from ontology.namespaces import LG
from ontology.store import GraphStore
from ontology.store.dumps import DUMP_NAME
from server.links import Links
from server.pages import schema_org
from server.pages.common import PageContext
from server.pages.overview import overview

NAME = "专精特新“小巨人”企业知识图谱 (Little Giant KG)"
COUNTED = (
    ("enterprises", LG.Enterprise),
    ("designations", LG.Designation),
    ("documents", LG.RegulatoryDocument),
    ("batches", LG.Batch),
)


def home_page(store: GraphStore, links: Links, lang: str) -> dict[str, object]:
    """The template values of the home page, with the schema.org Dataset."""
    ctx = PageContext(store, links, lang)
    counts: dict[str, int] = {}
    for key, cls in COUNTED:
        row = ctx.rows(f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a <{cls}> }}")
        counts[key] = int(row[0].get("n", "0")) if row else 0
    counts["triples"] = len(store)
    batches = ctx.rows(
        """SELECT ?b ?ord ?declared (COUNT(DISTINCT ?e) AS ?known) WHERE {
          ?b a lg:Batch ; lg:ordinal ?ord .
          OPTIONAL { ?b lg:declaredCount ?declared }
          OPTIONAL { ?d lg:batch ?b ; lg:holder ?e }
        } GROUP BY ?b ?ord ?declared ORDER BY ?ord"""
    )
    return {
        "kind": "home",
        "name": NAME,
        "counts": counts,
        "batches": [
            {
                "link": ctx.link(r["b"]),
                "ordinal": r["ord"],
                "declared": r.get("declared", ""),
                "known": r.get("known", "0"),
            }
            for r in batches
        ],
        "overview": overview(ctx, batches),
        "schema": schema_org.dataset(
            links, lang, download=schema_org.data_download(links.url(f"/dumps/{DUMP_NAME}"))
        ),
    }
