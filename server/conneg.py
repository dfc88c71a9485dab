"""Content negotiation in one place: offers, ``Accept`` and ``Accept-Language`` matching, and the
``format=`` / ``?lang=`` / file-extension overrides.

RFC 9110 §12.5.1 (Accept): each offer takes the quality of the most specific media range that
matches it (so ``*/*, text/csv;q=0`` excludes CSV), ``q=0`` means "not acceptable", and when
nothing fits the caller gets a 406 that lists what is on offer instead of a guess.
JSON-LD's ``profile`` parameter (JSON-LD 1.1 §9.1) is honoured: a range naming profiles only
matches an offer with one of them (or an offer that does not distinguish profiles).
RFC 9110 §12.5.4 (Accept-Language) with RFC 4647 §3.4 lookup: ``zh-Hans-CN`` asks for ``zh``;
pages exist in every language we offer, so language never ends in a 406.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from server.media_types import MediaType
from server.problems import NotAcceptable, NotFound


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
        raise not_acceptable(offers, f"Nothing on offer matches Accept: {_shown(accept)}")
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
    raise not_acceptable(offers, f"format={_shown(value)!r} is not on offer")


def _shown(value: str, limit: int = 200) -> str:
    """A request value as an error message may quote it: never echoed back whole."""
    return value if len(value) <= limit else f"{value[:limit]}… ({len(value)} characters)"


def not_acceptable(offers: Sequence[MediaType], reason: str) -> NotAcceptable:
    """Build the 406 error naming every offer (media type and ``format=`` value)."""
    listing = ", ".join(f"{o.media_type} (format={o.extension})" for o in offers)
    return NotAcceptable(f"{reason}. Available: {listing}")


def offer_for_extension(path: str, offers: Sequence[MediaType]) -> tuple[str, MediaType | None]:
    """Split ``/id/x/y.ttl`` into the resource path and the offer its extension names.

    Raises:
        NotFound: the path ends in an extension that names no representation we publish.
    """
    stem, dot, ext = path.rpartition(".")
    if not dot or "/" in ext or not stem:
        return path, None
    for offer in offers:
        if offer.extension == ext:
            return stem, offer
    if ext in _KNOWN_EXTENSIONS:
        listing = " ".join(f".{o.extension}" for o in offers)
        raise NotFound(f"No representation with extension .{ext}; try {listing}")
    return path, None


# extensions a client may try that name nothing we publish: 404 rather than a resource lookup
_KNOWN_EXTENSIONS = frozenset({"json", "xml", "txt", "htm", "n3", "nq", "trig"})


@dataclass(frozen=True)
class Choice:
    """The offer chosen for a request, and whether ``Accept`` decided it (then the response
    varies on it; an extension or ``format=`` fixes the offer in the URL itself)."""

    offer: MediaType
    by_accept: bool


def choose(accept: str | None, format_param: str | None, offers: Sequence[MediaType]) -> Choice:
    """Pick an offer: ``format=`` when given, else by ``Accept``.

    Raises:
        NotAcceptable: neither names an offer.
    """
    if format_param:
        return Choice(from_format_param(format_param, offers), by_accept=False)
    return Choice(negotiate(accept, offers), by_accept=True)


# -- languages
LANGS: tuple[str, ...] = ("zh", "en")


@dataclass(frozen=True)
class Language:
    """The language a page is rendered in, and whether ``Accept-Language`` decided it."""

    tag: str
    by_header: bool

    @property
    def other(self) -> str:
        """The language the page links to as the alternative."""
        return next(lang for lang in LANGS if lang != self.tag)


def negotiate_language(
    accept_language: str | None, asked: str | None, supported: Sequence[str] = LANGS
) -> Language:
    """``?lang=`` if it names a supported language, else the best of ``Accept-Language``.

    Each language takes the quality of the most specific range naming its primary subtag
    (``*`` names all); ``q=0`` excludes. Ties go to the client's order, then to ours; when
    nothing is acceptable the first supported language (zh) is served, never a 406.
    """
    wanted = (asked or "").strip().lower()
    if wanted in supported:
        return Language(wanted, by_header=False)
    ranges: list[tuple[str, float, int]] = []
    for position, item in enumerate(_split_outside_quotes(accept_language or "", ",")):
        tag, _, params = item.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        if not primary:
            continue
        q = _quality(params)
        if q is not None:
            ranges.append((primary, q, position))
    best: tuple[float, int, int] | None = None
    chosen = supported[0]
    for index, lang in enumerate(supported):
        exact = [(q, pos) for primary, q, pos in ranges if primary == lang]
        matching = exact or [(q, pos) for primary, q, pos in ranges if primary == "*"]
        if not matching:
            continue
        q, pos = max(matching, key=lambda m: (m[0], -m[1]))
        key = (q, -pos, -index)
        if q > 0 and (best is None or key > best):
            best, chosen = key, lang
    return Language(chosen, by_header=True)


def _quality(params: str) -> float | None:
    """The ``q`` of a range's parameters (1 when absent); None when it is malformed."""
    for param in params.split(";"):
        name, eq, value = param.strip().partition("=")
        if eq and name.strip().lower() == "q":
            try:
                q = float(value.strip())
            except ValueError:
                return None
            return q if 0.0 <= q <= 1.0 else None
    return 1.0


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
