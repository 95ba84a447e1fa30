"""The ``shopgraph`` command line."""

from __future__ import annotations

import asyncio
import sys
from typing import Annotated

import typer

from router.cli import compose_app
from router.serve import router_app
from shopgraph import dev as dev_platform
from shopgraph.logging import configure_logging, get_logger
from shopgraph.migrations import WORKER_DATABASES, databases, has_migrations, migrate
from shopgraph.runner import Served, run_together
from shopgraph.sdl import sdl_path, service_sdl, write_all
from shopgraph.services import app_factory, available_services, require_service
from shopgraph.settings import Settings, SettingsError, load_settings

app = typer.Typer(
    help="ShopGraph: e-commerce backend as a GraphQL federation.", no_args_is_help=True
)
log = get_logger("shopgraph.cli")
app.add_typer(compose_app, name="compose")
app.add_typer(router_app, name="router")
search_app = typer.Typer(help="The search index.", no_args_is_help=True)
app.add_typer(search_app, name="search")


def _settings() -> Settings:
    try:
        settings = load_settings()
    except SettingsError as exc:
        typer.echo(f"shopgraph: {exc}", err=True)
        raise typer.Exit(2) from None
    configure_logging(settings.log_level, json=settings.log_json)
    return settings


async def _migrate(settings: Settings, services: list[str]) -> None:
    for service in services:
        if has_migrations(service):
            await migrate(service, settings.database_url_for(service))
            log.info("migrated", service=service)


@app.command()
def serve(
    service: Annotated[str, typer.Argument(help="users, products, … (one subgraph)")],
    port: Annotated[int | None, typer.Option(help="defaults to the service's port")] = None,
    no_migrate: Annotated[bool, typer.Option("--no-migrate")] = False,
) -> None:
    """Serve one subgraph in this process (the scale-out column)."""
    settings = _settings()
    try:
        require_service(service)
    except ValueError as exc:
        typer.echo(f"shopgraph: {exc}", err=True)
        raise typer.Exit(2) from None

    async def main() -> None:
        if not no_migrate:
            await _migrate(settings, [service])
        application = app_factory(service)(settings)
        await run_together(
            [Served(service, application, settings.host, port or settings.port_for(service))]
        )

    asyncio.run(main())


@app.command(name="migrate")
def migrate_command(
    services: Annotated[list[str] | None, typer.Argument(help="default: every service")] = None,
) -> None:
    """Apply each service's Alembic migrations to its database."""
    settings = _settings()
    chosen = services or databases()
    for service in chosen:
        if service in WORKER_DATABASES:
            continue
        try:
            require_service(service)
        except ValueError as exc:
            typer.echo(f"shopgraph: {exc}", err=True)
            raise typer.Exit(2) from None
    asyncio.run(_migrate(settings, chosen))


@app.command()
def seed() -> None:
    """Seed the staff admin and the demo data of every service (idempotent)."""
    settings = _settings()

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
    settings = _settings().model_copy(update=overrides)

    async def main() -> None:
        await _migrate(settings, ["users"])
        await dev_platform.create_admin(settings)

    try:
        asyncio.run(main())
    except dev_platform.SeedError as exc:
        typer.echo(f"shopgraph: {exc}", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"admin ready: {settings.admin_email}")


@app.command()
def worker(group: Annotated[str, typer.Argument(help="worker group name")]) -> None:
    """Run one worker group (consumes its topics until SIGTERM)."""
    settings = _settings()
    try:
        runtime = dev_platform.worker_background(settings, group)
    except KeyError as exc:
        typer.echo(f"shopgraph: {exc.args[0]}", err=True)
        raise typer.Exit(2) from None
    asyncio.run(run_together([], [runtime]))


@app.command()
def sdl(
    check: Annotated[bool, typer.Option(help="fail if schema/ is out of date")] = False,
) -> None:
    """Write each subgraph's SDL to schema/<service>.graphql (or --check it)."""
    settings = _settings()
    stale = [
        service
        for service in available_services()
        if check and sdl_path(service).read_text() != service_sdl(service, settings)
    ]
    if check:
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
    from subgraphs.search.reindex import run_reindex

    settings = _settings()

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
    settings = _settings()
    asyncio.run(dev_platform.run(settings))


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
