"""Authorization before planning: what is removed, where nulls and errors go, and that plans
stay cached per authorization outcome (a recording transport stands in for subgraphs)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import parse

from router.compose import SubgraphSource, compose
from router.gateway import Gateway
from router.pipeline import Operation, RequestRefused
from router.plugins.authorization import AuthorizationPlugin
from shopgraph.auth.principal import ANONYMOUS, Principal

SHOP = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.9",
  import: ["@key", "@authenticated", "@requiresScopes", "@policy"])
type Query {
  feed: [Item!]!
  account: Account
  vault: Vault
}
union Item = Book | Secret
type Book { id: ID! title: String price: Int @requiresScopes(scopes: [["prices"]]) }
type Secret @authenticated { id: ID! }
type Account { id: ID! owner: Owner! }
type Owner { name: String ssn: String! @policy(policies: [["hr"]]) }
type Vault { code(pin: Int): String @authenticated }
"""
FEED = {
    "feed": [
        {"__typename": "Book", "id": "b1", "title": "Dune", "price": 9},
        {"__typename": "Secret", "id": "s1"},
        {"__typename": "Book", "id": "b2", "title": "Emma", "price": 7},
    ],
    "account": {"id": "a1", "owner": {"name": "Ada", "ssn": "123"}},
    "vault": {"code": "0000"},
}


class Recording:
    def __init__(self) -> None:
        self.queries: list[str] = []

    async def send(
        self, service: str, url: str, body: dict[str, Any], headers: Mapping[str, str]
    ) -> dict[str, Any]:
        self.queries.append(body["query"])
        return {"data": FEED}

    async def close(self) -> None:
        return None


def _gateway() -> tuple[Gateway, Recording]:
    transport = Recording()
    sdl = compose([SubgraphSource("shop", "http://shop.test/graphql", SHOP)])
    return Gateway.from_supergraph(sdl, transport=transport), transport


async def _run(
    plugin: AuthorizationPlugin,
    gateway: Gateway,
    query: str,
    principal: Principal = ANONYMOUS,
    variables: dict[str, Any] | None = None,
) -> dict[str, Any]:
    operation = Operation(
        params={"query": query, "variables": variables},
        headers={},
        principal=principal,
        document=parse(query),
        kind="query",
        gateway=gateway,
    )
    await plugin.on_operation(operation)
    assert operation.query is not None
    result = await gateway.execute(operation.query, variables, None, {})
    return await plugin.on_response(operation, result)


def _paths(result: dict[str, Any]) -> list[list[Any]]:
    return [e["path"] for e in result.get("errors", [])]


async def test_nulls_land_only_in_objects_of_the_fragment_that_asked() -> None:
    gateway, transport = _gateway()
    query = "{ feed { ... on Book { id price } ... on Secret { id } } }"
    result = await _run(AuthorizationPlugin(), gateway, query)
    # Secret objects drop out of the operation (type-level @authenticated); books keep id.
    assert result["data"] == {
        "feed": [{"id": "b1", "price": None}, {}, {"id": "b2", "price": None}]
    }
    assert _paths(result) == [["feed", "@", "price"], ["feed", "@"]]
    assert "price" not in transport.queries[0] and "Secret" not in transport.queries[0]


async def test_a_non_null_field_nulls_its_nearest_nullable_parent() -> None:
    gateway, _ = _gateway()
    result = await _run(AuthorizationPlugin(), gateway, "{ account { id owner { name ssn } } }")
    assert result["data"] == {"account": None}  # ssn: String! -> owner: Owner! -> account
    assert _paths(result) == [["account", "owner", "ssn"]]
    allowed = AuthorizationPlugin(policies={"hr": lambda principal: principal.has_role("HR")})
    hr = Principal("u1", roles=("HR",))
    result = await _run(allowed, gateway, "{ account { owner { ssn } } }", hr)
    assert result == {"data": {"account": {"owner": {"ssn": "123"}}}}


async def test_variables_only_denied_fields_used_are_dropped_from_the_operation() -> None:
    gateway, transport = _gateway()
    query = "query Q($pin: Int) { vault { code(pin: $pin) } }"
    result = await _run(AuthorizationPlugin(), gateway, query, variables={"pin": 1})
    assert result["data"] == {"vault": {"code": None}}
    assert "$pin" not in transport.queries[0] and "code" not in transport.queries[0]


async def test_plans_are_cached_per_authorization_outcome() -> None:
    gateway, _ = _gateway()
    plugin = AuthorizationPlugin()
    query = "{ feed { ... on Book { title price } } }"
    buyer = Principal("u1", scopes=("prices",))
    for principal in (ANONYMOUS, buyer, Principal("u2"), buyer, ANONYMOUS):
        await _run(plugin, gateway, query, principal)
    assert (gateway.planner.misses, gateway.planner.hits) == (2, 3)


async def test_reject_unauthorized_refuses_before_any_fetch() -> None:
    gateway, transport = _gateway()
    plugin = AuthorizationPlugin(reject_unauthorized=True)
    operation = Operation(
        params={"query": "{ vault { code } }"},
        headers={},
        document=parse("{ vault { code } }"),
        gateway=gateway,
    )
    try:
        await plugin.on_operation(operation)
    except RequestRefused as refused:
        assert (refused.status, refused.code) == (403, "UNAUTHORIZED_FIELD_OR_TYPE")
        assert "vault.code" in refused.message
    else:
        raise AssertionError("the operation was not refused")
    assert transport.queries == []


async def test_a_named_fragment_on_a_denied_type_is_removed_with_its_definition() -> None:
    gateway, transport = _gateway()
    query = "{ feed { ...S ... on Book { id } } } fragment S on Secret { id }"
    result = await _run(AuthorizationPlugin(), gateway, query)
    assert result["data"] == {"feed": [{"id": "b1"}, {}, {"id": "b2"}]}
    assert _paths(result) == [["feed", "@"]]
    assert "Secret" not in transport.queries[0]
    signed_in = await _run(AuthorizationPlugin(), gateway, query, Principal("u1"))
    assert signed_in == {"data": {"feed": [{"id": "b1"}, {"id": "s1"}, {"id": "b2"}]}}
