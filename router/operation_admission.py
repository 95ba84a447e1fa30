"""Preparing an operation to run: the one path every transport shares.

HTTP (JSON, SSE, multipart) and graphql-transport-ws ``subscribe`` messages both go through
:meth:`OperationAdmission.prepare`, in this order: the pipeline's ``on_request`` (a persisted
query's hash → its text), parsing the GraphQL parameters, the caller (HTTP: the request's
token; WebSocket: the token of ``connection_init``), the rate limit, the token/depth/alias
limits, the transport's own check of the operation's kind, then the pipeline's
``on_operation`` (safelist, authorization, demand control, entity cache, incremental). Any
refusal is a :class:`RequestRefused` with a stable code; each transport turns it into its own
error (a JSON response, an ``error`` message).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import orjson

from router.pipeline import Operation, Pipeline, RequestRefused
from router.plugins.hot_reload import GatewayHolder
from router.plugins.limits import LimitExceeded, OperationLimits, operation_type
from router.plugins.rate_limit import FixedWindowRateLimiter, client_key
from shopgraph.auth.principal import Principal
from shopgraph.json_depth import nested_deeper_than

MAX_VARIABLES_DEPTH = 64

Authenticate = Callable[[], Awaitable[Principal]]
KindCheck = Callable[[Operation], None]


@dataclass(frozen=True)
class GraphQLRequest:
    query: str
    variables: dict[str, Any] | None
    operation_name: str | None


def parse_request(raw: Mapping[str, Any]) -> GraphQLRequest:
    """The GraphQL parameters (``query``, ``variables``, ``operationName``), checked."""
    query = raw.get("query")
    if not isinstance(query, str) or not query.strip():
        raise RequestRefused(400, "Must provide a query string", "BAD_REQUEST")
    variables = raw.get("variables")
    if isinstance(variables, str) and variables:  # GET sends JSON text
        try:
            variables = orjson.loads(variables)
        except orjson.JSONDecodeError:
            raise RequestRefused(400, "Variables are invalid JSON", "BAD_REQUEST") from None
    if variables in ("", None):
        variables = None
    elif not isinstance(variables, dict):
        raise RequestRefused(400, "Variables must be an object", "BAD_REQUEST")
    elif nested_deeper_than(variables, MAX_VARIABLES_DEPTH):
        raise RequestRefused(
            400, f"Variables are nested deeper than {MAX_VARIABLES_DEPTH} levels", "BAD_REQUEST"
        )
    operation_name = raw.get("operationName") or None
    if operation_name is not None and not isinstance(operation_name, str):
        raise RequestRefused(400, "operationName must be a string", "BAD_REQUEST")
    return GraphQLRequest(query, variables, operation_name)


def caller_key(principal: Principal, authorization: str | None, host: str | None) -> str:
    """Who the rate limiter (and the cost budget) counts a caller as: the verified token's
    subject, else the credential, else the address."""
    subject = principal.subject or None
    return f"sub:{subject}" if subject else client_key(authorization, host)


class OperationAdmission:
    """Every gate between a transport's raw parameters and the gateway."""

    def __init__(
        self,
        holder: GatewayHolder,
        pipeline: Pipeline,
        limits: OperationLimits,
        rate_limiter: FixedWindowRateLimiter | None,
    ) -> None:
        self.holder = holder
        self.pipeline = pipeline
        self.limits = limits
        self.rate_limiter = rate_limiter

    async def prepare(
        self,
        operation: Operation,
        *,
        authenticate: Authenticate,
        authorization: str | None,
        host: str | None,
        check_kind: KindCheck | None = None,
    ) -> GraphQLRequest:
        """Run every gate on ``operation`` (filled in as it goes: principal, document, kind,
        gateway); raise :class:`RequestRefused` at the first that refuses. The query to run is
        ``operation.query``: plugins may have rewritten it."""
        await self.pipeline.on_request(operation)
        request = parse_request(operation.params)
        operation.principal = await authenticate()
        operation.client_key = caller_key(operation.principal, authorization, host)
        await self._charge(operation.client_key)
        try:
            document = self.limits.check(request.query)
        except LimitExceeded as exc:
            raise RequestRefused(400, exc.message, exc.code) from None
        operation.document = document
        operation.kind = operation_type(document, request.operation_name)
        if check_kind is not None:
            check_kind(operation)
        operation.gateway = self.holder.current
        await self.pipeline.on_operation(operation)
        return request

    async def _charge(self, key: str) -> None:
        if self.rate_limiter is None:
            return
        decision = await self.rate_limiter.hit(key)
        if not decision.allowed:
            raise RequestRefused(
                429,
                f"Rate limit of {decision.limit} requests exceeded; retry in "
                f"{decision.retry_after_seconds}s",
                "RATE_LIMITED",
                {"retry-after": str(decision.retry_after_seconds)},
            )
