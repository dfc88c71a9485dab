"""Issue 9, item 1: one fixed namespace, its w3id.org rules, and alias bases that answer 301.

The rules in ``docs/w3id/littlegiant/.htaccess`` send each Accept type to a format URL of the
deployment; these tests hold the rules to what the app really serves at those URLs, so that the
two cannot drift apart (``docs/w3id/check-with-apache.sh`` checks the rules with Apache itself).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from rdflib import URIRef

from ontology.iris import CANONICAL_BASE, Iris
from ontology.settings import Settings
from server.media_types import RESOURCE_OFFERS
from tests.server.support import ROOT, app_client, memory_copy, turtle_graph

RULES = ROOT / "docs" / "w3id" / "littlegiant" / ".htaccess"
# the resources the rules negotiate for, one of each kind, as paths under the base
NEGOTIATED = ("/id/enterprise/E000001", "/ontology", "/shapes", "/graph/reference")


def accept_rules(path: Path) -> list[tuple[list[str], str]]:
    """(media types a rule's conditions match, the extension its target adds), in file order."""
    rules: list[tuple[list[str], str]] = []
    types: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if m := re.match(r"RewriteCond %\{HTTP_ACCEPT\} (\S+)", line):
            types.append(m.group(1).replace("\\", ""))
        elif line.startswith("RewriteRule") and types:
            target = re.search(r"\$1\.(\w+) ", line)
            assert target, line
            rules.append((types, target.group(1)))
            types = []
    return rules


@pytest.fixture(scope="module")
def curated(curated_source: ox.Store) -> Iterator[TestClient]:
    with app_client(memory_copy(curated_source)) as c:
        yield c


def test_rules_cover_every_format_the_service_offers() -> None:
    by_extension = {offer.extension: offer for offer in RESOURCE_OFFERS}
    rules = accept_rules(RULES)
    assert {ext for _, ext in rules} == set(by_extension)
    for types, ext in rules:
        assert set(types) <= set(by_extension[ext].all_types()), (types, ext)


@pytest.mark.parametrize("path", NEGOTIATED)
def test_each_rule_target_is_served_with_the_type_the_rule_matches(
    curated: TestClient, path: str
) -> None:
    for types, ext in accept_rules(RULES):
        r = curated.get(f"{path}.{ext}")
        assert r.status_code == 200, (path, ext, r.text[:200])
        assert r.headers["content-type"].split(";")[0] == types[0], (path, ext)


def test_rules_name_one_deployment_and_no_reserved_domain() -> None:
    text = RULES.read_text(encoding="utf-8")
    assert len(re.findall(r"E=LG_DEPLOYMENT:", text)) == 1
    assert not re.search(r"example\.(org|com|net)|\.invalid\b|\.test\b|localhost", text)


def test_data_is_served_with_canonical_iris_on_any_host(curated_source: ox.Store) -> None:
    with app_client(memory_copy(curated_source), base_url="http://127.0.0.1:8000") as c:
        r = c.get("/id/enterprise/E000001.ttl")
        assert r.status_code == 200, r.text
        subjects = set(turtle_graph(r.text).subjects())
        assert URIRef(f"{CANONICAL_BASE}/id/enterprise/E000001") in subjects
        assert not [s for s in subjects if "127.0.0.1" in str(s)]


def test_no_iri_in_the_default_store_lies_outside_the_base_or_on_a_reserved_domain(
    curated_source: ox.Store,
) -> None:
    """Our own IRIs all under the base; the source pages cited are the web's, never reserved."""
    reserved = re.compile(r"//([^/]*\.)?(example\.(org|com|net)|[^/]*\.(test|invalid|example))\b")
    for q in curated_source:
        for term in (q.subject, q.predicate, q.object, q.graph_name):
            if isinstance(term, ox.NamedNode):
                assert not reserved.search(term.value), q
                if "littlegiant" in term.value or "/id/enterprise/" in term.value:
                    assert term.value.startswith(CANONICAL_BASE), q


# -- the base is not a setting; alias bases map to it


@pytest.mark.parametrize(
    "base",
    [
        pytest.param("http://localhost:8000", id="development-host"),
        pytest.param("https://w3id.org/littlegiant2", id="a-lookalike"),
    ],
)
def test_the_base_cannot_be_moved(base: str) -> None:
    with pytest.raises(ValidationError, match="LG_ALIAS_BASES"):
        Settings(base_uri=base)
    with pytest.raises(ValueError, match="minted only under"):
        Iris(base)


def test_the_canonical_base_is_accepted_with_or_without_a_slash() -> None:
    assert Settings(base_uri=CANONICAL_BASE + "/").base_uri == CANONICAL_BASE
    assert Iris(CANONICAL_BASE + "/").base == Iris().base == CANONICAL_BASE


def test_an_alias_base_must_be_a_base_iri_and_not_the_canonical_one() -> None:
    with pytest.raises(ValidationError, match="canonical base itself"):
        Settings(alias_bases=(CANONICAL_BASE,))
    with pytest.raises(ValidationError, match="not an http"):
        Settings(alias_bases=("mirror-without-scheme",))


ALIASED = [
    pytest.param("/id/enterprise/E000001", "", id="enterprise"),
    pytest.param("/id/enterprise/E000001.ttl", "", id="format-url"),
    pytest.param("/graph/reference", "", id="graph"),
    pytest.param("/ontology", "", id="ontology"),
    pytest.param("/shapes.ttl", "", id="shapes-format"),
    pytest.param("/id/enterprise/E000001", "asOf=2020-01-01", id="query-kept"),
]


@pytest.mark.parametrize(("path", "query"), ALIASED)
def test_published_paths_on_an_alias_base_answer_301_to_the_canonical_iri(
    curated_source: ox.Store, path: str, query: str
) -> None:
    store = memory_copy(curated_source)
    alias = "http://mirror.local:8080/kg"
    with app_client(store, base_url="http://mirror.local:8080", alias_bases=(alias,)) as c:
        r = c.get(f"/kg{path}", params=query or None, follow_redirects=False)
        assert r.status_code == 301, r.text
        assert r.headers["location"] == CANONICAL_BASE + path + (f"?{query}" if query else "")


def test_service_pages_and_other_hosts_are_not_redirected(curated_source: ox.Store) -> None:
    store = memory_copy(curated_source)
    with app_client(
        store, base_url="http://mirror.local", alias_bases=("http://mirror.local",)
    ) as c:
        assert c.get("/health").status_code == 200
        assert c.get("/api/batches").status_code == 200
        assert c.get("/id/enterprise/E000001", follow_redirects=False).status_code == 301
    with app_client(
        store, base_url="http://primary.local", alias_bases=("http://mirror.local",)
    ) as c:
        assert c.get("/id/enterprise/E000001.ttl").status_code == 200
