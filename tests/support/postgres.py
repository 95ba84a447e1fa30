"""Creating and dropping throwaway PostgreSQL databases for tests."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine


async def drop_databases_with_prefix(url_template: str) -> None:
    """Drop every database whose name starts like ``url_template``'s (``…/prefix_{service}``)."""
    parsed = make_url(url_template.replace("{service}", "x"))
    assert parsed.database is not None
    prefix = parsed.database.removesuffix("x")
    admin = create_async_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            names = (
                await conn.execute(
                    text("SELECT datname FROM pg_database WHERE datname LIKE :p"),
                    {"p": prefix.replace("_", r"\_") + "%"},
                )
            ).scalars()
            for name in list(names):
                await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        await admin.dispose()
