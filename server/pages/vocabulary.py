"""The ontology's page (one anchor per term, generated from ``ontology/lg.ttl`` itself) and the
page of the SHACL shapes."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from ontology.namespaces import DCTERMS, LG, ONTOLOGY_IRI, OWL, RDF, RDFS, SH, SKOS
from server.describe import pick
from server.prefixes import curie
from server.source_files import SourceTriples
from server.store_results import Term

Properties = dict[str, list[Term]]
CLASS_TYPES = frozenset({str(OWL.Class), str(RDFS.Class)})
PROPERTY_TYPES = frozenset({str(OWL.ObjectProperty), str(OWL.DatatypeProperty), str(RDF.Property)})
SECTIONS = (("classes", "类", "Classes"), ("properties", "属性", "Properties"))
INDIVIDUALS = ("individuals", "个体", "Individuals")
RELATIONS = (
    ("⊑", RDFS.subClassOf),
    ("⊑", RDFS.subPropertyOf),
    ("domain", RDFS.domain),
    ("range", RDFS.range),
    ("broader", SKOS.broader),
)
_LG = str(LG)


def by_subject(triples: Iterable[ox.Triple]) -> dict[str, Properties]:
    """The statements about each named subject, by predicate."""
    out: dict[str, Properties] = {}
    for t in triples:
        if isinstance(t.subject, ox.NamedNode) and not isinstance(t.object, ox.Triple):
            out.setdefault(t.subject.value, {}).setdefault(t.predicate.value, []).append(t.object)
    return out


def section_of(props: Properties) -> str:
    """Which section of the page a term belongs in, by its types."""
    types = {o.value for o in props.get(str(RDF.type), [])}
    if types & CLASS_TYPES:
        return "classes"
    if types & PROPERTY_TYPES:
        return "properties"
    return "individuals"


def relations(props: Properties) -> list[tuple[str, list[dict[str, str]]]]:
    """The terms a term refines or points to, linked within the page when they are ours."""
    out = []
    for key, predicate in RELATIONS:
        links = [
            {
                "href": "#" + o.value[len(_LG) :] if o.value.startswith(_LG) else o.value,
                "label": curie(o.value) or o.value,
            }
            for o in props.get(str(predicate), [])
            if isinstance(o, ox.NamedNode)
        ]
        if links:
            out.append((key, links))
    return out


def term(iri: str, props: Properties, lang: str) -> dict[str, object]:
    """One term: its labels in both languages, definition and relations."""
    labels: dict[str, list[str]] = {}
    for predicate in (str(RDFS.label), str(SKOS.prefLabel)):
        for o in props.get(predicate, []):
            if isinstance(o, ox.Literal):
                labels.setdefault(o.language or "", []).append(o.value)
    definitions = [
        o
        for o in props.get(str(SKOS.definition), []) + props.get(str(RDFS.comment), [])
        if isinstance(o, ox.Literal)
    ]
    definition = next(
        (d.value for d in definitions if d.language == lang),
        definitions[0].value if definitions else "",
    )
    local = iri[len(_LG) :]
    label = pick(labels, lang, local)
    other = (labels.get("en" if lang == "zh" else "zh") or [""])[0]
    return {
        "local": local,
        "prefixed": f"lg:{local}",
        "label": label,
        "other": other if other != label else "",
        "definition": definition,
        "relations": relations(props),
    }


def ontology_page(source: SourceTriples, lang: str) -> dict[str, object]:
    """The template values of the ontology's page: the ontology's header, then its terms."""
    subjects = by_subject(source.triples)
    header = subjects.get(ONTOLOGY_IRI, {})

    def first(predicate: str) -> str:
        values = [o for o in header.get(predicate, []) if isinstance(o, ox.Literal)]
        chosen = [v for v in values if v.language == lang] or values
        return chosen[0].value if chosen else ""

    terms: dict[str, list[dict[str, object]]] = {}
    for iri, props in sorted(subjects.items()):
        if iri.startswith(_LG):
            terms.setdefault(section_of(props), []).append(term(iri, props, lang))
    return {
        "name": first(str(RDFS.label)) or first(str(DCTERMS.title)) or "Little Giant ontology",
        "comment": first(str(RDFS.comment)) or first(str(DCTERMS.description)),
        "version": first(str(OWL.versionInfo)),
        "ontology_iri": ONTOLOGY_IRI,
        "sections": [
            {"id": key, "title": zh if lang == "zh" else en, "terms": terms.get(key, [])}
            for key, zh, en in (*SECTIONS, INDIVIDUALS)
        ],
    }


def shapes_page(source: SourceTriples) -> dict[str, object]:
    """The template values of the shapes' page: each named shape, its targets and properties."""
    by_node: dict[str, list[ox.Triple]] = {}
    for t in source.triples:
        if not isinstance(t.subject, ox.Triple):
            by_node.setdefault(t.subject.value, []).append(t)
    shapes = []
    for subject, own in sorted(by_node.items()):
        if isinstance(own[0].subject, ox.BlankNode):
            continue
        targets = [_show(t.object) for t in own if t.predicate.value == str(SH.targetClass)]
        properties = [
            "; ".join(
                f"{_show(f.predicate)} {_show(f.object)}"
                for f in by_node.get(t.object.value, [])
                if not isinstance(f.object, ox.BlankNode)
            )
            for t in own
            if t.predicate.value == str(SH.property) and isinstance(t.object, ox.BlankNode)
        ]
        label = curie(subject) or subject
        shapes.append(
            {"iri": subject, "label": label, "targets": targets, "properties": properties}
        )
    return {"name": "SHACL shapes", "shapes": shapes}


def _show(value: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    if isinstance(value, ox.Triple):
        return str(value)
    return curie(value.value) or value.value
