"""A cheap lexical pass over a SPARQL request, run before the engine sees it.

It finds what the engine must not be asked to do and what it cannot do safely: the query form
(only SELECT/ASK/CONSTRUCT/DESCRIBE; updates are refused), the ``SERVICE`` targets (pyoxigraph
makes the HTTP call itself, so every target must be a constant IRI on the allow-list), and the
bracket nesting depth (pyoxigraph's parser is recursive: deep nesting costs cubic time and, at
~4,600 levels, overflows the stack and kills the process) and how deep the engine's recursion
goes on chains (see :func:`chain_depth`). The pass respects strings, IRIs,
comments and prefixed names, so ``"SERVICE"``, ``<x#SERVICE>``, ``# SERVICE`` and
``service:x`` are not mistaken for the keyword, while ``sErViCe``, ``SERVICE ?x`` and
``SERVICE pfx:local`` are caught. SPARQL 1.1 Query §19 (grammar, terminals).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urljoin

QUERY_FORMS = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})
UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
)

_IRIREF = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
_PN_CHARS_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_PN_CHARS = _PN_CHARS_BASE + "_0-9\u00b7\u0300-\u036f\u203f-\u2040-"
# a prefixed name or a bare word; the local part is matched loosely (escapes, %xx, dots)
_PNAME = re.compile(
    rf"(?:[{_PN_CHARS_BASE}](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?)?:"
    rf"(?:[{_PN_CHARS}:.%]|\\[_~.\-!$&'()*+,;=/?#@%])*"
)
_WORD = re.compile(rf"[{_PN_CHARS_BASE}_][{_PN_CHARS}]*")
_VAR = re.compile(rf"[?$][{_PN_CHARS}]+")
_LANGTAG = re.compile(r"@[A-Za-z]+(?:-[A-Za-z0-9]+)*")
_NUMBER = re.compile(r"[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?")
_STRING_STARTS = ('"""', "'''", '"', "'")
# punctuation read as one token: operators of two characters, the quoted-triple brackets
_TWO_CHAR = frozenset({"||", "&&", "!=", "<=", ">=", "^^", "<<", ">>"})
_OPENERS = {"(": ")", "{": "}", "[": "]", "<<": ">>"}
_CLOSERS = frozenset(_OPENERS.values())
# Each of these makes the engine's expression or algebra tree one level deeper where it chains:
# ``a || b || c`` and ``{} UNION {} UNION {}`` are left-deep trees, and pyoxigraph walks them
# recursively. Measured on an empty store in a process with the default 8 MiB stack, the
# process dies at ~9,300 chained ``!``, ~6,800 ``+``, ~6,500 UNION or OPTIONAL, ~2,600 BIND
# (a heavier frame: it weighs 3) and ~4,600 nested brackets (a frame weighs 2).
_CHAIN_OPERATORS = frozenset(
    {"||", "&&", "=", "!=", "<", ">", "<=", ">=", "+", "-", "*", "/", "|", "^", "!"}
)
_CHAIN_KEYWORDS = {
    "UNION": 1, "OPTIONAL": 1, "MINUS": 1, "FILTER": 1, "GRAPH": 1, "SERVICE": 1,
    "VALUES": 1, "EXISTS": 1, "NOT": 1, "IN": 1, "BIND": 3,
}  # fmt: skip
_FRAME_WEIGHT = 2
DEFAULT_MAX_CHAIN = 2000


class QueryRejectedError(ValueError):
    """The request is refused before evaluation; ``status`` is the HTTP status to answer."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Token:
    kind: str  # "iri", "pname", "word", "var", "string", "punct", "number", "langtag"
    text: str
    offset: int


@dataclass(frozen=True)
class Analysis:
    """What the lexical pass learnt: the form, the prologue and the SERVICE targets."""

    form: str
    prefixes: Mapping[str, str]
    base: str | None
    services: tuple[str, ...]
    depth: int


def tokenize(text: str, *, max_depth: int) -> tuple[list[Token], int]:
    """Split the query into tokens and measure bracket nesting; comments are dropped.

    Raises:
        QueryRejectedError: the nesting exceeds ``max_depth`` or a string is not closed.
    """
    tokens: list[Token] = []
    depth = deepest = 0
    open_quoted: list[int] = []  # the depths at which a ``<<`` is open
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        if ch == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end + 1
            continue
        if ch == "<":
            m = _IRIREF.match(text, i)
            if m:
                tokens.append(Token("iri", m.group()[1:-1], i))
                i = m.end()
                continue
        if ch in "\"'":
            end = _string_end(text, i)
            tokens.append(Token("string", text[i:end], i))
            i = end
            continue
        pair = text[i : i + 2]
        punct = pair if pair in _TWO_CHAR else ch
        if punct == ">>" and (not open_quoted or open_quoted[-1] != depth):
            punct = ">"  # two comparisons, not the end of a quoted triple
        if punct in _OPENERS:
            depth += 1
            deepest = max(deepest, depth)
            if depth > max_depth:
                raise QueryRejectedError(
                    f"Query nested more than {max_depth} brackets deep (at offset {i}); "
                    "the limit protects the parser"
                )
            if punct == "<<":
                open_quoted.append(depth)
            tokens.append(Token("punct", punct, i))
            i += len(punct)
            continue
        if punct in _CLOSERS:
            if open_quoted and open_quoted[-1] == depth:
                open_quoted.pop()
            depth = max(0, depth - 1)
            tokens.append(Token("punct", punct, i))
            i += len(punct)
            continue
        if ch in "?$":
            m = _VAR.match(text, i)
            if m:
                tokens.append(Token("var", m.group(), i))
                i = m.end()
                continue
        if ch == "@":
            m = _LANGTAG.match(text, i)
            if m:
                tokens.append(Token("langtag", m.group(), i))
                i = m.end()
                continue
        m = _PNAME.match(text, i)
        if m and m.end() > i:
            tokens.append(Token("pname", m.group(), i))
            i = m.end()
            continue
        m = _WORD.match(text, i)
        if m:
            tokens.append(Token("word", m.group(), i))
            i = m.end()
            continue
        m = _NUMBER.match(text, i)
        if m and m.end() > i:
            tokens.append(Token("number", m.group(), i))
            i = m.end()
            continue
        tokens.append(Token("punct", punct, i))
        i += len(punct)
    return tokens, deepest


def chain_depth(tokens: Sequence[Token]) -> int:
    """An upper bound of how deep the engine recurses on this query, in chain links.

    Every bracket pair opens a frame that weighs :data:`_FRAME_WEIGHT`; inside a frame each
    operator and each pattern keyword (``UNION``, ``OPTIONAL``, ``BIND``…) adds a link, and so
    does each group beside another (groups in a row are joined). A frame's depth is its own
    links plus its deepest inner frame; the query's is the outermost level's. Counting every
    operator, not only one precedence level, over-estimates by at most the few operators of
    each operand (``?x = 1 || ?x = 2`` counts 3), which keeps the bound safe and simple.
    """
    links = [0]  # the links of each open frame, outermost first
    inner = [0]  # the deepest closed frame within each open frame
    for token in tokens:
        if token.kind == "punct" and token.text in _OPENERS:
            if token.text == "{":
                links[-1] += 1
            links.append(_FRAME_WEIGHT)
            inner.append(0)
        elif token.kind == "punct" and token.text in _CLOSERS and len(links) > 1:
            closed = links.pop() + inner.pop()
            inner[-1] = max(inner[-1], closed)
        elif token.kind == "punct" and token.text in _CHAIN_OPERATORS:
            links[-1] += 1
        elif token.kind == "word":
            links[-1] += _CHAIN_KEYWORDS.get(token.text.upper(), 0)
    while len(links) > 1:  # frames the query never closed
        closed = links.pop() + inner.pop()
        inner[-1] = max(inner[-1], closed)
    return links[0] + inner[0]


def _string_end(text: str, start: int) -> int:
    for quote in _STRING_STARTS:
        if text.startswith(quote, start):
            break
    i = start + len(quote)
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text.startswith(quote, i):
            return i + len(quote)
        if len(quote) == 1 and text[i] in "\r\n":
            break
        i += 1
    raise QueryRejectedError(f"Unterminated string starting at offset {start}")


def analyse(
    text: str,
    *,
    default_prefixes: Mapping[str, str],
    allowlist: tuple[str, ...] | frozenset[str],
    max_depth: int,
    max_chain: int = DEFAULT_MAX_CHAIN,
    base: str | None = None,
) -> Analysis:
    """Check a query before evaluation and report its form.

    The form is ``""`` when the lexical pass cannot tell (the engine then reports the syntax
    error with its position).

    Raises:
        QueryRejectedError: an update operation, a SERVICE call to an endpoint not on the allow-list
            (or to a variable), nesting deeper than ``max_depth`` brackets, or chains the
            engine would recurse deeper than ``max_chain`` links into (:func:`chain_depth`).
    """
    tokens, deepest = tokenize(text, max_depth=max_depth)
    chained = chain_depth(tokens)
    if chained > max_chain:
        raise QueryRejectedError(
            f"Query chains operators, patterns and brackets about {chained} levels deep "
            f"(the limit is {max_chain}, LG_MAX_QUERY_CHAIN); the engine evaluates such chains "
            "recursively, so split the query or use VALUES / IN lists instead"
        )
    prefixes = dict(default_prefixes)
    i = 0
    # the prologue: BASE and PREFIX declarations, in order (a later BASE resolves later IRIs)
    while i < len(tokens):
        word = tokens[i].text.upper() if tokens[i].kind == "word" else ""
        if word == "BASE" and i + 1 < len(tokens) and tokens[i + 1].kind == "iri":
            base = _resolve(tokens[i + 1].text, base)
            i += 2
        elif (
            word == "PREFIX"
            and i + 2 < len(tokens)
            and tokens[i + 1].kind == "pname"
            and tokens[i + 2].kind == "iri"
        ):
            prefixes[tokens[i + 1].text.rstrip(":").split(":")[0]] = _resolve(
                tokens[i + 2].text, base
            )
            i += 3
        else:
            break
    form = ""
    if i < len(tokens) and tokens[i].kind == "word":
        word = tokens[i].text.upper()
        if word in QUERY_FORMS:
            form = word
        elif word in UPDATE_KEYWORDS:
            raise QueryRejectedError(
                f"{word} is a SPARQL Update operation; this endpoint is read-only and answers "
                "queries only (SELECT, ASK, CONSTRUCT, DESCRIBE)"
            )
    services: list[str] = []
    for j, token in enumerate(tokens):
        if token.kind != "word" or token.text.upper() != "SERVICE":
            continue
        k = j + 1
        if k < len(tokens) and tokens[k].kind == "word" and tokens[k].text.upper() == "SILENT":
            k += 1
        target = tokens[k] if k < len(tokens) else None
        iri = _target_iri(target, prefixes, base)
        if iri is None:
            where = f"offset {token.offset}"
            raise QueryRejectedError(
                f"SERVICE at {where} must name a constant endpoint IRI; federated queries to "
                "variables are not allowed here"
            )
        if iri not in allowlist:
            raise QueryRejectedError(
                f"SERVICE <{iri}> is not on this endpoint's allow-list "
                "(LG_SERVICE_ALLOWLIST); federated queries are refused",
                status=403,
            )
        services.append(iri)
    return Analysis(form, prefixes, base, tuple(services), deepest)


def _target_iri(token: Token | None, prefixes: Mapping[str, str], base: str | None) -> str | None:
    if token is None:
        return None
    if token.kind == "iri":
        return _resolve(token.text, base)
    if token.kind == "pname":
        prefix, _, local = token.text.partition(":")
        if prefix not in prefixes:
            return None
        return prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)
    return None


def _resolve(iri: str, base: str | None) -> str:
    return urljoin(base, iri) if base else iri
