"""``count_statements`` counts the code under test, never a background task on the engine."""

from __future__ import annotations

import asyncio

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from tests.support.sql import count_statements


async def test_only_the_awaited_code_and_its_tasks_are_counted(database_url: str) -> None:
    engine = create_async_engine(database_url)
    inside, polled = asyncio.Event(), asyncio.Event()

    async def poller() -> None:  # like the outbox relay: started before, polls the same engine
        await inside.wait()
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 'background'"))
        polled.set()

    async def batch() -> None:  # like a DataLoader batch: a task the request starts
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 'batch'"))

    background = asyncio.create_task(poller())
    try:
        with count_statements(engine) as statements:
            inside.set()
            await polled.wait()
            async with engine.connect() as conn:
                await conn.execute(text("SELECT 'request'"))
            await asyncio.create_task(batch())
        await background
    finally:
        await engine.dispose()
    assert statements == ["SELECT 'request'", "SELECT 'batch'"]
