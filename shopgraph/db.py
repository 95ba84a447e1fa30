"""Database port: one async SQLAlchemy engine per service.

SQLite (aiosqlite, WAL) is the embedded default; PostgreSQL (asyncpg) is chosen by URL.
``Database.transaction()`` is the unit of work: everything written inside it, domain rows and
outbox rows alike, commits or rolls back together.
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
import uuid
import weakref
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    CompoundSelect,
    DateTime,
    Dialect,
    Insert,
    MetaData,
    Select,
    Table,
    TypeDecorator,
    event,
    literal,
    select,
    text,
    union_all,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.pool import NullPool
from sqlalchemy.types import TypeEngine

from shopgraph.db_ping import ping_when_idle
from shopgraph.sqlite_driver import OneHopDBAPI
from shopgraph.tracing import trace_engine

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_metadata() -> MetaData:
    return MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on both backends (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: use datetime.now(UTC)")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class ServiceBase(DeclarativeBase):
    """Subclass once per service (with its own ``metadata``) so services never share tables."""

    __abstract__ = True


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


# What repository reads run on: a Core connection (:meth:`Database.read_connection`) or a
# session inside a caller's unit of work.
Queryable = AsyncConnection | AsyncSession

# A transaction left open by a stalled or abandoned task must not hold row locks (the hot
# stock row) until the process dies: PostgreSQL ends such a session after a minute.
POSTGRES_SESSION_SETTINGS = {"idle_in_transaction_session_timeout": "60000"}


def create_engine(url: str, *, pool_size: int = 20, ping: bool = True) -> AsyncEngine:
    """``pool_size``: PostgreSQL connections kept open; a burst may open as many again,
    closed when returned (see :func:`postgres_pool_options`)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, **sqlite_engine_options(parsed, pool_size))
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    else:
        engine = create_async_engine(url, **postgres_pool_options(parsed, pool_size))
        if ping:
            ping_when_idle(engine)
    trace_engine(engine)
    return engine


def sqlite_engine_options(url: URL, pool_size: int) -> dict[str, Any]:
    """Engine options for SQLite (statements through :mod:`shopgraph.sqlite_driver`).

    A file's pool keeps ``pool_size`` connections open, and a burst may open as many
    again, closed when returned. SQLAlchemy's default keeps five: under make dev's checkout
    load, with fifty requests in flight, the others were opened and closed all the time,
    each a new aiosqlite thread and several hand-offs for the connect pragmas. SQLite's
    connections take no server slots, so keeping more costs only idle threads.
    """
    options: dict[str, Any] = {"connect_args": {"timeout": 30}, "module": OneHopDBAPI()}
    if url.database and url.database != ":memory:":  # in memory: one connection, StaticPool
        options |= {"pool_size": pool_size, "max_overflow": pool_size}
    return options


def postgres_pool_options(url: URL, pool_size: int) -> dict[str, Any]:
    """Engine options for PostgreSQL.

    ``pool_size`` connections stay open, as many again may be opened by a burst and are
    closed when returned. Keeping the burst's connections too was tried: a scale-out stack
    has about twenty engines, and several stacks share one server in tests and benches,
    whose 300 connection slots then ran out; a burst's reconnects cost less than that.

    A server on this host's loopback is reached without TLS unless the URL (``ssl`` /
    ``sslmode``) or ``PGSSLMODE`` says otherwise: asyncpg's default, ``prefer``, builds an
    SSL context for every new connection, and traffic that never leaves the host gains
    nothing from it.
    """
    connect_args: dict[str, Any] = {"server_settings": POSTGRES_SESSION_SETTINGS}
    if _on_loopback(url.host) and not _tls_chosen(url):
        connect_args["ssl"] = False
    return {
        "pool_size": pool_size,
        "max_overflow": pool_size,
        "pool_use_lifo": True,
        "connect_args": connect_args,
    }


def _on_loopback(host: str | None) -> bool:
    if host == "localhost":
        return True
    try:
        return host is not None and ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _tls_chosen(url: URL) -> bool:
    return "ssl" in url.query or "sslmode" in url.query or "PGSSLMODE" in os.environ


class Database:
    """An engine and session factory for one service's database.

    ``ping``: test a pooled connection that sat idle with a round trip before handing it
    out (:mod:`shopgraph.db_ping`), so a request after a database restart does not fail on
    a dead connection. Workers turn it off: a handler that fails that way is retried by the
    consumer runtime on a fresh connection (the failure invalidates the pool), and the round
    trip would cost every event.
    """

    def __init__(self, url: str, *, pool_size: int = 20, ping: bool = True) -> None:
        self.url = url
        self.pool_size = pool_size
        self.engine = create_engine(url, pool_size=pool_size, ping=ping)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        # PostgreSQL reads without BEGIN/ROLLBACK (see :meth:`read`); SQLite's transactions
        # cost no round trip, so it reads as it writes.
        self._read_engine = (
            self.engine.execution_options(isolation_level="AUTOCOMMIT")
            if self.is_postgres
            else self.engine
        )
        self._reads = (
            async_sessionmaker(self._read_engine, expire_on_commit=False)
            if self.is_postgres
            else self.sessions
        )
        # SQLite allows one writer per file; serialising writers in-process avoids "database
        # is locked" waits in SQLite's busy handler while WAL keeps readers unblocked.
        self._sqlite_file = _sqlite_file(url) if self.is_sqlite else None

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def is_postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A session for reads (no implicit commit)."""
        async with self.sessions() as session:
            yield session

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        """A session for plain reads on the hot path: on PostgreSQL each statement runs in
        its own implicit transaction, saving the BEGIN and ROLLBACK round trips of
        :meth:`session`. Under READ COMMITTED every statement sees its own snapshot either
        way; not for writes, locking reads or ``stream()`` (server-side cursors)."""
        async with self._reads() as session:
            yield session

    @asynccontextmanager
    async def read_connection(self) -> AsyncIterator[AsyncConnection]:
        """:meth:`read` without the ORM session, for hot-path reads whose rows only become
        records: no session, session transaction or identity map to set up and close on
        every call. The same rules as :meth:`read`: plain reads only. Repository functions
        that serve both take a :data:`Queryable`."""
        async with self._read_engine.connect() as connection:
            yield connection

    @asynccontextmanager
    async def single_statement(self) -> AsyncIterator[AsyncSession]:
        """For a write that is ONE statement (data-modifying CTEs included): on PostgreSQL a
        statement outside a transaction block is atomic on its own, so it runs without the
        BEGIN and COMMIT round trips of :meth:`transaction`; elsewhere it is a
        :meth:`transaction`. Never for two statements that must commit together."""
        if self.is_postgres:
            async with self._reads() as session:
                yield session
        else:
            async with self.transaction() as session:
                yield session

    @asynccontextmanager
    async def statement_connection(self) -> AsyncIterator[AsyncConnection]:
        """:meth:`single_statement` without the ORM session, PostgreSQL only: a connection
        on which each statement commits on its own, for a hot-path write that is ONE
        statement (data-modifying CTEs included)."""
        if not self.is_postgres:
            raise RuntimeError("statement_connection() is for PostgreSQL; use transaction()")
        async with self._read_engine.connect() as connection:
            yield connection

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """Unit of work: commits on success, rolls back on any exception."""
        if self._sqlite_file is not None:
            # The writer lock covers BEGIN to COMMIT (or ROLLBACK) only, taken after the
            # session opens and released before it closes: closing yields to the event
            # loop, and the next writer need not wait for that.
            writer = _writer_lock(self._sqlite_file)
            async with self.sessions() as session, writer, session.begin():
                yield session
        else:
            async with self.sessions() as session, session.begin():
                yield session

    async def warm(self, connections: int) -> int:
        """Opens up to ``connections`` pooled connections now, side by side, and returns how
        many: a burst of first requests then finds them open instead of each paying for a
        connect (and PostgreSQL for a new backend). PostgreSQL only (a SQLite connection
        costs no round trip); at most the pool size, since the pool closes any beyond it.

        Every attempt is waited for before any is returned to the pool: when the server
        refuses some (out of connection slots), the ones it accepted are still pooled rather
        than left to the garbage collector, and the first refusal is raised after them."""
        if not self.is_postgres or connections <= 0:
            return 0
        async with AsyncExitStack() as opened:
            attempts = await asyncio.gather(
                *(
                    opened.enter_async_context(self.engine.connect())
                    for _ in range(min(connections, self.pool_size))
                ),
                return_exceptions=True,
            )
        refused = [a for a in attempts if isinstance(a, BaseException)]
        if refused:
            raise refused[0]
        return len(attempts)

    async def dispose(self) -> None:
        await self.engine.dispose()


def _sqlite_file(url: str) -> str:
    """The file behind a SQLite URL (in-memory databases are private to their engine)."""
    database = make_url(url).database
    if not database or database == ":memory:":
        return f":memory:{uuid.uuid4()}"
    return str(Path(database).resolve())


# One writer lock per SQLite file and event loop, shared by every Database on that file: in
# `make dev` a service and its worker groups open the same file through separate engines.
_WRITER_LOCKS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, asyncio.Lock]] = (
    weakref.WeakKeyDictionary()
)


def _writer_lock(sqlite_file: str) -> asyncio.Lock:
    per_file = _WRITER_LOCKS.setdefault(asyncio.get_running_loop(), {})
    lock = per_file.get(sqlite_file)
    if lock is None:
        lock = per_file[sqlite_file] = asyncio.Lock()
    return lock


async def insert_if_absent(
    session: AsyncSession, table: Table, values: Mapping[str, Any], *, unique: Sequence[str]
) -> bool:
    """Insert the row unless one with the same ``unique`` columns exists; True if inserted.

    ``INSERT … ON CONFLICT DO NOTHING``: under concurrency the loser waits for the winner's
    transaction (PostgreSQL) or for the writer lock (SQLite) and then inserts nothing.
    """
    dialect = session.bind.dialect.name if session.bind is not None else ""
    if dialect == "postgresql":
        pg_stmt = (
            postgresql.insert(table)
            .values(dict(values))
            .on_conflict_do_nothing(index_elements=list(unique))
            .returning(*table.primary_key.columns)
        )
        return (await session.execute(pg_stmt)).first() is not None
    if dialect == "sqlite":
        lite_stmt = sqlite.insert(table).values(dict(values)).on_conflict_do_nothing()
        lite_result = await session.execute(lite_stmt)
        return bool(getattr(lite_result, "rowcount", 0) == 1)
    try:  # any other dialect: rely on the unique constraint inside a savepoint
        async with session.begin_nested():
            await session.execute(table.insert().values(dict(values)))
    except IntegrityError:
        return False
    return True


def insert_rows(table: Table, rows: Sequence[Mapping[str, Any]]) -> Insert:
    """An INSERT of ``rows`` (all with the same keys) that SQLAlchemy compiles once per
    table, keys and row count. A multi-row ``.values([...])`` is never cached: it would be
    compiled again on every call, which on a hot path costs more than running it."""
    if not rows:
        raise ValueError(f"no rows to insert into {table.name}")
    types = {key: table.c[key].type for key in rows[0]}
    return table.insert().from_select(list(types), rows_select(types, rows))


def rows_select(
    types: Mapping[str, TypeEngine[Any]], rows: Sequence[Mapping[str, Any]]
) -> Select[Any] | CompoundSelect[Any]:
    """``rows`` as a SELECT of bound literals (``UNION ALL`` of one SELECT per row), columns
    named and typed by ``types``: cacheable, unlike ``values().data()``."""
    selects = [
        select(*(literal(row[key], type_).label(key) for key, type_ in types.items()))
        for row in rows
    ]
    return selects[0] if len(selects) == 1 else union_all(*selects)


def is_serialization_failure(exc: BaseException) -> bool:
    """True for errors worth retrying: PostgreSQL serialization failures and deadlocks."""
    if not isinstance(exc, DBAPIError):
        return False
    code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    return code in {"40001", "40P01"}


async def ensure_database(url: str) -> None:
    """Create the PostgreSQL database named in ``url`` if it does not exist yet.

    One database per service means a fresh server needs them created; the role must have
    CREATEDB. SQLite files are created on first connect, so nothing to do there.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql" or not parsed.database:
        return
    admin = create_async_engine(
        parsed.set(database="postgres"), isolation_level="AUTOCOMMIT", poolclass=NullPool
    )
    try:
        async with admin.connect() as conn:
            exists = await conn.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"),
                {"name": parsed.database},
            )
            if not exists:
                quoted = parsed.database.replace('"', '""')
                try:
                    await conn.execute(text(f'CREATE DATABASE "{quoted}"'))
                except DBAPIError as exc:  # created concurrently by another process
                    if "already exists" not in str(exc):
                        raise
    finally:
        await admin.dispose()
