"""The lean path answers exactly as Strawberry's view: same status, headers and bytes.

Every request goes to two apps built alike, one with the lean path and one without, and the
two answers must be identical; a spy on the view shows which requests the lean path served
itself and which it handed to the view.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable
from dataclasses import dataclass
from typing import Any

import httpx
import orjson
import pytest
import strawberry

from shopgraph.app import RequestContext, SubgraphGraphQL, create_subgraph_app
from shopgraph.errors import ShopGraphError
from shopgraph.graphql import federation_schema
from shopgraph.request_deadline import remaining_seconds
from shopgraph.settings import load_settings
from tests.support.subgraph_app_parts import BasicQuery, FakePrincipals


@strawberry.federation.type(keys=["id"])
class Product:
    id: strawberry.ID
    name: str = "lamp"

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Product:
        return Product(id=id)


@strawberry.type
class Query(BasicQuery):
    @strawberry.field
    def product(self, id: strawberry.ID) -> Product:
        return Product(id=id)

    @strawberry.field
    def tenant(self, info: strawberry.Info[RequestContext, None]) -> str:
        return str(info.context.extra["tenant"])

    @strawberry.field
    def in_time(self) -> str:
        remaining = remaining_seconds()
        if remaining is None or remaining <= 0:
            raise ShopGraphError("request deadline exceeded", code="DEADLINE_EXCEEDED")
        return "in time"


@strawberry.type
class Mutation:
    @strawberry.mutation
    def rename(self, name: str) -> str:
        return name.upper()


def with_tenant(ctx: RequestContext) -> RequestContext:
    ctx.extra["tenant"] = ctx.request.headers.get("x-tenant", "none")
    return ctx


@dataclass
class Pair:
    lean: httpx.AsyncClient
    view: httpx.AsyncClient
    view_runs: list[str]

    async def both(
        self, content: bytes, method: str = "POST", url: str = "/graphql", **headers: str
    ) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        """The same request to both apps; the answers (status, headers, body) must match.
        Returns the lean app's answer."""
        sent = {"content-type": "application/json", "x-request-id": "r-1", **headers}
        answers = []
        for client in (self.lean, self.view):
            response = await client.request(method, url, content=content, headers=sent)
            answers.append((response.status_code, response.headers.raw, response.content))
        assert answers[0] == answers[1]
        return answers[0]

    async def lean_only(self, content: bytes, **headers: str) -> dict[str, Any]:
        """``both``, asserting that the lean path served it (only the view app's view ran)."""
        before = len(self.view_runs)
        status, _, body = await self.both(content, **headers)
        assert len(self.view_runs) - before == 1, "the lean path handed this to the view"
        answer: dict[str, Any] = orjson.loads(body)
        assert status == 200
        return answer

    async def through_view(
        self, content: bytes, method: str = "POST", url: str = "/graphql", **headers: str
    ) -> bytes:
        """``both``, asserting that both apps' views answered."""
        before = len(self.view_runs)
        _, _, body = await self.both(content, method, url, **headers)
        assert len(self.view_runs) - before == 2, "the lean path answered this itself"
        return body


@pytest.fixture(params=["dev", "production"])
async def pair(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Pair]:
    view_runs: list[str] = []
    run = SubgraphGraphQL.run

    def spy(self: SubgraphGraphQL, request: Any, *args: Any, **kwargs: Any) -> Awaitable[Any]:
        view_runs.append(request.scope["type"])
        return run(self, request, *args, **kwargs)

    monkeypatch.setattr(SubgraphGraphQL, "run", spy)
    settings = load_settings(environment=request.param, max_query_depth=5, max_aliases=3)

    def app(lean_path: bool) -> Any:
        return create_subgraph_app(
            service="test",
            settings=settings,
            schema=federation_schema(settings, query=Query, mutation=Mutation, types=[Product]),
            principals=FakePrincipals(),
            build_context=with_tenant,
            lean_path=lean_path,
        )

    clients: list[httpx.AsyncClient] = []
    for lean_path in (True, False):
        transport = httpx.ASGITransport(app=app(lean_path))
        clients.append(httpx.AsyncClient(transport=transport, base_url="http://test"))
    try:
        yield Pair(lean=clients[0], view=clients[1], view_runs=view_runs)
    finally:
        for client in clients:
            await client.aclose()


def body(query: str, **fields: Any) -> bytes:
    return orjson.dumps({"query": query, **fields})


async def test_a_valid_query_with_context_and_principal(pair: Pair) -> None:
    answer = await pair.lean_only(
        body("{ whoami tenant }"), authorization="Bearer good", **{"x-tenant": "t9"}
    )
    assert answer == {"data": {"whoami": "u1", "tenant": "t9"}}


async def test_variables_and_entities(pair: Pair) -> None:
    query = "query Q($r: [_Any!]!) { _entities(representations: $r) { ... on Product { id } } }"
    representations = [{"__typename": "Product", "id": id_} for id_ in ("p1", "p2")]
    answer = await pair.lean_only(body(query, variables={"r": representations}))
    assert answer["data"]["_entities"] == [{"id": "p1"}, {"id": "p2"}]


async def test_a_variable_of_the_wrong_type(pair: Pair) -> None:
    query = "query Q($id: ID!) { product(id: $id) { id } }"
    answer = await pair.lean_only(body(query, variables={"id": {"not": "an id"}}))
    assert "$id" in answer["errors"][0]["message"]
    assert answer["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_a_mutation(pair: Pair) -> None:
    answer = await pair.lean_only(body('mutation { rename(name: "lamp") }'))
    assert answer == {"data": {"rename": "LAMP"}}


async def test_operation_name_picks_the_operation(pair: Pair) -> None:
    document = "query A { whoami } query B { root { name } }"
    answer = await pair.lean_only(body(document, operationName="B"))
    assert answer == {"data": {"root": {"name": "n"}}}


async def test_an_unknown_operation_name_is_a_400(pair: Pair) -> None:
    before = len(pair.view_runs)
    status, headers, text = await pair.both(body("query A { whoami }", operationName="C"))
    assert len(pair.view_runs) - before == 1
    assert status == 400
    assert (b"content-type", b"text/plain; charset=utf-8") in headers
    assert text == b'Unknown operation named "C".'


async def test_an_empty_query_is_a_400(pair: Pair) -> None:
    status, _, text = await pair.both(body(""))
    assert (status, text) == (400, b"No GraphQL query found in the request")


async def test_a_syntax_error(pair: Pair) -> None:
    answer = await pair.lean_only(body("{ whoami "))
    assert answer["errors"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    assert answer["errors"][0]["locations"] == [{"line": 1, "column": 10}]


async def test_a_validation_error(pair: Pair) -> None:
    answer = await pair.lean_only(body("{ whoamii }"))
    assert answer["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_resolver_errors_keep_path_and_are_masked(pair: Pair) -> None:
    missing = await pair.lean_only(body("{ whoami missing }"))
    assert missing["errors"][0]["path"] == ["missing"]
    assert missing["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    boom = await pair.lean_only(body("{ boom }"))
    assert boom["errors"][0] == {
        "message": "Internal server error",
        "locations": [{"line": 1, "column": 3}],
        "path": ["boom"],
        "extensions": {"code": "INTERNAL_SERVER_ERROR"},
    }


async def test_too_deep_and_too_many_aliases(pair: Pair) -> None:
    deep = "{ root { child { child { child { child { child { child { name } } } } } } } }"
    answer = await pair.lean_only(body(deep))
    assert "depth" in answer["errors"][0]["message"]
    aliases = await pair.lean_only(body("{ a: whoami b: whoami c: whoami d: whoami }"))
    assert aliases["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_the_request_deadline_reaches_resolvers(pair: Pair) -> None:
    answer = await pair.lean_only(body("{ inTime }"))
    assert answer == {"data": {"inTime": "in time"}}
    late = await pair.lean_only(body("{ inTime }"), **{"x-request-deadline-ms": "0"})
    assert late["errors"][0]["extensions"]["code"] == "DEADLINE_EXCEEDED"


async def test_a_bad_token_is_a_401_before_either_path(pair: Pair) -> None:
    before = len(pair.view_runs)
    status, _, text = await pair.both(body("{ whoami }"), authorization="Bearer stale")
    assert len(pair.view_runs) == before
    assert status == 401
    assert orjson.loads(text)["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_charset_parameter_still_takes_the_lean_path(pair: Pair) -> None:
    answer = await pair.lean_only(
        body("{ whoami }"), **{"content-type": "application/json; charset=utf-8"}
    )
    assert answer == {"data": {"whoami": "anonymous"}}


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"{not json", b"Unable to parse request body as JSON"),
        (b'[{"query": "{ whoami }"}]', b"Batching is not enabled"),
        (b'{"query": 42}', b"The GraphQL operation's `query` must be a string or null"),
        (b'{"query": "{ whoami }", "variables": [1]}', b"`variables` must be an object"),
        (b"[" * 200 + b"]" * 200, b"Request JSON is nested deeper than 100 levels"),
    ],
)
async def test_bodies_that_are_not_one_operation_go_to_the_view(
    pair: Pair, content: bytes, expected: bytes
) -> None:
    assert expected in await pair.through_view(content)


async def test_other_requests_go_to_the_view(pair: Pair) -> None:
    get = await pair.through_view(b"", "GET", url="/graphql?query=%7Bwhoami%7D")
    assert orjson.loads(get) == {"data": {"whoami": "anonymous"}}
    await pair.through_view(b"query={ whoami }", **{"content-type": "text/plain"})
    await pair.through_view(body("{ whoami }"), accept="text/event-stream")
    await pair.through_view(body("{ whoami }"), accept="multipart/mixed")
