"""Retention deletes old published outbox rows and old inbox rows, in batches, on both
databases; unpublished and recent rows stay."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from shopgraph.db import Database
from shopgraph.events.retention import RetentionJob
from shopgraph.settings import load_settings
from tests.integration.events.effects_app import inbox, outbox

pytestmark = pytest.mark.integration


NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
OLD = NOW - timedelta(days=8)
RECENT = NOW - timedelta(days=6)


async def add_outbox(db: Database, *, created: datetime, published: datetime | None) -> str:
    event_id = str(uuid.uuid4())
    async with db.transaction() as session:
        await session.execute(
            outbox.insert().values(
                id=event_id,
                topic="retention-test",
                key=event_id,
                event=b"{}",
                created_at=created,
                published_at=published,
            )
        )
    return event_id


async def add_inbox(db: Database, *, processed: datetime) -> str:
    event_id = str(uuid.uuid4())
    async with db.transaction() as session:
        await session.execute(
            inbox.insert().values(
                consumer="retention-test", event_id=event_id, processed_at=processed
            )
        )
    return event_id


async def outbox_ids(db: Database, ids: set[str]) -> set[str]:
    async with db.session() as session:
        rows = await session.execute(select(outbox.c.id).where(outbox.c.id.in_(ids)))
    return {row.id for row in rows}


async def inbox_ids(db: Database, ids: set[str]) -> set[str]:
    async with db.session() as session:
        rows = await session.execute(select(inbox.c.event_id).where(inbox.c.event_id.in_(ids)))
    return {row.event_id for row in rows}


def job(db: Database, tmp_path: Path, batch_size: int) -> RetentionJob:
    settings = load_settings(data_dir=tmp_path, retention_batch_size=batch_size)
    return RetentionJob.from_settings(settings, "retention-test", db, outbox=outbox, inbox=inbox)


async def test_old_published_outbox_rows_and_old_inbox_rows_are_deleted_in_batches(
    db: Database, tmp_path: Path
) -> None:
    old_published = {await add_outbox(db, created=OLD, published=OLD) for _ in range(5)}
    old_unpublished = await add_outbox(db, created=OLD, published=None)
    recently_published = await add_outbox(db, created=OLD, published=RECENT)
    old_claims = {await add_inbox(db, processed=OLD) for _ in range(5)}
    recent_claim = await add_inbox(db, processed=RECENT)
    every_outbox = old_published | {old_unpublished, recently_published}
    every_inbox = old_claims | {recent_claim}

    deleted = await job(db, tmp_path, batch_size=2).run_once(now=NOW)

    assert deleted[0] >= 5 and deleted[1] >= 5  # 3 batches each; other tests' rows may join
    assert await outbox_ids(db, every_outbox) == {old_unpublished, recently_published}
    assert await inbox_ids(db, every_inbox) == {recent_claim}


async def test_a_second_round_finds_nothing_more_to_delete(db: Database, tmp_path: Path) -> None:
    kept = await add_outbox(db, created=OLD, published=RECENT)
    await add_outbox(db, created=OLD, published=OLD)
    retention = job(db, tmp_path, batch_size=500)

    await retention.run_once(now=NOW)

    assert await retention.run_once(now=NOW) == (0, 0)
    assert await outbox_ids(db, {kept}) == {kept}


async def test_the_default_window_is_seven_days(db: Database, tmp_path: Path) -> None:
    seven_days_ago = NOW - timedelta(days=7, minutes=1)
    gone = await add_inbox(db, processed=seven_days_ago)
    kept = await add_inbox(db, processed=NOW - timedelta(days=6, hours=23))
    settings = load_settings(data_dir=tmp_path)

    await RetentionJob.from_settings(settings, "t", db, outbox=None, inbox=inbox).run_once(now=NOW)

    assert await inbox_ids(db, {gone, kept}) == {kept}
