"""Inbox claims on both databases, including concurrent claims of one event."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from shopgraph.db import Database
from shopgraph.events import claim
from tests.integration.events.effects_app import inbox

pytestmark = pytest.mark.integration


class Boom(Exception):
    pass


async def test_claim_is_true_once_per_consumer(db: Database) -> None:
    event_id = str(uuid.uuid4())
    async with db.transaction() as session:
        assert await claim(session, inbox, "orders", event_id) is True
        assert await claim(session, inbox, "orders", event_id) is False
    async with db.transaction() as session:
        assert await claim(session, inbox, "orders", event_id) is False
        assert await claim(session, inbox, "carts", event_id) is True


async def test_a_rolled_back_claim_does_not_count(db: Database) -> None:
    event_id = str(uuid.uuid4())
    with pytest.raises(Boom):
        async with db.transaction() as session:
            assert await claim(session, inbox, "orders", event_id)
            raise Boom
    async with db.transaction() as session:
        assert await claim(session, inbox, "orders", event_id) is True


async def test_concurrent_claims_of_one_event_succeed_exactly_once(db: Database) -> None:
    event_id = str(uuid.uuid4())

    async def attempt() -> bool:
        async with db.transaction() as session:
            first = await claim(session, inbox, "payments", event_id)
            await asyncio.sleep(0.02)  # hold the transaction open: real overlap on PostgreSQL
            return first

    results = await asyncio.gather(*(attempt() for _ in range(8)))
    assert sorted(results) == [False] * 7 + [True]
