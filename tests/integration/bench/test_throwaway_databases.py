"""The checkout bench drops the PostgreSQL databases of its run when it ends, Ctrl-C
included, and no other database; ``--keep`` keeps them."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from throwaway_databases import drop_databases, throwaway_databases

from tests.conftest import create_postgres_database, drop_postgres_database, real_service_url

pytestmark = pytest.mark.integration


def _existing(server: str, names: list[str]) -> set[str]:
    async def query() -> set[str]:
        engine = create_async_engine(server)
        try:
            async with engine.connect() as conn:
                found = await conn.execute(
                    text("SELECT datname FROM pg_database WHERE datname = ANY(:names)"),
                    {"names": names},
                )
                return set(found.scalars())
        finally:
            await engine.dispose()

    return asyncio.run(query())


def _create(server: str, names: list[str]) -> None:
    async def create() -> None:
        for name in names:
            await create_postgres_database(server, name)

    asyncio.run(create())


def _drop(server: str, names: list[str]) -> None:
    async def drop() -> None:
        for name in names:
            await drop_postgres_database(server, name)

    asyncio.run(drop())


@pytest.fixture
def server() -> str:
    return real_service_url("postgres")


@pytest.fixture
def run_prefix() -> str:
    return f"bc_{uuid.uuid4().hex[:8]}"


def test_a_run_interrupted_by_ctrl_c_leaves_no_database_but_others_stay(
    server: str, run_prefix: str
) -> None:
    ours = [f"{run_prefix}_orders", f"{run_prefix}_payments"]
    # Matches the run's prefix if "_" were LIKE's any-character.
    neighbour = f"bcx{run_prefix[3:]}_orders"
    _create(server, [*ours, neighbour])
    try:
        with pytest.raises(KeyboardInterrupt), throwaway_databases(server, run_prefix):
            raise KeyboardInterrupt
        assert _existing(server, [*ours, neighbour]) == {neighbour}
    finally:
        _drop(server, [*ours, neighbour])


def test_keep_leaves_the_runs_databases(server: str, run_prefix: str) -> None:
    ours = [f"{run_prefix}_orders"]
    _create(server, ours)
    try:
        with throwaway_databases(server, run_prefix, keep=True):
            pass
        assert _existing(server, ours) == set(ours)
    finally:
        _drop(server, ours)


@pytest.mark.parametrize("prefix", ["bc", "bc_%", "shopgraph", "bc_1234abcd_orders"])
def test_a_prefix_the_bench_did_not_generate_is_refused_and_nothing_is_dropped(
    server: str, run_prefix: str, prefix: str
) -> None:
    ours = [f"{run_prefix}_orders"]
    _create(server, ours)
    try:
        with pytest.raises(ValueError, match="not a generated database prefix"):
            asyncio.run(drop_databases(server, prefix))
        assert _existing(server, ours) == set(ours)
    finally:
        _drop(server, ours)
