"""SQLite statements go to aiosqlite's thread once each and answer as before."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, cast

import aiosqlite
import pytest
from sqlalchemy import CursorResult, text
from sqlalchemy.exc import IntegrityError

from shopgraph.db import Database


@pytest.fixture
async def db(tmp_path: Path) -> Any:
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'driver.db'}")
    async with database.transaction() as session:
        await session.execute(text("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT UNIQUE)"))
    yield database
    await database.dispose()


async def test_rows_returning_and_rowcounts_come_back_from_one_call(db: Database) -> None:
    async with db.transaction() as session:
        many = await session.execute(
            text("INSERT INTO items (name) VALUES (:name)"), [{"name": "a"}, {"name": "b"}]
        )
        returned = await session.execute(
            text("INSERT INTO items (name) VALUES ('c') RETURNING id, name")
        )
        assert returned.all() == [(3, "c")]
        updated = await session.execute(text("UPDATE items SET name = name || '!' WHERE id < 3"))
    assert cast(CursorResult[Any], many).rowcount == 2
    assert cast(CursorResult[Any], updated).rowcount == 2
    async with db.session() as session:
        rows = (await session.execute(text("SELECT id, name FROM items ORDER BY id"))).all()
    assert rows == [(1, "a!"), (2, "b!"), (3, "c")]


async def test_a_failing_statement_raises_and_its_transaction_writes_nothing(
    db: Database,
) -> None:
    async with db.transaction() as session:
        await session.execute(text("INSERT INTO items (name) VALUES ('taken')"))
    with pytest.raises(IntegrityError):
        async with db.transaction() as session:
            await session.execute(text("INSERT INTO items (name) VALUES ('fresh')"))
            await session.execute(text("INSERT INTO items (name) VALUES ('taken')"))
    async with db.session() as session:
        names = (await session.execute(text("SELECT name FROM items"))).scalars().all()
    assert names == ["taken"]


async def test_a_read_session_is_one_hand_off_to_the_connection_thread(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with db.session() as session:  # the pool's connection is open and warm
        await session.execute(text("SELECT 1"))
        calls: list[object] = []
        execute: Callable[..., Awaitable[Any]] = aiosqlite.Connection._execute

        async def counted(self: aiosqlite.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
            calls.append(fn)
            return await execute(self, fn, *args, **kwargs)

        monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
        rows = (await session.execute(text("SELECT name FROM items"))).all()
    assert rows == []
    assert len(calls) == 1


async def test_a_rolled_back_write_is_undone_through_the_connection_thread(db: Database) -> None:
    async with db.sessions() as session, session.begin() as transaction:
        await session.execute(text("INSERT INTO items (name) VALUES ('undone')"))
        await transaction.rollback()
    async with db.session() as session:
        names = (await session.execute(text("SELECT name FROM items"))).scalars().all()
    assert names == []
