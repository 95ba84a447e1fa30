"""Staff-only operations, JWKS, entity resolution, migrations, the admin seed."""

from __future__ import annotations

from typing import Any

import pytest

from shopgraph.auth.principal import ANONYMOUS
from shopgraph.auth.tokens import ServiceTokenIssuer
from shopgraph.auth.verify import TokenVerifier, parse_jwks
from shopgraph.settings import Environment
from subgraphs.users.models import metadata
from subgraphs.users.seed import seed_admin
from tests.integration.users.conftest import LOGIN, Users, register
from tests.support.migrations import differences_from_models

USERS = """
query($first: Int, $after: String, $filter: UserFilter) {
  users(first: $first, after: $after, filter: $filter) {
    edges { cursor node { id email roles } }
    pageInfo { hasNextPage endCursor }
  }
}"""


async def admin_token(users: Users) -> str:
    await seed_admin(users.settings, users.app.state.db)
    body = await users.gql(
        LOGIN, {"input": {"email": "admin@shop.test", "password": "admin-secret-123"}}
    )
    token: str = body["data"]["login"]["accessToken"]
    assert body["data"]["login"]["user"]["roles"] == ["ADMIN", "STAFF"]
    return token


async def test_staff_queries_refuse_customers_and_anonymous(users: Users) -> None:
    customer = (await register(users))["accessToken"]
    anonymous = await users.gql(USERS)
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    refused = await users.gql(USERS, token=customer)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    single = await users.gql('{ user(id: "x") { id } }', token=customer)
    assert single["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    grant = await users.gql(
        'mutation { grantRole(userId: "x", role: ADMIN) { errors { code } } }', token=customer
    )
    assert grant["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_users_connection_pages_and_filters(users: Users) -> None:
    for i in range(5):
        await register(users, email=f"user{i}@example.com")
    token = await admin_token(users)
    seen: list[str] = []
    after = None
    while True:
        body = await users.gql(USERS, {"first": 2, "after": after}, token=token)
        page = body["data"]["users"]
        seen += [edge["node"]["email"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == sorted(seen) and len(seen) == 6

    filtered = await users.gql(USERS, {"filter": {"emailContains": "USER3"}}, token=token)
    assert [e["node"]["email"] for e in filtered["data"]["users"]["edges"]] == ["user3@example.com"]
    staff = await users.gql(USERS, {"filter": {"role": "STAFF"}}, token=token)
    assert [e["node"]["email"] for e in staff["data"]["users"]["edges"]] == ["admin@shop.test"]
    wildcard = await users.gql(USERS, {"filter": {"emailContains": "%"}}, token=token)
    assert wildcard["data"]["users"]["edges"] == []

    bad_cursor = await users.gql(USERS, {"after": "garbage"}, token=token)
    assert bad_cursor["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    too_many = await users.gql(USERS, {"first": 1000}, token=token)
    assert too_many["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_grant_and_revoke_roles(users: Users) -> None:
    alice = await register(users)
    token = await admin_token(users)
    grant = """mutation($id: ID!, $r: Role!) {
      grantRole(userId: $id, role: $r) { user { roles } errors { code } } }"""
    revoke = """mutation($id: ID!, $r: Role!) {
      revokeRole(userId: $id, role: $r) { user { roles } errors { code } } }"""
    uid = alice["user"]["id"]
    granted = await users.gql(grant, {"id": uid, "r": "STAFF"}, token=token)
    assert granted["data"]["grantRole"]["user"]["roles"] == ["CUSTOMER", "STAFF"]
    relogin = await users.gql(
        LOGIN, {"input": {"email": "alice@example.com", "password": "correct-horse-42"}}
    )
    assert relogin["data"]["login"]["user"]["roles"] == ["CUSTOMER", "STAFF"]
    revoked = await users.gql(revoke, {"id": uid, "r": "STAFF"}, token=token)
    assert revoked["data"]["revokeRole"]["user"]["roles"] == ["CUSTOMER"]
    missing = await users.gql(
        grant, {"id": "00000000-0000-0000-0000-000000000000", "r": "STAFF"}, token=token
    )
    assert missing["data"]["grantRole"]["errors"] == [{"code": "USER_NOT_FOUND"}]
    me = await users.gql("{ me { id } }", token=token)
    own = await users.gql(revoke, {"id": me["data"]["me"]["id"], "r": "ADMIN"}, token=token)
    assert own["data"]["revokeRole"]["errors"] == [{"code": "CANNOT_REVOKE_OWN_ADMIN"}]


async def test_jwks_endpoint_serves_the_signing_key(users: Users) -> None:
    response = await users.client.get("/.well-known/jwks.json")
    assert response.status_code == 200
    keys = parse_jwks(response.json())
    assert list(keys) == [users.app.state.signing_key.kid]
    assert all("d" not in key for key in response.json()["keys"])

    # A verifier elsewhere (router, another subgraph) fetches it over HTTP.
    verifier = TokenVerifier.from_settings(
        users.settings, "http://users/.well-known/jwks.json", client=users.client
    )
    token = (await register(users))["accessToken"]
    principal = await verifier.principal_from_header(f"Bearer {token}")
    assert principal.roles == ("CUSTOMER",)
    assert await verifier.principal_from_header(None) is ANONYMOUS


async def test_bad_tokens_get_401(users: Users) -> None:
    body = await users.gql("{ me { id } }", token="not.a.jwt")
    assert body["_status"] == 401
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


ENTITIES = """
query($reps: [_Any!]!) {
  _entities(representations: $reps) { ... on User { id firstName email } }
}"""


async def test_entities_resolve_with_personal_fields_guarded(users: Users) -> None:
    alice = (await register(users))["user"]["id"]
    bob = (await register(users, email="bob@example.com"))["user"]["id"]
    reps: list[dict[str, Any]] = [
        {"__typename": "User", "id": alice},
        {"__typename": "User", "id": bob},
    ]
    service = ServiceTokenIssuer.from_settings(users.settings, "orders").token()
    body = await users.gql(ENTITIES, {"reps": reps}, token=service)
    assert [e["firstName"] for e in body["data"]["_entities"]] == ["Alice", "Alice"]
    assert [e["email"] for e in body["data"]["_entities"]] == [
        "alice@example.com",
        "bob@example.com",
    ]
    names = (
        "query($reps: [_Any!]!) { _entities(representations: $reps) { ... on User { firstName } } }"
    )
    names_only = await users.gql(names, {"reps": reps})
    assert names_only["data"]["_entities"] == [{"firstName": "Alice"}, {"firstName": "Alice"}]
    nosy = await users.gql(ENTITIES, {"reps": reps})
    assert nosy["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    sdl = (await users.gql("{ _service { sdl } }"))["data"]["_service"]["sdl"]
    assert '@key(fields: "id")' in sdl


async def test_seed_admin_is_idempotent(users: Users) -> None:
    first = await seed_admin(users.settings, users.app.state.db)
    again = await seed_admin(users.settings, users.app.state.db)
    assert first.id == again.id
    changed = users.settings.model_copy(update={"admin_password": "rotated-admin-pass"})
    await seed_admin(changed, users.app.state.db)
    body = await users.gql(
        LOGIN, {"input": {"email": "admin@shop.test", "password": "rotated-admin-pass"}}
    )
    assert body["data"]["login"]["errors"] == []
    weak = users.settings.model_copy(update={"admin_password": "short"})
    with pytest.raises(ValueError, match="SHOPGRAPH_ADMIN_PASSWORD"):
        await seed_admin(weak, users.app.state.db)


async def test_migrations_match_the_models(users: Users, database_url: str) -> None:
    assert await differences_from_models(database_url, metadata) == []


async def test_production_refuses_the_default_admin_password(users: Users) -> None:
    production = users.settings.model_copy(
        update={"environment": Environment.PRODUCTION, "admin_password": "shopgraph-admin"}
    )
    with pytest.raises(ValueError, match="dev-only default"):
        await seed_admin(production, users.app.state.db)
