"""An entity fetch as the cache sees it: which ``_entities`` fields a subgraph request asks
(one, or several when :mod:`router.executor_batch` merged a plan step's fetches), and how a
request for only the uncached representations is built and its answer put back in order.

Representation ``i`` of a field is answered at index ``i`` of its list; after asking only
``missing`` (indices into the original list), answer ``k`` belongs at ``missing[k]``, and so
do the subgraph's error paths (``[response key, k, ...]``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from graphql import (
    FieldNode,
    GraphQLError,
    OperationDefinitionNode,
    VariableNode,
    parse,
    print_ast,
)

Json = dict[str, Any]
ENTITIES = "_entities"
SHAPES_KEPT = 1000


@dataclass(frozen=True)
class EntitiesField:
    """One ``<response_key>: _entities(representations: $<variable>) <selection>``."""

    response_key: str
    variable: str
    selection: str


@dataclass(frozen=True)
class EntityFetchShape:
    fields: tuple[EntitiesField, ...]

    @property
    def representation_variables(self) -> frozenset[str]:
        return frozenset(f.variable for f in self.fields)


class EntityFetchShapes:
    """Parses operations once; ``of`` is None for anything but a pure entity fetch."""

    def __init__(self) -> None:
        self._shapes: dict[str, EntityFetchShape | None] = {}

    def of(self, operation: str) -> EntityFetchShape | None:
        if operation in self._shapes:
            return self._shapes[operation]
        shape = parse_entity_fetch(operation)
        if len(self._shapes) >= SHAPES_KEPT:
            self._shapes.clear()
        self._shapes[operation] = shape
        return shape


def parse_entity_fetch(operation: str) -> EntityFetchShape | None:
    """The ``_entities`` fields of a query made only of them, else None."""
    if ENTITIES not in operation:
        return None
    try:
        document = parse(operation, no_location=True)
    except GraphQLError:
        return None
    if len(document.definitions) != 1:
        return None
    definition = document.definitions[0]
    if not isinstance(definition, OperationDefinitionNode) or definition.operation.value != (
        "query"
    ):
        return None
    fields = []
    for selection in definition.selection_set.selections:
        found = _entities_field(selection)
        if found is None:
            return None
        fields.append(found)
    return EntityFetchShape(tuple(fields)) if fields else None


def _entities_field(selection: Any) -> EntitiesField | None:
    if not isinstance(selection, FieldNode) or selection.name.value != ENTITIES:
        return None
    if selection.directives or selection.selection_set is None:
        return None
    arguments = selection.arguments or ()
    if len(arguments) != 1 or arguments[0].name.value != "representations":
        return None
    value = arguments[0].value
    if not isinstance(value, VariableNode):
        return None
    key = selection.alias.value if selection.alias else ENTITIES
    return EntitiesField(key, value.name.value, print_ast(selection.selection_set))


def partial_body(body: Json, shape: EntityFetchShape, missing: Sequence[Sequence[int]]) -> Json:
    """The request asking each field only for its ``missing`` representations."""
    variables = dict(body.get("variables") or {})
    for field, indices in zip(shape.fields, missing, strict=True):
        representations = variables.get(field.variable) or []
        variables[field.variable] = [representations[i] for i in indices]
    return {**body, "variables": variables}


def place_answer(
    answer: Json,
    shape: EntityFetchShape,
    missing: Sequence[Sequence[int]],
    cached: Sequence[Sequence[Any]],
) -> tuple[Json, list[set[int]]]:
    """The answer for every representation: the subgraph's answers at their original
    indices, cached entities elsewhere; also, per field, the original indices the
    subgraph's errors point at (never cached)."""
    data = answer.get("data")
    placed: Json = {}
    for field, indices, known in zip(shape.fields, missing, cached, strict=True):
        merged = list(known)
        answered = data.get(field.response_key) if isinstance(data, dict) else None
        if not isinstance(answered, list):
            answered = []
        for position, index in enumerate(indices):
            merged[index] = answered[position] if position < len(answered) else None
        placed[field.response_key] = merged
    failed: list[set[int]] = [set() for _ in shape.fields]
    errors = []
    for error in answer.get("errors") or ():
        errors.append(_remap_error(error, shape, missing, failed))
    result: Json = {**answer, "data": placed}
    if errors:
        result["errors"] = errors
    return result, failed


def _remap_error(
    error: Any,
    shape: EntityFetchShape,
    missing: Sequence[Sequence[int]],
    failed: list[set[int]],
) -> Any:
    path = error.get("path") if isinstance(error, dict) else None
    keys = [field.response_key for field in shape.fields]
    if not (isinstance(path, list) and len(path) >= 2 and path[0] in keys):
        for field_failed, indices in zip(failed, missing, strict=True):
            field_failed.update(indices)  # no usable path: trust none of the answers
        return error
    which = keys.index(path[0])
    position = path[1]
    indices = missing[which]
    if not isinstance(position, int) or not 0 <= position < len(indices):
        failed[which].update(indices)
        return error
    failed[which].add(indices[position])
    return {**error, "path": [path[0], indices[position], *path[2:]]}
