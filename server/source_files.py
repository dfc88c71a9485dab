"""The project's own Turtle (``ontology/lg.ttl``, ``shapes/*.ttl``) as the server publishes it.

Each set of files is parsed once per version of the files (the cache key holds their mtimes),
so an edited file is served at once and an unchanged one costs a ``stat`` per request.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ontology.namespaces import ONTOLOGY_IRI
from ontology.paths import ONTOLOGY_TTL, SHAPES_DIR


@dataclass(frozen=True)
class SourceTriples:
    """The triples of some files, with the validators of their representations."""

    triples: tuple[ox.Triple, ...]
    digest: str
    last_modified: dt.datetime | None


def ontology_source() -> SourceTriples:
    """The ontology, from ``ontology/lg.ttl``."""
    return read_turtle((ONTOLOGY_TTL,))


def shapes_source() -> SourceTriples:
    """Every SHACL shapes file of ``shapes/`` (what each ingest is validated against)."""
    return read_turtle(tuple(sorted(SHAPES_DIR.glob("*.ttl"))))


def read_turtle(paths: tuple[Path, ...]) -> SourceTriples:
    """The triples of the files, parsed again only when one of them changed."""
    return _parsed(paths, tuple(p.stat().st_mtime_ns for p in paths))


@functools.lru_cache(maxsize=8)
def _parsed(paths: tuple[Path, ...], stamp: tuple[int, ...]) -> SourceTriples:
    triples: list[ox.Triple] = []
    digest = hashlib.sha256()
    for path in paths:
        data = path.read_bytes()
        digest.update(data)
        triples.extend(ox.parse(data, format=ox.RdfFormat.TURTLE, base_iri=ONTOLOGY_IRI))
    newest = max(stamp, default=None)
    modified = dt.datetime.fromtimestamp(newest // 1_000_000_000, dt.UTC) if newest else None
    return SourceTriples(tuple(triples), digest.hexdigest(), modified)
