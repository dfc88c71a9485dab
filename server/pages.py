"""What each HTML page shows, read from the store, with the schema.org JSON-LD it embeds.

One function per kind of page (enterprise, region, batch, document, anything else, home) returns
the template values; the schema.org object names the page's thing by its canonical IRI (``@id``)
so that a crawler joins the markup to our linked data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from ontology.iris import Iris
from ontology.namespaces import DCTERMS, LG, PREFIXES, RDF
from ontology.store import GraphStore
from ontology.temporal import status_on
from server.describe import Description, label_map, pick

SCHEMA_CONTEXT = "https://schema.org"
LIST_LIMIT = 2000  # rows a page lists before pointing to the paged API

__all__ = ["Link", "batch_page", "document_page", "enterprise_page", "generic_page", "home_page"]

_L = str(LG)
_PREFIX_SPARQL = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())

STATUS_LABELS = {
    f"{_L}StatusActive": {"zh": "有效", "en": "active"},
    f"{_L}StatusExpired": {"zh": "已到期", "en": "expired"},
    f"{_L}StatusRevoked": {"zh": "已撤销", "en": "revoked"},
    f"{_L}StatusNotRenewed": {"zh": "复核未通过", "en": "not renewed"},
}
EVENT_LABELS = {
    f"{_L}Award": {"zh": "认定", "en": "Award"},
    f"{_L}ReviewPassed": {"zh": "复核通过", "en": "Review passed"},
    f"{_L}ReviewFailed": {"zh": "复核未通过", "en": "Review failed"},
    f"{_L}Revocation": {"zh": "撤销", "en": "Revocation"},
    f"{_L}Expiry": {"zh": "到期", "en": "Expiry"},
}


@dataclass(frozen=True)
class Link:
    """A resource as a page shows it: its label and where it lives (a path for ours)."""

    iri: str
    label: str
    href: str


class _Ctx:
    """Labels and links for one page in one language."""

    def __init__(self, store: GraphStore, iris: Iris, lang: str) -> None:
        self.store, self.iris, self.lang = store, iris, lang
        self.labels: dict[str, dict[str, list[str]]] = {}

    def load(self, iris: Iterable[str]) -> None:
        missing = [i for i in iris if i not in self.labels]
        if missing:
            self.labels.update(label_map(self.store, missing))

    def link(self, iri: str) -> Link:
        self.load([iri])
        return Link(iri, pick(self.labels.get(iri), self.lang, _short(iri)), self.href(iri))

    def href(self, iri: str) -> str:
        rel = self.iris.relative(iri)
        if rel is not None:
            return rel
        if iri.startswith(_L):
            return "/ontology#" + iri[len(_L) :]
        return iri

    def label(self, iri: str) -> str:
        return self.link(iri).label

    def rows(self, sparql: str) -> list[dict[str, str]]:
        result = self.store.query(_PREFIX_SPARQL + sparql)
        out = []
        variables = [v.value for v in result.variables]  # type: ignore[attr-defined]
        for solution in result:  # type: ignore[attr-defined]
            row = {}
            for name in variables:
                term = solution[name]
                if term is not None:
                    row[name] = term.value
            out.append(row)
        return out


def _short(iri: str) -> str:
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri.rstrip("/").rsplit("/", 1)[-1]


def _sorted_links(ctx: _Ctx, iris: Iterable[str]) -> list[Link]:
    unique = list(dict.fromkeys(iris))
    ctx.load(unique)
    return sorted((ctx.link(i) for i in unique), key=lambda link: link.label)


def statements(ctx: _Ctx, desc: Description) -> list[dict[str, object]]:
    """Every statement of the description, as (subject?, predicate, object) cells with labels."""
    ctx.load(
        t.object.value
        for t in desc.triples
        if isinstance(t.object, ox.NamedNode) and t.predicate.value != str(RDF.type)
    )
    out: list[dict[str, object]] = []
    for t in desc.triples:
        incoming = t.subject.value != desc.iri
        cell: dict[str, object] = {
            "predicate": Link(
                t.predicate.value, _short(t.predicate.value), ctx.href(t.predicate.value)
            ),
            "incoming": incoming,
        }
        node = t.subject if incoming else t.object
        if isinstance(node, ox.NamedNode):
            cell["link"] = ctx.link(node.value)
        elif isinstance(node, ox.Literal):
            cell["text"] = node.value
            cell["lang"] = node.language or ""
        else:
            cell["text"] = "_:" + node.value
        if isinstance(t.subject, ox.BlankNode):
            cell["blank"] = True
        out.append(cell)
    return out


def _first(desc: Description, predicate: str, lang: str | None = None) -> str:
    values = [o for o in desc.objects(predicate) if isinstance(o, ox.Literal)]
    if lang is not None:
        tagged = [o for o in values if o.language == lang]
        values = tagged or values
    return values[0].value if values else ""


def _all(desc: Description, predicate: str) -> list[str]:
    return [o.value for o in desc.objects(predicate)]


def _types(desc: Description) -> set[str]:
    return set(_all(desc, str(RDF.type)))


def _page_url(iri: str, base: str) -> str:
    return iri + ".html" if iri.startswith(base) else iri


def generic_page(store: GraphStore, iris: Iris, desc: Description, lang: str) -> dict[str, object]:
    """Any resource: its label, types and statements; schema.org ``Thing``."""
    ctx = _Ctx(store, iris, lang)
    name = ctx.label(desc.iri)
    return {
        "kind": "resource",
        "name": name,
        "types": _sorted_links(ctx, _all(desc, str(RDF.type))),
        "statements": statements(ctx, desc),
        "schema": {
            "@context": SCHEMA_CONTEXT,
            "@type": "Thing",
            "@id": desc.iri,
            "name": name,
            "url": _page_url(desc.iri, iris.base),
        },
    }


def enterprise_page(
    store: GraphStore, iris: Iris, desc: Description, lang: str, as_of: dt.date
) -> dict[str, object]:
    """An enterprise: names, region, credit code, designations with status on ``as_of``, events."""
    ctx = _Ctx(store, iris, lang)
    iri = desc.iri
    names = _all(desc, str(LG.legalName))
    english = _all(desc, str(LG.englishName))
    former = _all(desc, str(LG.formerName))
    uscc = _first(desc, str(LG.uscc))
    regions = [ctx.link(r) for r in _all(desc, str(LG.reportingRegion))]
    designations = ctx.rows(
        f"""SELECT ?d ?tier ?batch ?from ?until ?status WHERE {{
          ?d lg:holder <{iri}> .
          OPTIONAL {{ ?d lg:tier ?tier }} OPTIONAL {{ ?d lg:batch ?batch }}
          OPTIONAL {{ ?d lg:validFrom ?from }} OPTIONAL {{ ?d lg:validUntil ?until }}
          {status_on(as_of)}
        }} ORDER BY ?from ?d"""
    )
    awards = ctx.rows(f"""SELECT ?d ?doc WHERE {{ ?d lg:holder <{iri}> ; lg:awardedBy ?doc }}""")
    sources = ctx.rows(
        f"""SELECT DISTINCT ?src WHERE {{ ?d lg:holder <{iri}> ; dcterms:source ?src }}"""
    )
    events = ctx.rows(
        f"""SELECT ?e ?d ?kind ?date ?doc ?reason WHERE {{
          ?d lg:holder <{iri}> . ?e lg:designation ?d ; lg:eventDate ?date ; a ?kind .
          FILTER (?kind != lg:DesignationEvent)
          OPTIONAL {{ ?e lg:eventDocument ?doc }}
          OPTIONAL {{ ?e lg:reason ?reason FILTER (lang(?reason) = "{lang}") }}
        }} ORDER BY ?date"""
    )
    by_designation: dict[str, list[Link]] = {}
    for row in awards:
        by_designation.setdefault(row["d"], []).append(ctx.link(row["doc"]))
    shown = []
    for row in designations:
        status = row.get("status", "")
        shown.append(
            {
                "link": ctx.link(row["d"]),
                "tier": ctx.link(row["tier"]) if "tier" in row else None,
                "batch": ctx.link(row["batch"]) if "batch" in row else None,
                "from": row.get("from", ""),
                "until": row.get("until", ""),
                "status": STATUS_LABELS.get(status, {}).get(lang, ""),
                "status_iri": status,
                "notices": by_designation.get(row["d"], []),
            }
        )
    timeline = []
    for row in events:
        if row["kind"] not in EVENT_LABELS:
            continue
        timeline.append(
            {
                "date": row["date"],
                "kind": EVENT_LABELS[row["kind"]][lang],
                "designation": ctx.link(row["d"]),
                "document": ctx.link(row["doc"]) if "doc" in row else None,
                "reason": row.get("reason", ""),
            }
        )
    # a designation stated only by its list (no lg:Award event) still starts on its validFrom
    awarded = {row["d"] for row in events if row["kind"] == f"{_L}Award"}
    for row in designations:
        if row["d"] not in awarded and row.get("from"):
            notices = by_designation.get(row["d"], [])
            timeline.append(
                {
                    "date": row["from"],
                    "kind": EVENT_LABELS[f"{_L}Award"][lang],
                    "designation": ctx.link(row["d"]),
                    "document": notices[0] if notices else None,
                    "reason": "",
                }
            )
    timeline.sort(key=lambda e: str(e["date"]))
    name = pick(ctx.labels.get(iri) or label_map(store, [iri]).get(iri), lang, iri)
    schema: dict[str, object] = {
        "@context": SCHEMA_CONTEXT,
        "@type": "Organization",
        "@id": iri,
        "name": name,
        "url": _page_url(iri, iris.base),
    }
    if names:
        schema["legalName"] = names[0]
    alternates = [n for n in (*names[1:], *english, *former) if n != name]
    if alternates:
        schema["alternateName"] = alternates
    if uscc:
        schema["identifier"] = {
            "@type": "PropertyValue",
            "propertyID": "统一社会信用代码 (Unified Social Credit Code, GB 32100-2015)",
            "value": uscc,
        }
    if regions:
        schema["address"] = {
            "@type": "PostalAddress",
            "addressRegion": regions[0].label,
            "addressCountry": "CN",
        }
    credentials = []
    for item in shown:
        label = " ".join(
            x
            for x in (
                item["tier"].label if item["tier"] else "",
                item["batch"].label if item["batch"] else "",
            )
            if x
        )
        credential: dict[str, object] = {
            "@type": "EducationalOccupationalCredential",
            "@id": item["link"].iri,
            "name": label or item["link"].label,
            "credentialCategory": "专精特新“小巨人”企业",
            "recognizedBy": {
                "@type": "GovernmentOrganization",
                "name": "中华人民共和国工业和信息化部",
            },
        }
        if item["from"]:
            credential["validFrom"] = item["from"]
        if item["until"]:
            credential["expires"] = item["until"]
        credentials.append(credential)
    if credentials:
        schema["hasCredential"] = credentials
        schema["award"] = [c["name"] for c in credentials]
    same = [o.value for o in desc.objects("http://www.w3.org/2002/07/owl#sameAs")]
    if same:
        schema["sameAs"] = same
    return {
        "kind": "enterprise",
        "name": name,
        "names": names,
        "english": english,
        "former": former,
        "uscc": uscc,
        "regions": regions,
        "designations": shown,
        "timeline": timeline,
        "as_of": as_of.isoformat(),
        "sources": list(
            dict.fromkeys([*_all(desc, str(DCTERMS.source)), *(r["src"] for r in sources)])
        ),
        "statements": statements(ctx, desc),
        "schema": schema,
    }


def region_page(store: GraphStore, iris: Iris, desc: Description, lang: str) -> dict[str, object]:
    """A reporting region: its enterprises grouped by batch, and the planned cities within it."""
    ctx = _Ctx(store, iris, lang)
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
    by_batch = [
        {"batch": ordinal, "enterprises": _sorted_links(ctx, members)}
        for ordinal, members in sorted(
            groups.items(), key=lambda kv: (kv[0] == "", int(kv[0] or 0))
        )
    ]
    within = ctx.rows(f"SELECT ?c WHERE {{ ?c lg:withinProvince <{iri}> }}")
    name = ctx.label(iri)
    gbcode = _first(desc, str(LG.gbCode))
    schema: dict[str, object] = {
        "@context": SCHEMA_CONTEXT,
        "@type": "AdministrativeArea",
        "@id": iri,
        "name": name,
        "url": _page_url(iri, iris.base),
    }
    if gbcode:
        schema["identifier"] = {
            "@type": "PropertyValue",
            "propertyID": "GB/T 2260",
            "value": gbcode,
        }
    return {
        "kind": "region",
        "name": name,
        "gbcode": gbcode,
        "by_batch": by_batch,
        "within": _sorted_links(ctx, [r["c"] for r in within]),
        "parents": [ctx.link(p) for p in _all(desc, str(LG.withinProvince))],
        "statements": statements(ctx, desc),
        "schema": schema,
    }


def batch_page(store: GraphStore, iris: Iris, desc: Description, lang: str) -> dict[str, object]:
    """A batch: declared vs known count, its notices, the count claims and its enterprises."""
    ctx = _Ctx(store, iris, lang)
    iri = desc.iri
    holders = ctx.rows(
        f"""SELECT DISTINCT ?e WHERE {{ ?d lg:batch <{iri}> ; lg:holder ?e }} LIMIT {LIST_LIMIT}"""
    )
    known = ctx.rows(
        f"""SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ ?d lg:batch <{iri}> ; lg:holder ?e }}"""
    )
    claims = ctx.rows(
        f"""SELECT ?c ?count ?basis ?src WHERE {{
          <{iri}> lg:countClaim ?c . ?c lg:count ?count .
          OPTIONAL {{ ?c lg:countBasis ?basis }} OPTIONAL {{ ?c dcterms:source ?src }}
        }} ORDER BY ?count"""
    )
    name = ctx.label(iri)
    declared = _first(desc, str(LG.declaredCount))
    known_count = int(known[0].get("n", "0")) if known else 0
    notices = [ctx.link(d) for d in _all(desc, str(LG.announcedBy))]
    schema: dict[str, object] = {
        "@context": SCHEMA_CONTEXT,
        "@type": "ItemList",
        "@id": iri,
        "name": name,
        "url": _page_url(iri, iris.base),
        "numberOfItems": known_count,
        "itemListElement": [
            {"@type": "ListItem", "position": i + 1, "item": {"@id": row["e"]}}
            for i, row in enumerate(holders[:100])
        ],
    }
    return {
        "kind": "batch",
        "name": name,
        "ordinal": _first(desc, str(LG.ordinal)),
        "declared": declared,
        "known": known_count,
        "date": _first(desc, str(LG.announcementDate)),
        "notices": notices,
        "claims": [
            {
                "count": r["count"],
                "basis": r.get("basis", ""),
                "source": r.get("src", ""),
            }
            for r in claims
        ],
        "enterprises": _sorted_links(ctx, [r["e"] for r in holders]),
        "truncated": known_count > len(holders),
        "statements": statements(ctx, desc),
        "schema": schema,
    }


def document_page(store: GraphStore, iris: Iris, desc: Description, lang: str) -> dict[str, object]:
    """A regulatory document: metadata, citations both ways, what it announced and awarded."""
    ctx = _Ctx(store, iris, lang)
    iri = desc.iri
    cited_by = ctx.rows(f"SELECT ?d WHERE {{ ?d lg:cites <{iri}> }}")
    awarded = ctx.rows(
        f"""SELECT DISTINCT ?e WHERE {{ ?d lg:awardedBy <{iri}> ; lg:holder ?e }}
        LIMIT {LIST_LIMIT}"""
    )
    name = ctx.label(iri)
    number = _first(desc, str(LG.documentNumber))
    title = _first(desc, str(DCTERMS.title), "zh")
    translation = _first(desc, str(LG.titleTranslation))
    issuers = [ctx.link(i) for i in _all(desc, str(LG.issuer))]
    cites = _sorted_links(ctx, _all(desc, str(LG.cites)))
    written = _first(desc, str(LG.dateWritten))
    published = _first(desc, str(LG.datePublished))
    schema: dict[str, object] = {
        "@context": SCHEMA_CONTEXT,
        "@type": "Legislation",
        "@id": iri,
        "name": title or translation or number or name,
        "url": _page_url(iri, iris.base),
        "inLanguage": "zh",
    }
    if number:
        schema["legislationIdentifier"] = number
    if translation:
        schema["alternateName"] = translation
    if written:
        schema["legislationDate"] = written
    if published:
        schema["datePublished"] = published
    if issuers:
        schema["legislationPassedBy"] = [
            {"@type": "GovernmentOrganization", "@id": i.iri, "name": i.label} for i in issuers
        ]
    if cites:
        schema["citation"] = [{"@id": c.iri, "name": c.label} for c in cites]
    schema["sameAs"] = _all(desc, str(DCTERMS.source))
    return {
        "kind": "document",
        "name": title or translation or number or name,
        "number": number,
        "title": title,
        "translation": translation,
        "issuers": issuers,
        "written": written,
        "published": published,
        "kinds": [ctx.link(k) for k in _all(desc, str(LG.documentKind))],
        "cites": cites,
        "cited_by": _sorted_links(ctx, [r["d"] for r in cited_by]),
        "announces": _sorted_links(ctx, _all(desc, str(LG.announces))),
        "awarded": _sorted_links(ctx, [r["e"] for r in awarded]),
        "sources": _all(desc, str(DCTERMS.source)),
        "statements": statements(ctx, desc),
        "schema": schema,
    }


def home_page(store: GraphStore, iris: Iris, lang: str, site_url: str) -> dict[str, object]:
    """The home page: counts of what the dataset holds and the batches with their completeness."""
    ctx = _Ctx(store, iris, lang)
    counts = {}
    for key, cls in (
        ("enterprises", LG.Enterprise),
        ("designations", LG.Designation),
        ("documents", LG.RegulatoryDocument),
        ("batches", LG.Batch),
    ):
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
    rows = [
        {
            "link": ctx.link(r["b"]),
            "ordinal": r["ord"],
            "declared": r.get("declared", ""),
            "known": r.get("known", "0"),
        }
        for r in batches
    ]
    schema = {
        "@context": SCHEMA_CONTEXT,
        "@type": "Dataset",
        "@id": iris.base + "/dataset",
        "name": "专精特新“小巨人”企业知识图谱 (Little Giant KG)",
        "url": site_url,
        "description": "Linked data on MIIT's 专精特新“小巨人” enterprise program, with sources.",
        "license": "https://www.apache.org/licenses/LICENSE-2.0",
        "distribution": [
            {
                "@type": "DataDownload",
                "encodingFormat": "application/n-quads",
                "contentUrl": iris.base + "/dumps/littlegiant.nq.gz",
            }
        ],
    }
    return {
        "kind": "home",
        "name": schema["name"],
        "counts": counts,
        "batches": rows,
        "schema": schema,
    }
