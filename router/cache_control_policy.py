"""How long a response (or an entity cache entry) may be cached, from ``@cacheControl`` hints.

Apollo's rules, applied to the operation's selection before it runs (Apollo applies them to
the fields as they resolve; here every selected field counts, including those of fragments
on types the response turns out not to have, which can only make the policy stricter):

* a field's own hint (``maxAge``, ``scope``) wins over the hint of the type it returns;
* a field returning an object, interface or union with no ``maxAge`` from either, and every
  root field without one, gets ``default_max_age`` (0: not cacheable), unless it (or its
  type) says ``inheritMaxAge: true``;
* a scalar or enum field without a hint takes its parent's age (it adds no limit);
* the response's age is the shortest of them all, and it is private if any hint is.

:func:`selection_caps` reads only explicit hints (no defaults) for the entity cache: the
shortest age and the scope any field under ``... on Type`` asks for.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    get_named_type,
    is_composite_type,
    parse,
)

from router.cache_hints import CacheHint, CacheHints


@dataclass(frozen=True)
class ResponseCachePolicy:
    """``max_age`` seconds (0: not cacheable); ``private``: per user, never shared caches."""

    max_age: int
    private: bool

    @property
    def cacheable(self) -> bool:
        return self.max_age > 0

    def header(self) -> str:
        """The ``Cache-Control`` value Apollo Server sends for this policy."""
        if not self.cacheable:
            return "no-store"
        return f"max-age={self.max_age}, {'private' if self.private else 'public'}"


NOT_CACHEABLE = ResponseCachePolicy(0, False)


class _Limit:
    """The shortest age and the scope seen so far."""

    def __init__(self) -> None:
        self.max_age: int | None = None
        self.private = False

    def restrict(self, max_age: int | None, private: bool) -> None:
        if max_age is not None:
            self.max_age = max_age if self.max_age is None else min(self.max_age, max_age)
        self.private = self.private or private


@dataclass(frozen=True)
class _Walk:
    schema: GraphQLSchema
    hints: CacheHints
    fragments: Mapping[str, FragmentDefinitionNode]
    # None: explicit hints only (entity cache entries)
    default_max_age: int | None
    limit: _Limit

    def selections(
        self,
        parent: GraphQLNamedType,
        selection_set: SelectionSetNode,
        root: bool,
        spreading: frozenset[str] = frozenset(),
    ) -> None:
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                self.field(parent, selection, root, spreading)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self.schema.get_type(condition.name.value) if condition else parent
                if inner is not None:
                    self.selections(inner, selection.selection_set, root, spreading)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in spreading:
                    continue
                inner = self.schema.get_type(fragment.type_condition.name.value)
                if inner is not None:
                    self.selections(inner, fragment.selection_set, root, spreading | {name})

    def field(
        self, parent: GraphQLNamedType, node: FieldNode, root: bool, spreading: frozenset[str]
    ) -> None:
        if not isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            return  # only __typename can be selected on a union
        definition = parent.fields.get(node.name.value)
        if definition is None:  # __typename, introspection
            return
        target = get_named_type(definition.type)
        composite = is_composite_type(target)
        max_age: int | None = None
        private = inherit = False
        type_hint = self.hints.types.get(target.name) if composite else None
        if type_hint is not None:
            max_age, private, inherit = (
                type_hint.max_age,
                type_hint.private,
                type_hint.inherit_max_age,
            )
        field_hint = self.hints.fields.get((parent.name, node.name.value))
        if field_hint is not None:
            private = private or field_hint.private
            if field_hint.inherit_max_age and max_age is None:
                inherit = True
            elif field_hint.max_age is not None:
                max_age = field_hint.max_age
        if (
            max_age is None
            and self.default_max_age is not None
            and ((composite and not inherit) or root)
        ):
            max_age = self.default_max_age
        self.limit.restrict(max_age, private)
        if composite and node.selection_set is not None:
            self.selections(target, node.selection_set, False, spreading)


def operation_cache_policy(
    schema: GraphQLSchema,
    hints: CacheHints,
    document: DocumentNode,
    operation_name: str | None,
    *,
    default_max_age: int = 0,
) -> ResponseCachePolicy:
    """The cache policy of the response to one operation of ``document``."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is None:
        chosen = operations if len(operations) == 1 else []
    else:
        chosen = [o for o in operations if o.name and o.name.value == operation_name]
    if len(chosen) != 1:
        return NOT_CACHEABLE
    operation = chosen[0]
    root = schema.get_root_type(operation.operation)
    if root is None:
        return NOT_CACHEABLE
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    limit = _Limit()
    _Walk(schema, hints, fragments, default_max_age, limit).selections(
        root, operation.selection_set, True
    )
    if limit.max_age is None:  # only __typename: nothing limits it but the default
        return ResponseCachePolicy(default_max_age, limit.private)
    return ResponseCachePolicy(limit.max_age, limit.private)


def selection_caps(
    schema: GraphQLSchema, hints: CacheHints, selection: str
) -> dict[str, CacheHint]:
    """For an ``_entities`` selection (``{ ... on Product { price } }``): per entity type, the
    shortest ``maxAge`` and the scope the hints of its selected fields ask for."""
    try:
        document = parse(f"query{selection}", no_location=True)
    except GraphQLError:
        return {}
    operation = document.definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    caps: dict[str, CacheHint] = {}
    for fragment in operation.selection_set.selections:
        if not isinstance(fragment, InlineFragmentNode) or fragment.type_condition is None:
            continue
        entity_type = schema.get_type(fragment.type_condition.name.value)
        if entity_type is None:
            continue
        limit = _Limit()
        _Walk(schema, hints, {}, None, limit).selections(entity_type, fragment.selection_set, False)
        if limit.max_age is not None or limit.private:
            caps[entity_type.name] = CacheHint(limit.max_age, limit.private)
    return caps
