"""Projected results are exactly graphql-core's, errors included, with fewer field steps."""

from __future__ import annotations

import enum
from typing import Any

import pytest
import strawberry
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types import ExecutionResult

from subgraphs.search.projection import ProjectingExecutionContext


@strawberry.enum
class Tone(enum.Enum):
    WARM = "warm"
    COOL = "cool"


@strawberry.type
class Value:
    value: str
    count: int
    selected: bool
    tone: Tone
    note: str | None = None


@strawberry.type
class Group:
    field: str
    values: list[Value]
    has_more: bool
    tags: list[str]

    @strawberry.field
    def shout(self) -> str:  # a resolver: never projected
        return self.field.upper()


BROKEN: list[Any] = []


@strawberry.type
class Query:
    @strawberry.field
    def groups(self) -> list[Group]:
        return [
            Group(field="color", has_more=True, tags=["a", "b"], values=[
                Value(value="red", count=3, selected=True, tone=Tone.WARM),
                Value(value="blue", count=2, selected=False, tone=Tone.COOL, note="sea"),
            ]),
            Group(field="size", has_more=False, tags=[], values=[]),
        ]  # fmt: skip

    @strawberry.field
    def broken(self) -> list[Group]:
        return BROKEN


class CountingStock(StrawberryGraphQLCoreExecutionContext):
    fields = 0

    def execute_field(self, *args: Any, **kwargs: Any) -> Any:
        type(self).fields += 1
        return super().execute_field(*args, **kwargs)


class CountingProjecting(ProjectingExecutionContext):
    fields = 0

    def execute_field(self, *args: Any, **kwargs: Any) -> Any:
        type(self).fields += 1
        return super().execute_field(*args, **kwargs)


STOCK = strawberry.Schema(query=Query, execution_context_class=CountingStock)
PROJECTING = strawberry.Schema(query=Query, execution_context_class=CountingProjecting)


def both(query: str, variables: dict[str, Any] | None = None) -> tuple[Any, Any]:
    stock: ExecutionResult = STOCK.execute_sync(query, variable_values=variables)
    projected: ExecutionResult = PROJECTING.execute_sync(query, variable_values=variables)
    return stock, projected


def formatted(result: ExecutionResult) -> dict[str, Any]:
    return {"data": result.data, "errors": [e.formatted for e in result.errors or ()]}


QUERIES = [
    "{ groups { field hasMore tags values { value count selected tone note } } }",
    "{ groups { __typename f: field values { __typename v: value n: count } } }",
    "{ groups { ...G values { ...V } } } fragment G on Group { field } "
    "fragment V on Value { value count }",
    "query($all: Boolean!) { groups { field values { value count @include(if: $all) "
    "selected @skip(if: $all) } } }",
    "{ groups { field shout values { value } } }",
]


@pytest.mark.parametrize("query", QUERIES)
def test_projected_results_equal_graphql_cores(query: str) -> None:
    for variables in ({"all": True}, {"all": False}) if "$all" in query else (None,):
        stock, projected = both(query, variables)
        assert not stock.errors
        assert formatted(projected) == formatted(stock)


def test_a_null_in_a_non_null_field_is_graphql_cores_error() -> None:
    BROKEN[:] = [Group(field="x", has_more=False, tags=[None], values=[])]  # type: ignore[list-item]
    stock, projected = both("{ broken { field tags } }")
    assert stock.errors and stock.data is None
    assert formatted(projected) == formatted(stock)


def test_a_value_the_scalar_refuses_is_graphql_cores_error() -> None:
    BROKEN[:] = [Group(field="x", has_more=False, tags=[], values=[
        Value(value="v", count=2**40, selected=True, tone=Tone.WARM)])]  # fmt: skip
    stock, projected = both("{ broken { values { value count } } }")
    assert stock.errors and "Int cannot represent" in stock.errors[0].message
    assert formatted(projected) == formatted(stock)


def test_plain_fields_skip_graphql_cores_field_steps() -> None:
    CountingStock.fields = CountingProjecting.fields = 0
    both(QUERIES[0])
    assert CountingStock.fields == 1 + 2 * 4 + 2 * 5  # root, groups, values
    assert CountingProjecting.fields == 1  # the root field only
