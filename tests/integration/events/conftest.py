"""Fixtures of the event tests: a database with the effects app's tables (outbox, inbox and
the effects) and a started bus, on the column of the test's ``database_url`` / ``bus_url``."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from shopgraph.db import Database
from shopgraph.events import EventBus, bus_from_url
from tests.integration.events.effects_app import metadata

# Each test once on SQLite with the in-process bus, once on PostgreSQL with Kafka.
COLUMNS = pytest.mark.parametrize(
    ("database_url", "bus_url"),
    [("sqlite", "memory"), ("postgres", "kafka")],
    indirect=True,
    ids=["sqlite+memory", "postgres+kafka"],
)


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url)
    async with database.engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    yield database
    await database.dispose()


@pytest.fixture
async def bus(bus_url: str) -> AsyncIterator[EventBus]:
    event_bus = bus_from_url(bus_url)
    await event_bus.start()
    yield event_bus
    await event_bus.stop()
