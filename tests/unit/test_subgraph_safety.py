"""Hostile input to a subgraph is a client error, answered without stalling (issue #11)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import strawberry
from starlette.applications import Starlette
from starlette.types import Message

from shopgraph.app import create_subgraph_app
from shopgraph.auth.principal import ANONYMOUS, Principal
from shopgraph.errors import BadUserInput, DomainError
from shopgraph.money import MoneyInput
from shopgraph.settings import Environment, load_settings
from tests.unit.test_document_shape import fragment_fan_out


class Anonymous:
    async def principal_from_header(self, value: str | None) -> Principal:
        return ANONYMOUS


@strawberry.type
class Query:
    @strawberry.field
    def minor_units(self, price: MoneyInput) -> int:
        try:
            return price.to_minor()[0]
        except DomainError as exc:
            raise BadUserInput(exc.message) from None

    @strawberry.field
    def product_name(self) -> str:
        return "Mug"


def subgraph_app(environment: Environment = Environment.DEV, **options: Any) -> Starlette:
    from shopgraph.graphql import federation_schema

    settings = load_settings(environment=environment, max_query_depth=5, max_aliases=3)
    return create_subgraph_app(
        service="test",
        settings=settings,
        schema=federation_schema(settings, query=Query),
        principals=Anonymous(),
        **options,
    )


def app_client(environment: Environment = Environment.DEV) -> httpx.AsyncClient:
    app = subgraph_app(environment)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


SCOPE = {
    "type": "http",
    "method": "POST",
    "path": "/graphql",
    "headers": [(b"content-type", b"application/json")],
    "query_string": b"",
    "client": ("127.0.0.1", 5000),
}


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with app_client() as c:
        yield c


async def post(client: httpx.AsyncClient, body: Any) -> httpx.Response:
    return await client.post("/graphql", json=body)


def codes(response: httpx.Response) -> list[str]:
    return [e["extensions"]["code"] for e in response.json()["errors"]]


async def test_the_fragment_fan_out_query_is_answered(client: httpx.AsyncClient) -> None:
    response = await post(client, {"query": fragment_fan_out()})
    assert response.json() == {"data": {"__typename": "Query"}}


async def test_an_unknown_fragment_is_a_validation_error(client: httpx.AsyncClient) -> None:
    response = await post(client, {"query": "{ ...Nope }"})
    assert codes(response) == ["GRAPHQL_VALIDATION_FAILED"]
    assert "Nope" in response.json()["errors"][0]["message"]


@pytest.mark.parametrize("amount", ["1e999999999", "abc", "1e-999999999", "NaN"])
async def test_bad_decimal_amounts_are_bad_user_input(
    client: httpx.AsyncClient, amount: str
) -> None:
    literal = await post(
        client, {"query": f'{{ minorUnits(price: {{amount: "{amount}", currency: "USD"}}) }}'}
    )
    variable = await post(
        client,
        {
            "query": "query Q($p: MoneyInput!) { minorUnits(price: $p) }",
            "variables": {"p": {"amount": amount, "currency": "USD"}},
        },
    )
    assert codes(literal) == ["BAD_USER_INPUT"], literal.json()
    assert codes(variable) == ["BAD_USER_INPUT"], variable.json()


async def test_good_amounts_still_convert(client: httpx.AsyncClient) -> None:
    response = await post(
        client, {"query": '{ minorUnits(price: {amount: "19.90", currency: "USD"}) }'}
    )
    assert response.json() == {"data": {"minorUnits": 1990}}


async def test_deeply_nested_json_is_a_400(client: httpx.AsyncClient) -> None:
    nested = "[" * 5000 + "]" * 5000
    body = '{"query": "{ productName }", "variables": {"x": ' + nested + "}}"
    beyond_orjson = await client.post(
        "/graphql", content=body, headers={"content-type": "application/json"}
    )
    shallower = '{"query": "{ productName }", "variables": {"x": ' + "[" * 500 + "]" * 500 + "}}"
    below_orjson = await client.post(
        "/graphql", content=shallower, headers={"content-type": "application/json"}
    )
    assert beyond_orjson.status_code == 400
    assert below_orjson.status_code == 400


async def test_production_does_not_suggest_field_names() -> None:
    query = {"query": "{ productNam }"}
    async with app_client() as dev, app_client(Environment.PRODUCTION) as production:
        in_dev = (await post(dev, query)).json()["errors"][0]["message"]
        in_production = (await post(production, query)).json()["errors"][0]["message"]
    assert "Did you mean 'productName'?" in in_dev
    assert in_production == "Cannot query field 'productNam' on type 'Query'."


async def test_a_body_that_never_finishes_is_answered_408() -> None:
    app = subgraph_app(body_timeout_seconds=0.2)
    chunks = iter([{"type": "http.request", "body": b'{"query": "{ prod', "more_body": True}])
    sent: list[Message] = []

    async def receive() -> dict[str, Any]:
        chunk = next(chunks, None)
        if chunk is None:
            await asyncio.Event().wait()  # the rest of the body never comes
        assert chunk is not None
        return chunk

    async def send(message: Message) -> None:
        sent.append(message)

    await app(dict(SCOPE), receive, send)
    assert sent[0]["status"] == 408
    assert b"REQUEST_TIMEOUT" in sent[1]["body"]


async def test_a_client_gone_before_its_body_is_an_info_line() -> None:
    from structlog.testing import capture_logs

    sent: list[Message] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)

    with capture_logs() as logs:
        await subgraph_app()(dict(SCOPE), receive, send)
    assert ("client_disconnected", "info") in [(e["event"], e["log_level"]) for e in logs]
    assert not [e for e in logs if e["log_level"] == "error"]
    assert sent == []
