"""How long an entity may be cached and for whom: the TTL and scope of each entity type.

Three sources, the first that speaks wins:

1. the router config, ``[entity_cache.types.<Type>]`` (``ttl_seconds``, ``private``);
2. Apollo's ``@cacheControl(maxAge:, scope:)`` on the type in the supergraph (a subgraph
   carries it there with ``@composeDirective``); ``maxAge: 0`` means "never cache";
3. ``default_ttl_seconds`` (public).

Every TTL is capped by ``max_ttl_seconds``: invalidation markers live that long
(:mod:`router.entity_cache_keys`), so no entry may outlive them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from graphql import (
    DirectiveNode,
    EnumValueNode,
    GraphQLError,
    IntValueNode,
    ObjectTypeDefinitionNode,
    ObjectTypeExtensionNode,
    StringValueNode,
    parse,
)

CACHE_CONTROL = "cacheControl"


@dataclass(frozen=True)
class CacheHint:
    """A type's ``@cacheControl``: ``max_age`` seconds (None: not given), ``private``."""

    max_age: int | None
    private: bool


@dataclass(frozen=True)
class TypePolicy:
    """A cacheable type: entries live ``ttl_seconds``; ``private`` ones are per user."""

    ttl_seconds: float
    private: bool


@dataclass(frozen=True)
class TypeOverride:
    """What the config says about one type (None: not said)."""

    ttl_seconds: float | None = None
    private: bool | None = None


class CachePolicy:
    def __init__(
        self,
        *,
        default_ttl_seconds: float,
        max_ttl_seconds: float,
        overrides: Mapping[str, TypeOverride] | None = None,
        hints: Mapping[str, CacheHint] | None = None,
    ) -> None:
        self.default_ttl_seconds = default_ttl_seconds
        self.max_ttl_seconds = max_ttl_seconds
        self._overrides = dict(overrides or {})
        self._hints = dict(hints or {})
        self._policies: dict[str, TypePolicy | None] = {}

    def with_hints(self, hints: Mapping[str, CacheHint]) -> CachePolicy:
        """The same config over another supergraph's hints."""
        return CachePolicy(
            default_ttl_seconds=self.default_ttl_seconds,
            max_ttl_seconds=self.max_ttl_seconds,
            overrides=self._overrides,
            hints=hints,
        )

    def for_type(self, type_name: str) -> TypePolicy | None:
        """The type's policy, or None when its entities must not be cached."""
        if type_name not in self._policies:
            self._policies[type_name] = self._decide(type_name)
        return self._policies[type_name]

    def _decide(self, type_name: str) -> TypePolicy | None:
        override = self._overrides.get(type_name, TypeOverride())
        hint = self._hints.get(type_name)
        ttl = override.ttl_seconds
        if ttl is None and hint is not None and hint.max_age is not None:
            ttl = float(hint.max_age)
        private = override.private
        if private is None:
            private = hint.private if hint is not None else False
        if ttl is None:
            # Per-user data is cached only when its config or its @cacheControl says how long:
            # no event tells the router that a user's orders or cart changed.
            ttl = 0.0 if private else self.default_ttl_seconds
        if ttl <= 0:
            return None
        return TypePolicy(min(ttl, self.max_ttl_seconds), private)


def cache_hints(supergraph_sdl: str) -> dict[str, CacheHint]:
    """``@cacheControl`` of every object type (definitions and extensions) in a supergraph;
    a type hinted more than once keeps the shortest age and is private if any hint is."""
    try:
        document = parse(supergraph_sdl, no_location=True)
    except GraphQLError:
        return {}
    hints: dict[str, CacheHint] = {}
    for definition in document.definitions:
        if not isinstance(definition, ObjectTypeDefinitionNode | ObjectTypeExtensionNode):
            continue
        for directive in definition.directives or ():
            if directive.name.value != CACHE_CONTROL:
                continue
            hint = _hint(directive)
            name = definition.name.value
            hints[name] = _stricter(hints[name], hint) if name in hints else hint
    return hints


def _hint(directive: DirectiveNode) -> CacheHint:
    max_age: int | None = None
    private = False
    for argument in directive.arguments or ():
        value = argument.value
        if argument.name.value == "maxAge" and isinstance(value, IntValueNode):
            max_age = int(value.value)
        elif argument.name.value == "scope" and isinstance(value, EnumValueNode | StringValueNode):
            private = value.value.upper() == "PRIVATE"
    return CacheHint(max_age, private)


def _stricter(a: CacheHint, b: CacheHint) -> CacheHint:
    ages = [age for age in (a.max_age, b.max_age) if age is not None]
    return CacheHint(min(ages) if ages else None, a.private or b.private)
