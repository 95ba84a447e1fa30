"""Access control at the router: ``@authenticated``, ``@requiresScopes``, ``@policy``.

The supergraph carries the directives (:mod:`router.supergraph_directives`); before planning,
this plugin decides each requirement the operation touches for the verified principal
(``operation.principal``: edge authentication's), removes what is denied
(:mod:`router.authorization_filter`) and hands the gateway the filtered operation, so no
subgraph is asked for it. The response has ``null`` there and an
``UNAUTHORIZED_FIELD_OR_TYPE`` error per removed element, the rest intact (Apollo Router's
semantics); with ``reject_unauthorized`` the whole operation is refused instead.

Plans stay cached: the filtered text is the same for every caller with the same outcome, so
the gateway caches one plan per (operation, authorization outcome).

Policies are Python callables named in the config, ``policies = { name = "module:function" }``;
each gets the principal (and, if it takes a second parameter, the schema coordinate such as
``"User.email"``) and returns whether the caller passes. A policy the supergraph names but the
config does not define denies.
"""

from __future__ import annotations

import copy
import importlib
import inspect
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import DocumentNode
from pydantic import Field, field_validator

from router.access_requirements import AccessRequirement
from router.authorization_filter import (
    ERROR_CODE,
    FilteredOperation,
    filter_operation,
    requirements_in,
)
from router.authorization_nulls import null_removed_fields
from router.config_section import Section
from router.pipeline import Operation, RequestRefused, RouterPlugin
from router.supergraph import Supergraph
from shopgraph.auth.principal import Principal
from shopgraph.logging import get_logger

log = get_logger(__name__)

Policy = Callable[[Principal, str], bool]
STATE_KEY = "authorization"
CACHE_SIZE = 1000


class PolicyImportError(ValueError):
    """A configured policy that cannot be imported (the message names its key)."""


def load_policies(specs: Mapping[str, str]) -> dict[str, Policy]:
    """Import every ``"module:function"``; raise :class:`PolicyImportError` naming the key."""
    policies: dict[str, Policy] = {}
    for name, spec in specs.items():
        where = f"policy {name!r}"
        module_name, _, attribute = spec.partition(":")
        if not module_name or not attribute:
            raise PolicyImportError(f'{where}: expected "module:function", got {spec!r}')
        try:
            target = getattr(importlib.import_module(module_name), attribute)
        except (ImportError, AttributeError) as exc:
            raise PolicyImportError(f"{where}: cannot import {spec!r}: {exc}") from None
        if not callable(target):
            raise PolicyImportError(f"{where}: {spec!r} is not callable")
        policies[name] = _two_argument(target)
    return policies


def _two_argument(function: Callable[..., Any]) -> Policy:
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        return lambda principal, coordinate: bool(function(principal, coordinate))
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    positional = [p for p in parameters if p.kind in (*kinds, inspect.Parameter.VAR_POSITIONAL)]
    if len(positional) >= 2 or any(p.kind == p.VAR_POSITIONAL for p in positional):
        return lambda principal, coordinate: bool(function(principal, coordinate))
    return lambda principal, _coordinate: bool(function(principal))


class AuthorizationSection(Section):
    # Refuse the whole operation (403) when any part of it is unauthorized, instead of
    # answering the rest with nulls and errors.
    reject_unauthorized: bool = False
    # @policy names -> "module:function" (a callable taking the principal, and optionally the
    # schema coordinate, returning bool).
    policies: dict[str, str] = Field(default_factory=dict)

    @field_validator("policies")
    @classmethod
    def _importable(cls, value: dict[str, str]) -> dict[str, str]:
        load_policies(value)  # an import error stops start-up, naming the policy
        return value


@dataclass(frozen=True)
class Decider:
    """Whether one principal meets requirements."""

    principal: Principal
    policies: Mapping[str, Policy]

    def allows(self, requirement: AccessRequirement, coordinate: str) -> bool:
        if requirement.authenticated and not self.principal.is_authenticated:
            return False
        if requirement.scopes and not any(
            all(self.principal.has_scope(scope) for scope in group) for group in requirement.scopes
        ):
            return False
        return not requirement.policies or any(
            all(self._policy(name, coordinate) for name in group) for group in requirement.policies
        )

    def _policy(self, name: str, coordinate: str) -> bool:
        policy = self.policies.get(name)
        if policy is None:
            log.warning("authorization_policy_undefined", policy=name, coordinate=coordinate)
            return False
        try:
            return policy(self.principal, coordinate)
        except Exception as exc:  # a failing policy denies rather than failing the request
            log.error("authorization_policy_failed", policy=name, error=repr(exc))
            return False


class AuthorizationPlugin(RouterPlugin):
    name = "authorization"

    def __init__(
        self,
        *,
        policies: Mapping[str, Callable[..., Any]] | None = None,
        reject_unauthorized: bool = False,
    ) -> None:
        self.policies = {name: _two_argument(f) for name, f in (policies or {}).items()}
        self.reject_unauthorized = reject_unauthorized
        self._requirements: OrderedDict[tuple[str, str], dict[str, AccessRequirement]] = (
            OrderedDict()
        )
        self._filtered: OrderedDict[tuple[str, str, str | None, frozenset[str]], Any] = (
            OrderedDict()
        )

    @classmethod
    def from_config(cls, section: AuthorizationSection) -> AuthorizationPlugin:
        return cls(
            policies=load_policies(section.policies),
            reject_unauthorized=section.reject_unauthorized,
        )

    async def on_operation(self, operation: Operation) -> None:
        supergraph = _supergraph_of(operation.gateway)
        query, document = operation.query, operation.document
        if supergraph is None or query is None or document is None:
            return
        requirements = self._requirements_of(supergraph, query, document)
        if not requirements:
            return
        decider = Decider(operation.principal, self.policies)
        denied = frozenset(
            coordinate
            for coordinate, requirement in requirements.items()
            if not decider.allows(requirement, coordinate)
        )
        if not denied:
            return
        filtered = self._filter(supergraph, query, document, operation.operation_name, denied)
        if self.reject_unauthorized:
            paths = ", ".join(".".join(map(str, e["path"])) or "(root)" for e in filtered.errors)
            raise RequestRefused(403, f"Unauthorized field or type: {paths}", ERROR_CODE)
        operation.params["query"] = filtered.query
        operation.document = filtered.document
        operation.state[STATE_KEY] = filtered

    async def on_response(self, operation: Operation, result: dict[str, Any]) -> dict[str, Any]:
        filtered = operation.state.get(STATE_KEY)
        if not isinstance(filtered, FilteredOperation):
            return result
        if "data" in result:
            result = {**result, "data": null_removed_fields(result["data"], filtered.sites)}
        errors = copy.deepcopy(list(filtered.errors))
        return {**result, "errors": [*errors, *(result.get("errors") or [])]}

    def _requirements_of(
        self, supergraph: Supergraph, query: str, document: DocumentNode
    ) -> dict[str, AccessRequirement]:
        key = (supergraph.sdl, query)
        found = self._requirements.get(key)
        if found is None:
            schema, access = supergraph.api_schema, supergraph.directives.access
            found = requirements_in(schema, access, document)
            _remember(self._requirements, key, found)
        return found

    def _filter(
        self,
        supergraph: Supergraph,
        query: str,
        document: DocumentNode,
        operation_name: str | None,
        denied: frozenset[str],
    ) -> FilteredOperation:
        key = (supergraph.sdl, query, operation_name, denied)
        filtered = self._filtered.get(key)
        if filtered is None:
            filtered = filter_operation(supergraph.api_schema, document, operation_name, denied)
            _remember(self._filtered, key, filtered)
        assert isinstance(filtered, FilteredOperation)
        return filtered


def _remember(cache: OrderedDict[Any, Any], key: Any, value: Any) -> None:
    cache[key] = value
    if len(cache) > CACHE_SIZE:
        cache.popitem(last=False)


def _supergraph_of(gateway: object) -> Supergraph | None:
    supergraph = getattr(gateway, "supergraph", None)
    return supergraph if isinstance(supergraph, Supergraph) else None
