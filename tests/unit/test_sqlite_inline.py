"""SQLite calls run on the event loop's thread, yet a write that finds the file's write lock
taken by another process waits for it without stalling the loop, then goes through."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from sqlalchemy import text

from shopgraph.db import Database


async def test_a_write_waits_for_another_process_lock_while_the_loop_runs_on(
    tmp_path: Path,
) -> None:
    path = tmp_path / "shared.db"
    db = Database(f"sqlite+aiosqlite:///{path}")
    other = sqlite3.connect(path, isolation_level=None)
    try:
        async with db.transaction() as session:
            await session.execute(text("CREATE TABLE steps (name TEXT)"))
        other.execute("BEGIN IMMEDIATE")  # the other process holds the write lock
        other.execute("INSERT INTO steps VALUES ('other process')")

        async def write() -> None:
            async with db.transaction() as session:
                await session.execute(text("INSERT INTO steps VALUES ('service')"))

        writing = asyncio.create_task(write())
        for _ in range(5):  # the loop keeps serving: reads answer while the write waits
            await asyncio.sleep(0.01)  # the write's turn: it finds the lock taken
            async with db.read() as session:
                rows = (await session.execute(text("SELECT name FROM steps"))).scalars().all()
            assert rows == []
            assert not writing.done()
        other.execute("COMMIT")
        await asyncio.wait_for(writing, 30)

        async with db.read() as session:
            rows = (await session.execute(text("SELECT name FROM steps"))).scalars().all()
        assert sorted(rows) == ["other process", "service"]
    finally:
        other.close()
        await db.dispose()
