"""The schema.org JSON-LD each page embeds (https://schema.org/), naming its thing by our IRI.

The ``@id`` is the canonical IRI, so that a crawler joins the markup to the linked data.
"""

from __future__ import annotations

from collections.abc import Sequence

from ontology.store.dumps import Dump
from server.links import Links
from server.pages.common import Link
from server.void import DESCRIPTION, LICENSE, PUBLISHER, TITLES

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
    """A Little Giant designation as a schema.org ``Certification``: a status a ministry grants an
    organisation after assessing it against published criteria, for a period (validFrom,
    expires). ``EducationalOccupationalCredential`` is earned by a person's education or work,
    and an ``award`` is a prize with no period; neither says what the title is."""
    node: Json = {
        "@type": "Certification",
        "@id": iri,
        "name": name,
        "issuedBy": {"@type": "GovernmentOrganization", "name": MIIT},
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
        hasCertification=list(credentials),
        award=[c["name"] for c in credentials],
        sameAs=list(same_as),
    )


def item_list(iri: str, name: str, url: str, count: int, members: Sequence[Link]) -> Json:
    """A batch: the number of enterprises the dataset knows in it (``numberOfItems``; the
    notice's declared count is stated apart), the first hundred as list items, each with its
    name and page (``members``' ``href`` is the page on the serving host)."""
    return thing(
        "ItemList",
        iri,
        name,
        url,
        numberOfItems=count,
        itemListElement=[
            {
                "@type": "ListItem",
                "position": i + 1,
                "name": member.label,
                "url": member.href,
                "item": {"@type": "Organization", "@id": member.iri, "name": member.label},
            }
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
    # the pages a source copy was read from (often a news mirror): about the document, not it
    node["subjectOf"] = [{"@type": "WebPage", "url": source} for source in sources]
    return node


def dataset(
    links: Links, lang: str, *, download: Json | None, period: tuple[str, str] | None = None
) -> Json:
    """The dataset for dataset search engines (schema.org Dataset, as Google's dataset search
    reads it): who makes and publishes it, where its facts come from, the period and the place it
    covers, its licence, and its bulk download; named and described as the VoID and DCAT say."""
    publisher = {
        "@type": "Organization",
        "@id": str(links.iris.agent("littlegiant-kg-project")),
        "name": in_language(PUBLISHER, lang),
        "url": links.url("/"),
    }
    return thing(
        "Dataset",
        str(links.iris.dataset()),
        in_language(TITLES, lang),
        links.page(str(links.iris.dataset()), lang),
        alternateName=[title for title, tag in TITLES if tag != lang],
        description=DESCRIPTION,
        inLanguage=["zh", "en"],
        keywords=["专精特新", "小巨人", "Little Giant", "SME", "MIIT", "linked data"],
        license=LICENSE,
        isAccessibleForFree=True,
        creator=publisher,
        publisher=publisher,
        sourceOrganization={"@type": "GovernmentOrganization", "name": MIIT},
        temporalCoverage=f"{period[0]}/{period[1]}" if period else None,
        spatialCoverage={
            "@type": "Country",
            "name": "中华人民共和国" if lang == "zh" else "People's Republic of China",
            "identifier": "CN",  # ISO 3166-1 alpha-2
        },
        distribution=[download] if download else [],
    )


def data_download(url: str, dump: Dump | None = None) -> Json:
    """The bulk download (gzip-compressed N-Quads), with its size and checksum when published."""
    node: Json = {
        "@type": "DataDownload",
        "encodingFormat": "application/n-quads",
        "contentUrl": url,
    }
    if dump is not None:
        node.update(
            name=dump.name,
            description="N-Quads, gzip-compressed",
            contentSize=f"{dump.size} B",
            sha256=dump.sha256,
            uploadDate=dump.created,
        )
    return node


def in_language(texts: Sequence[tuple[str, str]], lang: str) -> str:
    """The text tagged ``lang`` among (text, tag) pairs, else the first."""
    return next((text for text, tag in texts if tag == lang), texts[0][0])
