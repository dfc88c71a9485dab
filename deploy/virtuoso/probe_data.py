"""The probe's data and queries: made-up triples under ``urn:x-lg-probe:``, never real records."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

PROBE = "urn:x-lg-probe:"
GRAPH_A = PROBE + "graph/a"
GRAPH_B = PROBE + "graph/b"
GRAPH_M = PROBE + "graph/merge"  # stands for the service's materialised default graph
XSD = "http://www.w3.org/2001/XMLSchema#"
RDFS_LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"


def bulk_ntriples(n: int, version: str) -> str:
    """``n`` triples shaped like the synthetic enterprises: a version flag and a Chinese label."""
    lines = []
    for i in range(n // 2):
        s = f"<{PROBE}{version}/e{i:07d}>"
        lines.append(f'{s} <{PROBE}version> "{version}" .')
        lines.append(f'{s} {RDFS_LABEL} "合成企业 {i} 精密机械有限公司（合成）"@zh .')
    if n % 2:
        lines.append(f'<{PROBE}{version}/odd> <{PROBE}version> "{version}" .')
    return "\n".join(lines)


def _p(name: str) -> str:
    return f"<{PROBE}{name}>"


# (predicate, object) of <e1> in graph A: the literal forms the service stores or may meet
E1_VALUES = [
    ("label", '"华瑞精密机械（合成）"@zh'),
    ("labelEn", '"Huarui Precision (synthetic)"@en-US'),
    ("uscc", '"91330000MA27XXXX1X"'),
    ("explicitString", f'"abc"^^<{XSD}string>'),
    ("integer", f'"42"^^<{XSD}integer>'),
    ("integerLeadingZero", f'"042"^^<{XSD}integer>'),
    ("negative", f'"-7"^^<{XSD}integer>'),
    ("positiveInteger", f'"5"^^<{XSD}positiveInteger>'),
    ("decimal", f'"3.50"^^<{XSD}decimal>'),
    ("double", f'"1.0E3"^^<{XSD}double>'),
    ("boolean", f'"true"^^<{XSD}boolean>'),
    ("date", f'"2024-08-01"^^<{XSD}date>'),
    ("dateTime", f'"2024-08-01T10:00:00Z"^^<{XSD}dateTime>'),
    ("dateTimeNoZone", f'"2024-08-01T10:00:00"^^<{XSD}dateTime>'),
    ("gYear", f'"2024"^^<{XSD}gYear>'),
    ("duration", f'"P3Y"^^<{XSD}duration>'),
    ("custom", f'"x-1"^^<{PROBE}customType>'),
    ("escapes", '"line\\nbreak \\"quoted\\" tab\\t back\\\\slash"'),
    ("illTypedDate", f'"not-a-date"^^<{XSD}date>'),
    ("shortDate", f'"1"^^<{XSD}date>'),
    ("link", f"<{PROBE}e2>"),
    ("blank", "_:b1"),
]


def feature_ntriples() -> str:
    """Graph A's triples for the format and feature checks (N-Triples)."""
    lines = [f"<{PROBE}e1> {_p(p)} {o} ." for p, o in E1_VALUES]
    lines += [
        f'_:b1 {_p("note")} "blank node object" .',
        f"<{PROBE}n1> {_p('next')} <{PROBE}n2> .",
        f"<{PROBE}n2> {_p('next')} <{PROBE}n3> .",
        f"<{PROBE}n3> {_p('next')} <{PROBE}n1> .",
        f"<{PROBE}n3> {_p('next')} <{PROBE}n4> .",
        f'<{PROBE}e2> {_p("label")} "恒创新材料（合成）"@zh .',
        f'<{PROBE}e2> {_p("date")} "2021-01-01"^^<{XSD}date> .',
        f'<{PROBE}e2> {_p("integer")} "7"^^<{XSD}integer> .',
    ]
    return "\n".join(lines)


def graph_b_ntriples() -> str:
    """Graph B: one fact also in A (a duplicate across sources) and one of its own."""
    return "\n".join(
        [
            f'<{PROBE}e1> {_p("label")} "华瑞精密机械（合成）"@zh .',
            f'<{PROBE}e3> {_p("label")} "盛鑫科技（合成）"@zh .',
            f'<{PROBE}e3> {_p("date")} "2019-07-01"^^<{XSD}date> .',
        ]
    )


def reference_store() -> ox.Store:
    """The same graphs A and B in pyoxigraph, the SPARQL 1.1 reference."""
    store = ox.Store()
    store.load(feature_ntriples(), ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(GRAPH_A))
    store.load(graph_b_ntriples(), ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(GRAPH_B))
    return store


QUERIES_FILE = Path(__file__).with_name("probe_queries.rq")


def feature_queries() -> list[tuple[str, str]]:
    """(title, query) pairs of probe_queries.rq, with its placeholders filled in."""
    prologue = f"PREFIX p: <{PROBE}> PREFIX xsd: <{XSD}>\n"
    fill = {
        "$MERGE": f"FROM <{GRAPH_A}> FROM <{GRAPH_B}>",
        "$NAMED": f"FROM NAMED <{GRAPH_A}> FROM NAMED <{GRAPH_B}>",
        "$A": f"<{GRAPH_A}>",
    }
    pairs: list[tuple[str, str]] = []
    for block in QUERIES_FILE.read_text(encoding="utf-8").split("\n## ")[1:]:
        title, _, text = block.partition("\n")
        for key, value in fill.items():
            text = text.replace(key, value)
        pairs.append((title.strip(), prologue + text.strip()))
    return pairs
