"""A regulatory document's page: its number, dates and issuers, citations both ways, what it
announced and awarded, and its sources with the official publication first, mirrors after."""

from __future__ import annotations

from ontology.namespaces import DCTERMS, LG
from ontology.store import GraphStore
from server.describe import Description
from server.links import Links
from server.pages import schema_org
from server.pages.common import LIST_LIMIT, PageContext, first_literal, statements
from server.pages.published_list import list_values
from server.pages.sources import sources as marked_sources


def document_page(
    store: GraphStore, links: Links, desc: Description, lang: str
) -> dict[str, object]:
    """The template values of a document's page, with its schema.org Legislation."""
    ctx = PageContext(store, links, lang)
    iri = desc.iri
    cited_by = ctx.rows(f"SELECT ?d WHERE {{ ?d lg:cites <{iri}> }}")
    awarded = ctx.rows(
        f"""SELECT DISTINCT ?e WHERE {{ ?d lg:awardedBy <{iri}> ; lg:holder ?e }}
        LIMIT {LIST_LIMIT}"""
    )
    number = first_literal(desc, str(LG.documentNumber))
    title = first_literal(desc, str(DCTERMS.title), "zh")
    translation = first_literal(desc, str(LG.titleTranslation))
    name = title or translation or number or ctx.label(iri)
    issuers = [ctx.link(i) for i in desc.iris(str(LG.issuer))]
    cites = ctx.links(desc.iris(str(LG.cites)))
    written = first_literal(desc, str(LG.dateWritten))
    published = first_literal(desc, str(LG.datePublished))
    sources = marked_sources(o.value for o in desc.objects(str(DCTERMS.source)))
    schema = schema_org.legislation(
        iri,
        name,
        ctx.page_url(iri),
        number=number,
        translation=translation,
        written=written,
        published=published,
        issuers=issuers,
        cites=cites,
        sources=[s.url for s in sources],
    )
    return {
        "kind": "document",
        "name": name,
        "number": number,
        "title": title,
        "translation": translation,
        "issuers": issuers,
        "written": written,
        "published": published,
        "kinds": [ctx.link(k) for k in desc.iris(str(LG.documentKind))],
        "cites": cites,
        "cited_by": ctx.links(r["d"] for r in cited_by),
        "announces": ctx.links(desc.iris(str(LG.announces))),
        "awarded": ctx.links(r["e"] for r in awarded),
        "sources": sources,
        "statements": statements(ctx, desc),
        "schema": schema,
        **list_values(ctx, desc),
    }
