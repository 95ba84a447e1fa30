"""One migrated subgraph under test: its settings and resources on a test database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
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


async def graphql_with_status(
    client: httpx.AsyncClient,
    query: str,
    variables: dict[str, Any] | None = None,
    token: str | None = None,
) -> dict[str, Any]:
    """The response body of an operation posted to a subgraph's ``/graphql`` (as ``token``'s
    bearer), with the HTTP status under ``_status``."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
    )
    body: dict[str, Any] = response.json()
    body["_status"] = response.status_code
    return body
