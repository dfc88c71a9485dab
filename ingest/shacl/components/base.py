"""What a constraint component gives the compiler: SPARQL fragments for its failures.

A *value* component constrains each value node on its own (``sh:datatype``): it gives an
expression that is true when one value fails. A *focus* component constrains a focus node's
values together (``sh:minCount``, ``sh:equals``): it gives a group pattern with a solution
when the focus node fails, and the query that reports those focus nodes.
https://www.w3.org/TR/shacl/#constraints
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from rdflib import Graph
from rdflib.term import Node


class Context(Protocol):
    """What a component needs of the compiler."""

    @property
    def shapes(self) -> Graph:
        """The shapes graph (lists, flags and nested shapes are read from it)."""
        ...

    def var(self, stem: str) -> str:
        """A variable name used nowhere else in the query being compiled."""
        ...

    def subclasses(self, cls: Node) -> list[str]:
        """The class and its subclasses as SPARQL IRIs."""
        ...

    def failure(self, shape: Node, x: str) -> str:
        """A group pattern with a solution exactly when node ``x`` fails ``shape``."""
        ...


ValueFailure = Callable[[Context, Node, str, Node], str]
"""(context, parameter, value variable, shape) -> an expression true when the value fails."""

FocusFailure = Callable[[Context, Node, str, str], str]
"""(context, parameter, focus variable, path) -> a pattern with a solution when the focus fails."""

FocusQuery = Callable[[Context, Node, str], str | None]
"""(context, parameter, path) -> a SELECT of the failing ``?this`` (TARGET where its targets go),
or None when the parameter admits every focus node."""


@dataclass(frozen=True)
class ValueComponent:
    """A component checked on each value node by itself."""

    name: str  # its IRI as a CURIE, as results name it
    failure: ValueFailure


@dataclass(frozen=True)
class FocusComponent:
    """A component checked on the values of a focus node together."""

    name: str
    failure: FocusFailure  # in a nested shape
    query: FocusQuery  # in a shape of its own
    # on a node shape, where the focus node is the one value: an expression true when it fails;
    # None when the component needs a path
    node_failure: Callable[[Node, str], str] | None = None
