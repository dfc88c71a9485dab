"""The SHACL gate: shapes compiled once into SPARQL queries that run on a pyoxigraph store.

pySHACL walks the data graph node by node in Python (minutes for 20,000 enterprises); the same
shapes compiled to SPARQL run inside pyoxigraph in about three CPU seconds (bench/README.md).
Checks on the values or the number of values of a plain predicate are grouped into one query
per predicate, which tests a shape's target only for the values that fail (``grouping``);
everything else is one query per constraint, anchored on the shape's targets (``compile``).
With ``focus``, each query runs only for the focus nodes whose types its targets admit
(``gate``). pySHACL stays the reference: ``reference.reference_validate`` runs it and reads its
report into the same result form, so tests compare the two engines as sets of (severity,
focus, path, shape, constraint component).

Supported: SHACL Core node and property shapes with ``sh:targetClass`` (subclasses from the
ontology), ``sh:targetNode``, ``sh:targetSubjectsOf``, ``sh:targetObjectsOf`` and implicit class
targets; any SHACL property path; ``sh:class``, ``sh:datatype``, ``sh:nodeKind``,
``sh:minCount``, ``sh:maxCount``, ``sh:hasValue``, ``sh:in``, ``sh:languageIn``, ``sh:pattern``
(``sh:flags``), ``sh:minLength``, ``sh:maxLength``, ``sh:min/maxIn/Exclusive``, ``sh:equals``,
``sh:disjoint``, ``sh:lessThan``, ``sh:lessThanOrEquals``, ``sh:node``, ``sh:not``, ``sh:and``,
``sh:or``, ``sh:xone``, ``sh:uniqueLang`` (``components``, one module per section of SHACL §4);
and SHACL-SPARQL SELECT constraints (``sh:sparql``, ``sh:prefixes``, ``$this``/``$PATH``,
``{?var}`` messages; ``components.sparql``).
Anything else raises ``UnsupportedShape`` when the gate is built: a constraint is never skipped.
https://www.w3.org/TR/shacl/
"""

from ingest.shacl.gate import ShapesGate
from ingest.shacl.report import ValidationReport, ValidationResult
from ingest.shacl.sparql_text import UnsupportedShape

__all__ = ["ShapesGate", "UnsupportedShape", "ValidationReport", "ValidationResult"]
