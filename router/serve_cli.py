"""``shopgraph router serve`` / ``shopgraph router plan``: the router's command line.

``router_app`` is a Typer app the main CLI mounts (``app.add_typer(router_app, name="router")``);
the app it serves is built by :mod:`router.serve`.
"""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer

from router.plugins.headers import DEFAULT_FORWARDED, DEFAULT_HEADER_RULES, HeaderRules
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
from router.serve_workers import serve_workers
from router.server import default_plan_formatter
from router.supergraph import SupergraphError
from shopgraph.cli_settings import cli_settings
from shopgraph.http_deadlines import DEFAULT_HEADER_TIMEOUT_SECONDS
from shopgraph.tracing import configure_tracing, requested_exporter

router_app = typer.Typer(help="The federation router: serve it, or print a plan.")


def _parse_subgraphs(specs: Sequence[str]) -> list[tuple[str, str]]:
    endpoints = []
    for spec in specs:
        name, sep, url = spec.partition("=")
        if not sep or not name or not url.startswith(("http://", "https://")):
            raise typer.BadParameter(f"expected name=http://host:port/graphql, got {spec!r}")
        endpoints.append((name, url))
    return endpoints


def _load_file(path: Path, **options: Any) -> GatewayPort:
    """The gateway for a supergraph file; a file that cannot be read or served ends the
    command with one line saying why (exit 2), not a traceback."""
    try:
        return load_gateway(path.read_text(), **options)
    except OSError as exc:
        typer.echo(f"shopgraph: cannot read {path}: {exc.strerror}", err=True)
    except SupergraphError as exc:
        typer.echo(f"shopgraph: {path}: {exc}", err=True)
    raise typer.Exit(2)


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
    forward_header: Annotated[
        list[str] | None,
        typer.Option(
            help="request header to forward: NAME (to every subgraph) or NAME=sub1,sub2 "
            f"(repeatable; replaces the default {', '.join(DEFAULT_FORWARDED)})"
        ),
    ] = None,
    max_subscriptions: Annotated[
        int, typer.Option(help="subscriptions one WebSocket connection may hold")
    ] = 100,
    body_timeout: Annotated[
        float, typer.Option(help="seconds a client has to send a request body")
    ] = 30.0,
    header_timeout: Annotated[
        float, typer.Option(help="seconds a client has to send a request's headers")
    ] = DEFAULT_HEADER_TIMEOUT_SECONDS,
    workers: Annotated[
        int, typer.Option(min=1, help="processes serving the same port (SO_REUSEPORT)")
    ] = 1,
) -> None:
    """Serve the router: POST/GET /graphql, WebSocket subscriptions, GraphiQL, /health."""
    if (supergraph is None) == (not subgraph):
        typer.echo(
            "shopgraph: give exactly one of --supergraph FILE or --subgraph name=url", err=True
        )
        raise typer.Exit(2)
    if supergraph is not None and not supergraph.is_file():
        typer.echo(f"shopgraph: cannot read {supergraph}: no such file", err=True)
        raise typer.Exit(2)
    settings = cli_settings()
    try:
        rules = HeaderRules.of(forward_header) if forward_header else DEFAULT_HEADER_RULES
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--forward-header") from None
    if max_subscriptions < 1 or body_timeout <= 0 or header_timeout <= 0:
        raise typer.BadParameter(
            "--max-subscriptions, --body-timeout and --header-timeout must be positive"
        )
    options = RouterOptions(
        rate_limit=rate_limit,
        rate_window_seconds=rate_window,
        verify_tokens=verify_tokens,
        timeout_seconds=timeout,
        cors_origins=tuple(cors_origin or ()),
        header_rules=rules,
        max_subscriptions_per_connection=max_subscriptions,
        body_timeout_seconds=body_timeout,
    )
    from shopgraph.runner import Served, run_together

    async def main(sock: socket.socket | None) -> None:
        configure_tracing("router")  # in each worker process: exporters do not survive fork
        watcher = None
        if supergraph is not None:
            gateway = _load_file(supergraph, timeout_seconds=timeout, header_rules=rules)
            holder = GatewayHolder(gateway, version=str(supergraph))

            def rebuild(sdl: str) -> GatewayPort:
                return load_gateway(sdl, timeout_seconds=timeout, header_rules=rules)

            watcher = SupergraphWatcher(
                supergraph, holder, rebuild, interval_seconds=options.reload_interval_seconds
            )
        else:
            sdl = await compose_from_running(_parse_subgraphs(subgraph or []))
            gateway = load_gateway(sdl, timeout_seconds=timeout, header_rules=rules)
            holder = GatewayHolder(gateway, version="composed")
        app = build_router(settings, holder, options, watcher=watcher)
        await run_together(
            [Served("router", app, host, port, sock)], header_timeout_seconds=header_timeout
        )

    try:
        requested_exporter()  # a bad SHOPGRAPH_TRACING stops here, before any fork
    except ValueError as exc:
        typer.echo(f"shopgraph: {exc}", err=True)
        raise typer.Exit(2) from None
    try:
        code = serve_workers(workers, host, port, main)
    except OSError as exc:
        typer.echo(f"shopgraph: cannot listen on {host}:{port}: {exc.strerror}", err=True)
        raise typer.Exit(1) from None
    if code:
        raise typer.Exit(code)


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
    gateway = _load_file(supergraph)
    try:
        plan = gateway.plan(text, operation_name)
    finally:
        asyncio.run(gateway.close())
    if as_json:
        typer.echo(json.dumps(default_plan_formatter(plan), indent=2))
        return
    printed = plan_formatter()(plan)
    typer.echo(printed if isinstance(printed, str) else json.dumps(printed, indent=2))
