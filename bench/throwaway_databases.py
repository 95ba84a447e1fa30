"""The PostgreSQL databases a bench creates for one run (``<prefix>_<service>``), dropped when
the run ends, Ctrl-C included, unless the caller keeps them for a look afterwards."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from contextlib import contextmanager

from processes import log
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine
from sqlalchemy.pool import NullPool

# A run's prefix is generated (``bc_1a2b3c4d``): anything else would risk a LIKE that
# matches other people's databases on the shared server.
PREFIX = re.compile(r"[a-z]{2}_[0-9a-f]{8}")
DROP_ATTEMPTS = 8


async def drop_databases(server_url: str, prefix: str) -> list[str]:
    """Drop every database on ``server_url``'s server named ``prefix`` or ``prefix_…``;
    the names dropped. Open connections to them are closed (``WITH (FORCE)``)."""
    if not PREFIX.fullmatch(prefix):
        raise ValueError(f"not a generated database prefix: {prefix!r}")
    admin = create_async_engine(
        make_url(server_url).set(database="postgres"),
        isolation_level="AUTOCOMMIT",
        poolclass=NullPool,
    )
    try:
        async with admin.connect() as conn:
            names = list(
                (
                    await conn.execute(
                        text(
                            "SELECT datname FROM pg_database"
                            " WHERE datname = :prefix OR datname LIKE :pattern"
                        ),
                        {"prefix": prefix, "pattern": prefix.replace("_", r"\_") + r"\_%"},
                    )
                ).scalars()
            )
            for name in names:
                await _drop(conn, name)
    finally:
        await admin.dispose()
    return names


async def _drop(conn: AsyncConnection, name: str) -> None:
    """``DROP DATABASE … WITH (FORCE)``, tried again for a few seconds: a role without
    superuser cannot end an autovacuum worker that is in the database at that moment."""
    for attempt in range(DROP_ATTEMPTS):
        try:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            return
        except DBAPIError:
            if attempt == DROP_ATTEMPTS - 1:
                raise
            await asyncio.sleep(0.2 * (attempt + 1))


@contextmanager
def throwaway_databases(server_url: str, prefix: str, *, keep: bool = False) -> Iterator[None]:
    """Drop the ``prefix`` databases when the block ends, however it ends (``keep``: leave
    them, and say where they are)."""
    try:
        yield
    finally:
        if keep:
            log(f"kept the databases {prefix}* (--keep)")
        else:
            dropped = asyncio.run(drop_databases(server_url, prefix))
            log(f"dropped {len(dropped)} databases {prefix}*")
