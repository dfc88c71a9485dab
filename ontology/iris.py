"""The URI scheme: the one place where identifiers become IRIs and IRIs become identifiers.

Every IRI is minted under one fixed base, :data:`CANONICAL_BASE` (``https://w3id.org/littlegiant``):
a namespace that does not depend on where the service runs (w3id.org redirects it to the
deployment; ``docs/w3id/`` holds the rules). No setting changes it, so two deployments can never
publish one firm under two IRIs; a mirror or development host maps its own base to these IRIs
(``LG_ALIAS_BASES``, answered with 301), it never mints IRIs of its own.

Patterns (all under the canonical base):

    /id/enterprise/{key}          key minted once in data/registry/enterprises.csv
    /id/province/{gbcode}         the 31 provincial-level divisions, GB/T 2260
    /id/region/{code}             separately-planned cities (GB/T 2260) and ``xpcc``
    /id/authority/{slug}
    /id/document/{slug}           slug from the 文号 (data/registry/documents.csv)
    /id/batch/{n}
    /id/review/{year}             a re-review round (复核), e.g. /id/review/2022
    /id/designation/{key}-{tier}-{batch}   tier slug: little-giant | key-little-giant (TIER_SLUGS)
    /id/event/{kind}/{designation-local}/{date}
    /id/claim/{sha1-prefix}       a count claimed by one source
    /id/document/{slug}/entry/{n} row 序号 n of a published list (lg:ListEntry)
    /id/fiscal-batch/{n}          a fiscal-support batch of key Little Giants (财建〔2021〕2号)
    /id/support/{key}-fiscal-{n}  a firm's fiscal support in fiscal batch n (lg:FiscalSupport)
    /id/activity/{local}          an ingest (prov:Activity)
    /id/agent/{local}             the software that ran it
    /graph/{source}
    /ontology (#Term), /shapes
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from urllib.parse import quote

from rdflib import URIRef

from ontology.namespaces import LG

CANONICAL_BASE = "https://w3id.org/littlegiant"
"""The base of every IRI we publish, fixed in code and data (DESIGN §2)."""
IDENTIFIER_ROOTS = ("id", "graph", "ontology", "shapes")
"""The first path segments under the base that name published resources (not service pages)."""

ID_KINDS = (
    "enterprise",
    "province",
    "region",
    "authority",
    "document",
    "batch",
    "review",
    "designation",
    "event",
    "claim",
    "fiscal-batch",
    "support",
    "activity",
    "agent",
)
LITTLE_GIANT = "little-giant"
KEY_LITTLE_GIANT = "key-little-giant"
TIER_SLUGS: dict[str, URIRef] = {LITTLE_GIANT: LG.LittleGiant, KEY_LITTLE_GIANT: LG.KeyLittleGiant}
"""The tier part of a designation IRI, and the lg:Tier it stands for."""
_SEGMENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._~-]*$")


@dataclass(frozen=True)
class ParsedIri:
    """An IRI under the base, split into its kind and local identifier."""

    kind: str
    local: str


class Iris:
    """Mint and parse IRIs under the canonical base."""

    def __init__(self, base: str = CANONICAL_BASE) -> None:
        """``base`` exists for callers that pass the settings' value; only the canonical one works.

        Raises:
            ValueError: any other base (IRIs are never minted elsewhere).
        """
        if base.rstrip("/") != CANONICAL_BASE:
            raise ValueError(
                f"IRIs are minted only under {CANONICAL_BASE}, not {base!r}: a mirror or "
                "development host maps its own base to them (LG_ALIAS_BASES)"
            )
        self.base = CANONICAL_BASE

    def _mint(self, kind: str, local: str) -> URIRef:
        for part in local.split("/"):
            if not _SEGMENT.match(part):
                raise ValueError(f"not a safe IRI segment for {kind}: {local!r}")
        return URIRef(f"{self.base}/id/{kind}/{local}")

    def enterprise(self, key: str) -> URIRef:
        return self._mint("enterprise", key)

    def province(self, gbcode: str) -> URIRef:
        return self._mint("province", gbcode)

    def region(self, code: str) -> URIRef:
        return self._mint("region", code)

    def authority(self, slug: str) -> URIRef:
        return self._mint("authority", slug)

    def document(self, slug: str) -> URIRef:
        return self._mint("document", slug)

    def batch(self, n: int) -> URIRef:
        return self._mint("batch", str(int(n)))

    def review(self, year: int) -> URIRef:
        return self._mint("review", str(int(year)))

    def designation(self, key: str, tier: str, batch: int | str) -> URIRef:
        """``/id/designation/{key}-{tier slug}-{batch}``; ``tier`` is one of :data:`TIER_SLUGS`."""
        return self._mint("designation", designation_local(key, tier, batch))

    def event(self, kind: str, designation_local: str, date: str) -> URIRef:
        return self._mint("event", f"{kind}/{designation_local}/{date}")

    def claim(self, *parts: str) -> URIRef:
        return self._mint("claim", _digest(*parts))

    def list_entry(self, list_slug: str, position: int) -> URIRef:
        """Row 序号 ``position`` of the published list ``/id/document/{list_slug}``: under the
        document, not the file read, so a corrected copy of the list keeps its entries' IRIs."""
        return self._mint("document", f"{list_slug}/entry/{int(position)}")

    def fiscal_batch(self, n: int) -> URIRef:
        return self._mint("fiscal-batch", str(int(n)))

    def support(self, key: str, fiscal_batch: int) -> URIRef:
        """One firm's fiscal support in one fiscal batch, whatever years the lists show."""
        return self._mint("support", f"{key}-fiscal-{int(fiscal_batch)}")

    def agent(self, local: str) -> URIRef:
        return self._mint("agent", local)

    def activity(self, local: str) -> URIRef:
        return self._mint("activity", local)

    def graph(self, source: str) -> URIRef:
        if not _SEGMENT.match(source):
            raise ValueError(f"not a safe graph name: {source!r}")
        return URIRef(f"{self.base}/graph/{source}")

    def dataset(self) -> URIRef:
        """The dataset as a whole (VoID/DCAT description)."""
        return URIRef(f"{self.base}/dataset")

    def dump(self, name: str) -> URIRef:
        """A bulk download file."""
        if not _SEGMENT.match(name):
            raise ValueError(f"not a safe dump name: {name!r}")
        return URIRef(f"{self.base}/dumps/{name}")

    def parse(self, iri: str) -> ParsedIri | None:
        """Split an IRI under the base into kind and local part; None if it is not ours."""
        prefix = self.base + "/"
        if not iri.startswith(prefix):
            return None
        rest = iri[len(prefix) :]
        if rest.startswith("graph/"):
            return ParsedIri("graph", rest[len("graph/") :])
        if rest.startswith("id/"):
            kind, _, local = rest[len("id/") :].partition("/")
            if kind in ID_KINDS and local:
                return ParsedIri(kind, local)
        return None

    def batch_ordinal(self, iri: str) -> int | None:
        """The ordinal of a batch IRI (``…/id/batch/3`` → 3); None for any other IRI."""
        parsed = self.parse(iri)
        if parsed is None or parsed.kind != "batch" or not parsed.local.isdigit():
            return None
        return int(parsed.local)

    def rekey(self, iri: str, old: str, new: str) -> str | None:
        """The IRI that stands for ``iri`` once enterprise key ``old`` is merged into ``new``:
        the enterprise itself, its designations (``{key}-{tier}-{batch}``) and their events
        (``{kind}/{key}-…/{date}``); None for an IRI that does not carry the key."""
        parsed = self.parse(iri)
        if parsed is None:
            return None
        if parsed.kind == "enterprise" and parsed.local == old:
            return str(self.enterprise(new))
        if parsed.kind == "designation" and parsed.local.startswith(f"{old}-"):
            return str(self._mint("designation", new + parsed.local[len(old) :]))
        if parsed.kind == "event":
            kind, _, rest = parsed.local.partition("/")
            if rest.startswith(f"{old}-"):
                return str(self._mint("event", f"{kind}/{new}{rest[len(old) :]}"))
        return None

    def enterprise_key_in(self, iri: str) -> str | None:
        """The enterprise key an enterprise, designation or event IRI carries (``E000001``)."""
        parsed = self.parse(iri)
        if parsed is None:
            return None
        local = parsed.local.partition("/")[2] if parsed.kind == "event" else parsed.local
        if parsed.kind not in ("enterprise", "designation", "event"):
            return None
        m = re.match(r"^E\d{6,}", local)
        return m.group(0) if m else None

    def relative(self, iri: str) -> str | None:
        """The path of an IRI under the base (``/id/...``), for links on any host."""
        if iri.startswith(self.base + "/"):
            return iri[len(self.base) :]
        return None

    # -- the service's own IRIs: lookups, endpoints and documents (not described resources)
    def uscc(self, code: str) -> URIRef:
        """The lookup IRI of a credit code (``/id/uscc/{code}``); it redirects to the enterprise."""
        return URIRef(f"{self.base}/id/uscc/{quote(code, safe='')}")

    def name(self, name: str) -> URIRef:
        """The lookup IRI of a printed name (``/id/name/{name}``, percent-encoded)."""
        return URIRef(f"{self.base}/id/name/{quote(name, safe='')}")

    def uri_space(self, kind: str | None = None) -> URIRef:
        """The prefix every identifier (or every identifier of one kind) starts with."""
        if kind is None:
            return URIRef(f"{self.base}/id/")
        if kind not in ID_KINDS:
            raise ValueError(f"not an identifier kind: {kind!r}")
        return URIRef(f"{self.base}/id/{kind}/")

    def home(self) -> URIRef:
        return URIRef(f"{self.base}/")

    def sparql(self) -> URIRef:
        """The SPARQL 1.1 Protocol endpoint."""
        return URIRef(f"{self.base}/sparql")

    def context(self, version: str) -> URIRef:
        """A published, versioned JSON-LD @context document."""
        if not _SEGMENT.match(version):
            raise ValueError(f"not a safe context version: {version!r}")
        return URIRef(f"{self.base}/ns/context/{version}.jsonld")

    def sitemap(self, part: int | None = None) -> URIRef:
        """The sitemap (or sitemap index), or one numbered file of the index."""
        if part is None:
            return URIRef(f"{self.base}/sitemap.xml")
        return URIRef(f"{self.base}/sitemaps/{int(part)}.xml")

    def absolute(self, path: str) -> URIRef:
        """The IRI of a path of this service (``/api/batches?limit=5``): the inverse of relative."""
        if not path.startswith("/"):
            raise ValueError(f"not an absolute path: {path!r}")
        return URIRef(self.base + path)


def designation_local(key: str, tier: str, batch: int | str) -> str:
    """The local part of a designation IRI, which event IRIs repeat (``E000001-little-giant-1``)."""
    if tier not in TIER_SLUGS:
        raise ValueError(f"not a tier slug: {tier!r}; one of {', '.join(TIER_SLUGS)}")
    return f"{key}-{tier}-{batch}"


def _digest(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(parts).encode()).hexdigest()[:16]  # noqa: S324 - an id, not a secret
