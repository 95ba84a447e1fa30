"""Static cost of an operation before any fetch (IBM's GraphQL cost spec, as Apollo applies it).

* A mutation costs :data:`MUTATION_COST` on top of its fields.
* A field costs its ``@cost`` weight, else its type's, else 1 for an object, interface or
  union and 0 for a scalar or enum; plus the ``@cost`` of each argument given.
* A list field multiplies its cost and its selection's by the list's size: the largest
  ``slicingArguments`` value given (literal, variable or the argument's default), else
  ``assumedSize``, else the configured default. With ``sizedFields`` (a connection) that size
  applies to the named child lists (``edges``) instead of the field itself.
* Fragments add up (an upper bound when they are on different types).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLNamedType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    get_named_type,
    is_composite_type,
    is_list_type,
    is_non_null_type,
    value_from_ast,
)

from router.cost_directives import ListSize
from router.supergraph_directives import SupergraphDirectives

MUTATION_COST = 10
OBJECT_COST = 1
LEAF_COST = 0


class CostError(ValueError):
    """An operation whose cost cannot be estimated (e.g. a missing slicing argument)."""


@dataclass(frozen=True)
class CostModel:
    """The supergraph's cost directives and the size assumed for lists without @listSize."""

    schema: GraphQLSchema
    directives: SupergraphDirectives
    default_list_size: int = 10

    def type_weight(self, named: GraphQLNamedType) -> int:
        weight = self.directives.costs.get(named.name)
        if weight is not None:
            return weight
        return OBJECT_COST if is_composite_type(named) else LEAF_COST

    def field_weight(self, parent: GraphQLNamedType, name: str, field: GraphQLField) -> int:
        weight = self.directives.costs.get(f"{parent.name}.{name}")
        return weight if weight is not None else self.type_weight(get_named_type(field.type))

    def argument_weight(self, parent: GraphQLNamedType, node: FieldNode) -> int:
        coordinate = f"{parent.name}.{node.name.value}"
        return sum(
            self.directives.costs.get(f"{coordinate}({argument.name.value}:)", 0)
            for argument in node.arguments or ()
        )

    def list_size(self, parent: GraphQLNamedType, name: str) -> ListSize | None:
        return self.directives.list_sizes.get(f"{parent.name}.{name}")


def is_list(field: GraphQLField) -> bool:
    inner = field.type.of_type if is_non_null_type(field.type) else field.type
    return is_list_type(inner)


def operation_of(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode) and (
            name is None or (definition.name is not None and definition.name.value == name)
        ):
            return definition
    return None


def fragments_of(document: DocumentNode) -> dict[str, FragmentDefinitionNode]:
    return {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}


class _Estimator:
    def __init__(
        self,
        model: CostModel,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
    ) -> None:
        self.model = model
        self.fragments = fragments
        self.variables = variables

    def selection_set(
        self,
        parent: GraphQLNamedType,
        node: SelectionSetNode,
        sized: Mapping[str, int],
        visiting: frozenset[str] = frozenset(),
    ) -> int:
        total = 0
        for selection in node.selections:
            if isinstance(selection, FieldNode):
                total += self.field(parent, selection, sized.get(selection.name.value))
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self.model.schema.get_type(condition.name.value) if condition else parent
                if inner is not None:
                    total += self.selection_set(inner, selection.selection_set, sized, visiting)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in visiting:
                    continue
                inner = self.model.schema.get_type(fragment.type_condition.name.value)
                if inner is not None:
                    total += self.selection_set(
                        inner, fragment.selection_set, sized, visiting | {name}
                    )
        return total

    def field(self, parent: GraphQLNamedType, node: FieldNode, sized: int | None) -> int:
        name = node.name.value
        field = getattr(parent, "fields", {}).get(name)
        if field is None:  # __typename and introspection
            return 0
        size, child_sizes = self._sizes(parent, node, field)
        if sized is not None:
            size = sized
        own = self.model.field_weight(parent, name, field)
        children = 0
        if node.selection_set is not None:
            named = get_named_type(field.type)
            children = self.selection_set(named, node.selection_set, child_sizes)
        multiplier = size if is_list(field) else 1
        return self.model.argument_weight(parent, node) + multiplier * (own + children)

    def _sizes(
        self, parent: GraphQLNamedType, node: FieldNode, field: GraphQLField
    ) -> tuple[int, dict[str, int]]:
        """The field's own list size and the sizes it gives its ``sizedFields``."""
        list_size = self.model.list_size(parent, node.name.value)
        default = self.model.default_list_size
        if list_size is None:
            return default, {}
        sliced = self._slicing_values(node, field, list_size)
        required = list_size.require_one_slicing_argument and list_size.slicing_arguments
        if required and len(sliced) != 1:
            names = ", ".join(list_size.slicing_arguments)
            raise CostError(
                f'Exactly one slicing argument ({names}) is required on field "'
                f'{parent.name}.{node.name.value}"'
            )
        if sliced:
            size = max(sliced)
        elif list_size.assumed_size is not None:
            size = list_size.assumed_size
        else:
            size = default
        if list_size.sized_fields:
            return default, {name: size for name in list_size.sized_fields}
        return size, {}

    def _slicing_values(self, node: FieldNode, field: GraphQLField, size: ListSize) -> list[int]:
        given = {argument.name.value: argument.value for argument in node.arguments or ()}
        values = []
        for name in size.slicing_arguments:
            definition = field.args.get(name)
            if definition is None:
                continue
            if name in given:
                value = value_from_ast(given[name], definition.type, dict(self.variables))
            else:
                value = definition.default_value
            if isinstance(value, int) and not isinstance(value, bool):
                values.append(max(value, 0))
        return values


def estimate_cost(
    model: CostModel,
    document: DocumentNode,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
) -> int:
    """The operation's estimated cost; :class:`CostError` when it cannot be estimated."""
    operation = operation_of(document, operation_name)
    if operation is None:
        return 0
    root = model.schema.get_root_type(operation.operation)
    if root is None:
        return 0
    estimator = _Estimator(model, fragments_of(document), variables or {})
    base = MUTATION_COST if operation.operation.value == "mutation" else 0
    return base + estimator.selection_set(root, operation.selection_set, {})
