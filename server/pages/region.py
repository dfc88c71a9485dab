"""A reporting region's page: every firm reporting there (a province's page also lists the firms
of the separately-planned cities inside it, marked so), each with batch, tier and status today;
the planned cities within it. (Pages need no script: the map is the home page's.)"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ontology.namespaces import LG
from ontology.store import GraphStore
from ontology.temporal import status_on
from server.describe import Description
from server.i18n import UI
from server.links import Links
from server.pages import schema_org
from server.pages.common import LIST_LIMIT, Link, PageContext, first_literal, statements

NO_BATCH = 10**6  # sorts firms of no known batch last


@dataclass
class RegionFirm:
    """One firm as the region's table shows it: where it reports, each title and its status."""

    link: Link
    region: Link
    titles: list[tuple[Link, str]] = field(default_factory=list)
    first: int = NO_BATCH


def firms(ctx: PageContext, iri: str, day: dt.date) -> list[RegionFirm]:
    """The firms reporting in the region or in a planned city within it, with their titles."""
    rows = ctx.rows(
        f"""SELECT ?e ?r ?what ?ord ?status WHERE {{
          {{ ?e lg:reportingRegion <{iri}> BIND (<{iri}> AS ?r) }}
          UNION {{ ?r lg:withinProvince <{iri}> . ?e lg:reportingRegion ?r }}
          OPTIONAL {{
            ?d lg:holder ?e ; lg:tier ?tier .
            OPTIONAL {{ ?d lg:batch ?b . ?b lg:ordinal ?ord }}
            BIND (COALESCE(?b, ?tier) AS ?what)
            {status_on(day)}
          }}
        }} LIMIT {LIST_LIMIT * 3}"""
    )
    ctx.load(v for r in rows for v in (r["e"], r["r"], r.get("what"), r.get("status")) if v)
    unknown = UI["unknown"][ctx.lang]
    out: dict[str, RegionFirm] = {}
    for r in rows:
        firm = out.setdefault(r["e"], RegionFirm(ctx.link(r["e"]), ctx.link(r["r"])))
        if r.get("what"):
            status = ctx.label(r["status"]) if r.get("status") else unknown
            firm.titles.append((ctx.link(r["what"]), status))
            firm.first = min(firm.first, int(r.get("ord") or NO_BATCH))
    return sorted(out.values(), key=lambda f: (f.first, f.link.label))


def region_page(store: GraphStore, links: Links, desc: Description, lang: str) -> dict[str, object]:
    """The template values of a region's page, with its schema.org AdministrativeArea."""
    ctx = PageContext(store, links, lang)
    iri = desc.iri
    today = dt.datetime.now(dt.UTC).date()
    listed = firms(ctx, iri, today)
    within = ctx.links(
        r["c"] for r in ctx.rows(f"SELECT ?c WHERE {{ ?c lg:withinProvince <{iri}> }}")
    )
    name = ctx.label(iri)
    gbcode = first_literal(desc, str(LG.gbCode))
    identifier = schema_org.property_value("GB/T 2260", gbcode) if gbcode else None
    return {
        "kind": "region",
        "name": name,
        "gbcode": gbcode,
        "firms": listed,
        "as_of": today.isoformat(),
        "within": within,
        "parents": [ctx.link(p) for p in desc.iris(str(LG.withinProvince))],
        "statements": statements(ctx, desc),
        "schema": schema_org.thing(
            "AdministrativeArea", iri, name, ctx.page_url(iri), identifier=identifier
        ),
    }
