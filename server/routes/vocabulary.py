"""The ontology at ``/ontology`` (terms as ``/ontology#Term``) and the SHACL shapes at ``/shapes``.

Both negotiate like every resource (HTML, Turtle, JSON-LD, N-Triples, RDF/XML, each also at its
own URL). The ontology's HTML page is generated from ``ontology/lg.ttl`` itself: one anchor per
term, its labels in both languages, definition and the terms it refines.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from pathlib import Path

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import Response

from ontology.namespaces import (
    DCAT,
    DCTERMS,
    LG,
    ONTOLOGY_IRI,
    OWL,
    PREFIXES,
    RDF,
    RDFS,
    SH,
    SKOS,
    VOID,
)
from ontology.paths import ONTOLOGY_TTL, SHAPES_DIR
from server.describe import pick
from server.render import get_and_head, page, represent, split_extension
from server.routes.resolve import format_list

router = APIRouter(tags=["dataset"])


def _short(iri: str) -> str:
    for prefix, ns in {**PREFIXES, "void": str(VOID), "dcat": str(DCAT)}.items():
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


@functools.cache
def _turtle_triples(
    paths: tuple[Path, ...], stamp: tuple[float, ...]
) -> tuple[tuple[ox.Triple, ...], str]:
    triples: list[ox.Triple] = []
    digest = hashlib.sha256()
    for path in paths:
        data = path.read_bytes()
        digest.update(data)
        triples.extend(ox.parse(data, format=ox.RdfFormat.TURTLE, base_iri=ONTOLOGY_IRI))
    return tuple(triples), digest.hexdigest()


def _source_triples(paths: list[Path]) -> tuple[tuple[ox.Triple, ...], str]:
    ordered = tuple(sorted(paths))
    return _turtle_triples(ordered, tuple(p.stat().st_mtime for p in ordered))


def _modified(paths: list[Path]) -> dt.datetime | None:
    if not paths:
        return None
    return dt.datetime.fromtimestamp(int(max(p.stat().st_mtime for p in paths)), dt.UTC)


def _terms(triples: tuple[ox.Triple, ...], lang: str) -> list[dict[str, object]]:
    by_subject: dict[str, dict[str, list[ox.NamedNode | ox.BlankNode | ox.Literal]]] = {}
    for t in triples:
        if isinstance(t.subject, ox.NamedNode):
            by_subject.setdefault(t.subject.value, {}).setdefault(t.predicate.value, []).append(
                t.object
            )
    ns = str(LG)
    sections = {
        "classes": (str(OWL.Class), str(RDFS.Class)),
        "properties": (str(OWL.ObjectProperty), str(OWL.DatatypeProperty), str(RDF.Property)),
    }
    out: list[dict[str, object]] = []
    for section, title in (
        ("classes", ("类", "Classes")),
        ("properties", ("属性", "Properties")),
        ("individuals", ("个体", "Individuals")),
    ):
        terms = []
        for iri, props in sorted(by_subject.items()):
            if not iri.startswith(ns):
                continue
            types = {o.value for o in props.get(str(RDF.type), [])}
            if section == "individuals":
                if types & {*sections["classes"], *sections["properties"]}:
                    continue
            elif not types & set(sections[section]):
                continue
            labels: dict[str, list[str]] = {}
            for p in (str(RDFS.label), str(SKOS.prefLabel)):
                for o in props.get(p, []):
                    if isinstance(o, ox.Literal):
                        labels.setdefault(o.language or "", []).append(o.value)
            other = "en" if lang == "zh" else "zh"
            definitions = [
                o
                for o in props.get(str(SKOS.definition), []) + props.get(str(RDFS.comment), [])
                if isinstance(o, ox.Literal)
            ]
            definition = next(
                (d.value for d in definitions if d.language == lang),
                definitions[0].value if definitions else "",
            )
            relations = []
            for key, pred in (
                ("⊑", RDFS.subClassOf),
                ("⊑", RDFS.subPropertyOf),
                ("domain", RDFS.domain),
                ("range", RDFS.range),
                ("broader", SKOS.broader),
            ):
                links = [
                    {
                        "href": "#" + o.value[len(ns) :] if o.value.startswith(ns) else o.value,
                        "label": _short(o.value),
                    }
                    for o in props.get(str(pred), [])
                    if isinstance(o, ox.NamedNode)
                ]
                if links:
                    relations.append((key, links))
            local = iri[len(ns) :]
            label = pick(labels, lang, local)
            other_label = (labels.get(other) or [""])[0]
            terms.append(
                {
                    "local": local,
                    "prefixed": f"lg:{local}",
                    "label": label,
                    "other": other_label if other_label != label else "",
                    "definition": definition,
                    "relations": relations,
                }
            )
        out.append({"id": section, "title": title[0] if lang == "zh" else title[1], "terms": terms})
    return out


@get_and_head(router, "/ontology")
def get_ontology(request: Request) -> Response:
    """The ontology (``/ontology#Term``): HTML generated from lg.ttl, or the RDF itself."""
    return _ontology_response(request, "/ontology")


@get_and_head(router, "/ontology.{ext}")
def get_ontology_format(request: Request, ext: str) -> Response:
    """The ontology in the format its extension names."""
    return _ontology_response(request, f"/ontology.{ext}")


def _ontology_response(request: Request, path: str) -> Response:
    _, offer = split_extension(path)
    triples, digest = _source_triples([ONTOLOGY_TTL])
    onto = ox.NamedNode(ONTOLOGY_IRI)

    def html(lang: str) -> str:
        def first(pred: str) -> str:
            values = [t.object for t in triples if t.subject == onto and t.predicate.value == pred]
            tagged = [v for v in values if isinstance(v, ox.Literal) and v.language == lang]
            chosen = tagged or values
            return chosen[0].value if chosen else ""

        response = page(
            request,
            "ontology.html",
            lang=lang,
            name=first(str(RDFS.label)) or first(str(DCTERMS.title)) or "Little Giant ontology",
            comment=first(str(RDFS.comment)) or first(str(DCTERMS.description)),
            version=first(str(OWL.versionInfo)),
            ontology_iri=ONTOLOGY_IRI,
            sections=_terms(triples, lang),
            resource_path="/ontology",
            canonical=ONTOLOGY_IRI,
            canonical_iri=ONTOLOGY_IRI,
            formats=format_list(),
        )
        return bytes(response.body).decode("utf-8")

    return represent(
        request,
        path="/ontology",
        offer=offer,
        triples=triples,
        digest=digest,
        last_modified=_modified([ONTOLOGY_TTL]),
        base=iris_base(request),
        html=html,
    )


def iris_base(request: Request) -> str:
    return request.app.state.iris.base


def _shape_files() -> list[Path]:
    return sorted(p for p in SHAPES_DIR.glob("*.ttl"))


@get_and_head(router, "/shapes")
def get_shapes(request: Request) -> Response:
    """The SHACL shapes every ingest is validated against (all files of ``shapes/``)."""
    return _shapes_response(request, "/shapes")


@get_and_head(router, "/shapes.{ext}")
def get_shapes_format(request: Request, ext: str) -> Response:
    """The shapes in the format its extension names."""
    return _shapes_response(request, f"/shapes.{ext}")


def _shapes_response(request: Request, path: str) -> Response:
    _, offer = split_extension(path)
    files = _shape_files()
    triples, digest = _source_triples(files)
    by_shape: dict[str, list[ox.Triple]] = {}
    for t in triples:
        by_shape.setdefault(t.subject.value, []).append(t)

    def html(lang: str) -> str:
        shapes = []
        for subject, own in sorted(by_shape.items()):
            if not own or isinstance(own[0].subject, ox.BlankNode):
                continue
            targets = [t.object.value for t in own if t.predicate.value == str(SH.targetClass)]
            props = []
            for t in own:
                if t.predicate.value != str(SH.property) or not isinstance(t.object, ox.BlankNode):
                    continue
                facts = by_shape.get(t.object.value, [])
                props.append(
                    "; ".join(
                        f"{_short(f.predicate.value)} {_short(f.object.value)}"
                        for f in facts
                        if not isinstance(f.object, ox.BlankNode)
                    )
                )
            shapes.append(
                {
                    "iri": subject,
                    "label": _short(subject),
                    "targets": [_short(x) for x in targets],
                    "properties": props,
                }
            )
        response = page(
            request,
            "shapes.html",
            lang=lang,
            name="SHACL shapes",
            shapes=shapes,
            resource_path="/shapes",
            canonical=iris_base(request) + "/shapes",
            canonical_iri=iris_base(request) + "/shapes",
            formats=format_list(),
        )
        return bytes(response.body).decode("utf-8")

    return represent(
        request,
        path="/shapes",
        offer=offer,
        triples=triples,
        digest=digest,
        last_modified=_modified(files),
        base=iris_base(request),
        html=html,
    )
