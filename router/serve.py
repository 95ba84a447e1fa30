"""The router as it is served: settings and a supergraph in, the ASGI app out.

:func:`build_router` turns settings and a gateway into the ASGI app with every plugin wired
in; :func:`dev_router` is what ``shopgraph dev`` serves on :4000, composing the supergraph from
the running subgraphs at start-up. The ``shopgraph router`` commands are in
:mod:`router.serve_cli`.
"""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import httpx
from starlette.applications import Starlette

from router.assets import default_assets_dir
from router.config import RouterConfig
from router.entity_cache_transport import EntityCachingTransport
from router.executor_transport import HttpTransport, Transport
from router.graphiql import GraphiQL
from router.pipeline import Pipeline, RouterPlugin
from router.plugins.authorization import AuthorizationPlugin
from router.plugins.cache_control import CacheControlPlugin
from router.plugins.demand_control import demand_control_plugin
from router.plugins.entity_cache import EntityCachePlugin, EntityCacheSection
from router.plugins.headers import DEFAULT_HEADER_RULES, HeaderRoutingTransport, HeaderRules
from router.plugins.hot_reload import GatewayHolder, SupergraphWatcher
from router.plugins.incremental import IncrementalDelivery
from router.plugins.limits import OperationLimits
from router.plugins.observability import observe_router_app
from router.plugins.persisted_queries import PersistedQueries
from router.plugins.ports import GatewayPort
from router.plugins.rate_limit import FixedWindowRateLimiter
from router.server import ServerConfig, create_router_app, default_plan_formatter
from shopgraph.auth.verify import TokenVerifier
from shopgraph.events.bus import bus_from_url
from shopgraph.kv import kv_from_url
from shopgraph.logging import get_logger
from shopgraph.settings import Settings

log = get_logger(__name__)

DEFAULT_ROUTER_PORT = 4000
NOT_READY = "ROUTER_NOT_READY"


@dataclass(frozen=True)
class RouterOptions:
    """What the CLI (or ``make dev``) chooses on top of the settings."""

    rate_limit: int = 1200  # requests per client per window; 0 disables
    rate_window_seconds: float = 60.0
    verify_tokens: bool = True
    timeout_seconds: float = 30.0
    max_body_bytes: int = 2 * 1024 * 1024
    reload_interval_seconds: float = 1.0
    graphiql_dir: Path | None = None
    cors_origins: tuple[str, ...] = ()
    header_rules: HeaderRules = DEFAULT_HEADER_RULES
    max_subscriptions_per_connection: int = 100
    body_timeout_seconds: float = 30.0
    # The whole config file: plugin sections are read from it by pipeline_for.
    config: RouterConfig = field(default_factory=RouterConfig)

    @classmethod
    def from_config(
        cls, config: RouterConfig, *, header_rules: HeaderRules = DEFAULT_HEADER_RULES
    ) -> RouterOptions:
        return cls(
            rate_limit=config.rate_limit.limit,
            rate_window_seconds=config.rate_limit.window_seconds,
            verify_tokens=config.server.verify_tokens,
            timeout_seconds=config.subgraphs.timeout_seconds,
            max_body_bytes=config.server.max_body_bytes,
            cors_origins=config.server.cors_origins,
            header_rules=header_rules,
            max_subscriptions_per_connection=config.subscriptions.max_per_connection,
            body_timeout_seconds=config.server.body_timeout_seconds,
            config=config,
        )


def load_gateway(
    sdl: str,
    *,
    subgraph_urls: Mapping[str, str] | None = None,
    timeout_seconds: float = 30.0,
    header_rules: HeaderRules = DEFAULT_HEADER_RULES,
    active_labels: frozenset[str] = frozenset(),
    subgraph_transport: Transport | None = None,
) -> GatewayPort:
    """The planner/executor facade (``router.gateway.Gateway``) for a supergraph SDL, sending
    each subgraph the headers ``header_rules`` give it, with the named progressive-override
    ``active_labels`` in force. ``subgraph_transport`` replaces the HTTP transport built from
    ``timeout_seconds`` (the composition root's choice, e.g. make dev's in-process calls).
    A supergraph that cannot be served raises :class:`~router.supergraph.SupergraphError`
    saying why."""
    module = importlib.import_module("router.gateway")
    subgraphs = subgraph_transport or HttpTransport(timeout_seconds=timeout_seconds)
    transport = EntityCachingTransport(HeaderRoutingTransport(subgraphs, header_rules))
    gateway = module.Gateway.from_supergraph(
        sdl,
        subgraph_urls=dict(subgraph_urls or {}) or None,
        transport=transport,
        active_labels=active_labels,
    )
    return cast(GatewayPort, gateway)


class NotReadyGateway:
    """Stands in until the first supergraph is composed (``make dev`` start-up)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def _error(self) -> dict[str, Any]:
        return {"errors": [{"message": self.reason, "extensions": {"code": NOT_READY}}]}

    async def execute(self, *_args: Any, **_kwargs: Any) -> dict[str, Any]:
        return self._error()

    def plan(self, query: str, operation_name: str | None) -> Any:
        raise RuntimeError(self.reason)

    def subscription_root(self, query: str, operation_name: str | None) -> tuple[str, str, str]:
        raise RuntimeError(self.reason)

    async def resolve_event(self, *_args: Any, **_kwargs: Any) -> dict[str, Any]:
        return self._error()

    async def close(self) -> None:
        return None


def server_config(settings: Settings, options: RouterOptions) -> ServerConfig:
    return ServerConfig(
        production=settings.is_production,
        limits=OperationLimits(
            max_depth=settings.max_query_depth,
            max_aliases=settings.max_aliases,
            max_tokens=settings.max_tokens,
            introspection=not settings.is_production,
        ),
        max_body_bytes=options.max_body_bytes,
        cors_origins=options.cors_origins,
        header_rules=options.header_rules,
        max_subscriptions_per_connection=options.max_subscriptions_per_connection,
        body_timeout_seconds=options.body_timeout_seconds,
    )


def pipeline_for(settings: Settings, options: RouterOptions) -> Pipeline:
    """The request pipeline's plugins, in the order they run, from the config's sections."""
    plugins: list[RouterPlugin] = []
    # first: it fills in the text of an operation sent by hash
    store = kv_from_url(settings.kv_url)
    plugins.append(PersistedQueries.from_section(options.config.persisted_queries, store))
    plugins.append(AuthorizationPlugin.from_config(options.config.authorization))
    demand = options.config.demand_control
    budgets = kv_from_url(settings.kv_url) if demand.budget_per_window else None
    plugins.append(demand_control_plugin(demand, budgets))
    cache = options.config.entity_cache
    if cache.enabled:
        bus = bus_from_url(settings.bus_url) if cache.invalidate_on_events else None
        plugins.append(EntityCachePlugin(cache, kv_from_url(settings.kv_url), bus))
    plugins.append(IncrementalDelivery(options.config.incremental))
    if options.config.cache_control.enabled:
        # last: its on_response sees every error the others added
        plugins.append(CacheControlPlugin(options.config.cache_control))
    return Pipeline(plugins)


def build_router(
    settings: Settings,
    holder: GatewayHolder,
    options: RouterOptions = RouterOptions(),
    *,
    watcher: SupergraphWatcher | None = None,
    on_startup: Sequence[Callable[[], Awaitable[None]]] = (),
) -> Starlette:
    """The router's ASGI app with limits, rate limits, edge auth and GraphiQL wired in."""
    limiter = None
    on_shutdown: list[Callable[[], Awaitable[None]]] = []
    if options.rate_limit > 0:
        store = kv_from_url(settings.kv_url)
        limiter = FixedWindowRateLimiter(
            store, limit=options.rate_limit, window_seconds=options.rate_window_seconds
        )
        on_shutdown.append(store.close)
    principals = TokenVerifier.from_settings(settings) if options.verify_tokens else None
    graphiql = None
    if not settings.is_production:
        graphiql = GraphiQL(options.graphiql_dir or default_assets_dir())
    app = create_router_app(
        holder,
        server_config(settings, options),
        rate_limiter=limiter,
        principals=principals,
        graphiql=graphiql,
        watcher=watcher,
        plan_formatter=plan_formatter(),
        on_startup=on_startup,
        on_shutdown=on_shutdown,
        pipeline=pipeline_for(settings, options),
    )
    return observe_router_app(app)


def plan_formatter() -> Callable[[Any], Any]:
    """``router.plan_format``'s printer when it is there (text), else the plan as JSON."""
    try:
        module = importlib.import_module("router.plan_format")
    except ModuleNotFoundError:
        return default_plan_formatter
    printer = getattr(module, "format_plan", None)
    return cast(Callable[[Any], Any], printer) if callable(printer) else default_plan_formatter


async def compose_from_running(
    endpoints: Sequence[tuple[str, str]],
    *,
    wait_seconds: float = 30.0,
    write_to: Path | None = None,
) -> str:
    """Fetch each running subgraph's SDL (``_service { sdl }``), retrying while they start,
    and compose them (``router.compose``); write the supergraph to ``write_to`` if given."""
    from router.compose import compose, compose_to_file
    from router.composition.sources import SourceError, fetch_all

    deadline = asyncio.get_running_loop().time() + wait_seconds
    async with httpx.AsyncClient(timeout=10) as client:
        while True:
            try:
                sources = await fetch_all(endpoints, client)
                break
            except SourceError:
                if asyncio.get_running_loop().time() > deadline:
                    raise
                await asyncio.sleep(0.25)
    if write_to is not None:
        return compose_to_file(sources, write_to)
    return compose(sources)


@dataclass(frozen=True)
class DevRouter:
    app: Starlette
    holder: GatewayHolder
    startup: Callable[[], Awaitable[None]]
    port: int


DEV_OPTIONS = RouterOptions(
    cors_origins=("http://localhost:3000", "http://127.0.0.1:3000"),
    config=RouterConfig(entity_cache=EntityCacheSection(enabled=True)),
)


def dev_router(
    settings: Settings,
    services: Sequence[str],
    options: RouterOptions = DEV_OPTIONS,
    *,
    write_to: Path | None = None,
    subgraph_transport: Transport | None = None,
) -> DevRouter:
    """The router of ``make dev``: its start-up composes the supergraph from the subgraphs
    running on ``settings`` (waiting for them) and swaps the gateway in; until then, and if
    composition fails, operations get ``ROUTER_NOT_READY`` with the reason. The gateway
    reaches the subgraphs through ``subgraph_transport`` if given (see :func:`load_gateway`)."""
    holder = GatewayHolder(NotReadyGateway("The router is starting: composing the supergraph"))
    endpoints = [(service, settings.url_for(service)) for service in services]

    async def startup() -> None:
        try:
            sdl = await compose_from_running(endpoints, write_to=write_to)
            gateway = load_gateway(
                sdl,
                timeout_seconds=options.timeout_seconds,
                header_rules=options.header_rules,
                active_labels=frozenset(options.config.progressive_override.active_labels),
                subgraph_transport=subgraph_transport,
            )
        except Exception as exc:  # keep serving and say why, rather than stop make dev
            log.error("router_compose_failed", error=str(exc))
            holder.swap(NotReadyGateway(f"The supergraph could not be composed: {exc}"), "failed")
            return
        holder.swap(gateway, "composed")
        log.info("router_ready", subgraphs=[name for name, _ in endpoints])

    app = build_router(settings, holder, options, on_startup=[startup])
    return DevRouter(app, holder, startup, settings.ports.get("router", DEFAULT_ROUTER_PORT))
