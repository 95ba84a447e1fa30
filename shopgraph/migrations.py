"""Alembic migrations, one history per database (each service's ``migrations/`` directory,
which the composition root passes in: the kernel knows no service).

``migrate()`` runs inside the caller's event loop: it opens the connection itself and hands
it to Alembic (the cookbook's "sharing a connection" recipe), so ``env.py`` never starts a
second loop.

Alembic (with Mako and Pygments) is imported when a migration runs, not with this module:
a service started with ``--no-migrate`` (a restart) does not pay for it.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, MetaData, pool
from sqlalchemy.ext.asyncio import create_async_engine

from shopgraph.db import create_engine, ensure_database

if TYPE_CHECKING:
    from alembic.config import Config


def alembic_config(directory: Path, url: str) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(directory))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


async def migrate(directory: Path, url: str, revision: str = "head") -> None:
    """Upgrade the database at ``url`` to ``revision`` with the migrations in ``directory``."""
    if not (directory / "env.py").is_file():
        raise FileNotFoundError(f"no Alembic migrations in {directory}")
    await ensure_database(url)
    config = alembic_config(directory, url)
    engine = create_engine(url, pool_size=1)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_upgrade, config, revision)
    finally:
        await engine.dispose()


def _upgrade(connection: Connection, config: Config, revision: str) -> None:
    from alembic import command

    config.attributes["connection"] = connection
    command.upgrade(config, revision)


def _configure_and_run(connection: Connection, target_metadata: MetaData) -> None:
    from alembic import context

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
    from alembic import context

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
    from alembic import context

    url = context.config.get_main_option("sqlalchemy.url")
    assert url is not None
    engine = create_async_engine(url, poolclass=pool.NullPool)
    async with engine.begin() as connection:
        await connection.run_sync(_configure_and_run, target_metadata)
    await engine.dispose()
