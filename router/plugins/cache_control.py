"""The ``Cache-Control`` header of a query's response, from ``@cacheControl`` hints
(``[cache_control]``).

The policy (:mod:`router.cache_control_policy`) is computed before planning from the
operation as it will run (after authorization removed what the caller may not see):

* a query whose every field is hinted gets ``max-age=<shortest>, public`` (or ``private``
  when any hint says ``scope: PRIVATE``);
* a query touching a field or type with ``@authenticated``, ``@requiresScopes`` or
  ``@policy`` is ``private``: its answer depends on who asks;
* anything else, mutations, and every response with errors get ``no-store``.

Subscriptions and streamed responses (SSE, multipart) are not cached and keep their own
``cache-control: no-cache``.

Config::

    [cache_control]
    enabled = true
    default_max_age = 0   # seconds, for root fields and object fields without a hint
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from pydantic import Field

from router.authorization_filter import requirements_in
from router.cache_control_policy import (
    NOT_CACHEABLE,
    ResponseCachePolicy,
    operation_cache_policy,
)
from router.cache_hints import CacheHints, read_cache_hints
from router.config_section import Section
from router.pipeline import Operation, RouterPlugin
from router.supergraph import Supergraph

HEADER = "cache-control"
NO_STORE = "no-store"
POLICIES_KEPT = 1000


class CacheControlSection(Section):
    # Send Cache-Control on query and mutation responses.
    enabled: bool = True
    # Age of root fields and of fields returning objects that no hint covers (Apollo's
    # defaultMaxAge); 0: such responses are not cacheable.
    default_max_age: int = Field(default=0, ge=0)


class CacheControlPlugin(RouterPlugin):
    name = "cache_control"

    def __init__(self, section: CacheControlSection) -> None:
        self.default_max_age = section.default_max_age
        self._hints: tuple[str, CacheHints] | None = None
        self._policies: OrderedDict[tuple[str, str, str | None], ResponseCachePolicy] = (
            OrderedDict()
        )

    async def on_operation(self, operation: Operation) -> None:
        if operation.kind == "query":
            operation.state[self.name] = self._policy(operation)
        elif operation.kind == "mutation":
            operation.state[self.name] = NOT_CACHEABLE

    async def on_response(self, operation: Operation, result: dict[str, Any]) -> dict[str, Any]:
        policy = operation.state.get(self.name)
        if isinstance(policy, ResponseCachePolicy):
            header = NO_STORE if result.get("errors") else policy.header()
            operation.response_headers[HEADER] = header
        return result

    def _policy(self, operation: Operation) -> ResponseCachePolicy:
        supergraph = getattr(operation.gateway, "supergraph", None)
        query, document = operation.query, operation.document
        if not isinstance(supergraph, Supergraph) or query is None or document is None:
            return NOT_CACHEABLE
        key = (supergraph.sdl, query, operation.operation_name)
        policy = self._policies.get(key)
        if policy is None:
            schema = supergraph.api_schema
            policy = operation_cache_policy(
                schema,
                self._hints_of(supergraph.sdl),
                document,
                operation.operation_name,
                default_max_age=self.default_max_age,
            )
            if policy.cacheable and requirements_in(schema, supergraph.directives.access, document):
                policy = ResponseCachePolicy(policy.max_age, private=True)
            self._policies[key] = policy
            if len(self._policies) > POLICIES_KEPT:
                self._policies.popitem(last=False)
        return policy

    def _hints_of(self, sdl: str) -> CacheHints:
        if self._hints is None or self._hints[0] != sdl:
            self._hints = (sdl, read_cache_hints(sdl))
        return self._hints[1]
