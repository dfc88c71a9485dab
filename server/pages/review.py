"""A re-review round's page (复核): the batches it reviewed, the firms that passed (with the new
end of their title) and those that failed, each with its region and the date the source gives."""

from __future__ import annotations

from dataclasses import dataclass

from ontology.iris import Iris
from ontology.namespaces import LG
from ontology.store import GraphStore
from server.describe import Description
from server.links import Links
from server.pages import schema_org
from server.pages.common import LIST_LIMIT, Link, PageContext, first_literal, statements


@dataclass(frozen=True)
class Outcome:
    """One firm's outcome in the round: where it reports, the date, the title's new end."""

    link: Link
    region: Link | None
    date: str
    until: str


def outcomes(ctx: PageContext, iri: str, kind: str) -> list[Outcome]:
    """The firms with a ``kind`` event (lg:ReviewPassed, lg:ReviewFailed) in this round."""
    rows = ctx.rows(
        f"""SELECT ?e ?r ?date ?until WHERE {{
          ?ev lg:reviewRound <{iri}> ; a {kind} ; lg:designation ?d .
          ?d lg:holder ?e .
          OPTIONAL {{ ?ev lg:eventDate ?date }} OPTIONAL {{ ?ev lg:validUntil ?until }}
          OPTIONAL {{ ?e lg:reportingRegion ?r }}
        }} LIMIT {LIST_LIMIT}"""
    )
    ctx.load(v for r in rows for v in (r["e"], r.get("r")) if v)
    found = {
        r["e"]: Outcome(
            ctx.link(r["e"]),
            ctx.link(r["r"]) if r.get("r") else None,
            r.get("date", ""),
            r.get("until", ""),
        )
        for r in rows
    }
    return sorted(found.values(), key=lambda o: (o.region.label if o.region else "", o.link.label))


def review_page(
    store: GraphStore, iris: Iris | Links, desc: Description, lang: str
) -> dict[str, object]:
    """The template values of a review round's page."""
    ctx = PageContext(store, iris, lang)
    iri = desc.iri
    name = ctx.label(iri)
    return {
        "kind": "review",
        "name": name,
        "year": first_literal(desc, str(LG.year)),
        "batches": ctx.links(desc.iris(str(LG.reviewedBatch))),
        "notices": ctx.links(desc.iris(str(LG.announcedBy))),
        "passed": outcomes(ctx, iri, "lg:ReviewPassed"),
        "failed": outcomes(ctx, iri, "lg:ReviewFailed"),
        "statements": statements(ctx, desc),
        "schema": schema_org.thing("Event", iri, name, ctx.page_url(iri)),
    }
