"""SQLite calls on the event loop's thread instead of a round trip through aiosqlite's thread.

aiosqlite hands every call (cursor, execute, fetch, close, commit) to a thread of its own per
connection and back: two thread switches per call, several calls per statement, costing
about as much CPU as SQLite's own work on the small local files of ``make dev`` (measured:
half the CPU of a two-statement transaction). Such calls take microseconds and never wait:
:class:`~shopgraph.db.Database` serialises writers per file, and WAL readers do not block.
So they run inline. The one wait left, SQLite's write lock held by another process (or an
engine outside ``Database``), must not stall the loop: the connection's busy timeout is 0,
and a call that finds the lock taken (``SQLITE_BUSY``, nothing done) runs again on the
connection's thread, which waits for the lock as long as before.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from functools import partial
from typing import Any, Final

import aiosqlite

# How long the connection's thread waits for another writer's lock (SQLite's busy timeout).
BUSY_TIMEOUT_MS: Final = 30_000


class InlineConnection(aiosqlite.Connection):
    """An aiosqlite connection whose calls run on the caller's thread unless they would wait."""

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if not self._running or not self._connection:
            raise ValueError("Connection closed")
        try:
            return fn(*args, **kwargs)
        except sqlite3.OperationalError as exc:
            if exc.sqlite_errorcode & 0xFF != sqlite3.SQLITE_BUSY:
                raise
        waiting = partial(_waiting_for_the_lock, self._connection, partial(fn, *args, **kwargs))
        return await super()._execute(waiting)  # type: ignore[no-untyped-call]


def _waiting_for_the_lock(connection: sqlite3.Connection, call: Callable[[], Any]) -> Any:
    connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    try:
        return call()
    finally:
        connection.execute("PRAGMA busy_timeout=0")


def connect_inline(database: str, *, iter_chunk_size: int = 64, **kwargs: Any) -> InlineConnection:
    """What ``aiosqlite.connect`` returns, with calls inline (SQLAlchemy's ``async_creator_fn``:
    it awaits the connection, which opens the file on the connection's thread)."""
    kwargs["check_same_thread"] = False  # used from the loop's thread and its own
    connection = InlineConnection(partial(sqlite3.connect, database, **kwargs), iter_chunk_size)
    connection._thread.daemon = True  # as SQLAlchemy sets it for aiosqlite's own connections
    return connection
