from __future__ import annotations

from typing import Any

import pytest
import strawberry

from shopgraph.auth.principal import (
    ANONYMOUS,
    HasScope,
    IsAuthenticated,
    Principal,
    Role,
    Scope,
    require_authenticated,
    require_scope,
    scopes_for_roles,
)
from shopgraph.auth.tokens import TokenConfigError, check_service_secret
from shopgraph.errors import Forbidden, Unauthenticated
from shopgraph.graphql import federation_schema
from shopgraph.settings import load_settings

CUSTOMER = Principal("c1", ("CUSTOMER",), scopes_for_roles(["CUSTOMER"]))
STAFF = Principal("s1", ("STAFF",), scopes_for_roles(["STAFF"]))
ADMIN = Principal("a1", ("ADMIN",), scopes_for_roles(["ADMIN"]))


def test_role_scopes() -> None:
    assert scopes_for_roles([Role.CUSTOMER]) == ()
    assert set(scopes_for_roles([Role.STAFF])) == {
        "catalog:write",
        "inventory:write",
        "orders:manage",
        "reports:read",
        "reviews:moderate",
    }
    admin = set(scopes_for_roles([Role.ADMIN]))
    assert {"payments:refund", "users:manage"} <= admin
    assert set(scopes_for_roles([Role.STAFF])) < admin
    assert "internal" not in admin
    assert scopes_for_roles(["NOPE"]) == ()


def test_guards() -> None:
    with pytest.raises(Unauthenticated):
        require_authenticated(ANONYMOUS)
    with pytest.raises(Unauthenticated):
        require_scope(ANONYMOUS, Scope.USERS_MANAGE)
    with pytest.raises(Forbidden):
        require_scope(CUSTOMER, Scope.CATALOG_WRITE)
    with pytest.raises(Forbidden):
        require_scope(STAFF, Scope.USERS_MANAGE)
    assert require_scope(ADMIN, Scope.USERS_MANAGE) is ADMIN
    assert require_authenticated(CUSTOMER) is CUSTOMER


@strawberry.type
class Query:
    @strawberry.field(permission_classes=[HasScope("catalog:write")])
    def write(self) -> str:
        return "ok"

    @strawberry.field(permission_classes=[IsAuthenticated])
    def signed_in(self) -> str:
        return "ok"


class Ctx:
    def __init__(self, principal: Principal) -> None:
        self.principal = principal


def codes(result: Any) -> list[str]:
    return [e.extensions["code"] for e in result.errors or []]


async def test_permission_classes() -> None:
    schema = federation_schema(load_settings(), query=Query)
    assert "HasScope" not in schema.as_str()
    anon = await schema.execute("{ write }", context_value=Ctx(ANONYMOUS))
    assert codes(anon) == ["UNAUTHENTICATED"]
    customer = await schema.execute("{ write signedIn }", context_value=Ctx(CUSTOMER))
    assert codes(customer) == ["FORBIDDEN"]
    staff = await schema.execute("{ write signedIn }", context_value=Ctx(STAFF))
    assert staff.errors is None and staff.data == {"write": "ok", "signedIn": "ok"}
    assert HasScope("catalog:write") is HasScope("catalog:write")


def test_service_secret_rules() -> None:
    with pytest.raises(TokenConfigError, match="production"):
        check_service_secret(load_settings(environment="production"))
    with pytest.raises(TokenConfigError, match="32 bytes"):
        check_service_secret(load_settings(service_token_secret="short"))
