"""How long an entity may be cached and for whom: the TTL and scope of each entity type.

Three sources, the first that speaks wins:

1. the router config, ``[entity_cache.types.<Type>]`` (``ttl_seconds``, ``private``);
2. Apollo's ``@cacheControl(maxAge:, scope:)`` on the type in the supergraph (a subgraph
   carries it there with ``@composeDirective``); ``maxAge: 0`` means "never cache";
3. ``default_ttl_seconds`` (public).

Field hints then narrow one entry (:meth:`CachePolicy.for_entity`): it lives no longer than
the shortest ``maxAge`` among the fields its selection asks (and the types they return;
``maxAge: 0`` there: not cached), and a ``scope: PRIVATE`` field makes it per user.

Every TTL is capped by ``max_ttl_seconds``: invalidation markers live that long
(:mod:`router.entity_cache_keys`), so no entry may outlive them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from graphql import GraphQLSchema

from router.cache_control_policy import selection_caps
from router.cache_hints import CacheHint, CacheHints

CAPS_KEPT = 1000


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
        hints: CacheHints | None = None,
        schema: GraphQLSchema | None = None,
    ) -> None:
        self.default_ttl_seconds = default_ttl_seconds
        self.max_ttl_seconds = max_ttl_seconds
        self._overrides = dict(overrides or {})
        self._hints = hints or CacheHints()
        # the supergraph's API schema: field hints need the types fields return
        self._schema = schema
        self._policies: dict[str, TypePolicy | None] = {}
        self._caps: dict[str, dict[str, CacheHint]] = {}

    def with_hints(self, hints: CacheHints, schema: GraphQLSchema | None = None) -> CachePolicy:
        """The same config over another supergraph's hints."""
        return CachePolicy(
            default_ttl_seconds=self.default_ttl_seconds,
            max_ttl_seconds=self.max_ttl_seconds,
            overrides=self._overrides,
            hints=hints,
            schema=schema,
        )

    def for_entity(self, type_name: str, selection: str) -> TypePolicy | None:
        """The policy of one entry: the type's, narrowed by the hints of the fields that
        ``selection`` (an ``_entities`` selection) asks of that type."""
        policy = self.for_type(type_name)
        if policy is None or self._schema is None:
            return policy
        cap = self._caps_of(selection).get(type_name)
        if cap is None:
            return policy
        ttl = policy.ttl_seconds if cap.max_age is None else min(policy.ttl_seconds, cap.max_age)
        if ttl <= 0:
            return None
        return TypePolicy(ttl, policy.private or cap.private)

    def _caps_of(self, selection: str) -> dict[str, CacheHint]:
        caps = self._caps.get(selection)
        if caps is None:
            assert self._schema is not None
            caps = selection_caps(self._schema, self._hints, selection)
            if len(self._caps) >= CAPS_KEPT:
                self._caps.clear()
            self._caps[selection] = caps
        return caps

    def for_type(self, type_name: str) -> TypePolicy | None:
        """The type's policy, or None when its entities must not be cached."""
        if type_name not in self._policies:
            self._policies[type_name] = self._decide(type_name)
        return self._policies[type_name]

    def _decide(self, type_name: str) -> TypePolicy | None:
        override = self._overrides.get(type_name, TypeOverride())
        hint = self._hints.types.get(type_name)
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
