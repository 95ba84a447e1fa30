"""Query plan nodes: plain frozen dataclasses, shaped like Apollo's query plans.

``QueryPlan(node)`` where a node is ``Sequence``, ``Parallel``, ``Fetch``, ``Flatten`` or, at
the top of an operation with ``@defer``, ``Defer``. A ``Fetch`` under a ``Flatten`` is an entity
fetch: the executor collects the objects at the flatten path, projects each through
``requires`` into a representation and sends them all in one ``_entities`` call.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union


@dataclass(frozen=True)
class RequiredField:
    """A field copied into a representation (``response_key`` is where it sits in the data)."""

    name: str
    response_key: str
    selections: tuple[RequiredSelection, ...] = ()


@dataclass(frozen=True)
class RequiredFragment:
    """``... on type_condition { selections }``; objects of other types are skipped."""

    type_condition: str
    selections: tuple[RequiredSelection, ...]
    # the __typename sent to the subgraph (an @interfaceObject name) when it differs
    rename_to: str | None = None
    # key fields: an object whose key field is null is not sent
    key_fields: tuple[str, ...] = ()


RequiredSelection = Union[RequiredField, RequiredFragment]  # noqa: UP007


@dataclass(frozen=True)
class ContextUse:
    """An @fromContext argument of an entity fetch: ``variable`` takes, per entity, the value
    of ``requires`` (one field) on its ancestor ``depth`` path segments below the root."""

    variable: str
    depth: int
    requires: tuple[RequiredFragment, ...]


@dataclass(frozen=True)
class Fetch:
    service_name: str
    operation: str
    operation_kind: str = "query"
    requires: tuple[RequiredFragment, ...] = ()
    variable_usages: tuple[str, ...] = ()
    id: int = 0
    # entity fetches only: values the router passes from ancestors (entities with different
    # values go in separate requests)
    contexts: tuple[ContextUse, ...] = ()


@dataclass(frozen=True)
class Flatten:
    path: tuple[str, ...]
    node: PlanNode


@dataclass(frozen=True)
class Sequence:
    nodes: tuple[PlanNode, ...]


@dataclass(frozen=True)
class Parallel:
    nodes: tuple[PlanNode, ...]


@dataclass(frozen=True)
class DeferredNode:
    """One ``@defer`` fragment at one response path: its own fetches (``node``), which start
    from the data its parent part (the primary, or the enclosing deferred part) fetched."""

    id: int
    # response path of the objects the fragment completes ("@" steps into list items)
    path: tuple[str, ...]
    label: str | None
    # the variable of ``if: $var`` (None: deferred whatever the variables)
    condition: str | None
    # the enclosing deferred part's id (None: the primary)
    parent: int | None
    # ids of the fetches (in other parts) whose results this part's fetches start from
    depends: tuple[int, ...]
    # the fragment's selections, as printed in plans
    subselection: str
    # where the fragment starts in the operation text (identifies it in the document)
    offset: int
    node: PlanNode | None


@dataclass(frozen=True)
class Defer:
    """An operation with deferred parts: ``primary`` first, then each deferred part once its
    parent part is done."""

    primary: PlanNode | None
    deferred: tuple[DeferredNode, ...]


PlanNode = Union[Fetch, Flatten, Sequence, Parallel, Defer]  # noqa: UP007


@dataclass(frozen=True)
class QueryPlan:
    node: PlanNode | None
    operation_kind: str = "query"
