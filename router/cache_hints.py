"""Apollo's ``@cacheControl(maxAge:, scope:, inheritMaxAge:)`` hints, read from a supergraph.

A subgraph carries them into the supergraph with ``@composeDirective(name: "@cacheControl")``,
on types (objects, interfaces, unions) and on fields. A type or field hinted more than once
(by several subgraphs) keeps the shortest age, is private if any hint is, and inherits its
parent's age only if every hint says so. Used for the entity cache's TTLs
(:mod:`router.entity_cache_policy`) and the ``Cache-Control`` header
(:mod:`router.cache_control_policy`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from graphql import (
    BooleanValueNode,
    DirectiveNode,
    EnumValueNode,
    GraphQLError,
    InterfaceTypeDefinitionNode,
    InterfaceTypeExtensionNode,
    IntValueNode,
    ObjectTypeDefinitionNode,
    ObjectTypeExtensionNode,
    StringValueNode,
    UnionTypeDefinitionNode,
    UnionTypeExtensionNode,
    parse,
)

CACHE_CONTROL = "cacheControl"
_Key = TypeVar("_Key", str, tuple[str, str])

_HINTED = (
    ObjectTypeDefinitionNode,
    ObjectTypeExtensionNode,
    InterfaceTypeDefinitionNode,
    InterfaceTypeExtensionNode,
    UnionTypeDefinitionNode,
    UnionTypeExtensionNode,
)


@dataclass(frozen=True)
class CacheHint:
    """One ``@cacheControl``: ``max_age`` seconds (None: not given), ``private`` (scope
    PRIVATE), ``inherit_max_age`` (the field takes its parent's age)."""

    max_age: int | None
    private: bool
    inherit_max_age: bool = False


@dataclass(frozen=True)
class CacheHints:
    """Every hint of a supergraph: by type name, and by ``(type name, field name)``."""

    types: Mapping[str, CacheHint] = field(default_factory=dict)
    fields: Mapping[tuple[str, str], CacheHint] = field(default_factory=dict)


def read_cache_hints(supergraph_sdl: str) -> CacheHints:
    """The ``@cacheControl`` hints of a supergraph (none if it does not parse)."""
    try:
        document = parse(supergraph_sdl, no_location=True)
    except GraphQLError:
        return CacheHints()
    types: dict[str, CacheHint] = {}
    fields: dict[tuple[str, str], CacheHint] = {}
    for definition in document.definitions:
        if not isinstance(definition, _HINTED):
            continue
        name = definition.name.value
        _add(types, name, definition.directives)
        for field_node in getattr(definition, "fields", None) or ():
            _add(fields, (name, field_node.name.value), field_node.directives)
    return CacheHints(types, fields)


def _add(
    hints: dict[_Key, CacheHint], key: _Key, directives: Sequence[DirectiveNode] | None
) -> None:
    for directive in directives or ():
        if directive.name.value == CACHE_CONTROL:
            hint = _hint(directive)
            hints[key] = stricter(hints[key], hint) if key in hints else hint


def _hint(directive: DirectiveNode) -> CacheHint:
    max_age: int | None = None
    private = inherit = False
    for argument in directive.arguments or ():
        value, name = argument.value, argument.name.value
        if name == "maxAge" and isinstance(value, IntValueNode):
            max_age = int(value.value)
        elif name == "scope" and isinstance(value, EnumValueNode | StringValueNode):
            private = value.value.upper() == "PRIVATE"
        elif name == "inheritMaxAge" and isinstance(value, BooleanValueNode):
            inherit = value.value
    return CacheHint(max_age, private, inherit)


def stricter(a: CacheHint, b: CacheHint) -> CacheHint:
    """The hint that satisfies both: the shorter age, private if either is."""
    ages = [age for age in (a.max_age, b.max_age) if age is not None]
    return CacheHint(
        min(ages) if ages else None,
        a.private or b.private,
        a.inherit_max_age and b.inherit_max_age,
    )
