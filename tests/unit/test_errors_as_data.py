"""Business errors come back as data: ``errors_as_data`` on a mutation resolver."""

from __future__ import annotations

import strawberry

from shopgraph.errors import DomainError, NotFound, UserError, errors_as_data
from shopgraph.graphql import federation_schema
from shopgraph.settings import load_settings

WRITES: list[str] = []


@strawberry.type
class RenamePayload:
    name: str | None = None
    ok: bool = False
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class Query:
    @strawberry.field
    def ping(self) -> str:
        return "pong"


@strawberry.type
class Mutation:
    @strawberry.mutation
    @errors_as_data(RenamePayload)
    async def rename(self, name: str, force: bool = False) -> RenamePayload:
        if name == "missing":
            raise NotFound("no such thing")
        if not name.strip() and not force:
            raise DomainError("INVALID_NAME", "a name cannot be blank", "name")
        WRITES.append(name)
        return RenamePayload(name=name, ok=True)


SCHEMA = federation_schema(load_settings(environment="test"), query=Query, mutation=Mutation)
RENAME = """mutation($name: String!, $force: Boolean! = false) {
  rename(name: $name, force: $force) { name ok errors { code field message } } }"""


async def test_a_domain_error_is_the_payload_errors_and_changes_nothing() -> None:
    WRITES.clear()
    result = await SCHEMA.execute(RENAME, variable_values={"name": "  "})
    assert result.errors is None
    assert result.data == {
        "rename": {
            "name": None,
            "ok": False,
            "errors": [
                {"code": "INVALID_NAME", "field": "name", "message": "a name cannot be blank"}
            ],
        }
    }
    assert WRITES == []


async def test_the_resolver_keeps_its_arguments_and_its_answer() -> None:
    WRITES.clear()
    result = await SCHEMA.execute(RENAME, variable_values={"name": " ", "force": True})
    assert result.errors is None
    assert result.data == {"rename": {"name": " ", "ok": True, "errors": []}}
    assert WRITES == [" "]


async def test_request_errors_stay_graphql_errors() -> None:
    result = await SCHEMA.execute(RENAME, variable_values={"name": "missing"})
    assert result.data is None
    assert result.errors is not None
    assert result.errors[0].extensions == {"code": "NOT_FOUND"}
