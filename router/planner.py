"""Query planner: turns a client operation into a :class:`QueryPlan` over the subgraphs.

Plans are plain frozen dataclasses (:mod:`router.planner_nodes`). Fetches that need data from
earlier fetches run after them: the plan is a ``Sequence`` of ``Parallel`` stages, root fetches
first, each entity fetch wrapped in a ``Flatten`` with the path of the objects it completes.
Plans are cached per (document, operation name) in an LRU of ``cache_size`` entries.

One concept per module: this one turns an operation into staged fetches;
:mod:`router.planner_build` builds the fetch graph, asking :mod:`router.planner_routes`
which subgraph resolves what; :mod:`router.planner_selection` holds the selection trees and
field collection, :mod:`router.planner_nodes` the plan nodes, :mod:`router.planner_errors`
:class:`PlanningError`.

Choices (route choice itself is :mod:`router.planner_routes`):

* Plans do not depend on variables. Field-level ``@include``/``@skip`` are forwarded to the
  subgraph fetch (a skipped object yields no representations, so its entity fetches send
  nothing); conditions on fragments, or differing ones on merged fields, are evaluated when
  the merged data is completed (:mod:`router.gateway`) instead. One plan serves every
  variable value.
* A field stays in the subgraph of its parent when that subgraph can complete its subtree;
  otherwise the selection is split, or the parent entity jumps (``_entities``) to a subgraph
  that can. Entity fetches are shared by every jump to the same subgraph at the same path
  with the same dependencies; a representation never carries one field with two argument
  sets (such requirements get their own fetch).
* For abstract types the planner only relies on members every subgraph that could have
  resolved the field knows (partial unions / interfaces).
* Interface objects: interface-level selections stay on the interface object; type-specific
  ones first ask a subgraph with the real interface for ``__typename``.
* ``@defer`` (queries): the plan is a ``Defer`` node, the primary part's fetches plus one
  ``DeferredNode`` per deferred fragment and path, whose fetches are entity fetches starting
  from the keys its parent part fetched (:meth:`PlanBuilder._plan_deferred`). ``@defer`` and
  ``@stream`` never reach a subgraph: the router fetches whole lists and delivers streams.
"""

from __future__ import annotations

from collections import OrderedDict

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    OperationDefinitionNode,
    parse,
)

from router.planner_build import FetchBuilder, PlanBuilder
from router.planner_errors import PlanningError
from router.planner_nodes import (
    Defer,
    DeferredNode,
    Fetch,
    Flatten,
    Parallel,
    PlanNode,
    QueryPlan,
    Sequence,
)
from router.supergraph import Supergraph

__all__ = ["PlanningError", "QueryPlanner", "select_operation"]


def select_operation(document: DocumentNode, operation_name: str | None) -> OperationDefinitionNode:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name:
        for op in operations:
            if op.name is not None and op.name.value == operation_name:
                return op
        raise PlanningError(f'Unknown operation named "{operation_name}".')
    if len(operations) != 1:
        raise PlanningError("Must provide operation name if query contains multiple operations.")
    return operations[0]


class QueryPlanner:
    def __init__(self, supergraph: Supergraph, *, cache_size: int = 1000) -> None:
        self.supergraph = supergraph
        self._cache: OrderedDict[tuple[str, str | None], QueryPlan] = OrderedDict()
        self._cache_size = cache_size
        self.hits = 0
        self.misses = 0

    def plan(
        self, query: str, operation_name: str | None = None, document: DocumentNode | None = None
    ) -> QueryPlan:
        key = (query, operation_name)
        cached = self._cache.get(key)
        if cached is not None:
            self._cache.move_to_end(key)
            self.hits += 1
            return cached
        self.misses += 1
        plan = self.build(document or parse(query), operation_name)
        self._cache[key] = plan
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return plan

    def build(self, document: DocumentNode, operation_name: str | None) -> QueryPlan:
        operation = select_operation(document, operation_name)
        fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        builder = PlanBuilder(self.supergraph, operation, fragments)
        fetches = builder.build()
        kind = operation.operation.value
        primary = _assemble(builder, [f for f in fetches if f.defer is None])
        if not builder.defers:
            return QueryPlan(primary, kind)
        return QueryPlan(Defer(primary, _deferred(builder, fetches)), kind)


def _deferred(builder: PlanBuilder, fetches: list[FetchBuilder]) -> tuple[DeferredNode, ...]:
    kept = {f.id for f in fetches if not f.sel.is_empty()}
    nodes = []
    for planned in builder.defers:
        own = [f for f in fetches if f.defer == planned.id]
        ids = {f.id for f in own}
        depends = {d for f in own if f.id in kept for d in f.deps if d not in ids and d in kept}
        arguments = planned.selection.arguments
        nodes.append(
            DeferredNode(
                id=planned.id,
                path=planned.path,
                label=arguments.label,
                condition=arguments.condition,
                parent=planned.parent,
                depends=tuple(sorted(depends)),
                subselection=planned.selection.printed(),
                offset=planned.selection.offset,
                node=_assemble(builder, own),
            )
        )
    return tuple(nodes)


def _assemble(builder: PlanBuilder, fetches: list[FetchBuilder]) -> PlanNode | None:
    fetches = [f for f in fetches if not f.sel.is_empty()]
    if not fetches:
        return None
    kept = {f.id for f in fetches}
    level: dict[int, int] = {}
    for fetch in fetches:  # fetches are created after the fetches they depend on
        deps = [level[d] for d in fetch.deps if d in kept and d in level]
        level[fetch.id] = 1 + max(deps) if deps else 0
    stages: list[list[PlanNode]] = [[] for _ in range(max(level.values()) + 1)]
    for fetch in fetches:
        stages[level[fetch.id]].append(_node(builder, fetch))
    seq = [s[0] if len(s) == 1 else Parallel(tuple(s)) for s in stages if s]
    return seq[0] if len(seq) == 1 else Sequence(tuple(seq))


def _node(builder: PlanBuilder, fetch: FetchBuilder) -> PlanNode:
    operation, variables = builder.operation_text(fetch)
    kind = builder.operation.operation.value if fetch.path is None else "query"
    node = Fetch(
        service_name=builder.sg.subgraphs[fetch.graph].label,
        operation=operation,
        operation_kind=kind,
        requires=fetch.required(),
        variable_usages=variables,
        id=fetch.id,
        contexts=tuple(fetch.contexts),
    )
    if fetch.path is None:
        return node
    return Flatten(fetch.path, node)
