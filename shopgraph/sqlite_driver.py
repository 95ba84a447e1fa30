"""SQLite statements in one hand-off to aiosqlite's thread instead of four.

aiosqlite runs every sqlite3 call on a thread of its own, and SQLAlchemy's adapter makes a
call each for creating the cursor, executing, fetching the rows and closing the cursor. Each
call wakes that thread, contends for the GIL and wakes the event loop again; under make dev's
load this was a fifth of the event loop's busy time, and a write transaction held SQLite's
single writer lock across all those wake-ups. :class:`OneHopCursor` does the four in one
call on the connection's thread and hands SQLAlchemy the finished result, and a rollback
with no transaction open (after every read and commit) makes no call at all.
Server-side cursors (``stream()``) keep aiosqlite's own cursor.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)

Description = tuple[tuple[Any, ...], ...] | None
Outcome = tuple[Description, int, int | None, list[Any]]


def _run(connection: sqlite3.Connection, sql: str, parameters: Any, many: bool) -> Outcome:
    cursor = connection.cursor()
    try:
        if many:
            cursor.executemany(sql, parameters)
        else:
            cursor.execute(sql, parameters)
        rows = cursor.fetchall() if cursor.description else []
        return cursor.description, cursor.rowcount, cursor.lastrowid, rows
    finally:
        cursor.close()


class OneHopCursor:
    """The part of aiosqlite's cursor SQLAlchemy's adapter uses, one thread call a statement."""

    arraysize = 1

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._connection = connection
        self.description: Description = None
        self.rowcount = -1
        self.lastrowid: int | None = None
        self._rows: list[Any] = []

    async def _call(self, sql: str, parameters: Any, many: bool) -> OneHopCursor:
        # aiosqlite's own cursor makes its calls through this (untyped) method too.
        on_thread: Callable[..., Awaitable[Outcome]] = self._connection._execute
        outcome = await on_thread(_run, self._connection._conn, sql, parameters, many)
        self.description, self.rowcount, self.lastrowid, self._rows = outcome
        return self

    async def execute(self, sql: str, parameters: Any = ()) -> OneHopCursor:
        return await self._call(sql, parameters, many=False)

    async def executemany(self, sql: str, parameters: Sequence[Any]) -> OneHopCursor:
        return await self._call(sql, parameters, many=True)

    async def fetchall(self) -> list[Any]:
        rows, self._rows = self._rows, []
        return rows

    async def close(self) -> None:
        self._rows = []


class _OneHopAdaptedCursor(AsyncAdapt_aiosqlite_cursor):
    __slots__ = ()

    def _make_new_cursor(self, connection: Any) -> Any:
        return OneHopCursor(connection)

    def _aenter_cursor(self, cursor: Any) -> Any:
        return cursor


class _OneHopConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()
    _cursor_cls = _OneHopAdaptedCursor

    def rollback(self) -> None:
        # sqlite3's rollback() does nothing outside a transaction, which is what the
        # session's close and the pool's reset on return ask for after every read and
        # commit: answer without the hand-off. The flag is read while no call is in flight.
        connection: sqlite3.Connection | None = self._connection._connection
        if connection is not None and not connection.in_transaction:
            return
        super().rollback()


class OneHopDBAPI(AsyncAdapt_aiosqlite_dbapi):
    """SQLAlchemy's aiosqlite DBAPI whose connections use :class:`OneHopCursor`
    (``create_async_engine(url, module=OneHopDBAPI())``)."""

    def __init__(self) -> None:
        super().__init__(aiosqlite, sqlite3)

    def connect(self, *arg: Any, **kw: Any) -> AsyncAdapt_aiosqlite_connection:
        adapted = super().connect(*arg, **kw)
        return _OneHopConnection(self, adapted._connection)
