"""How a migrated database differs from a subgraph's models (alembic's autogenerate compare)."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, MetaData
from sqlalchemy.ext.asyncio import create_async_engine


async def differences_from_models(database_url: str, metadata: MetaData) -> list[Any]:
    """What the migrations left different from ``metadata`` (types compared too): empty when
    the migrations create exactly the models."""
    engine = create_async_engine(database_url)

    def diff(connection: Connection) -> list[Any]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, metadata))

    try:
        async with engine.connect() as connection:
            return await connection.run_sync(diff)
    finally:
        await engine.dispose()
