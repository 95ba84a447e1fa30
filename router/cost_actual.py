"""Actual cost of an operation, from the response it got: the same weights as the estimate
(:mod:`router.cost_estimate`), with each list's real length instead of its assumed size and
nothing for objects that came back null."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLNamedType,
    InlineFragmentNode,
    SelectionSetNode,
    get_named_type,
    is_abstract_type,
)

from router.cost_estimate import MUTATION_COST, CostModel, fragments_of, operation_of


class _Counter:
    def __init__(self, model: CostModel, fragments: Mapping[str, FragmentDefinitionNode]) -> None:
        self.model = model
        self.fragments = fragments

    def selection_set(
        self,
        parent: GraphQLNamedType,
        node: SelectionSetNode,
        value: Mapping[str, Any],
        visiting: frozenset[str] = frozenset(),
    ) -> int:
        total = 0
        typename = value.get("__typename")
        for selection in node.selections:
            if isinstance(selection, FieldNode):
                total += self.field(parent, selection, value)
                continue
            if isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner_name = condition.name.value if condition else parent.name
                inner_set = selection.selection_set
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments.get(selection.name.value)
                if fragment is None or selection.name.value in visiting:
                    continue
                inner_name = fragment.type_condition.name.value
                inner_set = fragment.selection_set
                visiting = visiting | {selection.name.value}
            else:
                continue
            if isinstance(typename, str) and not self._applies(inner_name, typename):
                continue
            inner = self.model.schema.get_type(inner_name)
            if inner is not None:
                total += self.selection_set(inner, inner_set, value, visiting)
        return total

    def _applies(self, condition: str, typename: str) -> bool:
        if condition == typename:
            return True
        abstract = self.model.schema.get_type(condition)
        concrete = self.model.schema.get_type(typename)
        if abstract is None or concrete is None or not is_abstract_type(abstract):
            return False
        return self.model.schema.is_sub_type(abstract, concrete)

    def field(self, parent: GraphQLNamedType, node: FieldNode, value: Mapping[str, Any]) -> int:
        field = getattr(parent, "fields", {}).get(node.name.value)
        key = node.alias.value if node.alias else node.name.value
        if field is None or key not in value:
            return 0
        own = self.model.field_weight(parent, node.name.value, field)
        named = get_named_type(field.type)
        total = self.model.argument_weight(parent, node)
        for item in _items(value[key]):
            total += own
            if node.selection_set is not None and isinstance(item, Mapping):
                total += self.selection_set(named, node.selection_set, item)
        return total


def _items(value: Any) -> list[Any]:
    """Every non-null value a field returned (list items flattened)."""
    if value is None:
        return []
    if isinstance(value, list):
        return [leaf for item in value for leaf in _items(item)]
    return [value]


def actual_cost(
    model: CostModel,
    document: DocumentNode,
    operation_name: str | None,
    data: Mapping[str, Any] | None,
) -> int:
    """The cost of what the response holds (0 for a response without data)."""
    operation = operation_of(document, operation_name)
    if operation is None or data is None:
        return 0
    root = model.schema.get_root_type(operation.operation)
    if root is None:
        return 0
    counter = _Counter(model, fragments_of(document))
    base = MUTATION_COST if operation.operation.value == "mutation" else 0
    return base + counter.selection_set(root, operation.selection_set, data)
