"""The page of any other resource (a designation, an authority, a graph): label, types and every
statement, as a schema.org Thing."""

from __future__ import annotations

from ontology.namespaces import RDF
from ontology.store import GraphStore
from server.describe import Description
from server.links import Links
from server.pages import schema_org
from server.pages.common import PageContext, statements


def generic_page(
    store: GraphStore, links: Links, desc: Description, lang: str
) -> dict[str, object]:
    """The template values of a resource page without a page kind of its own."""
    ctx = PageContext(store, links, lang)
    name = ctx.label(desc.iri)
    return {
        "kind": "resource",
        "name": name,
        "types": ctx.links(desc.iris(str(RDF.type))),
        "statements": statements(ctx, desc),
        "schema": schema_org.thing("Thing", desc.iri, name, ctx.page_url(desc.iri)),
    }
