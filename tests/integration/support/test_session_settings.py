"""Every PostgreSQL connection a service opens ends a transaction left idle for a minute, so
a stalled task cannot hold the stock row's lock for good."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from shopgraph.db import create_engine


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_an_idle_transaction_is_ended_by_the_server(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as conn:
            shown = await conn.scalar(text("SHOW idle_in_transaction_session_timeout"))
        assert shown == "1min"
    finally:
        await engine.dispose()
