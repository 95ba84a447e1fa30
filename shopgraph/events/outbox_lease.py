"""The PostgreSQL outbox lease: one relay publishes an outbox, the others stand by.

Every relay of an outbox keeps ONE connection of its own (never a pooled one, so request
work waiting for the pool cannot delay a publish). The lease is a session-level advisory
lock taken on that connection: PostgreSQL frees it when the session ends, a process that is
SIGKILLed included, and a standby's next try (each poll) takes it over.

* A **leading** relay (``lead=True``: the orders and payments worker groups, whose loops
  serve no requests and hold no hot row locks) keeps the lease, LISTENs on the outbox's
  channel and publishes on its connection: a plain read, the produce, one UPDATE; no
  transaction, no row locks, since no other relay publishes meanwhile.
* A relay that does not lead (a subgraph's) **borrows** the lease: woken by its process's
  commit it tries the lease and NOTIFIES the channel in one statement. If a leader holds the
  lease, the notification wakes it and the borrower is done; otherwise the borrower
  publishes what is pending and gives the lease back, so a leader that starts later gets it.

A notification is only a wake-up: a relay polls as well, so a lost one costs a poll.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, Final

import asyncpg  # type: ignore[import-untyped]  # ships no type information
from sqlalchemy import make_url

from shopgraph.db import postgres_pool_options
from shopgraph.logging import get_logger

log = get_logger(__name__)

CHANNEL_PREFIX: Final = "shopgraph_outbox_"


class OutboxLease:
    """One relay's own connection to the outbox's database and the lease taken on it."""

    def __init__(self, url: str, table: str, lock_key: int, on_notify: Callable[[], None]) -> None:
        self.url = url
        self.lock_key = lock_key
        self.channel = CHANNEL_PREFIX + table
        self._on_notify = on_notify
        self._connection: asyncpg.Connection | None = None
        self._listening = False
        self.held = False
        quoted = '"' + table.replace('"', '""') + '"'
        self._pending_sql = f"SELECT 1 FROM {quoted} WHERE published_at IS NULL LIMIT 1"
        self._batch_sql = (
            f"SELECT seq, topic, event FROM {quoted} WHERE published_at IS NULL"
            " ORDER BY seq LIMIT $1"
        )
        self._mark_sql = f"UPDATE {quoted} SET published_at = $2 WHERE seq = ANY($1::bigint[])"

    async def connection(self) -> asyncpg.Connection:
        if self._connection is None or self._connection.is_closed():
            self._forget()
            url = make_url(self.url)
            options: dict[str, Any] = postgres_pool_options(url, 1)["connect_args"]
            self._connection = await asyncpg.connect(
                host=url.host,
                port=url.port,
                user=url.username,
                password=url.password,
                database=url.database,
                **options,
            )
            self._connection.add_termination_listener(self._lost)
        return self._connection

    async def try_acquire(self, *, notify: bool) -> bool:
        """Take the lease if no relay holds it; ``notify`` also wakes the holder (one
        statement either way)."""
        if self.held:
            return True
        connection = await self.connection()
        if notify:
            row = await connection.fetchrow(
                "SELECT pg_try_advisory_lock($1), pg_notify($2, '')", self.lock_key, self.channel
            )
            self.held = bool(row is not None and row[0])
        else:
            self.held = bool(
                await connection.fetchval("SELECT pg_try_advisory_lock($1)", self.lock_key)
            )
        return self.held

    async def listen(self) -> None:
        """Wake-ups by other processes' commits (a leader's, after it took the lease)."""
        if not self._listening:
            connection = await self.connection()
            await connection.add_listener(self.channel, self._notified)
            self._listening = True

    async def release(self) -> None:
        """Give the lease back, keeping the connection (a borrower after its round)."""
        held, self.held = self.held, False
        connection = self._connection
        if not held or connection is None or connection.is_closed():
            return
        try:
            await connection.execute("SELECT pg_advisory_unlock($1)", self.lock_key)
        except BaseException:
            # Session locks count re-entries: a lock left behind here would keep the lease
            # from everyone. Ending the session frees it.
            self._forget()
            connection.terminate()
            raise

    async def has_unpublished(self) -> bool:
        connection = await self.connection()
        return await connection.fetchval(self._pending_sql) is not None

    async def unpublished(self, limit: int) -> Sequence[asyncpg.Record]:
        """The oldest unpublished rows (``seq``, ``topic``, ``event``); only the lease holder
        asks, so the rows need no lock."""
        connection = await self.connection()
        rows: list[asyncpg.Record] = await connection.fetch(self._batch_sql, limit)
        return rows

    async def mark_published(self, seqs: Sequence[int]) -> None:
        connection = await self.connection()
        await connection.execute(self._mark_sql, list(seqs), datetime.now(UTC))

    async def close(self) -> None:
        """Close the connection: PostgreSQL frees the lease with the session."""
        connection = self._connection
        self._forget()
        if connection is not None and not connection.is_closed():
            try:
                await asyncio.wait_for(connection.close(), 5)
            except (OSError, TimeoutError, asyncpg.PostgresError):
                connection.terminate()

    def drop_if_broken(self) -> None:
        """After a failure: a closed connection lost the lease with its session."""
        if self._connection is not None and self._connection.is_closed():
            self._forget()

    def _lost(self, connection: asyncpg.Connection) -> None:
        if connection is not self._connection:
            return  # one this lease closed itself
        if self.held:
            log.warning("outbox_lease_lost", channel=self.channel)
        self._forget()
        self._on_notify()  # the relay's next round reconnects and tries again

    def _forget(self) -> None:
        self._connection = None
        self._listening = False
        self.held = False

    def _notified(self, *_args: object) -> None:
        self._on_notify()
