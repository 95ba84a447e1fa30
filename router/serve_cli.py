"""``shopgraph router serve`` / ``shopgraph router plan``: the router's command line.

``router_app`` is a Typer app the main CLI mounts (``app.add_typer(router_app, name="router")``);
the app it serves is built by :mod:`router.serve`.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer

from router.plugins.hot_reload import GatewayHolder, SupergraphWatcher
from router.plugins.ports import GatewayPort
from router.serve import (
    DEFAULT_ROUTER_PORT,
    RouterOptions,
    build_router,
    compose_from_running,
    load_gateway,
    plan_formatter,
)
from router.server import default_plan_formatter
from shopgraph.cli_settings import cli_settings
from shopgraph.tracing import configure_tracing

router_app = typer.Typer(help="The federation router: serve it, or print a plan.")


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
    settings = cli_settings()
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

    try:
        configure_tracing("router")
    except ValueError as exc:
        typer.echo(f"shopgraph: {exc}", err=True)
        raise typer.Exit(2) from None
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
