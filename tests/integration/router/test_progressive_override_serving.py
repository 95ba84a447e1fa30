"""Progressive @override through a running gateway in front of two real Strawberry subgraphs:
a ``percent(50)`` field is answered by its new owner in about half of the requests, and every
field of one request that shares the label comes from the same owner (one draw per request)."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import pytest
import strawberry
import uvicorn
from strawberry.asgi import GraphQL
from strawberry.federation.schema_directives import Override

from router.compose import SubgraphSource, compose
from router.gateway import Gateway
from tests.integration.router.test_execution import _free_port

REQUESTS = 200


HALF = Override(override_from="old", label="percent(50)")


@strawberry.federation.type(keys=["id"], name="Widget")
class OldWidget:
    id: strawberry.ID
    price: int = 1
    colour: str = "old"

    @classmethod
    def resolve_reference(cls, id: strawberry.ID, **_: Any) -> OldWidget:
        return cls(id=id)


@strawberry.type
class OldQuery:
    @strawberry.field
    def widget(self) -> OldWidget:
        return OldWidget(id=strawberry.ID("w1"))


@strawberry.federation.type(keys=["id"], name="Widget")
class NewWidget:
    id: strawberry.ID
    price: int = strawberry.federation.field(default=2, override=HALF)
    colour: str = strawberry.federation.field(default="new", override=HALF)

    @classmethod
    def resolve_reference(cls, id: strawberry.ID, **_: Any) -> NewWidget:
        return cls(id=id)


@strawberry.type
class NewQuery:
    @strawberry.field
    def new_owner_alive(self) -> bool:
        return True


def _old_schema() -> strawberry.federation.Schema:
    return strawberry.federation.Schema(query=OldQuery, federation_version="2.9")


def _new_schema() -> strawberry.federation.Schema:
    return strawberry.federation.Schema(query=NewQuery, types=[NewWidget], federation_version="2.9")


@pytest.fixture(scope="module")
async def gateway() -> AsyncIterator[Gateway]:
    servers: list[tuple[uvicorn.Server, asyncio.Task[None]]] = []
    sources = []
    for name, schema in (("old", _old_schema()), ("new", _new_schema())):
        port = _free_port()
        server = uvicorn.Server(
            uvicorn.Config(GraphQL(schema), host="127.0.0.1", port=port, log_level="warning")
        )
        servers.append((server, asyncio.create_task(server.serve())))
        for _ in range(200):
            if server.started:
                break
            await asyncio.sleep(0.02)
        assert server.started, f"{name} did not start"
        sdl = schema.execute_sync("{ _service { sdl } }").data["_service"]["sdl"]  # type: ignore[index]
        sources.append(SubgraphSource(name, f"http://127.0.0.1:{port}/graphql", sdl))
    gw = Gateway.from_supergraph(compose(sources))
    yield gw
    await gw.close()
    for server, task in servers:
        server.should_exit = True
        await task


async def test_a_percent_label_splits_requests_and_each_request_is_consistent(
    gateway: Gateway,
) -> None:
    owners: Counter[str] = Counter()
    for _ in range(REQUESTS):
        result = await gateway.execute("{ widget { id price colour } }", None, None, {})
        assert "errors" not in result, result
        widget = result["data"]["widget"]
        # both fields share the label: one draw decides both
        assert (widget["price"], widget["colour"]) in {(1, "old"), (2, "new")}
        owners[widget["colour"]] += 1
    # Binomial(200, 0.5): outside [60, 140] has probability below 1e-8.
    assert 60 <= owners["new"] <= 140, owners
