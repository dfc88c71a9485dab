"""The filter form of a collection's HTML page: each filter labelled in the reader's language,
and a select wherever the values are a known list (regions, batches, tiers, statuses), so a
reader picks a value the API accepts instead of guessing one; ``q`` stays free text, ``asOf`` a
date."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ontology.iris import TIER_SLUGS, Iris
from ontology.namespaces import LG
from ontology.store import GraphStore
from server.describe import label_map, pick
from server.filters import STATUSES
from server.i18n import UI
from server.store_results import select

# the UI string naming each filter
LABELS = {
    "region": "region",
    "batch": "batch",
    "tier": "tier",
    "status": "status",
    "q": "filter_q",
    "asOf": "as_of",
}


@dataclass(frozen=True)
class Field:
    """One filter as the form shows it; ``options`` (value, label) make it a select."""

    key: str
    label: str
    value: str
    kind: str  # "select", "date" or "search"
    options: tuple[tuple[str, str], ...] = ()


def filter_values(store: GraphStore, iris: Iris) -> dict[str, list[tuple[str, str]]]:
    """Each listable filter's accepted values with the IRI whose label names them (computed
    once per state of the store: the regions and batches come from the data)."""
    regions = [
        (row["code"].value, row["r"].value)
        for row in select(
            store, f"SELECT ?r ?code WHERE {{ ?r <{LG.gbCode}> ?code }} ORDER BY ?code"
        )
    ]
    corps = str(iris.region("xpcc"))
    if select(store, f"SELECT ?p WHERE {{ <{corps}> ?p ?o }} LIMIT 1"):
        regions.append(("xpcc", corps))
    batches = [
        (row["o"].value, row["b"].value)
        for row in select(
            store, f"SELECT ?b ?o WHERE {{ ?b a <{LG.Batch}> ; <{LG.ordinal}> ?o }} ORDER BY ?o"
        )
    ]
    return {
        "region": regions,
        "batch": batches,
        "tier": [(slug, str(tier)) for slug, tier in TIER_SLUGS.items()],
        "status": [(slug, str(status)) for slug, status in STATUSES.items()],
    }


def filter_fields(
    store: GraphStore,
    keys: Sequence[str],
    given: Mapping[str, str],
    values: Mapping[str, list[tuple[str, str]]],
    lang: str,
) -> list[Field]:
    """The form's fields for a collection taking ``keys``, holding the values ``given``."""
    labels = label_map(store, [iri for key in keys for _, iri in values.get(key, [])])
    fields = []
    for key in keys:
        label = UI[LABELS[key]][lang]
        if key in values:
            options = tuple((v, pick(labels.get(iri), lang, v)) for v, iri in values[key])
            fields.append(Field(key, label, given.get(key, ""), "select", options))
        else:
            kind = "date" if key == "asOf" else "search"
            fields.append(Field(key, label, given.get(key, ""), kind))
    return fields
