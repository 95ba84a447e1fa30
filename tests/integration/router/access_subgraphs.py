# mypy: disable-error-code="untyped-decorator"
# (strawberry.federation.field(...) with arguments is typed as returning Any.)
"""Two small Strawberry subgraphs with access-control and cost directives, for the router's
authorization and demand-control tests (tests/integration/router/test_access_control.py).

accounts: ``me`` (@authenticated), ``users(first:)`` (a connection with @listSize), users
with an ``email`` (@requiresScopes users:manage) and a ``badge`` (@policy even_subject).
billing: each user's ``invoices`` (@authenticated) whose ``total`` has @cost(weight: 4), and
a ``refund`` mutation (@requiresScopes payments:refund). Each counts the requests it serves
and keeps their bodies, so tests can see what a subgraph was (never) asked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson
import strawberry
from strawberry.asgi import GraphQL
from strawberry.federation.schema_directives import Cost, ListSize

from shopgraph.auth.principal import Principal

NAMES = {"u1": "Ada", "u2": "Grace", "u3": "Edsger"}


@dataclass
class Recorder:
    queries: list[str] = field(default_factory=list)


class RecordingApp(GraphQL[Any, Any]):
    def __init__(self, schema: strawberry.federation.Schema, recorder: Recorder) -> None:
        super().__init__(schema)
        self.recorder = recorder

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope.get("method") != "POST":
            await super().__call__(scope, receive, send)
            return
        chunks: list[bytes] = []
        more = True
        while more:
            message = await receive()
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = b"".join(chunks)
        self.recorder.queries.append(str(orjson.loads(body).get("query", "")))
        sent = False

        async def replay() -> dict[str, Any]:
            nonlocal sent
            if sent:
                following: dict[str, Any] = await receive()
                return following
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await super().__call__(scope, replay, send)


def even_subject(principal: Principal, coordinate: str) -> bool:
    """The ``even_subject`` policy: callers whose subject ends in an even digit."""
    return coordinate == "User.badge" and principal.subject[-1:] in {"0", "2", "4", "6", "8"}


# -- accounts ---------------------------------------------------------------------------------
@strawberry.federation.type(keys=["id"])
class User:
    id: strawberry.ID
    name: str

    @strawberry.federation.field(requires_scopes=[["users:manage"]])
    def email(self) -> str | None:
        return f"{self.id}@example.test"

    @strawberry.federation.field(policy=[["even_subject"]])
    def badge(self) -> str | None:
        return "gold"

    @classmethod
    def resolve_reference(cls, id: strawberry.ID, **_: Any) -> User:
        return cls(id=id, name=NAMES[str(id)])


@strawberry.type
class UserEdge:
    node: User | None


@strawberry.type
class UserConnection:
    edges: list[UserEdge]


def _user(key: str) -> User:
    return User(id=strawberry.ID(key), name=NAMES[key])


@strawberry.type
class AccountsQuery:
    @strawberry.federation.field(authenticated=True)
    def me(self) -> User | None:
        return _user("u1")

    @strawberry.federation.field(
        directives=[
            ListSize(
                assumed_size=2,
                slicing_arguments=["first"],
                sized_fields=["edges"],
                require_one_slicing_argument=False,
            )
        ]
    )
    def users(self, first: int = 2) -> UserConnection:
        return UserConnection(edges=[UserEdge(node=_user(k)) for k in list(NAMES)[:first]])


def accounts_schema() -> strawberry.federation.Schema:
    return strawberry.federation.Schema(query=AccountsQuery, federation_version="2.9")


# -- billing ----------------------------------------------------------------------------------
@strawberry.type
class Invoice:
    id: strawberry.ID

    @strawberry.federation.field(directives=[Cost(weight=4)])
    def total(self) -> int:
        return 42


@strawberry.federation.type(keys=["id"], name="User")
class BillingUser:
    id: strawberry.ID

    @strawberry.federation.field(authenticated=True)
    def invoices(self) -> list[Invoice] | None:
        return [
            Invoice(id=strawberry.ID(f"{self.id}-1")),
            Invoice(id=strawberry.ID(f"{self.id}-2")),
        ]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID, **_: Any) -> BillingUser:
        return cls(id=id)


@strawberry.type
class BillingQuery:
    @strawberry.field
    def invoice_count(self) -> int:
        return 2


@strawberry.type
class BillingMutation:
    @strawberry.federation.mutation(requires_scopes=[["payments:refund"]])
    def refund(self, id: strawberry.ID) -> bool:
        return True


def billing_schema() -> strawberry.federation.Schema:
    return strawberry.federation.Schema(
        query=BillingQuery,
        mutation=BillingMutation,
        types=[BillingUser],
        federation_version="2.9",
    )


SCHEMAS = {"accounts": accounts_schema, "billing": billing_schema}
