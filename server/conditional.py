"""Conditional requests, RFC 9110 §13: the one evaluation of preconditions every route uses.

§13.2.2 fixes the order: ``If-Match``, then ``If-Unmodified-Since`` (only without
``If-Match``), then ``If-None-Match``, then ``If-Modified-Since`` (only without
``If-None-Match``, and only for GET and HEAD). ``If-Match`` compares entity-tags strongly,
``If-None-Match`` weakly (§8.8.3.2); ``*`` matches any current representation. A field that
cannot be parsed is ignored, as is a date that is not an HTTP-date (§13.1.3, §13.1.4).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum

__all__ = ["EntityTag", "Outcome", "evaluate", "parse_entity_tags"]

# entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE, etagc = %x21 / %x23-7E / obs-text (§8.8.3)
_ENTITY_TAG = re.compile(r'\s*(W/)?"([\x21\x23-\x7e\x80-\xff]*)"\s*(?:,|$)')


class Outcome(Enum):
    """What the preconditions decide: go on, answer 304 Not Modified, or 412."""

    PROCEED = 200
    NOT_MODIFIED = 304
    PRECONDITION_FAILED = 412


@dataclass(frozen=True)
class EntityTag:
    """An entity-tag: its opaque quoted string and whether it is weak."""

    opaque: str
    weak: bool = False

    def header(self) -> str:
        """The field value to send (``"abc"`` or ``W/"abc"``)."""
        return ('W/"' if self.weak else '"') + self.opaque + '"'

    def weak_match(self, other: EntityTag) -> bool:
        return self.opaque == other.opaque

    def strong_match(self, other: EntityTag) -> bool:
        return not self.weak and not other.weak and self.opaque == other.opaque


def parse_entity_tags(value: str) -> list[EntityTag] | None:
    """Parse ``#entity-tag`` (a comma-separated list); ``[]`` for ``*``, None if malformed."""
    text = value.strip()
    if text == "*":
        return []
    tags: list[EntityTag] = []
    position = 0
    while position < len(text):
        match = _ENTITY_TAG.match(text, position)
        if match is None:
            return None
        tags.append(EntityTag(match.group(2), weak=match.group(1) is not None))
        position = match.end()
    return tags or None


def _http_date(value: str) -> dt.datetime | None:
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=dt.UTC)


def evaluate(
    method: str,
    headers: Mapping[str, str],
    etag: EntityTag | None,
    last_modified: dt.datetime | None,
) -> Outcome:
    """Decide a request's preconditions against the selected representation's validators.

    ``headers`` is looked up with lower-case names (Starlette's ``Headers`` qualifies).
    """
    # Last-Modified has one-second resolution: compare what the client could have seen
    modified = last_modified.replace(microsecond=0) if last_modified is not None else None
    if_match = headers.get("if-match")
    if if_match is not None:
        wanted = parse_entity_tags(if_match)
        if (
            wanted is not None
            and wanted
            and not (etag is not None and any(etag.strong_match(w) for w in wanted))
        ):
            return Outcome.PRECONDITION_FAILED
    else:
        since = _http_date(headers.get("if-unmodified-since") or "")
        if since is not None and modified is not None and modified > since:
            return Outcome.PRECONDITION_FAILED
    safe = method in ("GET", "HEAD")
    if_none_match = headers.get("if-none-match")
    if if_none_match is not None:
        tags = parse_entity_tags(if_none_match)
        if tags is None:
            return Outcome.PROCEED
        if tags == [] or (etag is not None and any(etag.weak_match(t) for t in tags)):
            return Outcome.NOT_MODIFIED if safe else Outcome.PRECONDITION_FAILED
        return Outcome.PROCEED
    if safe and modified is not None:
        since = _http_date(headers.get("if-modified-since") or "")
        if since is not None and modified <= since:
            return Outcome.NOT_MODIFIED
    return Outcome.PROCEED
