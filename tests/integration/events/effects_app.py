"""A tiny service used by the events integration tests (in-process and as a subprocess).

It owns ``effects`` (one row per applied ``Thing`` event, deliberately without a unique
constraint so a double application would show) and ``done`` (one row per ``Done`` marker,
published last for each aggregate: once every marker is applied, per-key order guarantees
every earlier event was handled).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy import Column, Integer, String, Table, func, select

from shopgraph.db import Database, new_metadata
from shopgraph.events import Event, HandlerRegistry, claim, inbox_table, outbox_table

metadata = new_metadata()
outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
effects = Table(
    "effects",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("event_id", String(36), nullable=False),
)
done = Table(
    "done",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("aggregate_id", String(64), nullable=False),
)

CONSUMER = "effects-app"
THING = "Thing"
DONE = "Done"


@dataclass
class Counters:
    applied: int = 0
    absorbed: int = 0


def make_handlers(
    db: Database,
    topic: str,
    counters: Counters,
    after_apply: Callable[[int], Awaitable[None]] | None = None,
) -> HandlerRegistry:
    """Handlers that apply each event once: inbox claim and effect in one transaction."""
    registry = HandlerRegistry()

    @registry.on(topic, THING)
    async def apply_thing(event: Event) -> None:
        async with db.transaction() as session:
            first = await claim(session, inbox, CONSUMER, event.id)
            if first:
                await session.execute(effects.insert().values(event_id=event.id))
        if not first:
            counters.absorbed += 1
            return
        counters.applied += 1
        if after_apply is not None:
            await after_apply(counters.applied)

    @registry.on(topic, DONE)
    async def apply_done(event: Event) -> None:
        async with db.transaction() as session:
            if await claim(session, inbox, CONSUMER, event.id):
                await session.execute(done.insert().values(aggregate_id=event.aggregate_id))
            else:
                counters.absorbed += 1

    return registry


async def count(db: Database, table: Table) -> int:
    async with db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(table)) or 0)
