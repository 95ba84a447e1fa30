"""Strawberry extensions every ShopGraph schema runs with.

The limit rules are built once per schema: Strawberry's validation cache is keyed by the
tuple of rule classes, and the stock limiters create a new class per instance, which would
make every request a cache miss. The per-operation policy (token limit, limit rules, error
codes) is ONE extension: Strawberry builds every extension and enters each of its hooks on
every request, which for separate extensions cost more than the work they do.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from typing import Any, Final

import strawberry
from graphql import ASTValidationRule, GraphQLError
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import ParserCache, SchemaExtension, ValidationCache

from shopgraph.errors import ShopGraphError
from shopgraph.graphql_limits import limits_rule
from shopgraph.logging import get_logger
from shopgraph.money import DECIMAL_SCALAR
from shopgraph.settings import Settings

log = get_logger(__name__)

INTERNAL_MESSAGE = "Internal server error"
# The newest Federation version the public composers (Apollo, The Guild) all accept.
FEDERATION_VERSION: Final = "2.9"


def _root_cause(error: GraphQLError) -> Exception | None:
    """The exception under any GraphQLErrors wrapping it (input coercion wraps twice)."""
    original = error.original_error
    while isinstance(original, GraphQLError):
        original = original.original_error
    return original


def _classify(error: GraphQLError) -> GraphQLError:
    original = _root_cause(error)
    extensions = dict(error.extensions or {})
    if isinstance(original, ShopGraphError):
        extensions["code"] = original.code
        return GraphQLError(
            original.message,
            error.nodes,
            error.source,
            error.positions,
            error.path,
            extensions=extensions,
        )
    if original is None:
        # Raised by graphql-core itself: syntax, validation, variable coercion.
        if "code" in extensions:
            return error
        extensions["code"] = (
            "GRAPHQL_PARSE_FAILED"
            if error.message.startswith("Syntax Error")
            else "GRAPHQL_VALIDATION_FAILED"
            if error.path is None
            else "BAD_USER_INPUT"
        )
        return GraphQLError(
            error.message,
            error.nodes,
            error.source,
            error.positions,
            error.path,
            extensions=extensions,
        )
    log.error(
        "unexpected_error",
        path=error.path,
        error=repr(original),
        exc_info=(type(original), original, original.__traceback__),
    )
    return GraphQLError(
        INTERNAL_MESSAGE,
        error.nodes,
        error.source,
        error.positions,
        error.path,
        extensions={"code": "INTERNAL_SERVER_ERROR"},
    )


def classify_errors(errors: list[GraphQLError]) -> list[GraphQLError]:
    """Every error with a stable ``extensions.code``; unexpected ones masked. Idempotent."""
    return [_classify(error) for error in errors]


class OperationPolicy(SchemaExtension):
    """Per operation: the parser's token limit, the limit rules built once per schema, and
    a stable code on every execution error. Parse and validation errors skip extensions'
    exit hooks in Strawberry, so the HTTP view classifies those (``process_result``)."""

    def __init__(self, max_tokens: int, rules: tuple[type[ASTValidationRule], ...]) -> None:
        self.max_tokens = max_tokens
        self.rules = rules

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        context.parse_options["max_tokens"] = self.max_tokens
        context.validation_rules = (*context.validation_rules, *self.rules)
        yield
        result = context.result
        errors = getattr(result, "errors", None)
        if result is not None and errors:
            result.errors = classify_errors(errors)


def standard_extensions(
    *,
    max_depth: int,
    max_aliases: int,
    max_tokens: int,
    introspection: bool = True,
) -> Sequence[Callable[[], SchemaExtension]]:
    """Extension factories for a schema; rules are created here, once."""
    rules: list[type[ASTValidationRule]] = [limits_rule(max_depth, max_aliases)]
    if not introspection:
        rules.append(NoSchemaIntrospectionCustomRule)
    frozen = tuple(rules)

    def policy() -> SchemaExtension:
        return OperationPolicy(max_tokens, frozen)

    def parser_cache() -> SchemaExtension:
        return ParserCache(maxsize=1024)

    def validation_cache() -> SchemaExtension:
        return ValidationCache(maxsize=1024)

    return [policy, parser_cache, validation_cache]


def field_error_codes(errors: list[dict[str, Any]]) -> list[str]:
    """Codes of a response's errors, for logs and tests."""
    return [str(e.get("extensions", {}).get("code")) for e in errors]


def federation_schema(
    settings: Settings,
    *,
    query: type,
    mutation: type | None = None,
    subscription: type | None = None,
    types: Sequence[type] = (),
) -> strawberry.federation.Schema:
    """A Federation v2 subgraph schema with ShopGraph's limits and error codes."""
    return strawberry.federation.Schema(
        query=query,
        mutation=mutation,
        subscription=subscription,
        types=list(types),
        extensions=standard_extensions(
            max_depth=settings.max_query_depth,
            max_aliases=settings.max_aliases,
            max_tokens=settings.max_tokens,
            introspection=not settings.is_production,
        ),
        federation_version=FEDERATION_VERSION,
        scalar_overrides={Decimal: DECIMAL_SCALAR},
    )
