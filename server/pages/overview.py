"""The home page's overview, as data for its charts: enterprises per reporting region (in all,
and by batch, tier and list), declared against known per batch, and the documents by date.

Everything is counted from the store when the page is built and handed to the page as one JSON
object; the browser only draws it (``static/overview.js``), so the numbers a chart shows are the
numbers the page's own tables show without JavaScript.
"""

from __future__ import annotations

from collections.abc import Iterable

from server.pages.common import Link, PageContext

# the facets the map can be switched by: name → the designation's property holding the value
SHORT_ENOUGH = 16  # characters of an English name that fit a map square
FACETS = (("batch", "lg:batch"), ("tier", "lg:tier"), ("list", "lg:awardedBy"))


def regions(ctx: PageContext) -> list[dict[str, str]]:
    """Every reporting region: IRI, page, label, a name short enough for a map square (the
    shortest Chinese name, 北京 for 北京市; the English name unless long, XPCC for the corps),
    kind, and the province a planned city lies in."""
    rows = ctx.rows(
        f"""SELECT ?r ?kind ?within ?l ?alt WHERE {{
          VALUES ?kind {{ lg:Province lg:PlannedCity lg:ProductionConstructionCorps }}
          ?r a ?kind . OPTIONAL {{ ?r lg:withinProvince ?within }}
          OPTIONAL {{
            {{ ?r skos:prefLabel ?l BIND (false AS ?alt) }}
            UNION {{ ?r skos:altLabel ?l BIND (true AS ?alt) }}
            FILTER (LANGMATCHES(LANG(?l), "{ctx.lang}"))
          }}
        }}"""
    )
    ctx.load(r["r"] for r in rows)
    names: dict[str, list[str]] = {}
    preferred: dict[str, str] = {}
    out: dict[str, dict[str, str]] = {}
    for r in rows:
        link = ctx.link(r["r"])
        out[link.iri] = {
            "iri": link.iri,
            "href": link.href,
            "label": link.label,
            "kind": r["kind"].rsplit("#", 1)[-1],
            "within": r.get("within", ""),
        }
        if r.get("l"):
            names.setdefault(link.iri, []).append(r["l"])
            if r.get("alt") == "false":
                preferred[link.iri] = r["l"]
    for iri, region in out.items():
        own = preferred.get(iri, "")
        if ctx.lang == "en" and own and len(own) <= SHORT_ENOUGH:
            region["short"] = own
        else:
            region["short"] = min(names.get(iri) or [region["label"]], key=len)
    return sorted(out.values(), key=lambda r: r["iri"])


def region_counts(ctx: PageContext) -> dict[str, dict[str, int]]:
    """Known enterprises per region: under ``""`` in all, under a facet value's IRI by facet."""
    counts: dict[str, dict[str, int]] = {"": {}}
    for r in ctx.rows(
        """SELECT ?r (COUNT(DISTINCT ?e) AS ?n) WHERE {
          ?e a lg:Enterprise ; lg:reportingRegion ?r } GROUP BY ?r"""
    ):
        counts[""][r["r"]] = int(r["n"])
    for _, prop in FACETS:
        for r in ctx.rows(
            f"""SELECT ?v ?r (COUNT(DISTINCT ?e) AS ?n) WHERE {{
              ?d a lg:Designation ; lg:holder ?e ; {prop} ?v . ?e lg:reportingRegion ?r
            }} GROUP BY ?v ?r"""
        ):
            counts.setdefault(r["v"], {})[r["r"]] = int(r["n"])
    return counts


def facet_values(ctx: PageContext) -> dict[str, list[dict[str, str]]]:
    """The values each facet takes on some designation, labelled, in a reader's order."""
    out: dict[str, list[dict[str, str]]] = {}
    for name, prop in FACETS:
        rows = ctx.rows(
            f"""SELECT ?v (MIN(?o) AS ?ord) (MIN(?when) AS ?date) WHERE {{
              ?d a lg:Designation ; {prop} ?v .
              OPTIONAL {{ ?v lg:ordinal ?o }}
              OPTIONAL {{ ?v lg:datePublished|lg:dateWritten ?when }}
            }} GROUP BY ?v"""
        )
        links = {link.iri: link for link in ctx.links(r["v"] for r in rows)}
        order = sorted(
            rows,
            key=lambda r: (int(r.get("ord") or 0), r.get("date", ""), links[r["v"]].label),
        )
        out[name] = [_link_json(links[r["v"]]) for r in order]
    return out


def unplaced(ctx: PageContext) -> int:
    """Enterprises the dataset knows without a reporting region (the map cannot show them)."""
    rows = ctx.rows(
        """SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {
          ?e a lg:Enterprise FILTER NOT EXISTS { ?e lg:reportingRegion ?r } }"""
    )
    return int(rows[0].get("n", "0")) if rows else 0


def documents(ctx: PageContext) -> list[dict[str, str]]:
    """Each document with a date (published, else written), its kind and its page."""
    rows = ctx.rows(
        """SELECT ?doc (MIN(?when) AS ?date) (SAMPLE(?k) AS ?kind) WHERE {
          ?doc a lg:RegulatoryDocument .
          { ?doc lg:datePublished ?when } UNION
          { ?doc lg:dateWritten ?when FILTER NOT EXISTS { ?doc lg:datePublished ?p } }
          OPTIONAL { ?doc lg:documentKind ?k }
        } GROUP BY ?doc ORDER BY ?date"""
    )
    ctx.load([r["doc"] for r in rows] + [r["kind"] for r in rows if r.get("kind")])
    return [
        {
            **_link_json(ctx.link(r["doc"])),
            "date": r["date"],
            "kind": ctx.label(r["kind"]) if r.get("kind") else "",
        }
        for r in rows
    ]


def overview(ctx: PageContext, batches: Iterable[dict[str, str]]) -> dict[str, object]:
    """The JSON the overview's charts draw (``batches``: the home page's batch rows)."""
    return {
        "regions": regions(ctx),
        "counts": region_counts(ctx),
        "facets": facet_values(ctx),
        "unplaced": unplaced(ctx),
        "batches": [
            {
                **_link_json(ctx.link(b["b"])),
                "declared": int(b["declared"]) if b.get("declared") else None,
                "known": int(b.get("known", "0")),
            }
            for b in batches
        ],
        "documents": documents(ctx),
    }


def _link_json(link: Link) -> dict[str, str]:
    return {"iri": link.iri, "href": link.href, "label": link.label}
