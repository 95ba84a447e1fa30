"""Counting the SQL a piece of code sends, to prove DataLoaders batch."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

# The list the statements of the code under test go to. A task copies the context it is
# created in, so the tasks a request starts (DataLoader batches, middleware) see the list,
# while tasks that were already running (the outbox relay polling the same engine) do not.
# SQLAlchemy runs the driver in a greenlet that shares the awaiting task's context.
_recording: ContextVar[list[str] | None] = ContextVar("recorded_statements", default=None)

_NOT_COUNTED = ("PRAGMA", "BEGIN", "COMMIT", "ROLLBACK")


@contextmanager
def count_statements(engine: AsyncEngine) -> Iterator[list[str]]:
    """Collects the statements ``engine`` executes for the code awaited inside the ``with``
    block (and the tasks it starts), never those of background tasks sharing the engine."""
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if _recording.get() is statements and not statement.lstrip().upper().startswith(
            _NOT_COUNTED
        ):
            statements.append(statement)

    token = _recording.set(statements)
    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)
        _recording.reset(token)
