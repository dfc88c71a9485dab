"""Validation results and reports, in the terms of SHACL's validation report.

https://www.w3.org/TR/shacl/#validation-report
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Literal as TypingLiteral

from rdflib.term import Node

from ontology.namespaces import PREFIXES, SH

Severity = TypingLiteral["Violation", "Warning", "Info"]
SEVERITIES: dict[Node, Severity] = {
    SH.Violation: "Violation",
    SH.Warning: "Warning",
    SH.Info: "Info",
}
_RANK: dict[Severity, int] = {"Violation": 0, "Warning": 1, "Info": 2}


@dataclass(frozen=True)
class ValidationResult:
    """One SHACL validation result, in the form both engines report."""

    severity: Severity
    focus: str
    path: str | None
    shape: str
    constraint: str
    message: str = ""
    value: str | None = None

    def key(self) -> tuple[str, str, str | None, str, str]:
        """What identifies the result across engines (messages and value forms differ)."""
        return (self.severity, self.focus, self.path, self.shape, self.constraint)


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of a validation: conforms when there is no violation (warnings allowed)."""

    conforms: bool
    results: tuple[ValidationResult, ...] = ()

    @classmethod
    def of(cls, results: Iterable[ValidationResult]) -> ValidationReport:
        """The report of these results, each kept once in first-seen order."""
        unique = tuple(dict.fromkeys(results))
        return cls(not any(r.severity == "Violation" for r in unique), unique)

    @property
    def violations(self) -> tuple[ValidationResult, ...]:
        return tuple(r for r in self.results if r.severity == "Violation")

    @property
    def warnings(self) -> tuple[ValidationResult, ...]:
        return tuple(r for r in self.results if r.severity == "Warning")

    def restricted_to(self, focus: Collection[str]) -> ValidationReport:
        """The results about the given focus nodes only (and whether those conform)."""
        results = tuple(r for r in self.results if r.focus in focus)
        return ValidationReport(not any(r.severity == "Violation" for r in results), results)

    def keys(self) -> set[tuple[str, str, str | None, str, str]]:
        """The results as a set of ``ValidationResult.key()`` tuples, for comparing engines."""
        return {r.key() for r in self.results}

    def text(self, limit: int = 50) -> str:
        """A readable report: one line per result, violations first, at most ``limit`` lines."""
        head = "Conforms" if self.conforms else "Does not conform"
        counts = {s: sum(r.severity == s for r in self.results) for s in SEVERITIES.values()}
        lines = [f"{head}: " + ", ".join(f"{n} {s.lower()}(s)" for s, n in counts.items())]
        ranked = sorted(self.results, key=lambda r: (_RANK[r.severity], r.shape, r.focus))
        for r in ranked[:limit]:
            where = f" {compact(r.path)}" if r.path else ""
            value = f" (value {r.value})" if r.value is not None else ""
            lines.append(
                f"- {r.severity} {compact(r.focus)}{where}: {r.message}{value}"
                f" [{compact(r.shape)}, {r.constraint}]"
            )
        if len(ranked) > limit:
            lines.append(f"... and {len(ranked) - limit} more")
        return "\n".join(lines)


def compact(iri: str | None) -> str:
    """An IRI (bare or in ``<...>``) as a CURIE of a known prefix where one fits, else as given."""
    if iri is None:
        return ""
    text = iri.strip("<>") if iri.startswith("<") and iri.endswith(">") else iri
    for prefix, ns in PREFIXES.items():
        if text.startswith(ns) and re.fullmatch(r"[\w.-]*", text[len(ns) :]):
            return f"{prefix}:{text[len(ns) :]}"
    return iri
