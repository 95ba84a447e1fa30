"""Remove what the caller may not see from an operation, before it is planned.

Two steps, so both can be cached: :func:`requirements_in` lists the access requirements the
operation touches (per coordinate, independent of the caller), and :func:`filter_operation`
removes the elements whose coordinates were denied. Semantics are Apollo Router's:

* a denied field is replaced by a marker (``shopgraph_authz_<n>: __typename``): the
  subgraphs never see the field, and the marker shows, in the response, in which objects the
  field would have been, so :mod:`router.authorization_nulls` can put ``null`` there (type
  conditions and all);
* a fragment on a denied type is removed;
* each removal gets an ``UNAUTHORIZED_FIELD_OR_TYPE`` error at its path (``"@"`` for list
  items); variables and fragments left unused are removed so the operation stays valid.

A field's requirement is its own, its parent type's and its named type's (and, on an
interface, its implementations' fields'), all of them combined.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLNamedType,
    GraphQLOutputType,
    GraphQLSchema,
    InlineFragmentNode,
    NameNode,
    OperationDefinitionNode,
    SelectionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    is_abstract_type,
    is_list_type,
    is_non_null_type,
    print_ast,
)
from graphql.language import Visitor, visit

from router.access_requirements import AccessRequirement, all_of

MARKER_PREFIX = "shopgraph_authz_"
KEEP_MARKER = MARKER_PREFIX + "keep"
ERROR_CODE = "UNAUTHORIZED_FIELD_OR_TYPE"
ERROR_MESSAGE = "Unauthorized field or type"
TYPENAME = "__typename"


@dataclass(frozen=True)
class Marker:
    """Where a denied field was: objects holding ``alias`` get ``key`` set to null."""

    alias: str
    key: str
    type: GraphQLOutputType


@dataclass(frozen=True)
class MarkerSite:
    """One place the marker is reached from the operation's root: the (response key, type)
    steps to the object holding it."""

    marker: Marker
    steps: tuple[tuple[str, GraphQLOutputType], ...]


@dataclass(frozen=True)
class FilteredOperation:
    query: str
    document: DocumentNode
    errors: tuple[dict[str, Any], ...]
    sites: tuple[MarkerSite, ...]


def requirements_in(
    schema: GraphQLSchema, access: Mapping[str, AccessRequirement], document: DocumentNode
) -> dict[str, AccessRequirement]:
    """Coordinate -> requirement of every field and type condition in ``document`` that has
    one (empty when nothing in it is protected)."""
    if not access:
        return {}
    found: dict[str, AccessRequirement] = {}
    for definition in document.definitions:
        if isinstance(definition, FragmentDefinitionNode):
            condition = definition.type_condition.name.value
            if access.get(condition):
                found[condition] = access[condition]
    for parent, selection in _selections(schema, document):
        if isinstance(selection, FieldNode):
            coordinate = f"{parent.name}.{selection.name.value}"
            requirement = field_requirement(schema, access, parent, selection.name.value)
            if requirement:
                found[coordinate] = requirement
            continue
        inline = _condition(selection)
        if inline is not None and access.get(inline):
            found[inline] = access[inline]
    return found


def field_requirement(
    schema: GraphQLSchema,
    access: Mapping[str, AccessRequirement],
    parent: GraphQLNamedType,
    field_name: str,
) -> AccessRequirement:
    if field_name.startswith("__"):
        return AccessRequirement()
    field = getattr(parent, "fields", {}).get(field_name)
    parts = [access.get(f"{parent.name}.{field_name}"), access.get(parent.name)]
    if field is not None:
        parts.append(access.get(get_named_type(field.type).name))
    if is_abstract_type(parent):
        for implementation in schema.get_possible_types(parent):
            parts.append(access.get(f"{implementation.name}.{field_name}"))
    return all_of(part for part in parts if part is not None)


def _condition(selection: SelectionNode) -> str | None:
    if isinstance(selection, InlineFragmentNode) and selection.type_condition is not None:
        return selection.type_condition.name.value
    return None


def _selections(
    schema: GraphQLSchema, document: DocumentNode
) -> Iterator[tuple[GraphQLNamedType, SelectionNode]]:
    """(parent type, selection) for every selection of every operation and fragment."""
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            root = schema.get_root_type(definition.operation)
            if root is not None:
                yield from _walk(schema, root, definition.selection_set)
        elif isinstance(definition, FragmentDefinitionNode):
            parent = schema.get_type(definition.type_condition.name.value)
            if parent is not None:
                yield from _walk(schema, parent, definition.selection_set)


def _walk(
    schema: GraphQLSchema, parent: GraphQLNamedType, selection_set: SelectionSetNode
) -> Iterator[tuple[GraphQLNamedType, SelectionNode]]:
    for selection in selection_set.selections:
        yield parent, selection
        if isinstance(selection, FieldNode) and selection.selection_set is not None:
            field = getattr(parent, "fields", {}).get(selection.name.value)
            if field is not None:
                yield from _walk(schema, get_named_type(field.type), selection.selection_set)
        elif isinstance(selection, InlineFragmentNode):
            condition = _condition(selection)
            inner = schema.get_type(condition) if condition else parent
            if inner is not None:
                yield from _walk(schema, inner, selection.selection_set)


class _Filter:
    def __init__(self, schema: GraphQLSchema, denied: frozenset[str]) -> None:
        self.schema = schema
        self.denied = denied
        self.markers: dict[str, Marker] = {}

    def selection_set(self, parent: GraphQLNamedType, node: SelectionSetNode) -> SelectionSetNode:
        kept: list[SelectionNode] = []
        for selection in node.selections:
            if isinstance(selection, FieldNode):
                kept.append(self.field(parent, selection))
            elif isinstance(selection, InlineFragmentNode):
                condition = _condition(selection)
                if condition in self.denied:
                    continue
                inner = self.schema.get_type(condition) if condition else parent
                if inner is None:
                    kept.append(selection)
                    continue
                selections = self.selection_set(inner, selection.selection_set)
                kept.append(_replace(selection, selection_set=selections))
            else:
                kept.append(selection)
        if not kept:
            kept.append(_typename_field(KEEP_MARKER))
        result: SelectionSetNode = _replace(node, selections=tuple(kept))
        return result

    def field(self, parent: GraphQLNamedType, node: FieldNode) -> SelectionNode:
        field = getattr(parent, "fields", {}).get(node.name.value)
        if field is None:
            return node
        if f"{parent.name}.{node.name.value}" in self.denied:
            alias = f"{MARKER_PREFIX}{len(self.markers)}"
            key = node.alias.value if node.alias else node.name.value
            self.markers[alias] = Marker(alias, key, field.type)
            return _typename_field(alias)
        if node.selection_set is None:
            return node
        inner = self.selection_set(get_named_type(field.type), node.selection_set)
        result: FieldNode = _replace(node, selection_set=inner)
        return result


def filter_operation(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    denied: Iterable[str],
) -> FilteredOperation:
    """``document`` without the elements at the ``denied`` coordinates (``Type.field`` or a
    fragment's ``Type``), the errors to report and where to put nulls."""
    deny = frozenset(denied)
    pass_ = _Filter(schema, deny)
    definitions: list[Any] = []
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            root = schema.get_root_type(definition.operation)
            if root is not None:
                definition = _replace(
                    definition, selection_set=pass_.selection_set(root, definition.selection_set)
                )
        elif isinstance(definition, FragmentDefinitionNode):
            parent = schema.get_type(definition.type_condition.name.value)
            if parent is not None:
                selections = pass_.selection_set(parent, definition.selection_set)
                definition = _replace(definition, selection_set=selections)
        definitions.append(definition)
    filtered = _without_denied_spreads(DocumentNode(definitions=tuple(definitions)), deny)
    filtered = _without_unused(filtered)
    paths = _Paths(schema, filtered, pass_.markers, deny, document)
    paths.run(operation_name)
    return FilteredOperation(
        print_ast(filtered), filtered, tuple(paths.errors()), tuple(paths.sites)
    )


def _without_denied_spreads(document: DocumentNode, denied: frozenset[str]) -> DocumentNode:
    conditions = {
        d.name.value: d.type_condition.name.value
        for d in document.definitions
        if isinstance(d, FragmentDefinitionNode)
    }

    class Drop(Visitor):
        def enter_fragment_spread(self, node: FragmentSpreadNode, *_: Any) -> object:
            return Visitor.REMOVE if conditions.get(node.name.value) in denied else None

        def leave_selection_set(self, node: SelectionSetNode, *_: Any) -> object:
            if node.selections:
                return None
            return _replace(node, selections=(_typename_field(KEEP_MARKER),))

    result: DocumentNode = visit(document, Drop())
    return result


def _without_unused(document: DocumentNode) -> DocumentNode:
    """Drop fragments no operation reaches any more, then variables no longer used."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    reached: set[str] = set()
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    definitions: list[Any] = []
    for operation in operations:
        used = _reach(operation, fragments, reached)
        variables = tuple(
            v for v in operation.variable_definitions or () if v.variable.name.value in used
        )
        definitions.append(_replace(operation, variable_definitions=variables))
    definitions.extend(fragment for name, fragment in fragments.items() if name in reached)
    return DocumentNode(definitions=tuple(definitions))


def _reach(
    node: Any, fragments: Mapping[str, FragmentDefinitionNode], reached: set[str]
) -> set[str]:
    """Variables used under ``node`` (following spreads); fragments met go into ``reached``."""
    used: set[str] = set()
    pending = [node]
    seen: set[str] = set()
    while pending:
        current = pending.pop()

        class Collect(Visitor):
            def enter_variable(self, variable: VariableNode, *_: Any) -> None:
                used.add(variable.name.value)

            def enter_fragment_spread(self, spread: FragmentSpreadNode, *_: Any) -> None:
                name = spread.name.value
                if name not in seen and name in fragments:
                    seen.add(name)
                    pending.append(fragments[name])

            def enter_variable_definition(self, *_: Any) -> object:
                return Visitor.SKIP

        visit(current, Collect())
    reached |= seen
    return used


class _Paths:
    """Walks the chosen operation (fragments expanded) to find each marker's sites and the
    path of every removal."""

    def __init__(
        self,
        schema: GraphQLSchema,
        filtered: DocumentNode,
        markers: Mapping[str, Marker],
        denied: frozenset[str],
        original: DocumentNode,
    ) -> None:
        self.schema = schema
        self.markers = markers
        self.denied = denied
        self.sites: list[MarkerSite] = []
        self._errors: dict[tuple[str | int, ...], None] = {}
        self.filtered = filtered
        self.original = original

    def run(self, operation_name: str | None) -> None:
        operation = _operation(self.filtered, operation_name)
        original = _operation(self.original, operation_name)
        if operation is None or original is None:
            return
        root = self.schema.get_root_type(operation.operation)
        if root is None:
            return
        fragments = _fragments(self.filtered)
        self._markers(root, operation.selection_set, fragments, (), ())
        self._conditions(root, original.selection_set, _fragments(self.original), (), set())

    def errors(self) -> list[dict[str, Any]]:
        return [
            {"message": ERROR_MESSAGE, "path": list(path), "extensions": {"code": ERROR_CODE}}
            for path in self._errors
        ]

    def _markers(
        self,
        parent: GraphQLNamedType,
        selection_set: SelectionSetNode,
        fragments: Mapping[str, FragmentDefinitionNode],
        steps: tuple[tuple[str, GraphQLOutputType], ...],
        path: tuple[str | int, ...],
    ) -> None:
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                alias = selection.alias.value if selection.alias else None
                marker = self.markers.get(alias or "")
                if marker is not None:
                    self.sites.append(MarkerSite(marker, steps))
                    self._errors[(*path, marker.key)] = None
                    continue
                field = getattr(parent, "fields", {}).get(selection.name.value)
                if field is None or selection.selection_set is None:
                    continue
                key = alias or selection.name.value
                self._markers(
                    get_named_type(field.type),
                    selection.selection_set,
                    fragments,
                    (*steps, (key, field.type)),
                    (*path, key, *_list_levels(field.type)),
                )
            else:
                inner, child = self._fragment(parent, selection, fragments)
                if inner is not None and child is not None:
                    self._markers(inner, child, fragments, steps, path)

    def _conditions(
        self,
        parent: GraphQLNamedType,
        selection_set: SelectionSetNode,
        fragments: Mapping[str, FragmentDefinitionNode],
        path: tuple[str | int, ...],
        visiting: set[str],
    ) -> None:
        """Errors for fragments removed because their type was denied (original document)."""
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                field = getattr(parent, "fields", {}).get(selection.name.value)
                if field is None or selection.selection_set is None:
                    continue
                if f"{parent.name}.{selection.name.value}" in self.denied:
                    continue
                key = selection.alias.value if selection.alias else selection.name.value
                self._conditions(
                    get_named_type(field.type),
                    selection.selection_set,
                    fragments,
                    (*path, key, *_list_levels(field.type)),
                    visiting,
                )
                continue
            if isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name in visiting:
                    continue
                visiting = visiting | {name}
            inner, child = self._fragment(parent, selection, fragments)
            if inner is None or child is None:
                continue
            if inner.name in self.denied:
                self._errors[path] = None
                continue
            self._conditions(inner, child, fragments, path, visiting)

    def _fragment(
        self,
        parent: GraphQLNamedType,
        selection: SelectionNode,
        fragments: Mapping[str, FragmentDefinitionNode],
    ) -> tuple[GraphQLNamedType | None, SelectionSetNode | None]:
        if isinstance(selection, InlineFragmentNode):
            condition = _condition(selection)
            inner = self.schema.get_type(condition) if condition else parent
            return inner, selection.selection_set
        if isinstance(selection, FragmentSpreadNode):
            fragment = fragments.get(selection.name.value)
            if fragment is None:
                return None, None
            return self.schema.get_type(fragment.type_condition.name.value), fragment.selection_set
        return None, None


def _list_levels(type_: GraphQLOutputType) -> list[str]:
    levels = []
    current: Any = type_
    while True:
        if is_non_null_type(current):
            current = current.of_type
        elif is_list_type(current):
            levels.append("@")
            current = current.of_type
        else:
            return levels


def _operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    for operation in operations:
        if name is None or (operation.name is not None and operation.name.value == name):
            return operation
    return None


def _fragments(document: DocumentNode) -> dict[str, FragmentDefinitionNode]:
    return {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}


def _typename_field(alias: str) -> FieldNode:
    return FieldNode(
        alias=NameNode(value=alias),
        name=NameNode(value=TYPENAME),
        arguments=(),
        directives=(),
        selection_set=None,
    )


def _replace(node: Any, **changes: Any) -> Any:
    clone = copy.copy(node)
    for key, value in changes.items():
        object.__setattr__(clone, key, value)
    return clone
