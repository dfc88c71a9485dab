"""String-based constraint components: sh:minLength, sh:maxLength, sh:pattern, sh:languageIn,
sh:uniqueLang. A blank node has no string form, so it fails length and pattern constraints.

https://www.w3.org/TR/shacl/#core-components-string
"""

from __future__ import annotations

from rdflib import Literal
from rdflib.collection import Collection as RdfList
from rdflib.term import Node

from ingest.shacl.checks import TARGET
from ingest.shacl.components.base import Context, FocusComponent, ValueComponent, ValueFailure
from ingest.shacl.sparql_text import string
from ontology.namespaces import SH


def _length(op: str) -> ValueFailure:
    """The failure of a length bound: the string is ``op`` than the bound."""

    def failure(_ctx: Context, bound: Node, v: str, _shape: Node) -> str:
        return f"(isBlank({v}) || strlen(str({v})) {op} {int(str(bound))})"

    return failure


def pattern_failure(ctx: Context, regex: Node, v: str, shape: Node) -> str:
    """The string form of ``v`` does not match ``regex`` (with the shape's ``sh:flags``)."""
    flags = ctx.shapes.value(shape, SH.flags)
    extra = f", {string(str(flags))}" if flags is not None else ""
    return f"(isBlank({v}) || !regex(str({v}), {string(str(regex))}{extra}))"


def language_in_failure(ctx: Context, ranges: Node, v: str, _shape: Node) -> str:
    """``v`` is no literal with a language tag matching one of the list ``ranges``."""
    tags = [string(str(m)) for m in RdfList(ctx.shapes, ranges)]
    matches = " || ".join(f"langMatches(lang({v}), {t})" for t in tags) or "false"
    return f"!(isLiteral({v}) && ({matches}))"


def unique_lang(x: str, path: str, a: str, b: str, flag: Node) -> str:
    """Two values of ``x`` share a language tag (tags compare case-insensitively)."""
    if not (isinstance(flag, Literal) and flag.toPython() is True):
        return "FILTER(false)"
    return (
        f"{x} {path} {a} . {x} {path} {b} . "
        f'FILTER(!sameTerm({a}, {b}) && lang({a}) != "" && LCASE(lang({a})) = LCASE(lang({b}))) '
        f"BIND(LCASE(lang({a})) AS ?_lang)"
    )


def _unique_lang_failure(ctx: Context, flag: Node, x: str, path: str) -> str:
    return unique_lang(x, path, ctx.var("a"), ctx.var("b"), flag)


def _unique_lang_query(_ctx: Context, flag: Node, path: str) -> str:
    pattern = unique_lang("?this", path, "?_a", "?_b", flag)
    return f"SELECT DISTINCT ?this ?_lang WHERE {{ {TARGET} {pattern} }}"


VALUE: dict[Node, ValueComponent] = {
    SH.minLength: ValueComponent("sh:MinLengthConstraintComponent", _length("<")),
    SH.maxLength: ValueComponent("sh:MaxLengthConstraintComponent", _length(">")),
    SH.pattern: ValueComponent("sh:PatternConstraintComponent", pattern_failure),
    SH.languageIn: ValueComponent("sh:LanguageInConstraintComponent", language_in_failure),
}
FOCUS: dict[Node, FocusComponent] = {
    SH.uniqueLang: FocusComponent(
        "sh:UniqueLangConstraintComponent", _unique_lang_failure, _unique_lang_query
    ),
}
