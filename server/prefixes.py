"""The one prefix table of the server: queries may use these undeclared, serialisations declare
them, and pages show IRIs as the CURIEs they make."""

from __future__ import annotations

from ontology.namespaces import DCAT, FOAF, HYDRA, SD, VOID
from ontology.namespaces import PREFIXES as ONTOLOGY_PREFIXES

PREFIXES: dict[str, str] = {
    **ONTOLOGY_PREFIXES,
    "sd": str(SD),
    "void": str(VOID),
    "dcat": str(DCAT),
    "hydra": str(HYDRA),
    "foaf": str(FOAF),
}

# SPARQL prologue declaring every prefix, for queries the server writes itself
PROLOGUE = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())


def curie(iri: str) -> str | None:
    """``iri`` as ``prefix:local`` when a prefix of the table covers it, else None."""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return None
