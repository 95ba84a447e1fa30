"""The checkout bench's lean client sends what a GraphQL client sends (the operation, its
variables, the shopper's token), counts every HTTP status and tells errors apart."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from graphql_client import GraphQLError, Operation, graphql_client

ADD = Operation.of('mutation($i: AddToCartInput!) { addToCart(input: $i) { errors { code "é" } } }')


@pytest.fixture
async def server() -> AsyncIterator[tuple[str, list[dict[str, Any]]]]:
    """Answers as its request's ``variables.answer`` says; records what it was sent."""
    received: list[dict[str, Any]] = []

    async def graphql(request: web.Request) -> web.Response:
        body = json.loads(await request.read())
        received.append({"body": body, "authorization": request.headers.get("Authorization")})
        status, text = body["variables"]["answer"]
        return web.Response(status=status, text=text, content_type="application/json")

    app = web.Application()
    app.router.add_post("/graphql", graphql)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}/graphql", received
    finally:
        await runner.cleanup()


async def test_sends_the_operation_variables_and_token_and_returns_data(
    server: tuple[str, list[dict[str, Any]]],
) -> None:
    url, received = server
    variables = {"i": {"productId": "p-1", "quantity": 1}, "answer": [200, '{"data":{"ok":1}}']}
    async with graphql_client(url, connections=2) as client:
        assert await client.call(ADD, variables, "token-1") == {"ok": 1}
        assert await client.call(ADD, variables) == {"ok": 1}
    sent = {"query": ADD.document, "variables": variables}
    assert received == [
        {"body": sent, "authorization": "Bearer token-1"},
        {"body": sent, "authorization": None},
    ]
    assert client.statuses == {200: 2}


async def test_graphql_errors_and_non_json_5xx_raise_and_every_status_is_counted(
    server: tuple[str, list[dict[str, Any]]],
) -> None:
    url, _ = server
    errors = {"answer": [200, '{"errors":[{"message":"no such product"}],"data":null}']}
    crash = {"answer": [502, "Bad Gateway"]}
    async with graphql_client(url, connections=2) as client:
        with pytest.raises(GraphQLError, match="no such product"):
            await client.call(ADD, errors)
        with pytest.raises(GraphQLError, match="HTTP 502, not JSON"):
            await client.call(ADD, crash)
    assert client.statuses == {200: 1, 502: 1}
