"""A service's PostgreSQL pool keeps the connections a crowd made it open, so the next crowd
does not connect again; on this host's loopback it connects without TLS unless told to."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from shopgraph.db import create_engine, postgres_pool_options


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_connections_opened_by_a_burst_are_kept(database_url: str) -> None:
    engine = create_engine(database_url, pool_size=2)

    async def burst() -> set[int]:
        """The server processes of four connections checked out at once (twice
        ``pool_size``)."""
        all_in = asyncio.Barrier(4)

        async def backend_pid() -> int:
            async with engine.connect() as conn:
                pid = int(await conn.scalar(text("SELECT pg_backend_pid()")) or 0)
                await all_in.wait()
                return pid

        return set(await asyncio.gather(*(backend_pid() for _ in range(4))))

    try:
        first = await burst()
        again = await burst()
    finally:
        await engine.dispose()
    assert len(first) == 4
    assert again == first


@pytest.mark.parametrize(
    ("url", "ssl"),
    [
        ("postgresql+asyncpg://u:p@127.0.0.1:5432/db", False),
        ("postgresql+asyncpg://u:p@localhost/db", False),
        ("postgresql+asyncpg://u:p@[::1]:5432/db", False),
        ("postgresql+asyncpg://u:p@db.internal:5432/db", None),
        ("postgresql+asyncpg://u:p@10.0.0.5:5432/db", None),
        ("postgresql+asyncpg://u:p@127.0.0.1:5432/db?ssl=require", None),
        ("postgresql+asyncpg://u:p@127.0.0.1:5432/db?sslmode=verify-full", None),
    ],
)
def test_tls_is_left_out_only_on_loopback_when_nothing_asks_for_it(
    url: str, ssl: bool | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PGSSLMODE", raising=False)
    options = postgres_pool_options(make_url(url), 5)
    assert options["connect_args"].get("ssl") == ssl
    assert (options["pool_size"], options["max_overflow"]) == (10, 0)


def test_pgsslmode_is_honoured_on_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PGSSLMODE", "require")
    url = make_url("postgresql+asyncpg://u:p@127.0.0.1:5432/db")
    assert "ssl" not in postgres_pool_options(url, 5)["connect_args"]
