"""JSON-LD documents from triples, compacted with our published @context; fast for contexts made
of simple term definitions.

pyld compacts correctly but costs about half a millisecond a triple (a 50-member API page took
~300 ms). Our context (``ontology/context.jsonld``) only uses prefixes, keyword aliases and terms
with ``@id`` plus an optional ``@type`` coercion (``@id``, ``@vocab`` or a datatype) and a ``@set``
and/or ``@language`` container, so compaction is a table lookup: for each value, the term whose
coercion fits it, else the property's compact IRI with an explicit value object. A ``@set`` term
is always an array, whatever the number of values, so a document's shape does not change with
its data; integers are JSON numbers (JSON-LD 1.1 §8.6: a number with a datatype coercion, or in
a value object, expands to that datatype). Contexts with anything else are refused (the caller
falls back to pyld). Tests expand every document we serve with pyld and compare its triples
with the Turtle of the same resource.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ontology.namespaces import HYDRA, RDF, XSD
from ontology.paths import CONTEXT_JSONLD

RDF_TYPE = str(RDF.type)
XSD_STRING = str(XSD.string)
# Hydra terms a collection page uses, inline beside our published context
HYDRA_CONTEXT = {
    "hydra": str(HYDRA),
    "Collection": "hydra:Collection",
    "PartialCollectionView": "hydra:PartialCollectionView",
    "member": {"@id": "hydra:member", "@type": "@id"},
    "totalItems": {"@id": "hydra:totalItems", "@type": "xsd:integer"},
    "view": {"@id": "hydra:view", "@type": "@id"},
    "first": {"@id": "hydra:first", "@type": "@id"},
    "next": {"@id": "hydra:next", "@type": "@id"},
}
_SIMPLE_KEYS = frozenset({"@id", "@type", "@container"})
_CONTAINERS = {
    None: (False, False),
    "@language": (True, False),
    "@set": (False, True),
    ("@language", "@set"): (True, True),
}  # (language map, always an array)
# xsd:integer and its derived types: their values are written as JSON numbers
_INTEGER_TYPES = frozenset(
    str(XSD) + name
    for name in (
        "integer", "nonNegativeInteger", "positiveInteger", "nonPositiveInteger",
        "negativeInteger", "long", "int", "short", "byte", "unsignedLong", "unsignedInt",
        "unsignedShort", "unsignedByte",
    )
)  # fmt: skip
_CANONICAL_INTEGER = re.compile(r"-?(?:0|[1-9][0-9]{0,19})")  # below 10^21: JSON-LD keeps it

__all__ = ["HYDRA_CONTEXT", "Compactor", "UnsupportedContext", "compact_jsonld", "context_document"]


class UnsupportedContext(ValueError):  # noqa: N818 - reads as the reason
    """The context uses a feature this compactor does not implement."""


@dataclass(frozen=True)
class _Term:
    name: str
    iri: str
    coerce: str | None  # "@id", "@vocab", a datatype IRI, or None
    language_map: bool
    always_array: bool = False


class Compactor:
    """Compaction tables for one context (a dict, or a list of dicts applied in order)."""

    def __init__(self, context: Mapping[str, object] | Sequence[Mapping[str, object]]) -> None:
        layers = [context] if isinstance(context, Mapping) else list(context)
        raw: dict[str, object] = {}
        for layer in layers:
            if not isinstance(layer, Mapping):
                raise UnsupportedContext("only inline contexts")
            raw.update(layer)
        self.aliases: dict[str, str] = {}
        self.prefixes: dict[str, str] = {}
        definitions: dict[str, tuple[str, str | None, bool, bool]] = {}
        for name, value in raw.items():
            if name.startswith("@"):
                if name not in ("@version", "@protected"):
                    raise UnsupportedContext(f"context keyword {name}")
                continue
            if isinstance(value, str) and value.startswith("@"):
                self.aliases[value] = name
            elif isinstance(value, str):
                if value.endswith(("#", "/")):
                    self.prefixes[name] = value
                definitions[name] = (value, None, False, False)
            elif isinstance(value, Mapping):
                if not set(value) <= _SIMPLE_KEYS or "@id" not in value:
                    raise UnsupportedContext(f"term {name}: {sorted(value)}")
                container = value.get("@container")
                key = tuple(sorted(container)) if isinstance(container, list) else container
                if key not in _CONTAINERS:
                    raise UnsupportedContext(f"term {name}: container {container}")
                coerce = value.get("@type")
                definitions[name] = (
                    str(value["@id"]),
                    None if coerce is None else str(coerce),
                    *_CONTAINERS[key],
                )
            else:
                raise UnsupportedContext(f"term {name}: {value!r}")
        self.terms: list[_Term] = []
        for name, (iri, coerce, language_map, always_array) in definitions.items():
            full = self._expand(iri)
            coerce_full = coerce if coerce in (None, "@id", "@vocab") else self._expand(str(coerce))
            self.terms.append(_Term(name, full, coerce_full, language_map, always_array))
        self.terms.sort(key=lambda t: (len(t.name), t.name))
        self.names = frozenset(t.name for t in self.terms) | frozenset(self.aliases.values())
        self.by_iri: dict[str, list[_Term]] = {}
        for term in self.terms:
            self.by_iri.setdefault(term.iri, []).append(term)
        self.id_key = self.aliases.get("@id", "@id")
        self.type_key = self.aliases.get("@type", "@type")
        self.value_key = self.aliases.get("@value", "@value")
        self.language_key = self.aliases.get("@language", "@language")

    def _expand(self, value: str) -> str:
        prefix, colon, rest = value.partition(":")
        if colon and not rest.startswith("//") and prefix in self.prefixes:
            return self.prefixes[prefix] + rest
        return value

    def vocab_iri(self, iri: str) -> str:
        """An IRI in vocabulary position (types, property keys, @vocab values): term or prefix."""
        for term in self.by_iri.get(iri, ()):
            if term.coerce is None and not term.language_map:
                return term.name
        return self._prefixed(iri)

    def _prefixed(self, iri: str) -> str:
        best = iri
        for prefix, ns in self.prefixes.items():
            if iri.startswith(ns) and len(iri) > len(ns):
                candidate = f"{prefix}:{iri[len(ns) :]}"
                # a compact IRI must not be read back as a term or an absolute IRI
                if candidate.split(":", 1)[1].startswith("//") or candidate in self.names:
                    continue
                if len(candidate) < len(best) or (len(candidate) == len(best) and candidate < best):
                    best = candidate
        return best

    def node_id(self, term: ox.NamedNode | ox.BlankNode) -> str:
        return term.value if isinstance(term, ox.NamedNode) else f"_:{term.value}"

    def _place(self, node: dict[str, object], predicate: str, obj: object) -> None:
        terms = self.by_iri.get(predicate, ())
        if isinstance(obj, ox.NamedNode | ox.BlankNode):
            for term in terms:
                if term.coerce == "@id":
                    return _append(node, term.name, self.node_id(obj), term.always_array)
                if term.coerce == "@vocab" and isinstance(obj, ox.NamedNode):
                    return _append(node, term.name, self.vocab_iri(obj.value), term.always_array)
            plain, key = self._plain_key(predicate, terms)
            return _append(node, key, {self.id_key: self.node_id(obj)}, _array(plain))
        if not isinstance(obj, ox.Literal):
            raise TypeError(f"not an RDF term: {obj!r}")
        if obj.language:
            for term in terms:
                if term.language_map:
                    langs = node.setdefault(term.name, {})
                    if not isinstance(langs, dict):
                        raise TypeError(f"{term.name} holds a language map")
                    return _append(langs, obj.language, obj.value, term.always_array)
            plain, key = self._plain_key(predicate, terms)
            tagged = {self.value_key: obj.value, self.language_key: obj.language}
            return _append(node, key, tagged, _array(plain))
        datatype = obj.datatype.value
        if datatype != XSD_STRING:
            lexical: object = _number(obj.value, datatype)
            for term in terms:
                if term.coerce == datatype:
                    return _append(node, term.name, lexical, term.always_array)
            plain, key = self._plain_key(predicate, terms)
            if datatype == str(XSD.integer) and isinstance(lexical, int):
                return _append(node, key, lexical, _array(plain))  # a bare integer is xsd:integer
            typed: dict[str, object] = {self.value_key: lexical}
            typed[self.type_key] = self.vocab_iri(datatype)
            return _append(node, key, typed, _array(plain))
        plain, key = self._plain_key(predicate, terms)
        return _append(node, key, obj.value, _array(plain))

    def _plain_key(self, predicate: str, terms: Sequence[_Term]) -> tuple[_Term | None, str]:
        # a key whose values are read as they are written: an uncoerced term, else a compact IRI
        for term in terms:
            if term.coerce is None and not term.language_map:
                return term, term.name
        return None, self._prefixed(predicate)

    def compact(self, triples: Sequence[ox.Triple]) -> list[dict[str, object]]:
        """One node object per subject (in first-seen order), ``rdf:type`` as ``type``."""
        nodes: dict[ox.NamedNode | ox.BlankNode, dict[str, object]] = {}
        for t in triples:
            subject = t.subject
            if isinstance(subject, ox.Triple):
                raise TypeError("a quoted triple (RDF-star) has no JSON-LD 1.1 form")
            node = nodes.get(subject)
            if node is None:
                node = nodes[subject] = {self.id_key: self.node_id(subject)}
            if t.predicate.value == RDF_TYPE and isinstance(t.object, ox.NamedNode):
                _append(node, self.type_key, self.vocab_iri(t.object.value))
            else:
                self._place(node, t.predicate.value, t.object)
        return list(nodes.values())


def _append(node: dict[str, object], key: str, value: object, always_array: bool = False) -> None:
    if key not in node:
        node[key] = [value] if always_array else value
        return
    current = node[key]
    if isinstance(current, list):
        if value not in current:
            current.append(value)
    elif current != value:
        node[key] = [current, value]


def _array(term: _Term | None) -> bool:
    return term is not None and term.always_array


def _number(lexical: str, datatype: str) -> str | int:
    """An integer-typed lexical form as a JSON number, when expanding it gives it back."""
    if datatype in _INTEGER_TYPES and _CANONICAL_INTEGER.fullmatch(lexical):
        return int(lexical)
    return lexical


@functools.cache
def _context_file(path: Path) -> dict[str, object]:
    return json.loads(path.read_text(encoding="utf-8"))


def context_document() -> dict[str, object]:
    """The project's JSON-LD context document (``ontology/context.jsonld``), as published."""
    return _context_file(CONTEXT_JSONLD)


def compact_jsonld(
    triples: Sequence[ox.Triple],
    context_url: str,
    extra_context: Mapping[str, object] | None = None,
) -> dict[str, object]:
    """Compact the triples with our context, one node object per subject, under ``@graph``.

    The document names the published context by URL (plus ``extra_context`` inline), so a client
    expanding it, fetching that URL, gets exactly these triples. The fast compactor handles our
    context; a context it does not cover goes through pyld instead.
    """
    inline: list[Mapping[str, object]] = [_context_terms()]
    published: object = context_url
    if extra_context:
        inline.append(extra_context)
        published = [context_url, dict(extra_context)]
    try:
        nodes = _compactor(json.dumps(inline, sort_keys=True)).compact(list(triples))
    except UnsupportedContext:
        return _pyld_compact(triples, inline, published)
    return {"@context": published, "@graph": nodes}


@functools.lru_cache(maxsize=8)
def _compactor(context_json: str) -> Compactor:
    return Compactor(json.loads(context_json))


def _context_terms() -> Mapping[str, object]:
    context = context_document().get("@context", {})
    return context if isinstance(context, Mapping) else {}


def _pyld_compact(
    triples: Sequence[ox.Triple], inline: list[Mapping[str, object]], published: object
) -> dict[str, object]:
    expanded = json.loads(ox.serialize(list(triples), format=ox.RdfFormat.JSON_LD) or b"[]")
    for node in expanded if isinstance(expanded, list) else []:
        _types_as_keyword(node)
    # pyld is needed only for contexts the fast compactor refuses (it ships with the test extra)
    from pyld import jsonld

    flattened = jsonld.flatten(
        expanded, [dict(c) for c in inline], options={"documentLoader": _no_remote}
    )
    flattened["@context"] = published
    return flattened


def _types_as_keyword(node: dict[str, object]) -> None:
    # rdf:type with IRI objects is what JSON-LD writes as @type (fromRdf with useRdfType=false);
    # the triples are the same, and readers get ``"type": "Enterprise"``.
    values = node.get(RDF_TYPE)
    if not isinstance(values, list):
        return
    iris = [v["@id"] for v in values if isinstance(v, dict) and "@id" in v]
    rest = [v for v in values if not (isinstance(v, dict) and "@id" in v)]
    if not iris:
        return
    existing = node.get("@type")
    node["@type"] = [*(existing if isinstance(existing, list) else []), *iris]
    if rest:
        node[RDF_TYPE] = rest
    else:
        del node[RDF_TYPE]


def _no_remote(url: str, options: dict[str, object] | None = None) -> dict[str, object]:
    # Compaction happens on the server with the context inline; nothing may be fetched from there.
    from pyld import jsonld

    raise jsonld.JsonLdError(
        f"remote context {url} not loaded on the server", "jsonld.LoadDocumentError"
    )
