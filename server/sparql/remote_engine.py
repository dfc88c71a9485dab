"""The public endpoint over a remote SPARQL engine, with every safety of the embedded path.

The lexical checks (form, SERVICE allow-list, nesting) run before this, as for the embedded
engine. Here: the query's own ``FROM`` / ``FROM NAMED`` are lifted out of its text into the
protocol's dataset parameters (engines differ on how the two combine: Virtuoso adds them, the
recommendation overrides), so every engine sees one explicit dataset and none ever shows the
store's reserved graphs; a query naming no dataset gets the merge and the data graphs. The time
limit goes to the engine (``timeout``, where it has one) and is enforced by the client in any
case; Virtuoso's partial-result and row-cap headers are read as a time-out and a truncation;
the row limit is applied to the answer before it is serialised in the negotiated format.
"""

from __future__ import annotations

import asyncio
import io
import re
from collections.abc import Sequence

from ontology.store import RemoteStore
from ontology.store.remote_update import NO_GRAPH, RESERVED
from ontology.store.sparql_http import EngineTimeoutError, parse_answer
from server.sparql.analyse import Token, tokenize
from server.sparql.pool import (
    EngineError,
    EngineUnavailableError,
    Execution,
    Job,
    QueryTimeoutError,
    WorkerExecution,
)
from server.sparql.worker import check_format, limited, write_answer

_PREFIX_DECL = re.compile(r"\bPREFIX\s+([^\s:]*):", re.IGNORECASE)
_BASE_DECL = re.compile(r"\bBASE\s*<", re.IGNORECASE)


class RemoteEngine:
    """Answers ``Job`` s from the remote store's engine (the ``QueryPool`` interface)."""

    def __init__(self, store: RemoteStore, *, max_depth: int) -> None:
        self.store = store
        self.max_depth = max_depth

    async def execute(self, job: Job, timeout_s: float) -> Execution:
        """Evaluate ``job`` on the engine and return its whole, limited, serialised answer.

        Raises:
            QueryTimeoutError: the engine or the client stopped it at the limit.
            EngineError: the engine refused the query (``SyntaxError``) or the serialisation.
            EngineUnavailableError: the engine failed or could not be reached.
        """
        return await asyncio.to_thread(self._run, job, timeout_s)

    def _run(self, job: Job, timeout_s: float) -> Execution:
        text, dataset = self.prepare(job)
        try:
            answer = self.store.client.ask_raw(text, dataset, timeout_s=timeout_s)
            head, body = limited(parse_answer(answer), job.max_rows)
            head["truncated"] = head["truncated"] or answer.truncated
            check_format(head, job.format_name)
            out = io.BytesIO()
            write_answer(out, head, body, job.format_name, job.prefixes or {})
        except EngineTimeoutError:
            raise QueryTimeoutError from None
        except (SyntaxError, ValueError) as err:
            raise EngineError(type(err).__name__, str(err)) from None
        except OSError as err:
            raise EngineUnavailableError(str(err)) from None
        return WorkerExecution(None, None, head, timeout_s, out.getvalue())

    def prepare(self, job: Job) -> tuple[str, tuple[list[str], list[str]]]:
        """The query text to send (its prologue completed, its dataset lifted) and the dataset."""
        text = job.query
        lifted_default: list[str] = []
        lifted_named: list[str] = []
        if re.search(r"\bFROM\b", text, re.IGNORECASE):
            text, lifted_default, lifted_named = lift_dataset(
                text, job.prefixes or {}, job.base_iri, self.max_depth
            )
        if job.default_graph is not None or job.named_graphs is not None:
            dataset = (_public(job.default_graph), _public(job.named_graphs))
        elif lifted_default or lifted_named:
            dataset = (_public(lifted_default), _public(lifted_named))
        else:
            defaults, named = self.store.dataset()
            dataset = (defaults, named or [NO_GRAPH])
        return _prologue(text, job.prefixes or {}, job.base_iri), dataset

    def close(self) -> None:
        """Nothing to stop: the store's HTTP client belongs to the store."""

    def worker_pids(self) -> list[int]:
        return []

    def ready(self) -> bool:
        return True


def lift_dataset(
    text: str, prefixes: dict[str, str], base: str | None, max_depth: int
) -> tuple[str, list[str], list[str]]:
    """Remove the ``FROM`` / ``FROM NAMED`` clauses; return the text and the graphs they name."""
    tokens = tokenize(text, max_depth=max_depth)[0]
    declared = dict(prefixes)
    for k, tok in enumerate(tokens[:-2]):
        if tok.kind == "word" and tok.text.upper() == "PREFIX" and tokens[k + 2].kind == "iri":
            declared[tokens[k + 1].text.split(":")[0]] = tokens[k + 2].text
    cuts: list[tuple[int, int]] = []
    default: list[str] = []
    named: list[str] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.kind == "word" and tok.text.upper() == "FROM":
            j = i + 1
            into = default
            if j < len(tokens) and tokens[j].kind == "word" and tokens[j].text.upper() == "NAMED":
                into, j = named, j + 1
            if j < len(tokens) and (iri := _iri(tokens[j], declared, base)) is not None:
                into.append(iri)
                cuts.append((tok.offset, _end(tokens[j])))
                i = j + 1
                continue
        i += 1
    for start, end in reversed(cuts):
        text = text[:start] + " " + text[end:]
    return text, default, named


def _iri(token: Token, prefixes: dict[str, str], base: str | None) -> str | None:
    if token.kind == "iri":
        from urllib.parse import urljoin

        return urljoin(base, token.text) if base else token.text
    if token.kind == "pname":
        prefix, _, local = token.text.partition(":")
        return prefixes[prefix] + local if prefix in prefixes else None
    return None


def _end(token: Token) -> int:
    return token.offset + len(token.text) + (2 if token.kind == "iri" else 0)


def _public(graphs: Sequence[str] | None) -> list[str]:
    """A dataset list without the store's reserved graphs (naming one gives nothing)."""
    kept = [g for g in graphs or [] if g not in RESERVED]
    return kept or [NO_GRAPH]


def _prologue(text: str, prefixes: dict[str, str], base: str | None) -> str:
    """Declare the endpoint's default prefixes (and base) the query uses without declaring."""
    own = {m.group(1) for m in _PREFIX_DECL.finditer(text)}
    lines = [] if base is None or _BASE_DECL.search(text) else [f"BASE <{base}>"]
    lines += [
        f"PREFIX {name}: <{iri}>"
        for name, iri in sorted(prefixes.items())
        if name not in own and f"{name}:" in text
    ]
    return "\n".join([*lines, text]) if lines else text
