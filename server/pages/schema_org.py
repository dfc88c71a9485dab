"""The schema.org JSON-LD each page embeds (https://schema.org/), naming its thing by our IRI.

The ``@id`` is the canonical IRI, so that a crawler joins the markup to the linked data.
"""

from __future__ import annotations

from collections.abc import Sequence

from server.pages.common import Link
from server.void import LICENSE

CONTEXT = "https://schema.org"
MIIT = "中华人民共和国工业和信息化部"
# the credit code as an identifier others hold: Wikidata's property for it (P6795) names it
USCC_PROPERTY = "https://www.wikidata.org/wiki/Property:P6795"
USCC_NAME = "统一社会信用代码 (Unified Social Credit Code, GB 32100-2015)"

Json = dict[str, object]


def thing(schema_type: str, iri: str, name: str, url: str, **extra: object) -> Json:
    """A node of ``schema_type`` with its IRI, name and page URL (empty extras left out)."""
    node: Json = {"@context": CONTEXT, "@type": schema_type, "@id": iri, "name": name, "url": url}
    node.update({k: v for k, v in extra.items() if v not in (None, "", [])})
    return node


def property_value(property_id: str, value: str, name: str | None = None) -> Json:
    node: Json = {"@type": "PropertyValue", "propertyID": property_id, "value": value}
    if name:
        node["name"] = name
    return node


def credential(iri: str, name: str, valid_from: str, until: str) -> Json:
    """A Little Giant designation as an EducationalOccupationalCredential MIIT recognises."""
    node: Json = {
        "@type": "EducationalOccupationalCredential",
        "@id": iri,
        "name": name,
        "credentialCategory": "专精特新“小巨人”企业",
        "recognizedBy": {"@type": "GovernmentOrganization", "name": MIIT},
    }
    if valid_from:
        node["validFrom"] = valid_from
    if until:
        node["expires"] = until
    return node


def organisation(
    iri: str,
    name: str,
    url: str,
    *,
    legal_names: Sequence[str],
    alternates: Sequence[str],
    uscc: str,
    region: Link | None,
    credentials: Sequence[Json],
    same_as: Sequence[str],
) -> Json:
    """An enterprise: legal name, other names, credit code, region and its designations."""
    return thing(
        "Organization",
        iri,
        name,
        url,
        legalName=legal_names[0] if legal_names else None,
        alternateName=list(alternates),
        identifier=property_value(USCC_PROPERTY, uscc, USCC_NAME) if uscc else None,
        taxID=uscc or None,  # since 2015 the credit code is also the taxpayer number
        address={"@type": "PostalAddress", "addressRegion": region.label, "addressCountry": "CN"}
        if region
        else None,
        hasCredential=list(credentials),
        award=[c["name"] for c in credentials],
        sameAs=list(same_as),
    )


def item_list(iri: str, name: str, url: str, count: int, members: Sequence[str]) -> Json:
    """A batch: the number of enterprises known, the first hundred as list items."""
    return thing(
        "ItemList",
        iri,
        name,
        url,
        numberOfItems=count,
        itemListElement=[
            {"@type": "ListItem", "position": i + 1, "item": {"@id": member}}
            for i, member in enumerate(members[:100])
        ],
    )


def legislation(
    iri: str,
    name: str,
    url: str,
    *,
    number: str,
    translation: str,
    written: str,
    published: str,
    issuers: Sequence[Link],
    cites: Sequence[Link],
    sources: Sequence[str],
) -> Json:
    """A regulatory document: its number, dates, issuers, citations and source pages."""
    node = thing(
        "Legislation",
        iri,
        name,
        url,
        inLanguage="zh",
        legislationIdentifier=number,
        alternateName=translation,
        legislationDate=written,
        datePublished=published,
        legislationPassedBy=[
            {"@type": "GovernmentOrganization", "@id": i.iri, "name": i.label} for i in issuers
        ],
        citation=[{"@id": c.iri, "name": c.label} for c in cites],
    )
    node["sameAs"] = list(sources)
    return node


def dataset(iri: str, name: str, url: str, dump_url: str) -> Json:
    """The dataset as a whole, with its bulk download."""
    return thing(
        "Dataset",
        iri,
        name,
        url,
        description="Linked data on MIIT's 专精特新“小巨人” enterprise program, with sources.",
        license=LICENSE,
        distribution=[
            {
                "@type": "DataDownload",
                "encodingFormat": "application/n-quads",
                "contentUrl": dump_url,
            }
        ],
    )
