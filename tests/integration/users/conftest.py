from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
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
from subgraphs.users.throttle import AttemptThrottle
from tests.conftest import unique_name
from tests.support.columns import adapter_urls
from tests.support.passwords import FAST_PASSWORD_HASHING
from tests.support.subgraph import graphql_with_status


@dataclass
class Users:
    """A migrated users subgraph and an HTTP client for it."""

    app: Starlette
    client: httpx.AsyncClient
    settings: Settings

    async def gql(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> dict[str, Any]:
        return await graphql_with_status(self.client, query, variables, token)

    async def events(self, type_: str | None = None) -> list[Event]:
        async with self.app.state.db.session() as session:
            rows = (await session.execute(select(outbox.c.event).order_by(outbox.c.seq))).all()
        found = [Event.from_bytes(row.event) for row in rows]
        return [e for e in found if type_ is None or e.type == type_]


@asynccontextmanager
async def users_subgraph(
    database_url: str, tmp_path: Path, *, client_address: str = "127.0.0.1", **overrides: Any
) -> AsyncIterator[Users]:
    """The users subgraph on ``database_url`` (migrated) and, on the same column, the
    in-process bus and store (SQLite) or Kafka and Redis (PostgreSQL); requests come from
    ``client_address``.
    Its throttle counters live under a prefix of their own, so runs never share them."""
    await migrate("users", database_url)
    values: dict[str, Any] = {
        "environment": "test",
        "database_url": database_url,
        **adapter_urls(database_url),
        "data_dir": tmp_path,
        "admin_email": "admin@shop.test",
        "admin_password": "admin-secret-123",
        **FAST_PASSWORD_HASHING,
    }
    settings = load_settings(**(values | overrides))
    app = create_app(settings)
    kv = app.state.resources.kv
    app.state.users.throttle = AttemptThrottle(kv, prefix=unique_name("users:throttle"))
    transport = httpx.ASGITransport(app=app, client=(client_address, 50000))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://users") as client:
            yield Users(app, client, settings)
    finally:
        await kv.close()
        await app.state.db.dispose()


@pytest.fixture
async def users(database_url: str, tmp_path: Path) -> AsyncIterator[Users]:
    async with users_subgraph(database_url, tmp_path) as subgraph:
        yield subgraph


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
    accessToken refreshToken user { id email roles } errors { code field message } retryAfter
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
