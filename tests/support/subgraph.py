"""One migrated subgraph under test: its settings and resources on a test database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Table

from bootstrap.migrate import migrate
from shopgraph.auth.keys import SigningKey
from shopgraph.auth.verify import TokenVerifier
from shopgraph.resources import ServiceResources
from shopgraph.settings import Settings, load_settings
from tests.support.columns import adapter_urls


async def migrated_subgraph(
    service: str,
    database_url: str,
    tmp_path: Path,
    signing_key: SigningKey,
    *,
    outbox: Table | None,
    **overrides: Any,
) -> tuple[Settings, ServiceResources]:
    """Migrate ``service``'s database and build its resources with a bus and store of the
    database's column, private to the test; tokens signed by ``signing_key`` are accepted."""
    await migrate(service, database_url)
    values: dict[str, Any] = {
        "environment": "test",
        "database_url": database_url,
        "data_dir": tmp_path,
        **adapter_urls(database_url),
    }
    settings = load_settings(**(values | overrides))
    resources = ServiceResources.from_settings(
        settings,
        service,
        outbox=outbox,
        principals=TokenVerifier.from_settings(settings, [signing_key]),
    )
    return settings, resources
