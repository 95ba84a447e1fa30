"""The router's ASGI app: ``/graphql`` over HTTP and WebSocket, GraphiQL, ``/health``.

Subscriptions sent over HTTP are streamed over SSE or multipart when the client's ``Accept``
asks for it (:mod:`router.http_subscriptions`), after the same gates as any HTTP operation;
a query or mutation from a client that accepts only SSE or multipart gets its one result in
that format (:mod:`router.result_streams`). The gates from the pipeline's ``on_request`` to its
``on_operation`` are :mod:`router.operation_admission`'s, shared with the WebSocket.

Every HTTP operation goes through the same gates before the gateway plans it: request id,
body size (413), CSRF (Apollo's rules), edge authentication (optional), rate limit (429 with
``Retry-After``), token/depth/alias limits, introspection (refused in production). Errors the
router raises itself carry a stable ``extensions.code``; anything unexpected is masked as
``INTERNAL_SERVER_ERROR`` and logged with the request id.

Nothing here is global: the gateway holder, the rate limiter, the token verifier and the
GraphiQL assets are passed in (see :mod:`router.serve` for how the CLI builds them).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route, WebSocketRoute

from router.graphiql import ASSET_PREFIX, GraphiQL, wants_html
from router.http_subscriptions import (
    DEFAULT_HEARTBEAT_SECONDS,
    OpenStreams,
    streaming_transport,
    subscription_response,
)
from router.incremental_http import multipart_response
from router.operation_admission import GraphQLRequest, OperationAdmission
from router.pipeline import Operation, Pipeline, RequestRefused
from router.plugins.csrf import CsrfPolicy, media_type
from router.plugins.edge_auth import EdgeAuthentication
from router.plugins.headers import (
    DEFAULT_HEADER_RULES,
    FORWARDED_FOR_HEADER,
    HeaderRules,
    InvalidHeader,
    forwarded_for,
    normalized,
)
from router.plugins.hot_reload import GatewayHolder, SupergraphWatcher
from router.plugins.incremental import execute_operation
from router.plugins.limits import OperationLimits
from router.plugins.observability import OPERATION_KEY, OUTCOME_KEY
from router.plugins.ports import GatewayPort
from router.plugins.rate_limit import FixedWindowRateLimiter
from router.plugins.responses import error_response, json_response, response_media_type
from router.result_streams import result_format, result_stream
from router.subscription_upstream import ClientSubscription, init_payload_for, subscription_root
from router.subscriptions import SubscriptionServer
from shopgraph.app import PrincipalSource
from shopgraph.auth.principal import Principal
from shopgraph.errors import Unauthenticated
from shopgraph.logging import bind_context, clear_context, get_logger
from shopgraph.suggestions import errors_without_suggestions

log = get_logger(__name__)

Hook = Callable[[], Awaitable[None]]
PlanFormatter = Callable[[Any], Any]
PLAN_HEADER = "x-shopgraph-plan"
REQUEST_ID_HEADER = "x-request-id"


@dataclass(frozen=True)
class ServerConfig:
    production: bool = False
    limits: OperationLimits = field(default_factory=OperationLimits)
    csrf: CsrfPolicy = field(default_factory=CsrfPolicy)
    max_body_bytes: int = 2 * 1024 * 1024
    # Which client request headers go to which subgraph.
    header_rules: HeaderRules = DEFAULT_HEADER_RULES
    ws_init_timeout_seconds: float = 10.0
    max_subscriptions_per_connection: int = 100
    # A request body must arrive within this (slow-body clients hold a connection open).
    body_timeout_seconds: float = 30.0
    # Browser origins allowed to call the router cross-origin (CORS); empty: same-origin only.
    cors_origins: tuple[str, ...] = ()
    # How often an idle SSE or multipart subscription sends a heartbeat.
    subscription_heartbeat_seconds: float = DEFAULT_HEARTBEAT_SECONDS

    @property
    def exposes_plans(self) -> bool:
        return not self.production


def default_plan_formatter(plan: Any) -> Any:
    """The plan as JSON: dataclasses become objects with a ``kind`` (their class name)."""

    def convert(value: Any) -> Any:
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            out = {"kind": type(value).__name__}
            out.update({f.name: convert(getattr(value, f.name)) for f in dataclasses.fields(value)})
            return out
        if isinstance(value, list | tuple | frozenset | set):
            return [convert(v) for v in value]
        if isinstance(value, Mapping):
            return {str(k): convert(v) for k, v in value.items()}
        if value is None or isinstance(value, str | int | float | bool):
            return value
        return str(value)

    return convert(plan)


class GraphQLHttp:
    """``GET`` / ``POST /graphql``."""

    def __init__(
        self,
        holder: GatewayHolder,
        config: ServerConfig,
        *,
        rate_limiter: FixedWindowRateLimiter | None,
        principals: PrincipalSource | None,
        graphiql: GraphiQL | None,
        plan_formatter: PlanFormatter,
        pipeline: Pipeline,
    ) -> None:
        self.holder = holder
        self.pipeline = pipeline
        self.config = config
        self.admission = OperationAdmission(holder, pipeline, config.limits, rate_limiter)
        self.principals = EdgeAuthentication(principals)
        self.graphiql = graphiql
        self.plan_formatter = plan_formatter
        self.open_streams = OpenStreams()

    async def endpoint(self, request: Request) -> Response:
        request_id = _request_id(request.headers.get(REQUEST_ID_HEADER))
        clear_context()
        bind_context(service="router", request_id=request_id)
        try:
            response = await self._handle(request, request_id)
        except ClientDisconnect:  # the client went away mid-request: nobody to answer
            log.info("client_disconnected", path=request.url.path)
            return Response(status_code=499)
        except RequestRefused as refused:
            response = error_response(
                refused.status,
                refused.message,
                refused.code,
                headers=refused.headers,
                extensions=refused.extensions,
            )
        except Exception as exc:  # masked: the client gets a code, the log gets the cause
            log.error("router_request_failed", error=repr(exc), exc_info=exc)
            response = error_response(500, "Internal server error", "INTERNAL_SERVER_ERROR")
        response.headers[REQUEST_ID_HEADER] = request_id
        return response

    async def _handle(self, request: Request, request_id: str) -> Response:
        if request.method == "GET" and wants_html(request):
            if self.graphiql is None or self.config.production:
                raise RequestRefused(404, "GraphiQL is disabled", "NOT_FOUND")
            return self.graphiql.page()
        if self.config.csrf.is_simple(request.method, request.headers):
            raise RequestRefused(400, self.config.csrf.message(), "CSRF_BLOCKED")
        if request.method == "POST":
            raw = await self._json_body(request)
        else:
            raw = _get_params(request)
        operation = Operation(
            params=raw, headers=dict(request.headers), transport="http", request_id=request_id
        )
        request.scope[OPERATION_KEY] = operation.operation_name

        def check_kind(operation: Operation) -> None:
            if operation.kind == "mutation" and request.method == "GET":
                raise RequestRefused(
                    405,
                    "Mutations cannot be sent with GET; use POST",
                    "METHOD_NOT_ALLOWED",
                    {"allow": "POST"},
                )
            if operation.kind == "subscription":
                operation.transport = _subscription_transport(request.headers.get("accept", ""))

        gql = await self.admission.prepare(
            operation,
            authenticate=lambda: self._principal(request),
            authorization=request.headers.get("authorization"),
            host=request.client.host if request.client else None,
            check_kind=check_kind,
        )
        kind = operation.kind
        gateway = operation.gateway
        assert gateway is not None
        headers = self._forwarded(request, request_id)
        # Plugins may have rewritten the operation (e.g. authorization removed fields).
        query = operation.query or gql.query
        if kind == "subscription":
            return self._subscription(request, operation, gateway, query, gql, headers)
        result, later = await execute_operation(
            operation, gateway, query, gql.variables, gql.operation_name, headers
        )
        result = await self.pipeline.on_response(operation, result)
        request.scope[OUTCOME_KEY] = "graphql_error" if result.get("errors") else "ok"
        if self.config.production:
            result = _without_suggestions(result)
        if self.config.exposes_plans and request.headers.get(PLAN_HEADER, "").lower() == "true":
            result = dict(result)
            extensions = dict(result.get("extensions") or {})
            try:
                extensions["queryPlan"] = self.plan_formatter(
                    gateway.plan(query, gql.operation_name)
                )
            except Exception as exc:  # the plan is a debugging aid: never fail the request
                extensions["queryPlan"] = None
                extensions["queryPlanError"] = str(exc)
            result["extensions"] = extensions
        if later is not None:  # @defer / @stream, delivered part by part
            each = _without_suggestions if self.config.production else _unchanged
            return multipart_response(result, later, each=each)
        accept = request.headers.get("accept", "")
        streamed = result_format(accept)
        if streamed != "json":  # a client that takes only SSE or multipart
            return result_stream(result, streamed)
        status = 200 if "data" in result else 400
        if status == 400 and "application/graphql-response+json" not in accept:
            status = 200  # application/json clients get 200 for GraphQL errors (legacy)
        return json_response(
            result,
            status,
            headers=operation.response_headers,
            media_type=response_media_type(accept),
        )

    def _subscription(
        self,
        request: Request,
        operation: Operation,
        gateway: GatewayPort,
        query: str,
        gql: GraphQLRequest,
        headers: dict[str, str],
    ) -> Response:
        """A subscription streamed over SSE or multipart HTTP (``router.http_subscriptions``)."""
        try:
            root = subscription_root(gateway, query, gql.operation_name)
        except Exception as exc:
            errors = getattr(exc, "errors", None)  # the gateway's own GraphQL errors
            if isinstance(errors, list) and errors:
                return json_response({"errors": errors}, 400)
            raise
        client = ClientSubscription(
            query,
            gql.variables,
            gql.operation_name,
            init_payload_for(request.headers.get("authorization")),
            headers,
            operation.request_id,
        )

        async def finish(result: dict[str, Any]) -> dict[str, Any]:
            result = await self.pipeline.on_response(operation, result)
            return _without_suggestions(result) if self.config.production else result

        return subscription_response(
            operation.transport,
            gateway,
            root,
            client,
            finish=finish,
            heartbeat_seconds=self.config.subscription_heartbeat_seconds,
            open_streams=self.open_streams,
        )

    async def _json_body(self, request: Request) -> dict[str, Any]:
        kind = media_type(request.headers.get("content-type"))
        if kind not in ("application/json", "application/graphql-response+json"):
            raise RequestRefused(
                415,
                "POST bodies must be JSON ('Content-Type: application/json')",
                "UNSUPPORTED_MEDIA_TYPE",
            )
        limit = self.config.max_body_bytes
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            raise RequestRefused(413, f"Request body exceeds {limit} bytes", "PAYLOAD_TOO_LARGE")
        try:
            async with asyncio.timeout(self.config.body_timeout_seconds):
                raw = await _read_body(request, limit)
        except TimeoutError:
            raise RequestRefused(
                408,
                f"Request body not received within {self.config.body_timeout_seconds:g}s",
                "REQUEST_TIMEOUT",
                {"connection": "close"},
            ) from None
        try:
            body = orjson.loads(raw)
        except orjson.JSONDecodeError:  # orjson also refuses nesting beyond 1024 levels
            raise RequestRefused(400, "Request body is not valid JSON", "BAD_REQUEST") from None
        if isinstance(body, list):
            raise RequestRefused(400, "Batched operations are not supported", "BAD_REQUEST")
        if not isinstance(body, dict):
            raise RequestRefused(400, "Request body must be a JSON object", "BAD_REQUEST")
        return body

    async def _principal(self, request: Request) -> Principal:
        """The verified caller (401 for a bad token)."""
        try:
            return await self.principals.principal_from_header(request.headers.get("authorization"))
        except Unauthenticated as exc:
            raise RequestRefused(401, exc.message, exc.code) from None

    def _forwarded(self, request: Request, request_id: str) -> dict[str, str]:
        try:
            # the request id is the router's own (see _request_id), not the client's raw value
            given = {k: v for k, v in request.headers.items() if k != REQUEST_ID_HEADER}
            headers = self.config.header_rules.select(given)
        except InvalidHeader as exc:
            raise RequestRefused(400, str(exc), "BAD_REQUEST") from None
        headers[REQUEST_ID_HEADER] = request_id
        if request.client is not None:
            headers[FORWARDED_FOR_HEADER] = forwarded_for(
                request.headers.get(FORWARDED_FOR_HEADER), request.client.host
            )
        return headers


def _subscription_transport(accept: str) -> str:
    """How an HTTP subscription is streamed: the client's ``Accept`` must ask for SSE or
    multipart (else ``SUBSCRIPTION_OVER_HTTP_UNSUPPORTED``)."""
    transport = streaming_transport(accept)
    if transport is None:
        raise RequestRefused(
            400,
            "Subscriptions are served over WebSocket (graphql-transport-ws) at this URL, or "
            "over HTTP with 'Accept: text/event-stream' (SSE) or "
            "'Accept: multipart/mixed;subscriptionSpec=\"1.0\"'",
            "SUBSCRIPTION_OVER_HTTP_UNSUPPORTED",
        )
    return transport


def _get_params(request: Request) -> dict[str, Any]:
    """A GET request's GraphQL parameters; ``extensions`` arrives as JSON text."""
    params: dict[str, Any] = dict(request.query_params)
    extensions = params.get("extensions")
    if isinstance(extensions, str) and extensions:
        try:
            params["extensions"] = orjson.loads(extensions)
        except orjson.JSONDecodeError:
            raise RequestRefused(400, "Extensions are invalid JSON", "BAD_REQUEST") from None
    return params


def _request_id(given: str | None) -> str:
    """The client's request id when it is printable ASCII (it is echoed and forwarded),
    else a new one."""
    value = normalized(given)
    if value is not None and value.isascii() and value.isprintable() and len(value) <= 200:
        return value
    return uuid.uuid4().hex


async def _read_body(request: Request, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise RequestRefused(413, f"Request body exceeds {limit} bytes", "PAYLOAD_TOO_LARGE")
        chunks.append(chunk)
    return b"".join(chunks)


def _unchanged(result: dict[str, Any]) -> dict[str, Any]:
    return result


def _without_suggestions(result: dict[str, Any]) -> dict[str, Any]:
    errors = result.get("errors")
    if not errors:
        return result
    return {**result, "errors": errors_without_suggestions(errors)}


def _cors(config: ServerConfig) -> list[Middleware]:
    if not config.cors_origins:
        return []
    return [
        Middleware(
            CORSMiddleware,
            allow_origins=list(config.cors_origins),
            allow_methods=["GET", "POST", "OPTIONS"],
            allow_headers=[
                "authorization",
                "content-type",
                REQUEST_ID_HEADER,
                PLAN_HEADER,
                *config.csrf.required_headers,
            ],
            expose_headers=[REQUEST_ID_HEADER, "retry-after"],
            max_age=600,
        )
    ]


def create_router_app(
    holder: GatewayHolder,
    config: ServerConfig | None = None,
    *,
    rate_limiter: FixedWindowRateLimiter | None = None,
    principals: PrincipalSource | None = None,
    graphiql: GraphiQL | None = None,
    watcher: SupergraphWatcher | None = None,
    plan_formatter: PlanFormatter = default_plan_formatter,
    on_startup: Sequence[Hook] = (),
    on_shutdown: Sequence[Hook] = (),
    pipeline: Pipeline | None = None,
) -> Starlette:
    """The router as an ASGI app. ``watcher`` (if any) reloads the supergraph while the app
    runs; the current gateway is closed on shutdown."""
    config = config or ServerConfig()
    http = GraphQLHttp(
        holder,
        config,
        rate_limiter=rate_limiter,
        principals=principals,
        graphiql=graphiql,
        plan_formatter=plan_formatter,
        pipeline=pipeline or Pipeline(),
    )
    subscriptions = SubscriptionServer(
        http.admission,
        init_timeout_seconds=config.ws_init_timeout_seconds,
        principals=http.principals,
        max_subscriptions_per_connection=config.max_subscriptions_per_connection,
        production=config.production,
    )

    async def health(_request: Request) -> Response:
        body: dict[str, Any] = {"status": "ok", "service": "router", "supergraph": holder.version}
        if watcher is not None and watcher.last_error:
            body["reloadError"] = watcher.last_error
        return json_response(body)

    async def not_found_asset(request: Request) -> Response:
        return error_response(404, "GraphiQL is disabled", "NOT_FOUND")

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        for hook in on_startup:
            await hook()
        watching = asyncio.create_task(watcher.run()) if watcher is not None else None
        log.info("router_started", supergraph=holder.version)
        try:
            yield
        finally:
            if watching is not None:
                watching.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await watching
                assert watcher is not None
                await watcher.aclose()
            await subscriptions.aclose()
            await http.pipeline.aclose()
            await holder.current.close()
            for hook in on_shutdown:
                await hook()

    asset_endpoint = (
        graphiql.asset if graphiql is not None and not config.production else not_found_asset
    )
    app = Starlette(
        routes=[
            Route("/graphql", http.endpoint, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", subscriptions.endpoint),
            Route("/health", health),
            Route("/healthz", health),
            Route(ASSET_PREFIX + "{name}", asset_endpoint),
        ],
        middleware=_cors(config),
        lifespan=lifespan,
    )
    app.state.holder = holder
    app.state.subscriptions = subscriptions
    app.state.http_subscriptions = http.open_streams
    return app
