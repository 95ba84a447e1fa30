"""Two engines on one SQLite file (a service and its worker in ``make dev``) take turns
writing in the event loop, so neither waits in SQLite's busy handler."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import text

from shopgraph.db import Database


async def test_a_second_database_on_the_same_file_waits_for_the_first_writer(
    tmp_path: Path,
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'shared.db'}"
    service, worker = Database(url), Database(url)
    other_file = Database(f"sqlite+aiosqlite:///{tmp_path / 'other.db'}")
    try:
        async with service.transaction() as session:
            await session.execute(text("CREATE TABLE steps (name TEXT)"))
        order: list[str] = []
        writing, finish = asyncio.Event(), asyncio.Event()

        async def first() -> None:
            async with service.transaction() as session:
                await session.execute(text("INSERT INTO steps VALUES ('service')"))
                writing.set()
                await finish.wait()
                order.append("service commits")

        async def second() -> None:
            async with worker.transaction() as session:
                order.append("worker writes")
                await session.execute(text("INSERT INTO steps VALUES ('worker')"))

        holder = asyncio.create_task(first())
        await writing.wait()
        waiter = asyncio.create_task(second())
        async with other_file.transaction() as session:  # another file is not held up
            await session.execute(text("CREATE TABLE unrelated (x INTEGER)"))
        assert order == []
        finish.set()
        await asyncio.gather(holder, waiter)

        assert order == ["service commits", "worker writes"]
        async with worker.session() as session:
            rows = (await session.execute(text("SELECT name FROM steps"))).scalars().all()
        assert sorted(rows) == ["service", "worker"]
    finally:
        for db in (service, worker, other_file):
            await db.dispose()


async def test_a_waiting_writer_starts_once_the_one_before_commits(tmp_path: Path) -> None:
    # The writer lock ends with COMMIT: closing the committed session (which yields to the
    # event loop) no longer holds up the next writer on the file.
    url = f"sqlite+aiosqlite:///{tmp_path / 'handover.db'}"
    service, worker = Database(url), Database(url)
    try:
        async with service.transaction() as session:
            await session.execute(text("CREATE TABLE steps (name TEXT)"))
        order: list[str] = []
        writing = asyncio.Event()

        async def first() -> None:
            async with service.transaction() as session:
                await session.execute(text("INSERT INTO steps VALUES ('service')"))
                writing.set()
                await asyncio.sleep(0)  # the second writer is queued on the lock by now
            order.append("service's transaction block exits")

        async def second() -> None:
            await writing.wait()
            async with worker.transaction() as session:
                order.append("worker starts")
                await session.execute(text("INSERT INTO steps VALUES ('worker')"))

        await asyncio.gather(first(), second())

        assert order == ["worker starts", "service's transaction block exits"]
        async with worker.session() as session:
            rows = (await session.execute(text("SELECT name FROM steps"))).scalars().all()
        assert sorted(rows) == ["service", "worker"]
    finally:
        for db in (service, worker):
            await db.dispose()
