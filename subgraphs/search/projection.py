"""Completing resolver-less object types in one step instead of field by field.

A search response is about 260 fields, 200 of them facet values, and none of them has a
resolver: each is an attribute of a plain Strawberry object. graphql-core still runs its
whole per-field machinery for every one of them (a resolve info, the resolver call, value
completion, a response path), which was most of the subgraph's CPU per search.

:class:`ProjectingExecutionContext` compiles, once per request and selection, a projection
for an object type whose selected fields are all plain (no arguments, no resolver, no field
extensions, no ``@defer``/``@stream``, no field middleware) and whose nested objects are plain
too, and builds the response dict with it: ``getattr`` and the scalar's ``serialize`` per
field. Selections are collected by graphql-core itself, so aliases, fragments, ``__typename``
and ``@skip``/``@include`` mean what they always mean. Anything else, and any value the
projection cannot complete (a null in a non-null field, a value the scalar refuses, a failed
``is_type_of``), falls back to the stock path for that object, which produces the usual
result and errors: projecting only reads attributes, so doing it again changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    GraphQLScalarType,
    Undefined,
)
from graphql.execution.collect_fields import FieldDetailsList
from graphql.pyutils import AwaitableOrValue, Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types.field import StrawberryField

Info = GraphQLResolveInfo[Any]
# How a selected value becomes its response value; raises when it cannot.
Complete = Callable[[Any, Info], Any]

STREAMING_DIRECTIVES = frozenset({"defer", "stream"})


class Unprojectable(Exception):
    """A value the projection does not complete: the stock path does it instead."""


def _non_null(inner: Complete) -> Complete:
    def complete(value: Any, info: Info) -> Any:
        if value is None:
            raise Unprojectable
        return inner(value, info)

    return complete


def _nullable(inner: Complete) -> Complete:
    def complete(value: Any, info: Info) -> Any:
        return None if value is None else inner(value, info)

    return complete


def _list_of(item: Complete) -> Complete:
    def complete(value: Any, info: Info) -> Any:
        if not isinstance(value, list | tuple):
            raise Unprojectable
        return [item(v, info) for v in value]

    return complete


def _leaf(serialize: Callable[[Any], Any]) -> Complete:
    def complete(value: Any, _info: Info) -> Any:
        serialized = serialize(value)
        if serialized is None or serialized is Undefined:
            raise Unprojectable
        return serialized

    return complete


def _object(
    object_type: GraphQLObjectType,
    fields: list[tuple[str, Callable[[Any], Any], Complete]],
) -> Complete:
    """``fields``: (response key, what it reads of the object, how that is completed)."""
    is_type_of = object_type.is_type_of

    def complete(value: Any, info: Info) -> Any:
        if is_type_of is not None and is_type_of(value, info) is not True:
            raise Unprojectable
        return {key: done(read(value), info) for key, read, done in fields}

    return complete


def plain_attribute(field: Any) -> str | None:
    """The Python attribute a GraphQL field reads, when reading it is all the field does."""
    definition = field.extensions.get("strawberry-definition")
    if not isinstance(definition, StrawberryField):
        return None
    if field.args or not definition.is_basic_field or definition.is_async:
        return None
    return definition.python_name


class ProjectingExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's execution context, completing plain object types by projection."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # (type, id(field details)) -> (the field details kept alive, projection or None)
        self._projections: dict[
            tuple[GraphQLObjectType, int], tuple[FieldDetailsList, Complete | None]
        ] = {}

    def complete_object_value(
        self,
        return_type: GraphQLObjectType,
        field_details_list: FieldDetailsList,
        info: Info,
        path: Path,
        result: Any,
        position_context: Any,
    ) -> AwaitableOrValue[dict[str, Any]]:
        project = self.projection(return_type, field_details_list)
        if project is not None:
            try:
                projected: dict[str, Any] = project(result, info)
                return projected
            except Exception:  # the stock path completes it, or reports why it cannot
                pass
        return super().complete_object_value(
            return_type, field_details_list, info, path, result, position_context
        )

    def projection(
        self, object_type: GraphQLObjectType, field_details_list: FieldDetailsList
    ) -> Complete | None:
        """The projection of ``object_type`` for this selection, or None when a field in it
        is not plain (memoized per selection, as graphql-core memoizes collected fields)."""
        key = (object_type, id(field_details_list))
        known = self._projections.get(key)
        if known is None:
            known = (field_details_list, self._compile_object(object_type, field_details_list))
            self._projections[key] = known
        return known[1]

    def _compile_object(
        self, object_type: GraphQLObjectType, field_details_list: FieldDetailsList
    ) -> Complete | None:
        middleware = self.middleware_manager
        if middleware is not None and middleware.middlewares:
            return None
        grouped, new_defer_usages, _ = self.collect_subfields(object_type, field_details_list)
        if new_defer_usages:
            return None
        fields: list[tuple[str, Callable[[Any], Any], Complete]] = []
        for response_key, details in grouped.items():
            compiled = self._compile_field(object_type, details)
            if compiled is None:
                return None
            read, complete = compiled
            fields.append((response_key, read, complete))
        return _object(object_type, fields)

    def _compile_field(
        self, object_type: GraphQLObjectType, details: FieldDetailsList
    ) -> tuple[Callable[[Any], Any], Complete] | None:
        for detail in details:
            if detail.defer_usage is not None or detail.node.arguments:
                return None
            if any(d.name.value in STREAMING_DIRECTIVES for d in detail.node.directives or ()):
                return None
        name = details[0].node.name.value
        if name == "__typename":
            type_name = object_type.name
            return (lambda _value: type_name), _leaf(str)
        field = object_type.fields.get(name)
        if field is None:
            return None
        attribute = plain_attribute(field)
        if attribute is None:
            return None
        complete = self._compile_type(field.type, details)
        if complete is None:
            return None
        return attrgetter(attribute), complete

    def _compile_type(self, type_: GraphQLOutputType, details: FieldDetailsList) -> Complete | None:
        if isinstance(type_, GraphQLNonNull):
            inner = self._compile_type(type_.of_type, details)
            return None if inner is None else _non_null(inner)
        nullable = self._compile_nullable(type_, details)
        return None if nullable is None else _nullable(nullable)

    def _compile_nullable(
        self, type_: GraphQLOutputType, details: FieldDetailsList
    ) -> Complete | None:
        if isinstance(type_, GraphQLList):
            item = self._compile_type(type_.of_type, details)
            return None if item is None else _list_of(item)
        if isinstance(type_, GraphQLScalarType | GraphQLEnumType):
            return _leaf(type_.serialize)
        if isinstance(type_, GraphQLObjectType):
            return self.projection(type_, details)
        return None  # interfaces and unions: the stock path resolves their runtime type
