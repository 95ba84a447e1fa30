"""Dropping the throwaway PostgreSQL databases a test platform created."""

from __future__ import annotations

import asyncio

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from tests.conftest import drop_postgres_database


async def drop_databases_with_prefix(url_template: str) -> None:
    """Drop every database whose name starts like ``url_template``'s (``…/prefix_{service}``)."""
    parsed = make_url(url_template.replace("{service}", "x"))
    assert parsed.database is not None
    prefix = parsed.database.removesuffix("x")
    admin_url = parsed.set(database="postgres").render_as_string(hide_password=False)
    admin = create_async_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            result = await conn.execute(
                text("SELECT datname FROM pg_database WHERE datname LIKE :p"),
                {"p": prefix.replace("_", r"\_") + "%"},
            )
            names = list(result.scalars())
    finally:
        await admin.dispose()
    await asyncio.gather(*(drop_postgres_database(admin_url, name) for name in names))
