"""Alembic migrations, one history per service (``subgraphs/<service>/migrations``).

``migrate()`` runs inside the caller's event loop: it opens the connection itself and hands
it to Alembic (the cookbook's "sharing a connection" recipe), so ``env.py`` never starts a
second loop.
"""

from __future__ import annotations

import asyncio
import importlib
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import Connection, MetaData, pool
from sqlalchemy.ext.asyncio import create_async_engine

from shopgraph.db import create_engine, ensure_database

# Packages that own a database but are no subgraph (worker-only services).
WORKER_DATABASES: tuple[str, ...] = ("notifications",)


def migrations_dir(service: str) -> Path:
    """``subgraphs/<service>/migrations``, or ``workers/<service>/migrations`` for a worker
    package that keeps its own database."""
    owner = f"workers.{service}" if service in WORKER_DATABASES else f"subgraphs.{service}"
    package = importlib.import_module(owner)
    assert package.__file__ is not None
    return Path(package.__file__).parent / "migrations"


def has_migrations(service: str) -> bool:
    try:
        return (migrations_dir(service) / "env.py").is_file()
    except ModuleNotFoundError:
        return False


def databases() -> list[str]:
    """Every service and worker package with migrations, in migration order."""
    from shopgraph.services import available_services

    return [name for name in (*available_services(), *WORKER_DATABASES) if has_migrations(name)]


def alembic_config(service: str, url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir(service)))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


async def migrate(service: str, url: str, revision: str = "head") -> None:
    """Upgrade ``service``'s database at ``url`` to ``revision``."""
    await ensure_database(url)
    config = alembic_config(service, url)
    engine = create_engine(url, pool_size=1)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_upgrade, config, revision)
    finally:
        await engine.dispose()


def _upgrade(connection: Connection, config: Config, revision: str) -> None:
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


def _configure_and_run(connection: Connection, target_metadata: MetaData) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_env(target_metadata: MetaData) -> None:
    """The body of every service's ``env.py``."""
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _configure_and_run(connection, target_metadata)
        return
    if context.is_offline_mode():
        context.configure(
            url=context.config.get_main_option("sqlalchemy.url"),
            target_metadata=target_metadata,
            literal_binds=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    asyncio.run(_run_standalone(target_metadata))


async def _run_standalone(target_metadata: MetaData) -> None:
    url = context.config.get_main_option("sqlalchemy.url")
    assert url is not None
    engine = create_async_engine(url, poolclass=pool.NullPool)
    async with engine.begin() as connection:
        await connection.run_sync(_configure_and_run, target_metadata)
    await engine.dispose()
