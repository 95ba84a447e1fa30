"""A migrated analytics subgraph behind an HTTP client, with its service to feed events."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from shopgraph.auth.keys import SigningKey
from shopgraph.auth.tokens import TokenIssuer
from shopgraph.events.envelope import Event
from subgraphs.analytics.app import create_app
from subgraphs.analytics.service import AnalyticsService
from tests.support.subgraph import migrated_subgraph


@dataclass
class Analytics:
    client: httpx.AsyncClient
    service: AnalyticsService
    issuer: TokenIssuer

    def token(self, role: str) -> str:
        return self.issuer.access_token(subject=str(uuid.uuid4()), roles=[role]).token

    async def gql(
        self, query: str, variables: dict[str, Any] | None = None, *, role: str | None = "STAFF"
    ) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {self.token(role)}"} if role else {}
        response = await self.client.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
        body: dict[str, Any] = response.json()
        return body

    async def apply(self, topic: str, event: Event) -> bool:
        return await self.service.apply(topic, event)


@pytest.fixture
async def analytics(
    database_url: str, tmp_path: Path, signing_key: SigningKey
) -> AsyncIterator[Analytics]:
    settings, resources = await migrated_subgraph(
        "analytics", database_url, tmp_path, signing_key, outbox=None
    )
    app = create_app(settings, resources=resources)
    await resources.start()
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://analytics") as client:
            yield Analytics(
                client, app.state.analytics, TokenIssuer.from_settings(settings, signing_key)
            )
    finally:
        await resources.stop()
