"""``shopgraph router serve`` / ``shopgraph router plan``: the router's command line.

``router_app`` is a Typer app the main CLI mounts (``app.add_typer(router_app, name="router")``);
the app it serves is built by :mod:`router.serve`.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError

from router.config import ConfigError, RouterConfig, load_config
from router.plugins.headers import DEFAULT_FORWARDED, DEFAULT_HEADER_RULES, HeaderRules
from router.plugins.hot_reload import GatewayHolder, SupergraphWatcher
from router.plugins.ports import GatewayPort
from router.serve import (
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


def _config(path: Path | None, flags: dict[str, dict[str, Any]]) -> RouterConfig:
    """The config file (if any) with environment overrides, then the flags given on the
    command line (``None`` = not given); a bad key ends the command naming it (exit 2)."""
    try:
        where = ""
        config = load_config(path, os.environ)
        sections = {}
        for section, values in flags.items():
            where = section
            given = {key: value for key, value in values.items() if value is not None}
            if given:
                current = getattr(config, section).model_dump()
                sections[section] = type(getattr(config, section)).model_validate(
                    {**current, **given}
                )
        return config.model_copy(update=sections)
    except ConfigError as exc:
        typer.echo(f"shopgraph: {exc}", err=True)
    except ValidationError as exc:
        error = exc.errors()[0]
        key = ".".join(str(part) for part in error["loc"])
        typer.echo(f"shopgraph: command line: {where}.{key}: {error['msg']}", err=True)
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
    config: Annotated[
        Path | None,
        typer.Option(help="router config file (TOML; see router/router.example.toml)"),
    ] = None,
    host: Annotated[str | None, typer.Option(help="[server] host")] = None,
    port: Annotated[int | None, typer.Option(help="[server] port (default 4000)")] = None,
    rate_limit: Annotated[
        int | None, typer.Option(help="[rate_limit] requests per client per window; 0: off")
    ] = None,
    rate_window: Annotated[float | None, typer.Option(help="[rate_limit] window, seconds")] = None,
    verify_tokens: Annotated[
        bool | None, typer.Option(help="[server] verify bearer tokens at the edge")
    ] = None,
    timeout: Annotated[
        float | None, typer.Option(help="[subgraphs] per-subgraph request timeout, seconds")
    ] = None,
    cors_origin: Annotated[
        list[str] | None,
        typer.Option(help="[server] browser origin allowed cross-origin (repeatable)"),
    ] = None,
    forward_header: Annotated[
        list[str] | None,
        typer.Option(
            help="[subgraphs] request header to forward: NAME (to every subgraph) or "
            f"NAME=sub1,sub2 (repeatable; replaces the default {', '.join(DEFAULT_FORWARDED)})"
        ),
    ] = None,
    max_subscriptions: Annotated[
        int | None, typer.Option(help="[subscriptions] subscriptions per WebSocket connection")
    ] = None,
    body_timeout: Annotated[
        float | None, typer.Option(help="[server] seconds a client has to send a request body")
    ] = None,
    header_timeout: Annotated[
        float | None,
        typer.Option(help="[server] seconds a client has to send a request's headers"),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(min=1, help="[server] processes serving the same port (SO_REUSEPORT)"),
    ] = None,
) -> None:
    """Serve the router: POST/GET /graphql, WebSocket subscriptions, GraphiQL, /health.

    Settings come from ``--config`` (TOML), then ``SHOPGRAPH_ROUTER__<SECTION>__<KEY>``
    environment overrides, then the options given here."""
    if (supergraph is None) == (not subgraph):
        typer.echo(
            "shopgraph: give exactly one of --supergraph FILE or --subgraph name=url", err=True
        )
        raise typer.Exit(2)
    if supergraph is not None and not supergraph.is_file():
        typer.echo(f"shopgraph: cannot read {supergraph}: no such file", err=True)
        raise typer.Exit(2)
    settings = cli_settings()
    router_config = _config(
        config,
        {
            "server": {
                "host": host,
                "port": port,
                "workers": workers,
                "cors_origins": tuple(cors_origin) if cors_origin else None,
                "body_timeout_seconds": body_timeout,
                "header_timeout_seconds": header_timeout,
                "verify_tokens": verify_tokens,
            },
            "subgraphs": {
                "timeout_seconds": timeout,
                "forward_headers": tuple(forward_header) if forward_header else None,
            },
            "rate_limit": {"limit": rate_limit, "window_seconds": rate_window},
            "subscriptions": {"max_per_connection": max_subscriptions},
        },
    )
    forwarded = router_config.subgraphs.forward_headers
    try:
        rules = HeaderRules.of(forwarded) if forwarded else DEFAULT_HEADER_RULES
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--forward-header") from None
    options = RouterOptions.from_config(router_config, header_rules=rules)
    server = router_config.server
    timeout_seconds = router_config.subgraphs.timeout_seconds
    labels = frozenset(router_config.progressive_override.active_labels)
    from shopgraph.runner import Served, run_together

    async def main(sock: socket.socket | None) -> None:
        configure_tracing("router")  # in each worker process: exporters do not survive fork
        watcher = None
        if supergraph is not None:
            gateway = _load_file(
                supergraph,
                timeout_seconds=timeout_seconds,
                header_rules=rules,
                active_labels=labels,
            )
            holder = GatewayHolder(gateway, version=str(supergraph))

            def rebuild(sdl: str) -> GatewayPort:
                return load_gateway(
                    sdl, timeout_seconds=timeout_seconds, header_rules=rules, active_labels=labels
                )

            watcher = SupergraphWatcher(
                supergraph, holder, rebuild, interval_seconds=options.reload_interval_seconds
            )
        else:
            sdl = await compose_from_running(_parse_subgraphs(subgraph or []))
            gateway = load_gateway(
                sdl, timeout_seconds=timeout_seconds, header_rules=rules, active_labels=labels
            )
            holder = GatewayHolder(gateway, version="composed")
        app = build_router(settings, holder, options, watcher=watcher)
        await run_together(
            [Served("router", app, server.host, server.port, sock)],
            header_timeout_seconds=server.header_timeout_seconds,
        )

    try:
        requested_exporter()  # a bad SHOPGRAPH_TRACING stops here, before any fork
    except ValueError as exc:
        typer.echo(f"shopgraph: {exc}", err=True)
        raise typer.Exit(2) from None
    try:
        code = serve_workers(server.workers, server.host, server.port, main)
    except OSError as exc:
        typer.echo(
            f"shopgraph: cannot listen on {server.host}:{server.port}: {exc.strerror}", err=True
        )
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
