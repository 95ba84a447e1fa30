"""Which format a query's or mutation's one result goes out in, by the client's ``Accept``."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from router.plugins.hot_reload import GatewayHolder
from router.result_streams import ResultFormat, result_format
from router.server import create_router_app
from tests.unit.router.test_server_http import FakeGateway


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("", "json"),
        ("application/json", "json"),
        ("*/*", "json"),
        ("text/event-stream", "sse"),
        ("text/event-stream, application/json", "json"),
        ("multipart/mixed;deferSpec=20220824, application/json", "json"),
        ("application/json;q=0, text/event-stream", "sse"),
        ("multipart/mixed", "multipart"),
        ("multipart/mixed;deferSpec=20220824", "multipart"),
        ('multipart/mixed;subscriptionSpec="1.0"', "multipart-subscription"),
        ("text/event-stream, multipart/mixed", "sse"),
        ("multipart/mixed, text/event-stream", "multipart"),
        ("text/html", "json"),
    ],
)
def test_json_whenever_accepted_else_the_first_stream_format(
    accept: str, expected: ResultFormat
) -> None:
    assert result_format(accept) == expected


def test_a_mutation_over_sse_gets_one_next_event_then_complete() -> None:
    gateway = FakeGateway({"data": {"placeOrder": True}})
    client = TestClient(create_router_app(GatewayHolder(gateway)))
    response = client.post(
        "/graphql",
        json={"query": "mutation { placeOrder }"},
        headers={"accept": "text/event-stream"},
    )
    assert response.headers["content-type"].startswith("text/event-stream")
    assert response.text == (
        'event: next\ndata: {"data":{"placeOrder":true}}\n\nevent: complete\ndata:\n\n'
    )


def test_refusals_stay_json_errors_for_stream_clients() -> None:
    client = TestClient(create_router_app(GatewayHolder(FakeGateway())))
    response = client.post(
        "/graphql", json={"query": "{ a"}, headers={"accept": "text/event-stream"}
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
