"""The SHACL-SPARQL credit-code checks agree with python-stdnum, in pyoxigraph (the gate's
engine), in rdflib (pySHACL's) and, marked slow, in pySHACL itself.

SYNTHETIC data: the codes are random strings from a seeded generator, half given the right
GB 32100-2015 check character (computed with python-stdnum), half a wrong one or a transposition.
"""

from __future__ import annotations

import random

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, SH
from stdnum.cn import uscc as stdnum_uscc

from ontology.namespaces import LG

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
LGSH = Namespace("https://w3id.org/littlegiant/shapes#")
ENTERPRISE = "https://w3id.org/littlegiant/id/enterprise/E9{:05d}"


def _query(shapes: Graph, constraint: URIRef) -> str:
    """The constraint's SELECT with its declared prefixes, $this as an ordinary variable."""
    prologue = [
        f"PREFIX {shapes.value(d, SH.prefix)}: <{shapes.value(d, SH.namespace)}>"
        for d in shapes.objects(URIRef("https://w3id.org/littlegiant/shapes"), SH.declare)
    ]
    select = str(shapes.value(constraint, SH.select)).replace("$this", "?this")
    return "\n".join([*prologue, select])


def random_codes(n: int, seed: int) -> list[str]:
    """Well-formed codes, about half of them with a correct check character."""
    rng = random.Random(seed)  # noqa: S311 - seeded synthetic test data, not a secret
    codes = []
    for i in range(n):
        body = (
            "".join(rng.choice(ALPHABET) for _ in range(2))
            + "".join(rng.choice("0123456789") for _ in range(6))
            + "".join(rng.choice(ALPHABET) for _ in range(9))
        )
        good = stdnum_uscc.calc_check_digit(body)
        if i % 4 == 0:
            code = body + rng.choice(ALPHABET.replace(good, ""))
        elif i % 4 == 1:  # a transposition of two neighbours in the body
            j = rng.randrange(8, 16)
            swapped = body[:j] + body[j + 1] + body[j] + body[j + 2 :]
            code = swapped + good
        else:
            code = body + good
        codes.append(code)
    return codes


def _wrong(code: str) -> bool:
    return stdnum_uscc.calc_check_digit(code[:17]) != code[17]


def test_generator_gives_both_kinds() -> None:
    codes = random_codes(400, seed=1)
    bad = sum(_wrong(c) for c in codes)
    assert 100 < bad < 300


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_check_character_in_pyoxigraph_agrees_with_stdnum(shapes_graph: Graph, seed: int) -> None:
    codes = random_codes(1000, seed)
    store = ox.Store()
    for i, code in enumerate(codes):
        store.add(
            ox.Quad(ox.NamedNode(ENTERPRISE.format(i)), ox.NamedNode(LG.uscc), ox.Literal(code))
        )
    found = {
        row["this"].value for row in store.query(_query(shapes_graph, LGSH.UsccCheckCharacter))
    }
    expected = {ENTERPRISE.format(i) for i, c in enumerate(codes) if _wrong(c)}
    assert found == expected


def test_check_character_in_pyoxigraph_accepts_stdnum_valid_codes(shapes_graph: Graph) -> None:
    """Codes python-stdnum accepts (its stricter format: eight leading digits) all pass."""
    codes = [c for c in random_codes(2000, seed=7) if stdnum_uscc.is_valid(c)]
    assert len(codes) > 100
    store = ox.Store()
    for i, code in enumerate(codes):
        store.add(
            ox.Quad(ox.NamedNode(ENTERPRISE.format(i)), ox.NamedNode(LG.uscc), ox.Literal(code))
        )
    assert list(store.query(_query(shapes_graph, LGSH.UsccCheckCharacter))) == []


def _enterprise_graph(codes: list[str], regions: list[str] | None = None) -> Graph:
    g = Graph()
    for i, code in enumerate(codes):
        e = URIRef(ENTERPRISE.format(i))
        g.add((e, RDF.type, LG.Enterprise))
        g.add((e, RDFS.label, Literal(f"示例企业{i}", lang="zh")))
        g.add((e, LG.legalName, Literal(f"示例企业{i}", lang="zh")))
        g.add((e, LG.uscc, Literal(code)))
        if regions is not None:
            region = URIRef(f"https://w3id.org/littlegiant/id/province/{regions[i]}0000")
            g.add((e, LG.reportingRegion, region))
            g.add((region, RDF.type, LG.Province))
            g.add((region, LG.divisionCodePrefix, Literal(regions[i])))
    return g


def _pyshacl_sparql_failures(shapes: Graph, data: Graph, constraint: URIRef) -> set[str]:
    """Focus nodes of pySHACL's results for one SPARQL constraint, the only shape it is given."""
    import pyshacl  # slow to import: only these slow tests need it

    only = Graph()
    only.add((LGSH.EnterpriseShape, RDF.type, SH.NodeShape))
    only.add((LGSH.EnterpriseShape, SH.targetClass, LG.Enterprise))
    only.add((LGSH.EnterpriseShape, SH.sparql, constraint))
    for t in shapes.triples((constraint, None, None)):
        only.add(t)
    for declared in shapes.objects(constraint, SH.prefixes):
        for decl in shapes.objects(declared, SH.declare):
            only.add((declared, SH.declare, decl))
            for t in shapes.triples((decl, None, None)):
                only.add(t)
    _conforms, report, _text = pyshacl.validate(
        data, shacl_graph=only, inference="none", advanced=False
    )
    return {
        str(report.value(r, SH.focusNode))
        for r in report.subjects(RDF.type, SH.ValidationResult)
        if report.value(r, SH.sourceConstraintComponent) == SH.SPARQLConstraintComponent
    }


def test_check_character_in_rdflib_agrees_with_stdnum(shapes_graph: Graph) -> None:
    """The query as rdflib (pySHACL's engine) evaluates it, over hundreds of codes at once."""
    codes = random_codes(400, seed=11)
    rows = _enterprise_graph(codes).query(_query(shapes_graph, LGSH.UsccCheckCharacter))
    found = {str(row[0]) for row in rows}
    assert found == {ENTERPRISE.format(i) for i, c in enumerate(codes) if _wrong(c)}


@pytest.mark.slow
def test_check_character_in_pyshacl_agrees_with_stdnum(shapes_graph: Graph) -> None:
    """pySHACL parses the query once per focus node (about 0.5 s each), so a smaller sample."""
    codes = random_codes(24, seed=12)
    data = _enterprise_graph(codes)
    found = _pyshacl_sparql_failures(shapes_graph, data, LGSH.UsccCheckCharacter)
    assert found == {ENTERPRISE.format(i) for i, c in enumerate(codes) if _wrong(c)}


def _region_codes(n: int, seed: int) -> tuple[list[str], list[str]]:
    """Valid codes registered in random provinces (or nationally), and random reporting regions."""
    rng = random.Random(seed)  # noqa: S311 - seeded synthetic test data, not a secret
    provinces = ["11", "12", "31", "32", "33", "37", "44", "65", "66"]
    codes, regions = [], []
    for _ in range(n):
        registered = rng.choice([*provinces, "10"])
        body = "91" + registered + "".join(rng.choice("0123456789") for _ in range(4))
        body += "".join(rng.choice(ALPHABET) for _ in range(9))
        codes.append(body + stdnum_uscc.calc_check_digit(body))
        regions.append(
            registered if rng.random() < 0.5 and registered != "10" else rng.choice(provinces)
        )
    return codes, regions


def _region_mismatch(code: str, region: str) -> bool:
    return code[2:4] not in (region, "10")


def test_region_check_in_pyoxigraph(shapes_graph: Graph) -> None:
    codes, regions = _region_codes(1000, seed=5)
    store = ox.Store()
    for t in _enterprise_graph(codes, regions):
        store.add(
            ox.Quad(
                *(ox.Literal(str(x)) if isinstance(x, Literal) else ox.NamedNode(str(x)) for x in t)
            )
        )
    found = {row["this"].value for row in store.query(_query(shapes_graph, LGSH.UsccRegion))}
    expected = {
        ENTERPRISE.format(i)
        for i, (c, r) in enumerate(zip(codes, regions, strict=True))
        if _region_mismatch(c, r)
    }
    assert 100 < len(expected) < 900
    assert found == expected


def test_region_check_in_rdflib(shapes_graph: Graph) -> None:
    """The query as rdflib (pySHACL's engine) evaluates it, over hundreds of codes at once."""
    codes, regions = _region_codes(400, seed=6)
    rows = _enterprise_graph(codes, regions).query(_query(shapes_graph, LGSH.UsccRegion))
    found = {str(row[0]) for row in rows}
    expected = {
        ENTERPRISE.format(i)
        for i, (c, r) in enumerate(zip(codes, regions, strict=True))
        if _region_mismatch(c, r)
    }
    assert 100 < len(expected) < 300
    assert found == expected


@pytest.mark.slow
def test_region_check_in_pyshacl(shapes_graph: Graph) -> None:
    codes, regions = _region_codes(200, seed=6)  # about 0.1 s per focus node in pySHACL
    data = _enterprise_graph(codes, regions)
    found = _pyshacl_sparql_failures(shapes_graph, data, LGSH.UsccRegion)
    expected = {
        ENTERPRISE.format(i)
        for i, (c, r) in enumerate(zip(codes, regions, strict=True))
        if _region_mismatch(c, r)
    }
    assert found == expected
