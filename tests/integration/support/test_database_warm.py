"""A subgraph can open its PostgreSQL pool before traffic arrives
(``SHOPGRAPH_DATABASE_WARM_CONNECTIONS``), so the first burst of requests finds connections
open instead of each paying for a connect."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from shopgraph.db import Database
from shopgraph.resources import ServiceResources
from shopgraph.settings import load_settings
from subgraphs.orders.app import create_app as create_orders_app
from subgraphs.products.app import create_app as create_products_app


def _open_in_pool(db: Database) -> int:
    return int(db.engine.sync_engine.pool.checkedin())  # type: ignore[attr-defined]


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_warming_opens_connections_up_to_the_pool_size(database_url: str) -> None:
    db = Database(database_url, pool_size=4)
    try:
        assert _open_in_pool(db) == 0
        assert await db.warm(10) == 4
        assert _open_in_pool(db) == 4
    finally:
        await db.dispose()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_warming_sqlite_opens_nothing(database_url: str) -> None:
    db = Database(database_url, pool_size=4)
    try:
        assert await db.warm(3) == 0
    finally:
        await db.dispose()


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
@pytest.mark.parametrize("warm", [0, 3])
async def test_a_subgraph_starts_with_its_pool_warm_when_asked(
    database_url: str, warm: int
) -> None:
    settings = load_settings(database_url=database_url, database_warm_connections=warm)
    resources = ServiceResources.from_settings(settings, "products")
    app = create_products_app(settings, resources=resources)
    async with app.router.lifespan_context(app):
        assert _open_in_pool(resources.db) == warm


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_a_service_whose_readiness_checks_more_than_its_database_warms_too(
    database_url: str,
) -> None:
    """Orders' readiness is its database and the key-value store; its pool is the one the
    first burst of placeOrders needs open."""
    settings = load_settings(database_url=database_url, database_warm_connections=3)
    resources = ServiceResources.from_settings(settings, "orders")
    app = create_orders_app(settings, resources=resources)
    async with app.router.lifespan_context(app):
        assert _open_in_pool(resources.db) == 3


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_connections_the_server_accepted_stay_pooled_when_it_refuses_others(
    database_url: str,
) -> None:
    admin = Database(database_url, pool_size=1)
    name = make_url(database_url).database
    try:
        async with admin.engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text(f'ALTER DATABASE "{name}" CONNECTION LIMIT 2'))
    finally:
        await admin.dispose()
    db = Database(database_url, pool_size=4)
    try:
        with pytest.raises(DBAPIError, match="too many connections"):
            await db.warm(4)
        assert _open_in_pool(db) == 2
    finally:
        await db.dispose()


async def test_a_database_that_cannot_be_reached_does_not_stop_the_start() -> None:
    settings = load_settings(
        database_url="postgresql+asyncpg://nobody:nothing@127.0.0.1:1/none",
        database_warm_connections=2,
    )
    resources = ServiceResources.from_settings(settings, "products")
    await resources.warm_database()  # logged, not raised: readiness reports it
    assert _open_in_pool(resources.db) == 0
    await resources.db.dispose()
