"""Every PostgreSQL connection a service opens ends a transaction left idle for a minute, so
a stalled task cannot hold the stock row's lock for good."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from shopgraph.db import Database, create_engine


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_an_idle_transaction_is_ended_by_the_server(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as conn:
            shown = await conn.scalar(text("SHOW idle_in_transaction_session_timeout"))
        assert shown == "1min"
    finally:
        await engine.dispose()


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
@pytest.mark.parametrize("reader", ["read", "read_connection"])
async def test_a_read_session_leaves_no_transaction_open_between_statements(
    database_url: str, reader: str
) -> None:
    db = Database(database_url, pool_size=2)
    watcher = create_engine(database_url, pool_size=1)
    try:
        async with getattr(db, reader)() as session:
            pid = await session.scalar(text("SELECT pg_backend_pid()"))
            async with watcher.connect() as conn:
                state = await conn.scalar(
                    text("SELECT state FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}
                )
            assert await session.scalar(text("SELECT 1")) == 1
        assert state == "idle"
        async with db.session() as session:  # plain sessions keep their transaction
            pid = await session.scalar(text("SELECT pg_backend_pid()"))
            async with watcher.connect() as conn:
                state = await conn.scalar(
                    text("SELECT state FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}
                )
        assert state == "idle in transaction"
    finally:
        await db.dispose()
        await watcher.dispose()
