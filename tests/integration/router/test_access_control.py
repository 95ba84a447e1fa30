"""Authorization directives and demand control through a running router (uvicorn) in front of
two running Strawberry subgraphs (tests/integration/router/access_subgraphs.py), with the
router's config file sections ``[authorization]`` and ``[demand_control]``; cost budgets are
counted in the key-value store (in-process and real Redis)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from router.config import ConfigError, parse_config
from router.plugins.hot_reload import GatewayHolder
from router.serve import RouterOptions, compose_from_running, load_gateway, pipeline_for
from router.serve import server_config as router_server_config
from router.server import create_router_app
from shopgraph.auth.keys import SigningKey
from shopgraph.auth.tokens import TokenIssuer
from shopgraph.auth.verify import TokenVerifier
from shopgraph.settings import load_settings
from tests.integration.router.access_subgraphs import SCHEMAS, Recorder, RecordingApp
from tests.integration.router.socket_client import over_socket
from tests.support.platform import free_port as _free_port

POLICY = "tests.integration.router.access_subgraphs:even_subject"
EVERYTHING = "{ me { id } users { edges { node { id name email invoices { id } } } } }"


async def _serve(app: Any) -> tuple[uvicorn.Server, asyncio.Task[None], str]:
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    task = asyncio.create_task(server.serve())
    for _ in range(500):
        if server.started:
            break
        await asyncio.sleep(0.02)
    assert server.started
    return server, task, f"http://127.0.0.1:{port}"


@dataclass
class Stack:
    recorders: dict[str, Recorder]
    urls: dict[str, str]
    sdl: str


@pytest.fixture(scope="module")
async def stack() -> AsyncIterator[Stack]:
    servers = []
    recorders, urls = {}, {}
    for name, make in SCHEMAS.items():
        recorders[name] = Recorder()
        server, task, base = await _serve(RecordingApp(make(), recorders[name]))
        servers.append((server, task))
        urls[name] = f"{base}/graphql"
    sdl = await compose_from_running(list(urls.items()))
    yield Stack(recorders, urls, sdl)
    for server, task in servers:
        server.should_exit = True
        await task


@dataclass
class Router:
    url: str
    stack: Stack
    issuer: TokenIssuer

    async def post(
        self,
        query: str,
        *,
        roles: tuple[str, ...] | None = None,
        subject: str = "u1",
        headers: dict[str, str] | None = None,
        token: str | None = None,
    ) -> httpx.Response:
        sent = dict(headers or {})
        if roles is not None:
            token = self.issuer.access_token(subject=subject, roles=roles).token
        if token is not None:
            sent["authorization"] = f"Bearer {token}"
        async with httpx.AsyncClient(timeout=30) as client:
            return await client.post(self.url, json={"query": query}, headers=sent)

    async def over_socket(
        self, query: str, *, roles: tuple[str, ...] | None = None
    ) -> list[dict[str, Any]]:
        """The messages of ``query`` sent as a graphql-transport-ws ``subscribe``, with a
        token for ``roles`` in ``connection_init``."""
        token = None if roles is None else f"Bearer {self.token(roles)}"
        return await over_socket(self.url, {"query": query}, authorization=token)

    def token(self, roles: tuple[str, ...], subject: str = "u1") -> str:
        return self.issuer.access_token(subject=subject, roles=roles).token

    def asked(self, subgraph: str) -> list[str]:
        return self.stack.recorders[subgraph].queries


@pytest.fixture(scope="module")
def signing_key() -> SigningKey:
    return SigningKey.generate()


async def _router(
    stack: Stack,
    config_text: str,
    tmp_path: Path,
    signing_key: SigningKey,
    kv_url: str = "memory://",
) -> AsyncIterator[Router]:
    settings = load_settings(environment="test", data_dir=tmp_path, kv_url=kv_url)
    options = RouterOptions.from_config(parse_config(config_text, source="test.toml"))
    gateway = load_gateway(stack.sdl, subgraph_urls=stack.urls)
    pipeline = pipeline_for(settings, options)
    app = create_router_app(
        GatewayHolder(gateway),
        router_server_config(settings, options),
        principals=TokenVerifier.from_settings(settings, [signing_key]),
        pipeline=pipeline,
    )
    server, task, base = await _serve(app)
    for recorder in stack.recorders.values():
        recorder.queries.clear()
    try:
        yield Router(f"{base}/graphql", stack, TokenIssuer.from_settings(settings, signing_key))
    finally:
        server.should_exit = True
        await task
        await gateway.close()


@pytest.fixture
async def router(stack: Stack, tmp_path: Path, signing_key: SigningKey) -> AsyncIterator[Router]:
    config = f'[authorization]\npolicies = {{ even_subject = "{POLICY}" }}\n'
    async for running in _router(stack, config, tmp_path, signing_key):
        yield running


def _paths(body: dict[str, Any], code: str) -> list[list[Any]]:
    return [e["path"] for e in body.get("errors", []) if e["extensions"]["code"] == code]


async def test_anonymous_callers_get_nulls_where_they_may_not_look_and_the_rest(
    router: Router,
) -> None:
    body = (await router.post(EVERYTHING)).json()
    assert body["data"] == {
        "me": None,
        "users": {
            "edges": [
                {"node": {"id": "u1", "name": "Ada", "email": None, "invoices": None}},
                {"node": {"id": "u2", "name": "Grace", "email": None, "invoices": None}},
            ]
        },
    }
    assert _paths(body, "UNAUTHORIZED_FIELD_OR_TYPE") == [
        ["me"],
        ["users", "edges", "@", "node", "email"],
        ["users", "edges", "@", "node", "invoices"],
    ]
    # The subgraphs were never asked for what the caller may not see.
    assert router.asked("billing") == []
    assert router.asked("accounts") == ["query{users{edges{node{id name __typename}}}}"]


async def test_scopes_and_policies_come_from_the_verified_token(router: Router) -> None:
    customer = (await router.post(EVERYTHING, roles=("CUSTOMER",))).json()
    assert customer["data"]["me"] == {"id": "u1"}
    assert customer["data"]["users"]["edges"][0]["node"]["invoices"] == [
        {"id": "u1-1"},
        {"id": "u1-2"},
    ]
    assert _paths(customer, "UNAUTHORIZED_FIELD_OR_TYPE") == [
        ["users", "edges", "@", "node", "email"]
    ]
    admin = (await router.post(EVERYTHING, roles=("ADMIN",))).json()  # users:manage
    assert "errors" not in admin
    assert admin["data"]["users"]["edges"][1]["node"]["email"] == "u2@example.test"

    badge = "{ users(first: 1) { edges { node { badge } } } }"
    odd = (await router.post(badge, roles=("CUSTOMER",), subject="u1")).json()
    even = (await router.post(badge, roles=("CUSTOMER",), subject="u2")).json()
    assert odd["data"]["users"]["edges"][0]["node"] == {"badge": None}
    assert _paths(odd, "UNAUTHORIZED_FIELD_OR_TYPE") == [["users", "edges", "@", "node", "badge"]]
    assert even == {"data": {"users": {"edges": [{"node": {"badge": "gold"}}]}}}


async def test_a_mutation_without_its_scope_never_reaches_the_subgraph(router: Router) -> None:
    refused = (await router.post('mutation { refund(id: "p1") }', roles=("STAFF",))).json()
    assert refused["data"] is None  # refund: Boolean! - its null reaches the root
    assert _paths(refused, "UNAUTHORIZED_FIELD_OR_TYPE") == [["refund"]]
    assert router.asked("billing") == []
    allowed = (await router.post('mutation { refund(id: "p1") }', roles=("ADMIN",))).json()
    assert allowed == {"data": {"refund": True}}


async def test_reject_unauthorized_refuses_the_whole_operation(
    stack: Stack, tmp_path: Path, signing_key: SigningKey
) -> None:
    config = "[authorization]\nreject_unauthorized = true\n"
    async for router in _router(stack, config, tmp_path, signing_key):
        response = await router.post(EVERYTHING, roles=("CUSTOMER",))
        assert response.status_code == 403
        error = response.json()["errors"][0]
        assert error["extensions"]["code"] == "UNAUTHORIZED_FIELD_OR_TYPE"
        assert "users.edges.@.node.email" in error["message"]
        assert router.asked("accounts") == [] and router.asked("billing") == []


async def test_a_policy_that_cannot_be_imported_stops_start_up_naming_it() -> None:
    with pytest.raises(ConfigError, match=r"policy 'vip'.*no_such_module"):
        parse_config('[authorization]\npolicies = { vip = "no_such_module:check" }\n')


async def test_too_expensive_operations_are_refused_before_any_fetch(
    stack: Stack, tmp_path: Path, signing_key: SigningKey
) -> None:
    config = "[demand_control]\nmax_cost = 100\nlist_size = 10\n"
    async for router in _router(stack, config, tmp_path, signing_key):
        # users(first: 50): 1 + 50 edges x (1 + node 1 + 10 invoices x (1 + total 4)) = 2601
        expensive = "{ users(first: 50) { edges { node { invoices { total } } } } }"
        response = await router.post(expensive, roles=("CUSTOMER",))
        error = response.json()["errors"][0]
        assert error["extensions"] == {
            "code": "COST_ESTIMATED_TOO_EXPENSIVE",
            "cost.estimated": 2601,
            "cost.max": 100,
        }
        assert router.asked("accounts") == [] and router.asked("billing") == []
        cheap = "{ users(first: 1) { edges { node { invoices { total } } } } }"
        reported = await router.post(
            cheap, roles=("CUSTOMER",), headers={"x-shopgraph-cost": "true"}
        )
        # estimated 1 + 1 x (1 + 1 + 10 x 5) = 53; actual: 1 + (1 + 1 + 2 x 5) = 13
        assert reported.json()["extensions"]["cost"] == {"estimated": 53, "actual": 13, "max": 100}
        quiet = await router.post(cheap, roles=("CUSTOMER",))
        assert "extensions" not in quiet.json()


async def test_cost_budgets_are_per_client_and_say_when_to_retry(
    stack: Stack, tmp_path: Path, signing_key: SigningKey, kv_url: str
) -> None:
    config = "[demand_control]\nbudget_per_window = 60\nbudget_window_seconds = 30\n"
    async for router in _router(stack, config, tmp_path, signing_key, kv_url):
        query = "{ users(first: 1) { edges { node { invoices { total } } } } }"  # costs 53
        # The budget is counted per subject; fresh ones keep runs on the same Redis apart.
        alice, bob = (router.token(("CUSTOMER",), f"user-{uuid.uuid4()}") for _ in range(2))
        first = await router.post(query, token=alice)
        assert first.json()["data"]["users"]["edges"][0]["node"]["invoices"][0] == {"total": 42}
        refused = await router.post(query, token=alice)
        assert refused.status_code == 429
        assert refused.json()["errors"][0]["extensions"]["code"] == "COST_BUDGET_EXCEEDED"
        assert 1 <= int(refused.headers["retry-after"]) <= 30
        # A refused request takes nothing: a cheaper one still fits alice's remaining 7.
        cheap = await router.post("{ users(first: 1) { edges { node { id } } } }", token=alice)
        assert cheap.json()["data"]["users"]["edges"] == [{"node": {"id": "u1"}}]
        assert (await router.post(query, token=bob)).status_code == 200


async def test_the_cost_of_what_the_caller_may_see_is_reported_when_asked(router: Router) -> None:
    query = "{ users(first: 1) { edges { node { invoices { total } } } } }"
    asked = {"x-shopgraph-cost": "true"}
    # Anonymous callers lose invoices before planning: 1 + 1 edge x (1 + node 1).
    anonymous = await router.post(query, headers=asked)
    assert anonymous.json()["extensions"]["cost"] == {"estimated": 3, "actual": 3}
    customer = await router.post(query, roles=("CUSTOMER",), headers=asked)
    assert customer.json()["extensions"]["cost"] == {"estimated": 53, "actual": 13}


async def test_the_websocket_applies_the_same_authorization_with_the_init_token(
    router: Router,
) -> None:
    anonymous = await router.over_socket(EVERYTHING)
    assert [m["type"] for m in anonymous] == ["next", "complete"]
    over_http = (await router.post(EVERYTHING)).json()
    assert anonymous[0]["payload"] == over_http
    assert router.asked("billing") == []
    customer = await router.over_socket(EVERYTHING, roles=("CUSTOMER",))
    body = customer[0]["payload"]
    assert body["data"]["me"] == {"id": "u1"}
    assert _paths(body, "UNAUTHORIZED_FIELD_OR_TYPE") == [["users", "edges", "@", "node", "email"]]


async def test_the_websocket_refuses_what_http_refuses(
    stack: Stack, tmp_path: Path, signing_key: SigningKey
) -> None:
    config = "[authorization]\nreject_unauthorized = true\n[demand_control]\nmax_cost = 100\n"
    async for router in _router(stack, config, tmp_path, signing_key):
        unauthorized = await router.over_socket(EVERYTHING, roles=("CUSTOMER",))
        expensive = "{ users(first: 50) { edges { node { invoices { total } } } } }"
        too_expensive = await router.over_socket(expensive, roles=("CUSTOMER",))
        assert router.asked("accounts") == [] and router.asked("billing") == []
    assert unauthorized[0]["type"] == "error"
    assert unauthorized[0]["payload"][0]["extensions"]["code"] == "UNAUTHORIZED_FIELD_OR_TYPE"
    assert too_expensive[0]["type"] == "error"
    assert too_expensive[0]["payload"][0]["extensions"] == {
        "code": "COST_ESTIMATED_TOO_EXPENSIVE",
        "cost.estimated": 2601,
        "cost.max": 100,
    }
