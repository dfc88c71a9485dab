"""Content negotiation in one place: offers, ``Accept`` matching, ``format=`` overrides, headers.

RFC 9110 §12.5.1 (Accept): each offer takes the quality of the most specific media range that
matches it (so ``*/*, text/csv;q=0`` excludes CSV), ``q=0`` means "not acceptable", and when
nothing fits the caller gets a 406 that lists what is on offer instead of a guess.
JSON-LD's ``profile`` parameter (JSON-LD 1.1 §9.1) is honoured: a range naming profiles only
matches an offer with one of them (or an offer that does not distinguish profiles).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from server.problems import NotAcceptable

JSONLD_EXPANDED = "http://www.w3.org/ns/json-ld#expanded"
JSONLD_COMPACTED = "http://www.w3.org/ns/json-ld#compacted"


@dataclass(frozen=True)
class MediaType:
    """One representation on offer: its media type, the pyoxigraph format that writes it, and
    the file extension (also accepted by ``format=``); ``aliases`` are other media types
    clients send for the same bytes (``application/json`` for SPARQL JSON results)."""

    media_type: str
    format: ox.RdfFormat | ox.QueryResultsFormat | None
    extension: str
    profile: str | None = None
    aliases: tuple[str, ...] = ()
    names: tuple[str, ...] = ()

    @property
    def content_type(self) -> str:
        """The ``Content-Type`` header value: UTF-8 declared for text types, profile for JSON-LD."""
        value = self.media_type
        if value.startswith("text/") or value in _UTF8_APPLICATION:
            value += "; charset=utf-8"
        if self.profile:
            value += f'; profile="{self.profile}"'
        return value

    def all_types(self) -> tuple[str, ...]:
        return (self.media_type, *self.aliases)


# application types whose bytes are text; declaring UTF-8 keeps browsers and curl honest
_UTF8_APPLICATION = frozenset({"application/n-triples", "application/n-quads", "application/trig"})

# -- graphs (CONSTRUCT / DESCRIBE, linked-data resources)
TURTLE = MediaType(
    "text/turtle",
    ox.RdfFormat.TURTLE,
    "ttl",
    aliases=("application/x-turtle", "application/turtle"),
    names=("turtle",),
)
N_TRIPLES = MediaType(
    "application/n-triples",
    ox.RdfFormat.N_TRIPLES,
    "nt",
    aliases=("text/plain",),  # the N-Triples type before RDF 1.1
    names=("ntriples", "n-triples"),
)
JSON_LD = MediaType(
    "application/ld+json",
    ox.RdfFormat.JSON_LD,
    "jsonld",
    profile=JSONLD_EXPANDED,
    aliases=("application/json",),
    names=("json-ld",),
)
JSON_LD_COMPACTED = MediaType(
    "application/ld+json",
    ox.RdfFormat.JSON_LD,
    "jsonld",
    profile=JSONLD_COMPACTED,
    aliases=("application/json",),
    names=("json-ld",),
)
RDF_XML = MediaType(
    "application/rdf+xml",
    ox.RdfFormat.RDF_XML,
    "rdf",
    aliases=("application/xml", "text/xml"),
    names=("rdfxml", "rdf+xml", "xml"),
)
N_QUADS = MediaType("application/n-quads", ox.RdfFormat.N_QUADS, "nq", names=("nquads", "n-quads"))
TRIG = MediaType("application/trig", ox.RdfFormat.TRIG, "trig")
HTML = MediaType("text/html", None, "html", aliases=("application/xhtml+xml",))

# -- query results (SELECT / ASK)
SPARQL_JSON = MediaType(
    "application/sparql-results+json",
    ox.QueryResultsFormat.JSON,
    "srj",
    aliases=("application/json", "text/javascript", "application/javascript"),
    names=("json",),
)
SPARQL_XML = MediaType(
    "application/sparql-results+xml",
    ox.QueryResultsFormat.XML,
    "srx",
    aliases=("application/xml", "text/xml"),
    names=("xml",),
)
SPARQL_CSV = MediaType("text/csv", ox.QueryResultsFormat.CSV, "csv")
SPARQL_TSV = MediaType("text/tab-separated-values", ox.QueryResultsFormat.TSV, "tsv")

GRAPH_OFFERS: tuple[MediaType, ...] = (TURTLE, N_TRIPLES, JSON_LD, RDF_XML, N_QUADS, TRIG)
RESULT_OFFERS: tuple[MediaType, ...] = (SPARQL_JSON, SPARQL_XML, SPARQL_CSV, SPARQL_TSV)
RESOURCE_OFFERS: tuple[MediaType, ...] = (HTML, TURTLE, JSON_LD_COMPACTED, N_TRIPLES, RDF_XML)


@dataclass(frozen=True)
class _Range:
    type: str
    subtype: str
    q: float
    profiles: tuple[str, ...]
    position: int

    def specificity(self, offer: MediaType) -> int:
        """How closely this range names the offer; -1 when it does not match at all."""
        best = -1
        for full in offer.all_types():
            otype, _, osub = full.partition("/")
            if self.type == "*":
                score = 0
            elif self.type != otype:
                continue
            elif self.subtype == "*":
                if full != offer.media_type:
                    continue  # aliases answer to their exact name only (text/* is not JS)
                score = 1
            elif self.subtype != osub:
                continue
            else:
                score = 2
                # the canonical type is a closer match than an alias
                score += 1 if full == offer.media_type else 0
            if self.profiles:
                if offer.profile is None:
                    pass
                elif offer.profile in self.profiles:
                    score += 2
                else:
                    continue
            best = max(best, score)
        return best


def parse_accept(accept: str) -> list[_Range]:
    """Split an ``Accept`` header into ranges; malformed ranges are skipped, not guessed at."""
    ranges: list[_Range] = []
    for position, item in enumerate(_split_outside_quotes(accept, ",")):
        parts = _split_outside_quotes(item, ";")
        if not parts or not parts[0].strip():
            continue
        mtype, sep, sub = parts[0].strip().lower().partition("/")
        if not sep or not mtype or not sub or (mtype == "*" and sub != "*"):
            continue
        q = 1.0
        profiles: tuple[str, ...] = ()
        valid = True
        for param in parts[1:]:
            name, eq, value = param.strip().partition("=")
            name = name.strip().lower()
            value = value.strip().strip('"')
            if not eq:
                continue
            if name == "q":
                try:
                    q = float(value)
                except ValueError:
                    valid = False
                    break
                if not 0.0 <= q <= 1.0:
                    valid = False
                    break
            elif name == "profile":
                profiles = tuple(value.split())
        if valid:
            ranges.append(_Range(mtype, sub, q, profiles, position))
    return ranges


def negotiate(accept: str | None, offers: Sequence[MediaType]) -> MediaType:
    """Pick the offer the client prefers; an absent or empty header gets the first offer.

    Ties in quality go to the more specific range, then to the range the client listed first,
    then to the server's order of offers.

    Raises:
        NotAcceptable: no offer is acceptable (the detail lists the offers).
    """
    if not offers:
        raise ValueError("no offers")
    if accept is None or not accept.strip():
        return offers[0]
    ranges = parse_accept(accept)
    if not ranges:
        return offers[0]
    best: tuple[float, int, int, int] | None = None
    chosen: MediaType | None = None
    for index, offer in enumerate(offers):
        matching = [(r.specificity(offer), r) for r in ranges]
        matching = [(s, r) for s, r in matching if s >= 0]
        if not matching:
            continue
        top = max(s for s, _ in matching)
        # among equally specific ranges, the highest quality wins (RFC 9110 leaves it open)
        rng = max((r for s, r in matching if s == top), key=lambda r: r.q)
        if rng.q <= 0:
            continue
        key = (rng.q, top, -rng.position, -index)
        if best is None or key > best:
            best, chosen = key, offer
    if chosen is None:
        raise not_acceptable(offers, f"Nothing on offer matches Accept: {accept}")
    return chosen


def from_format_param(value: str, offers: Sequence[MediaType]) -> MediaType:
    """Resolve a ``format=`` override (extension, short name or media type) against the offers.

    Raises:
        NotAcceptable: the value names no offer.
    """
    wanted = value.strip().lower()
    for offer in offers:
        if wanted in (offer.extension, *offer.names):
            return offer
    if "/" in wanted:
        try:
            return negotiate(wanted, offers)
        except NotAcceptable:
            pass
    raise not_acceptable(offers, f"format={value!r} is not on offer")


def not_acceptable(offers: Sequence[MediaType], reason: str) -> NotAcceptable:
    """Build the 406 error naming every offer (media type and ``format=`` value)."""
    listing = ", ".join(f"{o.media_type} (format={o.extension})" for o in offers)
    return NotAcceptable(f"{reason}. Available: {listing}")


def vary_and_links(
    offers: Sequence[MediaType], url_for: Callable[[MediaType], str | None]
) -> dict[str, str]:
    """Headers for a negotiated response: ``Vary: Accept`` and one ``Link: rel=alternate`` per
    offer that has its own URL (``url_for`` returns None for offers without one)."""
    links = []
    for offer in offers:
        url = url_for(offer)
        if url is not None:
            links.append(f'<{url}>; rel="alternate"; type="{offer.media_type}"')
    headers = {"Vary": "Accept"}
    if links:
        headers["Link"] = ", ".join(links)
    return headers


def _split_outside_quotes(text: str, sep: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        if ch == sep and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return parts
