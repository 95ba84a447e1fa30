"""The ``shopgraph`` command line."""

from __future__ import annotations

import asyncio
import sys
from typing import Annotated

import typer

from bootstrap import dev as dev_platform
from bootstrap.migrate import databases, migrate_all
from bootstrap.registry import service
from bootstrap.sdl import stale_services, write_all
from router.compose_cli import compose_app
from router.serve_cli import router_app
from shopgraph.cli_settings import cli_settings
from shopgraph.logging import get_logger
from shopgraph.metrics import metrics_app
from shopgraph.runner import Served, run_on_uvloop, run_together
from shopgraph.settings import Settings
from shopgraph.tracing import configure_tracing
from subgraphs.analytics.rebuild import RebuildRefused, rebuild, require_shared_bus
from subgraphs.search.reindex import run_reindex

app = typer.Typer(
    help="ShopGraph: e-commerce backend as a GraphQL federation.", no_args_is_help=True
)
log = get_logger("shopgraph.cli")
app.add_typer(compose_app, name="compose")
app.add_typer(router_app, name="router")
analytics_app = typer.Typer(help="The analytics service's tools.", no_args_is_help=True)
app.add_typer(analytics_app, name="analytics")
search_app = typer.Typer(help="The search index.", no_args_is_help=True)
app.add_typer(search_app, name="search")


async def _migrate(settings: Settings, names: list[str]) -> None:
    for name in await migrate_all(settings, names):
        log.info("migrated", database=name)


def _refuse(message: str) -> typer.Exit:
    typer.echo(f"shopgraph: {message}", err=True)
    return typer.Exit(2)


def _start_tracing(process: str) -> None:
    """Tracing as ``SHOPGRAPH_TRACING`` / ``OTEL_TRACES_EXPORTER`` ask (off by default)."""
    try:
        configure_tracing(process)
    except ValueError as exc:
        raise _refuse(str(exc)) from None


@app.command()
def serve(
    name: Annotated[str, typer.Argument(help="users, products, … (one subgraph)")],
    port: Annotated[int | None, typer.Option(help="defaults to the service's port")] = None,
    no_migrate: Annotated[bool, typer.Option("--no-migrate")] = False,
) -> None:
    """Serve one subgraph in this process (the scale-out column)."""
    settings = cli_settings()
    try:
        spec = service(name)
    except KeyError as exc:
        raise _refuse(exc.args[0]) from None
    _start_tracing(name)

    async def main() -> None:
        if not no_migrate and spec.migrations is not None:
            await _migrate(settings, [name])
        application = spec.create_app(settings)
        await run_together(
            [Served(name, application, settings.host, port or settings.port_for(name))]
        )

    run_on_uvloop(main())


@app.command(name="migrate")
def migrate_command(
    services: Annotated[list[str] | None, typer.Argument(help="default: every service")] = None,
) -> None:
    """Apply each service's Alembic migrations to its database."""
    settings = cli_settings()
    known = databases()
    unknown = [name for name in services or [] if name not in known]
    if unknown:
        raise _refuse(f"unknown database {unknown[0]!r}; choose from: {', '.join(known)}")
    asyncio.run(_migrate(settings, services or known))


@app.command()
def seed() -> None:
    """Seed the staff admin and the demo data of every service (idempotent)."""
    settings = cli_settings()

    async def main() -> None:
        await _migrate(settings, databases())
        await dev_platform.seed_all(settings)

    asyncio.run(main())


@app.command(name="create-admin")
def create_admin(
    email: Annotated[str | None, typer.Option(help="default: SHOPGRAPH_ADMIN_EMAIL")] = None,
    password: Annotated[str | None, typer.Option(help="default: SHOPGRAPH_ADMIN_PASSWORD")] = None,
) -> None:
    """Create (or reset the password of) a staff admin."""
    overrides = {k: v for k, v in {"admin_email": email, "admin_password": password}.items() if v}
    settings = cli_settings().model_copy(update=overrides)

    async def main() -> None:
        await _migrate(settings, ["users"])
        await dev_platform.create_admin(settings)

    try:
        asyncio.run(main())
    except dev_platform.SeedError as exc:
        raise _refuse(str(exc)) from None
    typer.echo(f"admin ready: {settings.admin_email}")


@app.command()
def worker(group: Annotated[str, typer.Argument(help="worker group name")]) -> None:
    """Run one worker group (consumes its topics until SIGTERM)."""
    settings = cli_settings()
    try:
        runtime = dev_platform.worker_background(settings, group)
    except KeyError as exc:
        raise _refuse(exc.args[0]) from None
    _start_tracing(f"worker-{group}")
    metrics = Served("metrics", metrics_app(), settings.host, settings.metrics_port)
    run_on_uvloop(run_together([metrics], [runtime]))


@app.command()
def sdl(
    check: Annotated[bool, typer.Option(help="fail if schema/ is out of date")] = False,
) -> None:
    """Write each subgraph's SDL to schema/<service>.graphql (or --check it)."""
    settings = cli_settings()
    if check:
        stale = stale_services(settings)
        if stale:
            typer.echo(f"out of date: {', '.join(stale)} (run `shopgraph sdl`)", err=True)
            raise typer.Exit(1)
        return
    for path in write_all(settings):
        typer.echo(f"wrote {path}")


@search_app.command("reindex")
def search_reindex() -> None:
    """Rebuild the search index from the products, inventory and reviews services and swap
    it in atomically (searches never see an empty index)."""
    settings = cli_settings()

    async def main() -> None:
        await _migrate(settings, ["search"])
        report = await run_reindex(settings)
        typer.echo(
            f"reindexed {report.products} products in {report.categories} categories "
            f"({report.caught_up} changed during the rebuild were written again)"
        )

    asyncio.run(main())


@app.command()
def dev() -> None:
    """Everything in one process on embedded defaults: migrate, seed, serve, work."""
    settings = cli_settings()
    _start_tracing("dev")
    run_on_uvloop(dev_platform.run(settings))


@analytics_app.command(name="rebuild")
def analytics_rebuild() -> None:
    """Empty the reporting tables and replay the consumed topics from their beginning."""
    settings = cli_settings()
    try:
        require_shared_bus(settings)
    except RebuildRefused as exc:
        raise _refuse(str(exc)) from None

    async def main() -> None:
        await _migrate(settings, ["analytics"])
        result = await rebuild(settings)
        typer.echo(
            f"analytics rebuilt: {result.events_read} events read, "
            f"{result.events_applied} applied, {result.events_rejected} rejected"
        )

    asyncio.run(main())


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
