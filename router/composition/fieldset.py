"""Federation field sets (@key, @requires, @provides ``fields:``) as graphql-core selections."""

from __future__ import annotations

from collections.abc import Callable

from graphql import GraphQLError
from graphql.language import (
    FieldNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    parse,
    print_ast,
)


class FieldSetSyntaxError(ValueError):
    """The field set is not a valid selection set."""


def parse_field_set(fields: str) -> SelectionSetNode:
    """``"id sku"`` or ``"a { b }"`` as a selection set."""
    try:
        document = parse("{" + fields + "}", no_location=True)
    except GraphQLError as exc:
        raise FieldSetSyntaxError(exc.message) from None
    operation = document.definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    return operation.selection_set


def top_level_names(fields: str) -> set[str]:
    """Names of the top-level fields a field set selects (fragments looked through)."""
    try:
        selection_set = parse_field_set(fields)
    except FieldSetSyntaxError:
        return set()
    return _names(selection_set)


def _names(selection_set: SelectionSetNode) -> set[str]:
    names: set[str] = set()
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            names.add(selection.name.value)
        elif isinstance(selection, InlineFragmentNode):
            names |= _names(selection.selection_set)
    return names


def canonical(fields: str) -> str:
    """A field set printed on one line with single spaces: equal sets print equal."""
    try:
        selection_set = parse_field_set(fields)
    except FieldSetSyntaxError:
        return " ".join(fields.split())
    printed = print_ast(selection_set)
    return " ".join(printed.split())[2:-2].strip()


def selected_fields(
    type_name: str, fields: str, field_type: Callable[[str, str], str | None]
) -> set[tuple[str, str]]:
    """(type, field) pairs a field set selects, nested selections included.

    ``field_type(type, field)`` is the named type of a field (None when unknown).
    """
    found: set[tuple[str, str]] = set()

    def walk(current: str, selection_set: SelectionSetNode) -> None:
        for selection in selection_set.selections:
            if isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                walk(condition.name.value if condition else current, selection.selection_set)
            elif isinstance(selection, FieldNode):
                found.add((current, selection.name.value))
                inner = field_type(current, selection.name.value)
                if selection.selection_set is not None and inner is not None:
                    walk(inner, selection.selection_set)

    try:
        walk(type_name, parse_field_set(fields))
    except FieldSetSyntaxError:
        return found
    return found
