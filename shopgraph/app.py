"""The subgraph application factory: Starlette + a Strawberry federation schema.

Every subgraph is built the same way, so they share limits, error codes, health checks,
metrics, request ids and per-request DataLoaders.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

import orjson
import strawberry
from cross_web import HTTPException
from graphql import GraphQLError
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route, WebSocketRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.dataloader import DataLoader
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult
from strawberry.types.unset import UnsetType

from shopgraph.auth.principal import ANONYMOUS, Principal
from shopgraph.body_deadline import DEFAULT_BODY_TIMEOUT_SECONDS, BodyDeadline
from shopgraph.errors import Unauthenticated
from shopgraph.graphql import classify_errors
from shopgraph.json_depth import nested_deeper_than
from shopgraph.lean_graphql import LeanGraphQL
from shopgraph.logging import bind_context, clear_context, get_logger
from shopgraph.metrics import exposition
from shopgraph.request_deadline import RequestDeadlineMiddleware
from shopgraph.settings import Settings
from shopgraph.suggestions import without_suggestions
from shopgraph.tracing import asgi_tracing_middleware

log = get_logger(__name__)

K = TypeVar("K")
V = TypeVar("V")

Hook = Callable[[], Awaitable[None]]
# Deeper than any operation's variables (the router refuses beyond 64) plus the envelope.
MAX_BODY_DEPTH = 100


class PrincipalSource(Protocol):
    async def principal_from_header(self, value: str | None) -> Principal: ...


@dataclass
class RequestContext:
    """What resolvers see as ``info.context``: one per request."""

    request: Request | WebSocket
    principal: Principal
    request_id: str
    settings: Settings
    extra: dict[str, Any] = field(default_factory=dict)
    # graphql-transport-ws ``connection_init`` payload (Strawberry sets it on WebSockets).
    connection_params: dict[str, Any] | None = None
    _loaders: dict[str, DataLoader[Any, Any]] = field(default_factory=dict)

    def loader(
        self, name: str, load: Callable[[list[K]], Awaitable[Sequence[V]]]
    ) -> DataLoader[K, V]:
        """The request's DataLoader called ``name``, created on first use."""
        existing = self._loaders.get(name)
        if existing is None:
            existing = DataLoader(load_fn=load)
            self._loaders[name] = existing
        return existing

    @property
    def authorization(self) -> str | None:
        return self.request.headers.get("authorization")


ContextBuilder = Callable[[RequestContext], Awaitable[RequestContext] | RequestContext]


class SubgraphGraphQL(GraphQL[RequestContext, None]):
    def __init__(
        self,
        schema: strawberry.federation.Schema,
        *,
        settings: Settings,
        principals: PrincipalSource,
        build_context: ContextBuilder | None,
    ) -> None:
        super().__init__(
            schema,
            graphql_ide=None if settings.is_production else "graphiql",
            allow_queries_via_get=True,
        )
        self.settings = settings
        self.principals = principals
        self.build_context = build_context

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> RequestContext:
        return await self.request_context(request)

    async def request_context(self, request: Request | WebSocket) -> RequestContext:
        """The request's :class:`RequestContext` (the view's and the lean path's)."""
        ctx = RequestContext(
            request=request,
            principal=request.scope.get("shopgraph.principal", ANONYMOUS),
            request_id=request.scope.get("shopgraph.request_id", ""),
            settings=self.settings,
        )
        if self.build_context is not None:
            built = self.build_context(ctx)
            ctx = built if isinstance(built, RequestContext) else await built
        return ctx

    async def on_ws_connect(self, context: RequestContext) -> UnsetType | dict[str, object] | None:
        """WebSocket clients authenticate in ``connection_init``: ``{"Authorization":
        "Bearer …"}``; a bad token closes the socket with 4403 before any subscription."""
        params = context.connection_params or {}
        header = params.get("Authorization") or params.get("authorization")
        try:
            context.principal = await self.principals.principal_from_header(
                header if isinstance(header, str) else None
            )
        except Unauthenticated as exc:
            raise ConnectionRejectionError({"message": exc.message, "code": exc.code}) from exc
        return UnsetType()

    def decode_json(self, data: str | bytes) -> object:
        """orjson refuses nesting beyond 1024 levels (a 400, as any JSON error); deep input
        below that is refused too, before GraphQL's coercion recurses into it."""
        decoded = orjson.loads(data)
        if nested_deeper_than(decoded, MAX_BODY_DEPTH):
            raise HTTPException(400, f"Request JSON is nested deeper than {MAX_BODY_DEPTH} levels")
        return decoded

    def encode_json(self, data: object) -> str:
        """orjson, several times faster than the standard library on result-sized payloads;
        a ``str`` because the WebSocket transport sends bytes as binary frames, which
        graphql-transport-ws clients refuse."""
        return orjson.dumps(data).decode()

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        if result.errors:
            result.errors = classify_errors(result.errors)
            if self.settings.is_production:
                result.errors = [hide_suggestions(error) for error in result.errors]
        return await super().process_result(request, result)


def hide_suggestions(error: GraphQLError) -> GraphQLError:
    """The error without "Did you mean …?" (production: they reveal the schema)."""
    message = without_suggestions(error.message)
    if message == error.message:
        return error
    return GraphQLError(
        message,
        error.nodes,
        error.source,
        error.positions,
        error.path,
        extensions=error.extensions,
    )


class Authentication:
    """Verifies the bearer token before GraphQL runs.

    An invalid token fails the whole request with 401 and ``UNAUTHENTICATED`` (as Apollo
    Router's JWT plugin does) rather than silently serving it as anonymous: a storefront
    with an expired token should learn it and refresh.
    """

    def __init__(self, app: ASGIApp, principals: PrincipalSource) -> None:
        self.app = app
        self.principals = principals

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            header = Request(scope).headers.get("authorization")
            try:
                scope["shopgraph.principal"] = await self.principals.principal_from_header(header)
            except Unauthenticated as exc:
                body = {"errors": [{"message": exc.message, "extensions": {"code": exc.code}}]}
                await JSONResponse(body, status_code=401)(scope, receive, send)
                return
        await self.app(scope, receive, send)


class RequestIdMiddleware:
    """Takes or makes ``X-Request-ID``, binds it and the trace id to the logs."""

    def __init__(self, app: ASGIApp, service: str) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        sent_id = traceparent = b""
        for name, value in scope["headers"]:  # two headers of many: no dict of them all
            if name == b"x-request-id":
                sent_id = value
            elif name == b"traceparent":
                traceparent = value
        request_id = sent_id.decode("latin-1") or uuid.uuid4().hex
        parts = traceparent.decode("latin-1").split("-")
        trace_id = parts[1] if len(parts) >= 4 else request_id
        scope["shopgraph.request_id"] = request_id
        clear_context()
        bind_context(service=self.service, request_id=request_id, trace_id=trace_id)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [
                    *message["headers"],
                    (b"x-request-id", request_id.encode("latin-1")),
                ]
            await send(message)

        await self.app(scope, receive, send_with_id)


class Metrics:
    def __init__(self, service: str) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "shopgraph_http_requests_total",
            "HTTP requests served",
            ["service", "path", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "shopgraph_http_request_seconds",
            "HTTP request latency",
            ["service", "path"],
            registry=self.registry,
        )
        self.service = service
        # Labelled children by label values: ``labels()`` takes a lock and builds a key.
        self._latency_by_path: dict[str, Histogram] = {}
        self._requests_by_path_status: dict[tuple[str, int], Counter] = {}

    def observe(self, path: str, status: int, seconds: float) -> None:
        """One request served on ``path`` (a route, or ``other``) with ``status``."""
        latency = self._latency_by_path.get(path)
        if latency is None:
            latency = self._latency_by_path[path] = self.latency.labels(self.service, path)
        latency.observe(seconds)
        requests = self._requests_by_path_status.get((path, status))
        if requests is None:
            requests = self.requests.labels(self.service, path, str(status))
            self._requests_by_path_status[(path, status)] = requests
        requests.inc()

    async def endpoint(self, _request: Request) -> Response:
        # This subgraph's HTTP series, then the process-wide ones (its outbox relay).
        return Response(exposition(self.registry, REGISTRY), media_type=CONTENT_TYPE_LATEST)


class MetricsMiddleware:
    """Counts requests per route. Paths that match no route share the label ``other``, so
    requests for random URLs cannot grow the number of metric series without bound."""

    def __init__(self, app: ASGIApp, metrics: Metrics, paths: frozenset[str]) -> None:
        self.app = app
        self.metrics = metrics
        self.paths = paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"] if scope["path"] in self.paths else "other"
        status = 500

        async def capture(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        started = time.perf_counter()
        try:
            await self.app(scope, receive, capture)
        finally:
            self.metrics.observe(path, status, time.perf_counter() - started)


def create_subgraph_app(
    *,
    service: str,
    settings: Settings,
    schema: strawberry.federation.Schema,
    principals: PrincipalSource,
    build_context: ContextBuilder | None = None,
    on_startup: Sequence[Hook] = (),
    on_shutdown: Sequence[Hook] = (),
    readiness: Sequence[Hook] = (),
    routes: Sequence[BaseRoute] = (),
    body_timeout_seconds: float = DEFAULT_BODY_TIMEOUT_SECONDS,
    lean_path: bool = True,
) -> Starlette:
    """A subgraph as an ASGI app: ``/graphql`` (HTTP, WebSocket, GraphiQL outside
    production), ``/healthz`` (process up), ``/readyz`` (dependencies answer), ``/metrics``.

    ``lean_path``: POSTs of one JSON operation skip Strawberry's HTTP view
    (:mod:`shopgraph.lean_graphql`; same answers, less CPU); off only to compare the two."""
    graphql_app = SubgraphGraphQL(
        schema, settings=settings, principals=principals, build_context=build_context
    )
    served: ASGIApp = LeanGraphQL(graphql_app, graphql_app) if lean_path else graphql_app
    authenticated = Authentication(served, principals)
    metrics = Metrics(service)

    async def healthz(_request: Request) -> Response:
        return JSONResponse({"status": "ok", "service": service})

    async def readyz(_request: Request) -> Response:
        failures: dict[str, str] = {}
        for check in readiness:
            try:
                await check()
            except Exception as exc:  # a readiness probe reports, it does not raise
                failures[getattr(check, "__name__", "check")] = repr(exc)
        if failures:
            return JSONResponse({"status": "unavailable", "failures": failures}, 503)
        return JSONResponse({"status": "ready", "service": service})

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        for hook in on_startup:
            await hook()
        log.info("service_started", service=service)
        try:
            yield
        finally:
            for hook in on_shutdown:
                await hook()
            log.info("service_stopped", service=service)

    all_routes: list[BaseRoute] = [
        Route("/graphql", authenticated, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", graphql_app),
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Route("/metrics", metrics.endpoint),
        *routes,
    ]
    known_paths = frozenset(str(getattr(route, "path", "")) for route in all_routes)
    app = Starlette(
        routes=all_routes,
        middleware=[
            *asgi_tracing_middleware(),
            Middleware(RequestIdMiddleware, service=service),
            Middleware(MetricsMiddleware, metrics=metrics, paths=known_paths),
            Middleware(
                RequestDeadlineMiddleware, default_seconds=settings.request_deadline_seconds
            ),
            Middleware(BodyDeadline, timeout_seconds=body_timeout_seconds),
        ],
        lifespan=lifespan,
    )
    app.state.service = service
    app.state.settings = settings
    return app
