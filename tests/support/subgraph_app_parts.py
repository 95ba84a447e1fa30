"""Pieces of the small subgraph apps that tests of shopgraph/app.py build."""

from __future__ import annotations

import strawberry

from shopgraph.app import RequestContext
from shopgraph.auth.principal import ANONYMOUS, Principal
from shopgraph.errors import NotFound, Unauthenticated


class FakePrincipals:
    """No token: anonymous; ``Bearer good``: user ``u1``; any other token: expired."""

    async def principal_from_header(self, value: str | None) -> Principal:
        if value is None:
            return ANONYMOUS
        if value == "Bearer good":
            return Principal(subject="u1", roles=("CUSTOMER",), scopes=(), kind="user")
        raise Unauthenticated("token expired")


@strawberry.type
class Node:
    """As deep as a query asks: for the depth limit."""

    @strawberry.field
    def child(self) -> Node:
        return Node()

    @strawberry.field
    def name(self) -> str:
        return "n"


@strawberry.type
class BasicQuery:
    """Root fields both tests' schemas share: depth, the principal, errors."""

    @strawberry.field
    def root(self) -> Node:
        return Node()

    @strawberry.field
    def whoami(self, info: strawberry.Info[RequestContext, None]) -> str:
        return info.context.principal.subject or "anonymous"

    @strawberry.field
    def boom(self) -> str:
        raise RuntimeError("database password is hunter2")

    @strawberry.field
    def missing(self) -> str:
        raise NotFound("no such product")
