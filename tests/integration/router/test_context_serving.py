"""@context / @fromContext through the gateway in front of real Strawberry subgraphs.

``Shop @context(name: "shop")`` sets its ``currency`` as context; ``Item.price`` takes it with
``@fromContext(field: "$shop { currency }")``. Clients never pass the argument (it is not in
the supergraph): the router reads it from each item's shop and sends it with the entity
fetch, one request per distinct value.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

import pytest
import strawberry
from strawberry.federation.schema_directives import Context, FromContext

from router.gateway import Gateway
from router.planner_nodes import Fetch, Flatten, Parallel, PlanNode, Sequence
from tests.integration.router.test_execution_subgraphs import Counter
from tests.support.strawberry_subgraphs import serving

SHOPS = {"s1": ("Paris", "EUR", ["i1", "i2"]), "s2": ("Boston", "USD", ["i1"])}
CENTS = {"i1": 1250, "i2": 300}


@strawberry.federation.type(keys=["id"], name="Item")
class Item:
    id: strawberry.ID

    @strawberry.field
    def price(
        self,
        currency: Annotated[
            str | None, strawberry.argument(directives=[FromContext(field="$shop { currency }")])
        ] = None,
    ) -> str:
        return f"{CENTS[str(self.id)] / 100:.2f} {currency or '???'}"

    @classmethod
    def resolve_reference(cls, id: strawberry.ID, **_: Any) -> Item:
        return cls(id=id)


@strawberry.federation.type(keys=["id"], name="Shop", directives=[Context(name="shop")])
class Shop:
    id: strawberry.ID
    city: str
    currency: str
    items: list[Item]

    @classmethod
    def of(cls, shop_id: str) -> Shop:
        city, currency, items = SHOPS[shop_id]
        return cls(
            id=strawberry.ID(shop_id),
            city=city,
            currency=currency,
            items=[Item(id=strawberry.ID(i)) for i in items],
        )


@strawberry.type
class ShopsQuery:
    @strawberry.field
    def shops(self) -> list[Shop]:
        return [Shop.of(shop_id) for shop_id in SHOPS]


@strawberry.federation.type(keys=["id"], name="Item")
class ReviewedItem:
    id: strawberry.ID

    @strawberry.field
    def stars(self) -> int:
        return 4 if self.id == "i1" else 2

    @classmethod
    def resolve_reference(cls, id: strawberry.ID, **_: Any) -> ReviewedItem:
        return cls(id=id)


@strawberry.type
class ReviewsQuery:
    @strawberry.field
    def top_item(self) -> ReviewedItem:
        return ReviewedItem(id=strawberry.ID("i1"))


SCHEMAS = {
    "shops": strawberry.federation.Schema(query=ShopsQuery, federation_version="2.9"),
    "reviews": strawberry.federation.Schema(query=ReviewsQuery, federation_version="2.9"),
}
QUERY = "{ shops { city items { id price stars } } }"


@pytest.fixture(scope="module")
async def running() -> AsyncIterator[tuple[Gateway, dict[str, Counter]]]:
    async with serving(SCHEMAS) as served:
        gateway = Gateway.from_supergraph(served.supergraph)
        yield gateway, served.counters
        await gateway.close()


def _fetches(node: PlanNode | None) -> list[Fetch]:
    if isinstance(node, Fetch):
        return [node]
    if isinstance(node, Flatten):
        return _fetches(node.node)
    if node is None or not isinstance(node, Sequence | Parallel):
        return []
    found: list[Fetch] = []
    for child in node.nodes:
        found += _fetches(child)
    return found


async def test_the_argument_is_not_in_the_client_schema(
    running: tuple[Gateway, dict[str, Counter]],
) -> None:
    gateway, _ = running
    result = await gateway.execute('{ shops { items { price(currency: "GBP") } } }', None, None, {})
    assert result["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_each_item_is_priced_in_its_own_shops_currency(
    running: tuple[Gateway, dict[str, Counter]],
) -> None:
    gateway, counters = running
    plan = gateway.plan(QUERY)
    assert isinstance(plan.node, Sequence)
    contextual = [f for f in _fetches(plan.node) if f.contexts]
    assert len(contextual) == 1 and contextual[0].service_name == "shops"
    assert "price(currency:$contextualArgument_" in contextual[0].operation.replace(" ", "")
    counters["shops"].requests = 0
    result = await gateway.execute(QUERY, None, None, {})
    assert "errors" not in result, result
    assert result["data"] == {
        "shops": [
            {
                "city": "Paris",
                "items": [
                    {"id": "i1", "price": "12.50 EUR", "stars": 4},
                    {"id": "i2", "price": "3.00 EUR", "stars": 2},
                ],
            },
            {"city": "Boston", "items": [{"id": "i1", "price": "12.50 USD", "stars": 4}]},
        ]
    }
    # the root fetch, then one entity request per currency
    assert counters["shops"].requests == 3
