"""The prefixes every query may use without declaring them (and the query page preloads)."""

from __future__ import annotations

from ontology.namespaces import DCAT, SD, VOID
from ontology.namespaces import PREFIXES as ONTOLOGY_PREFIXES

PREFIXES: dict[str, str] = {
    **ONTOLOGY_PREFIXES,
    "sd": str(SD),
    "void": str(VOID),
    "dcat": str(DCAT),
    "foaf": "http://xmlns.com/foaf/0.1/",
}
