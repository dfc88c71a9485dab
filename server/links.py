"""Where a client fetches things: on the host that served the document it is reading.

Identifiers stay canonical (``https://w3id.org/littlegiant/id/…``, ``ontology.iris``) whatever
host answers; everything a client must *fetch* to use a document (the JSON-LD ``@context``, page,
feed and collection links, dumps, previews, the endpoint, crawlers' page URLs) is an absolute URL
under the service's public root. That root is ``LG_PUBLIC_URL`` when set (a deployment behind a
proxy that rewrites the host), else the root of the request itself, so the default ``make run``,
a mirror or a CI box each hand out links that work where they run. Absolute rather than
host-relative: a JSON-LD processor given the document without its URL must still find the
context, and ``Link`` headers, sitemaps and DCAT download URLs want absolute URLs too.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from ontology.iris import Iris
from ontology.settings import Settings

__all__ = ["Links", "links_for"]


@dataclass(frozen=True)
class Links:
    """Fetchable URLs on one public root (``http://127.0.0.1:8000``, no trailing slash)."""

    root: str
    iris: Iris

    def url(self, path: str) -> str:
        """The URL of one of the service's paths (``/api/batches?limit=5``).

        Raises:
            ValueError: ``path`` does not start with ``/``.
        """
        if not path.startswith("/"):
            raise ValueError(f"not an absolute path: {path!r}")
        return self.root + path

    def of(self, iri: str) -> str:
        """Where to fetch a description of ``iri``: ours on this root, any other as it is."""
        path = self.iris.relative(iri)
        return self.root + path if path is not None else iri

    def page(self, iri: str, lang: str | None = None) -> str:
        """The HTML page of one of our IRIs (in ``lang`` when given); other IRIs are their own."""
        path = self.iris.relative(iri)
        if path is None:
            return iri
        return self.root + path + ".html" + (f"?lang={lang}" if lang else "")

    def context(self, version: str) -> str:
        """A published JSON-LD @context document."""
        return self.url(f"/ns/context/{version}.jsonld")


def links_for(request: Request, settings: Settings, iris: Iris) -> Links:
    """The links of one request: the configured public URL, else the request's own root."""
    root = settings.public_url or str(request.base_url)
    return Links(root.rstrip("/"), iris)
