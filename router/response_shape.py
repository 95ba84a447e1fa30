"""Shapes the merged subgraph data into the client's response in one walk, without running
an executor over it.

A :class:`ResponseShaper` is built once per operation (cached with its plan by
:mod:`router.gateway`). It compiles, lazily and once per concrete type, what each selection
set keeps: response keys (aliases), ``__typename``, fragments whose type condition matches
(abstract conditions included), ``@skip``/``@include`` (evaluated per set of condition
values, so one shaper serves every variable value). ``shape(data, variables)`` then walks the
merged JSON once: leaf values are coerced like graphql-core would, a null or an error in a
non-null position nulls the nearest nullable parent, and each error carries the client path
and the field's locations, as graphql-core's executor reports them.

Operations that ask for introspection (``__schema`` / ``__type``) are not for this module:
:meth:`ResponseShaper.handles` says so and the gateway executes those with graphql-core.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from graphql import (
    BooleanValueNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLAbstractType,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionNode,
    SelectionSetNode,
    VariableNode,
    is_leaf_type,
    is_object_type,
)

Json = dict[str, Any]
TypeResolver = Callable[[Any], str | None]
ResponsePath = tuple[Any, str | int] | None  # (parent path, key): built only for errors
ConditionValues = tuple[bool, ...]

INTROSPECTION_ROOTS = frozenset({"__schema", "__type"})
_MAX_VARIANTS = 64  # distinct @skip/@include value sets kept per operation

# Leaf types whose coercion is the identity for a value of exactly this Python type.
_PASS_THROUGH: dict[str, type] = {"String": str, "ID": str, "Boolean": bool, "Float": float}
_INT_RANGE = range(-(2**31), 2**31)


class _Nulled(Exception):
    """A non-null position got null (its error is already recorded): null the parent."""


_NULLED = _Nulled()


class _Field:
    """One response key of a selection set on one concrete type."""

    __slots__ = ("children", "key", "leaf", "name", "nodes", "nullable", "parent", "type")

    def __init__(
        self, key: str, nodes: list[FieldNode], parent: GraphQLObjectType, gtype: Any
    ) -> None:
        self.key = key
        self.nodes = nodes
        self.name = nodes[0].name.value
        self.parent = parent
        self.type: GraphQLOutputType | None = gtype
        # concrete type name -> the fields its sub-selection keeps
        self.children: dict[str, list[_Field]] = {}
        # fast path: a String/ID/Boolean/Float field whose value of exactly this Python type
        # is kept as it is (anything else takes the general path)
        inner = gtype.of_type if isinstance(gtype, GraphQLNonNull) else gtype
        self.nullable = not isinstance(gtype, GraphQLNonNull)
        self.leaf: type | None = (
            _PASS_THROUGH.get(inner.name) if isinstance(inner, GraphQLScalarType) else None
        )


class ResponseShaper:
    def __init__(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        operation: OperationDefinitionNode,
        resolve_type: TypeResolver,
    ) -> None:
        self._schema = schema
        self._operation = operation
        self._resolve_type = resolve_type
        self._fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        root = schema.get_root_type(operation.operation)
        if root is None:
            raise ValueError(f"the schema has no {operation.operation.value} type")
        self._root = root
        self.condition_variables = tuple(sorted(self._condition_variables()))
        self._variants: dict[ConditionValues, list[_Field]] = {}

    def handles(self) -> bool:
        """False for operations that select introspection fields at the root."""
        return not any(
            node.name.value in INTROSPECTION_ROOTS
            for node in self._root_nodes(self._operation.selection_set, set())
        )

    def shape(self, data: Json, variables: Mapping[str, Any]) -> tuple[Json | None, list[Json]]:
        """The response ``data`` and the errors completing it raised (graphql-core's form)."""
        values = tuple(variables.get(name) is True for name in self.condition_variables)
        fields = self._variants.get(values)
        conditions = dict(zip(self.condition_variables, values, strict=True))
        if fields is None:
            if len(self._variants) >= _MAX_VARIANTS:
                self._variants.clear()
            fields = _Compiler(self, conditions).fields(self._root, [self._operation.selection_set])
            self._variants[values] = fields
        walk = _Walk(self, conditions)
        try:
            shaped: Json | None = walk.object(self._root, fields, data, None)
        except _Nulled:
            shaped = None
        return shaped, walk.errors

    # -- compile-time helpers ---------------------------------------------------------------
    def _root_nodes(self, selection_set: SelectionSetNode, seen: set[str]) -> Iterable[FieldNode]:
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                yield selection
            elif isinstance(selection, InlineFragmentNode):
                yield from self._root_nodes(selection.selection_set, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self._fragments.get(name)
                if fragment is not None and name not in seen:
                    seen.add(name)
                    yield from self._root_nodes(fragment.selection_set, seen)

    def _condition_variables(self) -> set[str]:
        found: set[str] = set()
        pending: list[SelectionSetNode] = [self._operation.selection_set]
        visited: set[str] = set()
        while pending:
            for selection in pending.pop().selections:
                for directive in selection.directives or ():
                    if directive.name.value in {"skip", "include"}:
                        for argument in directive.arguments or ():
                            if isinstance(argument.value, VariableNode):
                                found.add(argument.value.name.value)
                if isinstance(selection, FragmentSpreadNode):
                    name = selection.name.value
                    fragment = self._fragments.get(name)
                    if fragment is not None and name not in visited:
                        visited.add(name)
                        pending.append(fragment.selection_set)
                elif (
                    isinstance(selection, FieldNode | InlineFragmentNode)
                    and selection.selection_set is not None
                ):
                    pending.append(selection.selection_set)
        return found


class _Compiler:
    """Collects fields like graphql-core's ``collect_fields`` for one set of conditions."""

    def __init__(self, shaper: ResponseShaper, conditions: Mapping[str, bool]) -> None:
        self._shaper = shaper
        self._conditions = conditions

    def fields(
        self, runtime: GraphQLObjectType, selection_sets: Iterable[SelectionSetNode]
    ) -> list[_Field]:
        grouped: dict[str, list[FieldNode]] = {}
        visited: set[str] = set()
        for selection_set in selection_sets:
            self._collect(runtime, selection_set, grouped, visited)
        fields = []
        for key, nodes in grouped.items():
            name = nodes[0].name.value
            if name == "__typename":
                fields.append(_Field(key, nodes, runtime, None))
                continue
            definition = runtime.fields.get(name)
            if definition is not None:
                fields.append(_Field(key, nodes, runtime, definition.type))
        return fields

    def _collect(
        self,
        runtime: GraphQLObjectType,
        selection_set: SelectionSetNode,
        grouped: dict[str, list[FieldNode]],
        visited: set[str],
    ) -> None:
        shaper = self._shaper
        for selection in selection_set.selections:
            if not self._included(selection):
                continue
            if isinstance(selection, FieldNode):
                key = selection.alias.value if selection.alias else selection.name.value
                grouped.setdefault(key, []).append(selection)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                if condition is None or self._matches(condition.name.value, runtime):
                    self._collect(runtime, selection.selection_set, grouped, visited)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = shaper._fragments.get(name)
                if fragment is None or name in visited:
                    continue
                visited.add(name)
                if self._matches(fragment.type_condition.name.value, runtime):
                    self._collect(runtime, fragment.selection_set, grouped, visited)

    def _matches(self, condition: str, runtime: GraphQLObjectType) -> bool:
        if condition == runtime.name:
            return True
        conditional = self._shaper._schema.get_type(condition)
        return isinstance(
            conditional, GraphQLInterfaceType | GraphQLUnionType
        ) and self._shaper._schema.is_sub_type(conditional, runtime)

    def _included(self, node: SelectionNode) -> bool:
        for directive in node.directives or ():
            name = directive.name.value
            if name not in {"skip", "include"}:
                continue
            arguments = directive.arguments or ()
            value = next((a.value for a in arguments if a.name.value == "if"), None)
            if isinstance(value, VariableNode):
                flag = self._conditions.get(value.name.value, False)
            else:
                flag = isinstance(value, BooleanValueNode) and value.value
            if (name == "skip") == flag:
                return False
        return True


class _Walk:
    """One response: walks the merged data along the compiled fields, collecting errors."""

    def __init__(self, shaper: ResponseShaper, conditions: Mapping[str, bool]) -> None:
        self._shaper = shaper
        self._compiler = _Compiler(shaper, conditions)
        self.errors: list[Json] = []

    def object(
        self, runtime: GraphQLObjectType, fields: list[_Field], value: Any, path: ResponsePath
    ) -> Json:
        source = value if isinstance(value, dict) else {}
        out: Json = {}
        for field in fields:
            key = field.key
            item = source.get(key)
            if field.type is None:
                out[key] = runtime.name
            elif field.leaf is not None and (
                type(item) is field.leaf or (item is None and field.nullable)
            ):
                out[key] = item
            else:
                out[key] = self.value(field, field.type, item, (path, key))
        return out

    def value(self, field: _Field, gtype: Any, value: Any, path: ResponsePath) -> Any:
        if isinstance(gtype, GraphQLNonNull):
            completed = self.complete(field, gtype.of_type, value, path)
            if completed is None:
                self.fail(
                    field,
                    f"Cannot return null for non-nullable field {field.parent.name}.{field.name}.",
                    path,
                )
            return completed
        try:
            return self.complete(field, gtype, value, path)
        except _Nulled:
            return None

    def complete(self, field: _Field, gtype: Any, value: Any, path: ResponsePath) -> Any:
        if value is None:
            return None
        if isinstance(gtype, GraphQLScalarType):
            expected = _PASS_THROUGH.get(gtype.name)
            if expected is not None and type(value) is expected:
                return value
            if gtype.name == "Int" and type(value) is int and value in _INT_RANGE:
                return value
            return self.leaf(field, gtype, value, path)
        if isinstance(gtype, GraphQLObjectType):
            return self.object(gtype, self.children(field, gtype), value, path)
        if isinstance(gtype, GraphQLList):
            if not isinstance(value, list):
                self.fail(
                    field,
                    "Expected Iterable, but did not find one for field"
                    f" '{field.parent.name}.{field.name}'.",
                    path,
                )
            item_type = gtype.of_type
            objects = item_type.of_type if isinstance(item_type, GraphQLNonNull) else item_type
            if isinstance(objects, GraphQLObjectType):  # the common case, without a call per item
                children = self.children(field, objects)
                return [
                    self.object(objects, children, item, (path, i))
                    if type(item) is dict
                    else self.value(field, item_type, item, (path, i))
                    for i, item in enumerate(value)
                ]
            return [self.value(field, item_type, item, (path, i)) for i, item in enumerate(value)]
        if is_leaf_type(gtype):
            return self.leaf(field, gtype, value, path)
        return self.abstract(field, gtype, value, path)

    def abstract(
        self, field: _Field, gtype: GraphQLAbstractType, value: Any, path: ResponsePath
    ) -> Any:
        schema = self._shaper._schema
        name = self._shaper._resolve_type(value)
        runtime = schema.get_type(name) if name is not None else None
        if name is None:
            self.fail(
                field,
                f"Abstract type '{gtype.name}' must resolve to an Object type at runtime"
                f" for field '{field.parent.name}.{field.name}'. Either the '{gtype.name}'"
                " type should provide a 'resolve_type' function or each possible type should"
                " provide an 'is_type_of' function.",
                path,
            )
        if runtime is None:
            self.fail(
                field,
                f"Abstract type '{gtype.name}' was resolved to a type '{name}' that does"
                " not exist inside the schema.",
                path,
            )
        if not is_object_type(runtime):
            self.fail(
                field,
                f"Abstract type '{gtype.name}' was resolved to a non-object type '{name}'.",
                path,
            )
        assert isinstance(runtime, GraphQLObjectType)
        if not schema.is_sub_type(gtype, runtime):
            self.fail(
                field,
                f"Runtime Object type '{runtime.name}' is not a possible type for '{gtype.name}'.",
                path,
            )
        return self.object(runtime, self.children(field, runtime), value, path)

    def leaf(self, field: _Field, gtype: Any, value: Any, path: ResponsePath) -> Any:
        try:
            coerced = gtype.coerce_output_value(value)
        except Exception as exc:
            self.fail(field, str(exc), path)
        if coerced is None:
            self.fail(field, f"Expected a non-null value from {gtype.name}", path)
        return coerced

    def children(self, field: _Field, runtime: GraphQLObjectType) -> list[_Field]:
        fields = field.children.get(runtime.name)
        if fields is None:
            selection_sets = [n.selection_set for n in field.nodes if n.selection_set is not None]
            fields = self._compiler.fields(runtime, selection_sets)
            field.children[runtime.name] = fields
        return fields

    def fail(self, field: _Field, message: str, path: ResponsePath) -> Any:
        error = GraphQLError(message, field.nodes, path=_path_list(path))
        self.errors.append(dict(error.formatted))
        raise _NULLED


def _path_list(path: ResponsePath) -> list[str | int]:
    keys: list[str | int] = []
    while path is not None:
        path, key = path
        keys.append(key)
    keys.reverse()
    return keys
