"""An enterprise's page: its names, region and credit code, each designation with its status on a
date (the one definition in ``ontology.temporal``), and the timeline of what happened to them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ontology.namespaces import DCTERMS, LG, OWL
from ontology.store import GraphStore
from ontology.temporal import status_on
from server.describe import Description, pick
from server.i18n import UI
from server.links import Links
from server.pages import schema_org
from server.pages.common import Link, PageContext, first_literal, statements
from server.pages.published_list import listings
from server.pages.sources import sources as marked_sources


@dataclass(frozen=True)
class HeldTitle:
    """One designation as the page's table shows it."""

    link: Link
    tier: Link | None
    batch: Link | None
    valid_from: str
    valid_until: str
    status: str
    status_iri: str
    notices: list[Link]


@dataclass(frozen=True)
class Event:
    """One line of the timeline."""

    date: str
    kind: str
    designation: Link
    document: Link | None
    reason: str


def designations(ctx: PageContext, iri: str, as_of: dt.date) -> list[HeldTitle]:
    """Each designation the enterprise holds: tier, batch, notices, validity, status on ``as_of``.

    The end shown is the last day the title is held: its effective end after every renewal
    (``lg:effectiveUntil``), or the day before an act ended it. The status is labelled by the
    ontology's ``lg:DesignationStatus`` individuals.
    """
    rows = ctx.rows(
        f"""SELECT ?d ?tier ?batch ?from ?until ?ended ?status WHERE {{
          ?d lg:holder <{iri}> .
          OPTIONAL {{ ?d lg:tier ?tier }} OPTIONAL {{ ?d lg:batch ?batch }}
          OPTIONAL {{ ?d lg:validFrom ?from }} OPTIONAL {{ ?d lg:effectiveUntil ?until }}
          OPTIONAL {{ ?d lg:endedOn ?ended }}
          {status_on(as_of)}
        }} ORDER BY ?from ?d"""
    )
    notices = awarding_notices(ctx, iri)
    return [
        HeldTitle(
            link=ctx.link(row["d"]),
            tier=ctx.link(row["tier"]) if "tier" in row else None,
            batch=ctx.link(row["batch"]) if "batch" in row else None,
            valid_from=row.get("from", ""),
            valid_until=last_day_held(row.get("until", ""), row.get("ended", "")),
            status=ctx.label(row["status"]) if "status" in row else "",
            status_iri=row.get("status", ""),
            notices=notices.get(row["d"], []),
        )
        for row in rows
    ]


def last_day_held(effective_until: str, ended_on: str) -> str:
    """The last day a title is held: its effective end, or the day before an act ended it."""
    if not ended_on:
        return effective_until
    before = (dt.date.fromisoformat(ended_on) - dt.timedelta(days=1)).isoformat()
    return min(effective_until, before) if effective_until else before


def awarding_notices(ctx: PageContext, iri: str) -> dict[str, list[Link]]:
    """The notices that awarded each of the enterprise's designations."""
    out: dict[str, list[Link]] = {}
    for row in ctx.rows(f"SELECT ?d ?doc WHERE {{ ?d lg:holder <{iri}> ; lg:awardedBy ?doc }}"):
        out.setdefault(row["d"], []).append(ctx.link(row["doc"]))
    return out


def timeline(ctx: PageContext, iri: str, held: list[HeldTitle]) -> list[Event]:
    """Every event of the enterprise's designations, oldest first, labelled by its kind.

    The kinds are the ontology's subclasses of ``lg:DesignationEvent``; a designation stated
    only by its list (no ``lg:Award`` event) still starts on its ``validFrom``.
    """
    rows = ctx.rows(
        f"""SELECT ?e ?d ?kind ?date ?doc ?reason WHERE {{
          ?d lg:holder <{iri}> . ?e lg:designation ?d ; lg:eventDate ?date ; a ?kind .
          ?kind rdfs:subClassOf lg:DesignationEvent .
          OPTIONAL {{ ?e lg:eventDocument ?doc }}
          OPTIONAL {{ ?e lg:reason ?reason FILTER (lang(?reason) = "{ctx.lang}") }}
        }} ORDER BY ?date"""
    )
    events = [
        Event(
            date=row["date"],
            kind=ctx.label(row["kind"]),
            designation=ctx.link(row["d"]),
            document=ctx.link(row["doc"]) if "doc" in row else None,
            reason=row.get("reason", ""),
        )
        for row in rows
    ]
    awarded = {row["d"] for row in rows if row["kind"] == str(LG.Award)}
    award = ctx.label(str(LG.Award))
    for title in held:
        if title.link.iri not in awarded and title.valid_from:
            notice = title.notices[0] if title.notices else None
            events.append(Event(title.valid_from, award, title.link, notice, ""))
    return sorted([*events, *effective_ends(ctx, iri)], key=lambda e: e.date)


def effective_ends(ctx: PageContext, iri: str) -> list[Event]:
    """The day each title ends: its last ``lg:validUntil`` (a passed review extends it), unless
    a revocation or a failed review ended it first (those are on the timeline already)."""
    rows = ctx.rows(
        f"""SELECT ?d (MAX(?u) AS ?end) WHERE {{
          ?d lg:holder <{iri}> .
          {{ ?d lg:validUntil ?u }}
          UNION {{ ?r lg:designation ?d ; a lg:ReviewPassed ; lg:validUntil ?u }}
          FILTER NOT EXISTS {{ ?x lg:designation ?d ; a ?k ; lg:eventDate ?when .
                              VALUES ?k {{ lg:Revocation lg:ReviewFailed }} FILTER (?when <= ?u) }}
        }} GROUP BY ?d"""
    )
    kind = UI["effective_end"][ctx.lang]
    return [Event(r["end"], kind, ctx.link(r["d"]), None, "") for r in rows if r.get("end")]


def credentials(held: list[HeldTitle]) -> list[schema_org.Json]:
    """The designations as schema.org credentials, named by tier and batch."""
    return [
        schema_org.credential(
            title.link.iri,
            " ".join(x.label for x in (title.tier, title.batch) if x) or title.link.label,
            title.valid_from,
            title.valid_until,
        )
        for title in held
    ]


def enterprise_page(
    store: GraphStore, links: Links, desc: Description, lang: str, as_of: dt.date
) -> dict[str, object]:
    """The template values of an enterprise's page, with its schema.org Organization."""
    ctx = PageContext(store, links, lang)
    iri = desc.iri
    names = desc.literals(str(LG.legalName))
    english = desc.literals(str(LG.englishName))
    former = desc.literals(str(LG.formerName))
    uscc = first_literal(desc, str(LG.uscc))
    regions = [ctx.link(r) for r in desc.iris(str(LG.reportingRegion))]
    held = designations(ctx, iri, as_of)
    ctx.load([iri])
    name = pick(ctx.labels.get(iri), lang, iri)
    sources = ctx.rows(
        f"SELECT DISTINCT ?src WHERE {{ ?d lg:holder <{iri}> . {{ ?d dcterms:source ?src }} "
        # the page read, and the publication it copies or reports (official first below): as
        # the title names it, else every one its page copies (a copy may hold several lists)
        "UNION { ?d prov:hadPrimarySource ?src FILTER isIRI(?src) } "
        "UNION { ?d dcterms:source ?read . ?read prov:hadPrimarySource ?src FILTER isIRI(?src) "
        "FILTER NOT EXISTS { ?d prov:hadPrimarySource ?own } } }"
    )
    schema = schema_org.organisation(
        iri,
        name,
        ctx.page_url(iri),
        legal_names=names,
        alternates=[n for n in (*names[1:], *english, *former) if n != name],
        uscc=uscc,
        region=regions[0] if regions else None,
        credentials=credentials(held),
        same_as=desc.iris(str(OWL.sameAs)),
    )
    return {
        "kind": "enterprise",
        "name": name,
        "names": names,
        "english": english,
        "former": former,
        "uscc": uscc,
        "regions": regions,
        "designations": held,
        "timeline": timeline(ctx, iri, held),
        "as_of": as_of.isoformat(),
        "sources": marked_sources(
            [*(o.value for o in desc.objects(str(DCTERMS.source))), *(r["src"] for r in sources)]
        ),
        "statements": statements(ctx, desc),
        "schema": schema,
        **listings(ctx, iri),
    }
