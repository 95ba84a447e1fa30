"""A SQLite file's pool keeps the connections a burst of requests opened (make dev under
load), instead of reopening all but five of them on every burst."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import event, text

from shopgraph.db import Database


async def test_a_burst_of_sessions_keeps_its_connections_for_the_next(tmp_path: Path) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'burst.db'}", pool_size=12)
    opened: list[object] = []
    event.listen(db.engine.sync_engine, "connect", lambda connection, _: opened.append(connection))
    all_open = asyncio.Barrier(12)

    async def read_while_the_others_do() -> None:
        async with db.session() as session:
            await session.execute(text("SELECT 1"))
            await all_open.wait()

    try:
        for _burst in range(2):
            await asyncio.gather(*(read_while_the_others_do() for _ in range(12)))
    finally:
        await db.dispose()
    assert len(opened) == 12


async def test_an_in_memory_database_still_opens() -> None:
    db = Database("sqlite+aiosqlite:///:memory:", pool_size=12)
    try:
        async with db.transaction() as session:
            await session.execute(text("CREATE TABLE t (x INTEGER)"))
            await session.execute(text("INSERT INTO t VALUES (1)"))
        async with db.session() as session:
            assert (await session.execute(text("SELECT x FROM t"))).scalars().all() == [1]
    finally:
        await db.dispose()
