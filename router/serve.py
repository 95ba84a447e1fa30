"""``shopgraph router serve`` / ``shopgraph router plan`` and the router of ``make dev``.

``router_app`` is a Typer app the main CLI mounts (``app.add_typer(router_app, name="router")``).
:func:`build_router` turns settings and a supergraph into the ASGI app with every plugin wired
in; :func:`dev_router` is what ``shopgraph dev`` serves on :4000, composing the supergraph from
the running subgraphs at start-up.
"""

from __future__ import annotations

import asyncio
import importlib
import json
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, cast

import httpx
import typer
from starlette.applications import Starlette

from router.assets import default_assets_dir
from router.graphiql import GraphiQL
from router.plugins.hot_reload import GatewayHolder, SupergraphWatcher
from router.plugins.limits import OperationLimits
from router.plugins.ports import GatewayPort
from router.plugins.rate_limit import FixedWindowRateLimiter
from router.server import ServerConfig, create_router_app, default_plan_formatter
from shopgraph.auth.verify import TokenVerifier
from shopgraph.kv import kv_from_url
from shopgraph.logging import configure_logging, get_logger
from shopgraph.settings import Settings, SettingsError, load_settings

log = get_logger(__name__)

DEFAULT_ROUTER_PORT = 4000
NOT_READY = "ROUTER_NOT_READY"

router_app = typer.Typer(help="The federation router: serve it, or print a plan.")


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


def load_gateway(
    sdl: str, *, subgraph_urls: Mapping[str, str] | None = None, timeout_seconds: float = 30.0
) -> GatewayPort:
    """The planner/executor facade (``router.gateway.Gateway``) for a supergraph SDL."""
    module = importlib.import_module("router.gateway")
    gateway = module.Gateway.from_supergraph(
        sdl, subgraph_urls=dict(subgraph_urls or {}) or None, timeout_seconds=timeout_seconds
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
    )


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
    return create_router_app(
        holder,
        server_config(settings, options),
        rate_limiter=limiter,
        principals=principals,
        graphiql=graphiql,
        watcher=watcher,
        plan_formatter=plan_formatter(),
        on_startup=on_startup,
        on_shutdown=on_shutdown,
    )


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


DEV_OPTIONS = RouterOptions(cors_origins=("http://localhost:3000", "http://127.0.0.1:3000"))


def dev_router(
    settings: Settings,
    services: Sequence[str],
    options: RouterOptions = DEV_OPTIONS,
    *,
    write_to: Path | None = None,
) -> DevRouter:
    """The router of ``make dev``: its start-up composes the supergraph from the subgraphs
    running on ``settings`` (waiting for them) and swaps the gateway in; until then, and if
    composition fails, operations get ``ROUTER_NOT_READY`` with the reason."""
    holder = GatewayHolder(NotReadyGateway("The router is starting: composing the supergraph"))
    endpoints = [(service, settings.url_for(service)) for service in services]

    async def startup() -> None:
        try:
            sdl = await compose_from_running(endpoints, write_to=write_to)
            gateway = load_gateway(sdl, timeout_seconds=options.timeout_seconds)
        except Exception as exc:  # keep serving and say why, rather than stop make dev
            log.error("router_compose_failed", error=str(exc))
            holder.swap(NotReadyGateway(f"The supergraph could not be composed: {exc}"), "failed")
            return
        holder.swap(gateway, "composed")
        log.info("router_ready", subgraphs=[name for name, _ in endpoints])

    app = build_router(settings, holder, options, on_startup=[startup])
    return DevRouter(app, holder, startup, settings.ports.get("router", DEFAULT_ROUTER_PORT))


# -- CLI ------------------------------------------------------------------------------------


def _settings() -> Settings:
    try:
        settings = load_settings()
    except SettingsError as exc:
        typer.echo(f"shopgraph: {exc}", err=True)
        raise typer.Exit(2) from None
    configure_logging(settings.log_level, json=settings.log_json)
    return settings


def _parse_subgraphs(specs: Sequence[str]) -> list[tuple[str, str]]:
    endpoints = []
    for spec in specs:
        name, sep, url = spec.partition("=")
        if not sep or not name or not url.startswith(("http://", "https://")):
            raise typer.BadParameter(f"expected name=http://host:port/graphql, got {spec!r}")
        endpoints.append((name, url))
    return endpoints


@router_app.command("serve")
def serve_command(
    supergraph: Annotated[
        Path | None, typer.Option(help="supergraph SDL file (reloaded when it changes)")
    ] = None,
    subgraph: Annotated[
        list[str] | None,
        typer.Option(help="name=url of a running subgraph; composes from them (repeatable)"),
    ] = None,
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = DEFAULT_ROUTER_PORT,
    rate_limit: Annotated[int, typer.Option(help="requests per client per window; 0: off")] = 1200,
    rate_window: Annotated[float, typer.Option(help="rate-limit window, seconds")] = 60.0,
    verify_tokens: Annotated[bool, typer.Option(help="verify bearer tokens at the edge")] = True,
    timeout: Annotated[float, typer.Option(help="per-subgraph request timeout, seconds")] = 30.0,
    cors_origin: Annotated[
        list[str] | None, typer.Option(help="browser origin allowed cross-origin (repeatable)")
    ] = None,
) -> None:
    """Serve the router: POST/GET /graphql, WebSocket subscriptions, GraphiQL, /health."""
    if (supergraph is None) == (not subgraph):
        typer.echo(
            "shopgraph: give exactly one of --supergraph FILE or --subgraph name=url", err=True
        )
        raise typer.Exit(2)
    settings = _settings()
    options = RouterOptions(
        rate_limit=rate_limit,
        rate_window_seconds=rate_window,
        verify_tokens=verify_tokens,
        timeout_seconds=timeout,
        cors_origins=tuple(cors_origin or ()),
    )
    from shopgraph.runner import Served, run_together

    async def main() -> None:
        watcher = None
        if supergraph is not None:
            try:
                gateway = load_gateway(supergraph.read_text(), timeout_seconds=timeout)
            except OSError as exc:
                typer.echo(f"shopgraph: cannot read {supergraph}: {exc.strerror}", err=True)
                raise typer.Exit(2) from None
            holder = GatewayHolder(gateway, version=str(supergraph))

            def rebuild(sdl: str) -> GatewayPort:
                return load_gateway(sdl, timeout_seconds=timeout)

            watcher = SupergraphWatcher(
                supergraph, holder, rebuild, interval_seconds=options.reload_interval_seconds
            )
        else:
            sdl = await compose_from_running(_parse_subgraphs(subgraph or []))
            holder = GatewayHolder(load_gateway(sdl, timeout_seconds=timeout), version="composed")
        app = build_router(settings, holder, options, watcher=watcher)
        await run_together([Served("router", app, host, port)])

    asyncio.run(main())


@router_app.command("plan")
def plan_command(
    query: Annotated[str, typer.Argument(help="the operation (or @file to read it)")],
    supergraph: Annotated[Path, typer.Option(help="supergraph SDL file")] = Path(
        "schema/supergraph.graphql"
    ),
    operation_name: Annotated[str | None, typer.Option("--operation-name")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the plan as JSON")] = False,
) -> None:
    """Print the query plan of an operation over a supergraph."""
    text = Path(query[1:]).read_text() if query.startswith("@") else query
    gateway = load_gateway(supergraph.read_text())
    try:
        plan = gateway.plan(text, operation_name)
    finally:
        asyncio.run(gateway.close())
    if as_json:
        typer.echo(json.dumps(default_plan_formatter(plan), indent=2))
        return
    printed = plan_formatter()(plan)
    typer.echo(printed if isinstance(printed, str) else json.dumps(printed, indent=2))
