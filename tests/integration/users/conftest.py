from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from starlette.applications import Starlette

from bootstrap.migrate import migrate
from shopgraph.events.envelope import Event
from shopgraph.settings import Settings, load_settings
from subgraphs.users.app import create_app
from subgraphs.users.models import outbox
from tests.support.columns import adapter_urls


@dataclass
class Users:
    """A migrated users subgraph and an HTTP client for it."""

    app: Starlette
    client: httpx.AsyncClient
    settings: Settings

    async def gql(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = await self.client.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
        body: dict[str, Any] = response.json()
        body["_status"] = response.status_code
        return body

    async def events(self, type_: str | None = None) -> list[Event]:
        async with self.app.state.db.session() as session:
            rows = (await session.execute(select(outbox.c.event).order_by(outbox.c.seq))).all()
        found = [Event.from_bytes(row.event) for row in rows]
        return [e for e in found if type_ is None or e.type == type_]


@pytest.fixture
async def users(database_url: str, tmp_path: Path) -> AsyncIterator[Users]:
    await migrate("users", database_url)
    settings = load_settings(
        environment="test",
        database_url=database_url,
        data_dir=tmp_path,
        **adapter_urls(database_url),
        admin_email="admin@shop.test",
        admin_password="admin-secret-123",
    )
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://users") as client:
        yield Users(app, client, settings)
    await app.state.db.dispose()


REGISTER = """
mutation($input: RegisterInput!) {
  register(input: $input) {
    accessToken refreshToken expiresIn
    user { id email firstName lastName roles createdAt }
    errors { code field message }
  }
}"""

LOGIN = """
mutation($input: LoginInput!) {
  login(input: $input) {
    accessToken refreshToken user { id email roles } errors { code field message }
  }
}"""

REFRESH = """
mutation($t: String!) {
  refreshToken(refreshToken: $t) { accessToken refreshToken user { id } errors { code field } }
}"""

ME = "{ me { id email firstName lastName roles createdAt } }"


async def register(
    users: Users,
    email: str = "alice@example.com",
    password: str = "correct-horse-42",
    first: str = "Alice",
    last: str = "Liddell",
) -> dict[str, Any]:
    body = await users.gql(
        REGISTER,
        {"input": {"email": email, "password": password, "firstName": first, "lastName": last}},
    )
    payload: dict[str, Any] = body["data"]["register"]
    return payload
