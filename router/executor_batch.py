"""Batching of entity fetches: the ``_entities`` fetches of one parallel plan step that go to
the same subgraph become one request, each under its own response key with its own
representations variable::

    query($representations0:[_Any!]!,$representations1:[_Any!]!,$v:Int){
      _0:_entities(representations:$representations0){...}
      _1:_entities(representations:$representations1){...}
    }

The plan itself is unchanged (its printed form still shows one ``Flatten`` per fetch); the
executor asks :func:`batch_entity_fetches` once per parallel step and caches the answer.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from graphql import FieldNode, Node, OperationDefinitionNode, parse, print_ast

from router.planner_nodes import Fetch, Flatten, PlanNode

REPRESENTATIONS = "representations"


@dataclass(frozen=True)
class BatchMember:
    path: tuple[str, ...]
    fetch: Fetch


@dataclass(frozen=True)
class EntityBatch:
    """Several entity fetches sent to one subgraph as one operation (``fetch``)."""

    members: tuple[BatchMember, ...]
    fetch: Fetch
    response_keys: tuple[str, ...]
    representation_variables: tuple[str, ...]


def batch_entity_fetches(nodes: Iterable[PlanNode]) -> tuple[PlanNode | EntityBatch, ...]:
    """The nodes of one parallel step, with entity fetches to one subgraph merged; other
    nodes (and an entity fetch alone for its subgraph) are kept as they are, in order."""
    nodes = tuple(nodes)
    by_service: dict[str, list[BatchMember]] = {}
    for node in nodes:
        if isinstance(node, Flatten) and isinstance(node.node, Fetch) and not node.node.contexts:
            by_service.setdefault(node.node.service_name, []).append(
                BatchMember(node.path, node.node)
            )
    steps: list[PlanNode | EntityBatch] = []
    emitted: set[str] = set()
    for node in nodes:
        if not (isinstance(node, Flatten) and isinstance(node.node, Fetch)) or node.node.contexts:
            steps.append(node)  # a fetch with @fromContext values groups its entities itself
            continue
        service = node.node.service_name
        members = by_service[service]
        if len(members) == 1:
            steps.append(node)
        elif service not in emitted:
            emitted.add(service)
            steps.append(combine(members))
    return tuple(steps)


def combine(members: list[BatchMember]) -> EntityBatch:
    """One operation asking every member's ``_entities`` selection under its own key."""
    variable_definitions: dict[str, str] = {}
    selections: list[str] = []
    parsed = [_entities_operation(m.fetch.operation) for m in members]
    for member, (parsed_operation, _) in zip(members, parsed, strict=True):
        for definition in parsed_operation.variable_definitions or ():
            name = definition.variable.name.value
            if name != REPRESENTATIONS:
                variable_definitions.setdefault(name, _text(member.fetch.operation, definition))
    keys = tuple(f"_{index}" for index in range(len(members)))
    variables = tuple(_free_name(f"{REPRESENTATIONS}{i}", variable_definitions) for i in keys)
    for key, variable, (_, selection) in zip(keys, variables, parsed, strict=True):
        selections.append(f"{key}:_entities(representations:${variable}){selection}")
    definitions = [f"${name}:[_Any!]!" for name in variables] + list(variable_definitions.values())
    operation = f"query({','.join(definitions)}){{{' '.join(selections)}}}"
    usages = sorted({name for m in members for name in m.fetch.variable_usages})
    fetch = Fetch(
        service_name=members[0].fetch.service_name,
        operation=operation,
        variable_usages=tuple(usages),
        id=members[0].fetch.id,
    )
    return EntityBatch(tuple(members), fetch, keys, variables)


def _entities_operation(text: str) -> tuple[OperationDefinitionNode, str]:
    """The entity fetch's operation and the text of its ``_entities`` selection set."""
    operation = parse(text).definitions[0]
    if not isinstance(operation, OperationDefinitionNode):
        raise ValueError(f"not an entity fetch: {text}")
    field = operation.selection_set.selections[0]
    if not isinstance(field, FieldNode) or field.selection_set is None:
        raise ValueError(f"not an entity fetch: {text}")
    return operation, _text(text, field.selection_set)


def _text(source: str, node: Node) -> str:
    """The node as written in ``source`` (compact), or printed when it has no location."""
    location = node.loc
    return source[location.start : location.end] if location else print_ast(node)


def _free_name(wanted: str, taken: dict[str, str]) -> str:
    name = wanted
    while name in taken:
        name = f"{name}_"
    return name
