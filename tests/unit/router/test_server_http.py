"""The router's HTTP surface with a fake gateway: gates, limits, codes, plans, GraphiQL."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from graphql import get_introspection_query
from starlette.testclient import TestClient

from router.assets import ASSET_FILES
from router.graphiql import GraphiQL
from router.plugins.hot_reload import GatewayHolder
from router.plugins.limits import OperationLimits
from router.plugins.rate_limit import FixedWindowRateLimiter
from router.server import ServerConfig, create_router_app
from shopgraph.auth.principal import ANONYMOUS, Principal
from shopgraph.errors import Unauthenticated
from shopgraph.kv import memory_store

JSON = {"content-type": "application/json"}


@dataclass(frozen=True)
class FetchNode:
    subgraph: str
    operation: str


class FakeGateway:
    def __init__(self, answer: dict[str, Any] | None = None, fail: bool = False) -> None:
        self.answer = answer or {"data": {"hello": "world"}}
        self.fail = fail
        self.calls: list[tuple[str, Any, Any, dict[str, str]]] = []
        self.closed = False

    async def execute(
        self,
        query: str,
        variables: Mapping[str, Any] | None,
        operation_name: str | None,
        headers: Mapping[str, str],
    ) -> dict[str, Any]:
        if self.fail:
            raise RuntimeError("secret database password in this message")
        self.calls.append((query, variables, operation_name, dict(headers)))
        return self.answer

    def plan(self, query: str, operation_name: str | None) -> Any:
        return FetchNode("products", "{ hello }")

    def subscription_root(self, query: str, operation_name: str | None) -> tuple[str, str, str]:
        raise AssertionError("the HTTP tests never subscribe")

    async def resolve_event(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        raise AssertionError("the HTTP tests never subscribe")

    async def close(self) -> None:
        self.closed = True


def client_for(gateway: FakeGateway, **kwargs: Any) -> TestClient:
    config = kwargs.pop("config", ServerConfig())
    return TestClient(create_router_app(GatewayHolder(gateway), config, **kwargs))


def test_post_runs_the_operation_and_forwards_auth_and_request_id() -> None:
    gateway = FakeGateway()
    with client_for(gateway) as client:
        response = client.post(
            "/graphql",
            json={"query": "query Q($x: Int) { hello }", "variables": {"x": 1}},
            headers={"authorization": "Bearer t", "x-request-id": "rid-1", "cookie": "c=1"},
        )
    assert response.status_code == 200
    assert response.json() == {"data": {"hello": "world"}}
    assert response.headers["x-request-id"] == "rid-1"
    _query, variables, operation_name, headers = gateway.calls[0]
    assert (variables, operation_name) == ({"x": 1}, None)
    # the cookie stays behind; the router adds the address it saw (the test client's)
    assert headers == {
        "authorization": "Bearer t",
        "x-request-id": "rid-1",
        "x-forwarded-for": "testclient",
    }
    assert gateway.closed  # closed with the app


def test_a_request_id_is_made_when_the_client_sends_none() -> None:
    gateway = FakeGateway()
    with client_for(gateway) as client:
        response = client.post("/graphql", json={"query": "{ hello }"})
    generated = response.headers["x-request-id"]
    assert len(generated) == 32
    assert gateway.calls[0][3]["x-request-id"] == generated


@pytest.mark.parametrize(
    ("content_type", "status", "code"),
    [
        ("text/plain", 400, "CSRF_BLOCKED"),
        ("application/x-www-form-urlencoded", 400, "CSRF_BLOCKED"),
        ("multipart/form-data; boundary=x", 400, "CSRF_BLOCKED"),
        ("application/xml", 415, "UNSUPPORTED_MEDIA_TYPE"),
    ],
)
def test_non_json_posts_are_refused(content_type: str, status: int, code: str) -> None:
    gateway = FakeGateway()
    with client_for(gateway) as client:
        response = client.post(
            "/graphql", content=b'{"query":"{ hello }"}', headers={"content-type": content_type}
        )
    assert response.status_code == status
    assert response.json()["errors"][0]["extensions"]["code"] == code
    assert gateway.calls == []


def test_get_needs_a_preflight_header_and_never_runs_mutations() -> None:
    gateway = FakeGateway()
    with client_for(gateway) as client:
        blocked = client.get("/graphql", params={"query": "{ hello }"})
        allowed = client.get(
            "/graphql",
            params={"query": "query($n: Int) { hello }", "variables": '{"n": 2}'},
            headers={"apollo-require-preflight": "true"},
        )
        mutation = client.get(
            "/graphql",
            params={"query": "mutation { hello }"},
            headers={"x-shopgraph-csrf": "1"},
        )
    assert blocked.status_code == 400
    assert blocked.json()["errors"][0]["extensions"]["code"] == "CSRF_BLOCKED"
    assert allowed.status_code == 200
    assert gateway.calls[0][1] == {"n": 2}
    assert mutation.status_code == 405
    assert mutation.headers["allow"] == "POST"
    assert len(gateway.calls) == 1


def test_body_size_limit_gives_413() -> None:
    gateway = FakeGateway()
    with client_for(gateway, config=ServerConfig(max_body_bytes=100)) as client:
        response = client.post("/graphql", json={"query": "{ hello }", "pad": "x" * 200})
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"


@pytest.mark.parametrize(
    ("query", "fragment"),
    [
        ("{ a { b { c { d } } } }", "depth 4"),
        ("{ a { ...F } } fragment F on A { b { c { d } } }", "depth 4"),
        ("{ x: a y: a z: a }", "3 aliases"),
        ("{ a b c d e f g h i j k l m n o p q r s t u }", "tokens"),
    ],
)
def test_operation_limits(query: str, fragment: str) -> None:
    config = ServerConfig(limits=OperationLimits(max_depth=3, max_aliases=2, max_tokens=20))
    gateway = FakeGateway()
    with client_for(gateway, config=config) as client:
        response = client.post("/graphql", json={"query": query})
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert fragment in error["message"]
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert gateway.calls == []


def test_graphiql_introspection_passes_the_default_limits() -> None:
    """GraphiQL's own introspection query is 15 deep: it must not hit the depth limit."""
    query = get_introspection_query(descriptions=True)
    gateway = FakeGateway()
    with client_for(gateway) as client:
        response = client.post("/graphql", json={"query": query})
        deep = client.post("/graphql", json={"query": "{ a" + " { a" * 12 + " }" * 13})
    assert response.status_code == 200, response.text
    assert len(gateway.calls) == 1
    assert deep.status_code == 400


def test_syntax_errors_have_their_code() -> None:
    with client_for(FakeGateway()) as client:
        response = client.post("/graphql", json={"query": "{ hello"})
    assert response.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"


def test_introspection_is_refused_in_production_only() -> None:
    query = {"query": "{ __schema { types { name } } }"}
    production = ServerConfig(production=True, limits=OperationLimits(introspection=False))
    with client_for(FakeGateway(), config=production) as client:
        refused = client.post("/graphql", json=query)
    with client_for(FakeGateway()) as client:
        allowed = client.post("/graphql", json=query)
    assert refused.status_code == 400
    assert "introspection" in refused.json()["errors"][0]["message"]
    assert allowed.status_code == 200


def test_unexpected_errors_are_masked() -> None:
    with client_for(FakeGateway(fail=True)) as client:
        response = client.post("/graphql", json={"query": "{ hello }"})
    assert response.status_code == 500
    assert response.json() == {
        "errors": [
            {"message": "Internal server error", "extensions": {"code": "INTERNAL_SERVER_ERROR"}}
        ]
    }


def test_bad_request_shapes() -> None:
    with client_for(FakeGateway()) as client:
        no_query = client.post("/graphql", json={"variables": {}})
        bad_vars = client.post("/graphql", json={"query": "{ a }", "variables": [1]})
        batch = client.post("/graphql", json=[{"query": "{ a }"}])
        not_json = client.post("/graphql", content=b"{", headers=JSON)
        subscription = client.post("/graphql", json={"query": "subscription { a }"})
    for response in (no_query, bad_vars, batch, not_json):
        assert response.status_code == 400
        assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    assert subscription.json()["errors"][0]["extensions"]["code"] == (
        "SUBSCRIPTION_OVER_HTTP_UNSUPPORTED"
    )


async def test_rate_limit_per_client_with_retry_after() -> None:
    store = memory_store("memory://router-rate-test")
    limiter = FixedWindowRateLimiter(store, limit=2, window_seconds=60, prefix="t1")
    with client_for(FakeGateway(), rate_limiter=limiter) as client:
        statuses = [
            client.post("/graphql", json={"query": "{ a }"}, headers={"authorization": "A"})
            for _ in range(3)
        ]
        other = client.post("/graphql", json={"query": "{ a }"}, headers={"authorization": "B"})
    assert [r.status_code for r in statuses] == [200, 200, 429]
    limited = statuses[2]
    assert 1 <= int(limited.headers["retry-after"]) <= 60
    assert limited.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert other.status_code == 200


class FakePrincipals:
    async def principal_from_header(self, value: str | None) -> Principal:
        if value is None:
            return ANONYMOUS
        if value == "Bearer good":
            return Principal(subject="u1")
        raise Unauthenticated("Token expired")


def test_edge_authentication_refuses_bad_tokens() -> None:
    gateway = FakeGateway()
    with client_for(gateway, principals=FakePrincipals()) as client:
        good = client.post(
            "/graphql", json={"query": "{ a }"}, headers={"authorization": "Bearer good"}
        )
        bad = client.post(
            "/graphql", json={"query": "{ a }"}, headers={"authorization": "Bearer x"}
        )
    assert good.status_code == 200
    assert bad.status_code == 401
    assert bad.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert len(gateway.calls) == 1


def test_plan_in_extensions_in_dev_only() -> None:
    ask = {"x-shopgraph-plan": "true"}
    with client_for(FakeGateway()) as client:
        dev = client.post("/graphql", json={"query": "{ hello }"}, headers=ask)
        plain = client.post("/graphql", json={"query": "{ hello }"})
    with client_for(FakeGateway(), config=ServerConfig(production=True)) as client:
        production = client.post("/graphql", json={"query": "{ hello }"}, headers=ask)
    assert dev.json()["extensions"]["queryPlan"] == {
        "kind": "FetchNode",
        "subgraph": "products",
        "operation": "{ hello }",
    }
    assert "extensions" not in plain.json()
    assert "extensions" not in production.json()


def test_health() -> None:
    with client_for(FakeGateway()) as client:
        response = client.get("/health")
    assert response.json()["status"] == "ok"


def installed_assets(tmp_path: Path) -> Path:
    for name in ASSET_FILES:
        (tmp_path / name).write_text(f"/* {name} */")
    return tmp_path


def test_graphiql_page_uses_local_assets_only(tmp_path: Path) -> None:
    graphiql = GraphiQL(installed_assets(tmp_path))
    html_accept = {"accept": "text/html,application/xhtml+xml"}
    with client_for(FakeGateway(), graphiql=graphiql) as client:
        page = client.get("/graphql", headers=html_accept)
        asset = client.get("/graphiql/graphiql.min.js")
        css = client.get("/graphiql/graphiql.min.css")
        other = client.get("/graphiql/..%2Fsecret")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert 'src="/graphiql/graphiql.min.js"' in page.text
    assert "https://" not in page.text and "http://" not in page.text
    assert asset.text == "/* graphiql.min.js */"
    assert asset.headers["content-type"].startswith("text/javascript")
    assert css.headers["content-type"].startswith("text/css")
    assert other.status_code == 404


def test_a_shared_graphiql_link_opens_graphiql_without_running_it(tmp_path: Path) -> None:
    graphiql = GraphiQL(installed_assets(tmp_path))
    gateway = FakeGateway()
    html_accept = {"accept": "text/html,application/xhtml+xml"}
    with client_for(gateway, graphiql=graphiql) as client:
        page = client.get("/graphql", params={"query": "{ hello }"}, headers=html_accept)
        api = client.get(
            "/graphql", params={"query": "{ hello }"}, headers={"x-shopgraph-csrf": "1"}
        )
    assert page.status_code == 200
    assert "text/html" in page.headers["content-type"]
    assert 'searchParams.get("query")' in page.text
    assert api.status_code == 200
    assert len(gateway.calls) == 1  # only the API request ran


def test_graphiql_explains_missing_assets(tmp_path: Path) -> None:
    with client_for(FakeGateway(), graphiql=GraphiQL(tmp_path / "none")) as client:
        page = client.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 503
    assert "router/assets/install.sh" in page.text


def test_no_graphiql_in_production(tmp_path: Path) -> None:
    graphiql = GraphiQL(installed_assets(tmp_path))
    config = ServerConfig(production=True)
    with client_for(FakeGateway(), graphiql=graphiql, config=config) as client:
        page = client.get("/graphql", headers={"accept": "text/html"})
        asset = client.get("/graphiql/graphiql.min.js")
    assert page.status_code == 404
    assert asset.status_code == 404


def test_cors_only_for_configured_origins() -> None:
    config = ServerConfig(cors_origins=("http://localhost:3000",))
    preflight = {
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type,authorization",
    }
    with client_for(FakeGateway(), config=config) as client:
        allowed = client.options(
            "/graphql", headers={"origin": "http://localhost:3000", **preflight}
        )
        refused = client.options("/graphql", headers={"origin": "http://evil.test", **preflight})
        answer = client.post(
            "/graphql", json={"query": "{ a }"}, headers={"origin": "http://localhost:3000"}
        )
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == "http://localhost:3000"
    assert refused.status_code == 400
    assert "access-control-allow-origin" not in refused.headers
    assert answer.headers["access-control-allow-origin"] == "http://localhost:3000"
    assert "x-request-id" in answer.headers["access-control-expose-headers"]
