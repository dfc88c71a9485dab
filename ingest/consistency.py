"""Whether the key registry and the store agree: the check ``littlegiant validate`` adds to the
shapes.

A key names one enterprise for ever. If two writers ever minted from one registry state (or a
registry were restored from an old copy), the store would hold a key the registry does not, or a
key whose names and credit code in the store are another firm's than the registry records. The
registry may know more keys than the store (a list dropped by ``build --clean`` keeps its keys,
never reused), so that direction is not a disagreement.
"""

from __future__ import annotations

from collections import defaultdict

from ingest.identity import Registry
from ontology.iris import Iris
from ontology.names import normalise_name
from ontology.namespaces import LG
from ontology.store import GraphStore

_ENTERPRISES = f"""
SELECT ?e ?p ?v WHERE {{
  ?e a <{LG.Enterprise}> .
  OPTIONAL {{ ?e ?p ?v FILTER (?p IN (<{LG.legalName}>, <{LG.uscc}>)) }}
}}"""


def compare_registry(store: GraphStore, registry: Registry, base_uri: str) -> list[str]:
    """Every disagreement between the store's enterprises and the registry, one line each."""
    iris = Iris(base_uri)
    names: dict[str, set[str]] = defaultdict(set)
    codes: dict[str, set[str]] = defaultdict(set)
    for row in store.select(_ENTERPRISES):
        e = row["e"].value
        if row["p"] is None:
            names.setdefault(e, set())
        elif row["p"].value == str(LG.uscc):
            codes[e].add(row["v"].value)
        else:
            names[e].add(normalise_name(row["v"].value))
    problems: list[str] = []
    if store.publish_pending():
        problems.append("a publish was interrupted; the next writer completes it")
    known = set(registry.keys())
    recorded = registry.names_by_key()
    for e in sorted(set(names) | set(codes)):
        key = _key(iris, e)
        if key is None:
            continue
        if key not in known:
            problems.append(f"{key} is in the store but not in the registry: keys may be reused")
            continue
        registered = registry.uscc_of(key)
        for code in sorted(codes.get(e, set()) - {registered} if registered else set()):
            problems.append(f"{key}: the store gives credit code {code}, the registry {registered}")
        if len(codes.get(e, set())) > 1:
            problems.append(f"{key}: the store gives {len(codes[e])} credit codes for one key")
        unknown = names.get(e, set()) - recorded.get(registry.canonical(key), set())
        if unknown:
            shown = ", ".join(sorted(unknown)[:3])
            problems.append(f"{key}: the store names it {shown}, which the registry never recorded")
    problems += registry.shared_codes()
    return problems


def _key(iris: Iris, iri: str) -> str | None:
    parsed = iris.parse(iri)
    return parsed.local if parsed is not None and parsed.kind == "enterprise" else None
