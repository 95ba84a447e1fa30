"""A pooled PostgreSQL connection the server dropped is replaced: before use when it sat
idle (it is pinged), and at the latest after the one statement that met it."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from shopgraph.db import create_engine
from shopgraph.db_ping import ping_when_idle


async def backend_pid(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        pid = await conn.scalar(text("SELECT pg_backend_pid()"))
    assert isinstance(pid, int)
    return pid


async def terminate(database_url: str, pid: int) -> None:
    admin = create_async_engine(database_url)
    try:
        async with admin.connect() as conn:
            await conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    finally:
        await admin.dispose()


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_an_idle_connection_the_server_dropped_is_replaced_before_use(
    database_url: str,
) -> None:
    engine = create_async_engine(database_url, pool_size=1, max_overflow=0)
    ping_when_idle(engine, idle_seconds=0.0)  # every checkout counts as idle
    try:
        dropped = await backend_pid(engine)
        await terminate(database_url, dropped)
        assert await backend_pid(engine) != dropped
    finally:
        await engine.dispose()


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_a_connection_dropped_right_after_use_is_replaced_after_one_failure_at_most(
    database_url: str,
) -> None:
    engine = create_engine(database_url, pool_size=1)
    try:
        dropped = await backend_pid(engine)
        await terminate(database_url, dropped)
        try:
            replacement = await backend_pid(engine)
        except DBAPIError as exc:
            assert exc.connection_invalidated
            replacement = await backend_pid(engine)
        assert replacement != dropped
    finally:
        await engine.dispose()
