"""Ping a pooled PostgreSQL connection before use only when it has sat idle a while.

SQLAlchemy's ``pool_pre_ping`` pings on every checkout, and asyncpg's ping is three round
trips (BEGIN, ``;``, ROLLBACK): under a crowd at checkout that was a fifth of a subgraph's
CPU for connections that had answered a moment before. A connection back in the pool for
less than :data:`PING_AFTER_IDLE_SECONDS` is handed out as is; an older one is pinged,
and one that does not answer is replaced (``DisconnectionError`` makes the pool connect
afresh). A PostgreSQL restart takes longer than that, and the first statement that meets a
dropped connection makes the pool replace every connection older than it, so pooled
connections still do not outlive a restart.

The pool hands out the most recently returned connection first (``pool_use_lifo``), so
under load the same warm connections serve and only the rarely used ones are pinged.
"""

from __future__ import annotations

import time
from typing import Any, Final

from sqlalchemy import event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine

PING_AFTER_IDLE_SECONDS: Final = 1.0
_RETURNED_AT: Final = "shopgraph_returned_at"


def ping_when_idle(engine: AsyncEngine, idle_seconds: float = PING_AFTER_IDLE_SECONDS) -> None:
    """Install the checkout ping on ``engine`` (created without ``pool_pre_ping``)."""
    sync_engine = engine.sync_engine

    def returned(_dbapi_connection: Any, record: Any) -> None:
        record.info[_RETURNED_AT] = time.monotonic()

    def checked_out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        returned_at = record.info.get(_RETURNED_AT)
        if returned_at is None or time.monotonic() - returned_at < idle_seconds:
            return  # just connected, or in use a moment ago
        try:
            sync_engine.dialect.do_ping(dbapi_connection)
        except Exception as exc:
            raise DisconnectionError(f"pooled connection did not answer a ping: {exc}") from exc

    event.listen(sync_engine.pool, "checkin", returned)
    event.listen(sync_engine.pool, "checkout", checked_out)
