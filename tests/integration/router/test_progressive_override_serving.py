"""Progressive @override through a running gateway in front of two real Strawberry subgraphs:
a ``percent(50)`` field is answered by its new owner in about half of the requests, and every
field of one request that shares the label comes from the same owner (one draw per request)."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import pytest
import strawberry
from strawberry.federation.schema_directives import Override

from router.gateway import Gateway
from tests.support.strawberry_subgraphs import serving

REQUESTS = 200


HALF = Override(override_from="old", label="percent(50)")


@strawberry.federation.type(keys=["id"], name="Widget")
class OldWidget:
    id: strawberry.ID
    price: int = 1
    colour: str = "old"

    @classmethod
    def resolve_reference(cls, id: strawberry.ID, **_: Any) -> OldWidget:
        return cls(id=id)


@strawberry.type
class OldQuery:
    @strawberry.field
    def widget(self) -> OldWidget:
        return OldWidget(id=strawberry.ID("w1"))


@strawberry.federation.type(keys=["id"], name="Widget")
class NewWidget:
    id: strawberry.ID
    price: int = strawberry.federation.field(default=2, override=HALF)
    colour: str = strawberry.federation.field(default="new", override=HALF)

    @classmethod
    def resolve_reference(cls, id: strawberry.ID, **_: Any) -> NewWidget:
        return cls(id=id)


@strawberry.type
class NewQuery:
    @strawberry.field
    def new_owner_alive(self) -> bool:
        return True


@pytest.fixture(scope="module")
async def gateway() -> AsyncIterator[Gateway]:
    schemas = {
        "old": strawberry.federation.Schema(query=OldQuery, federation_version="2.9"),
        "new": strawberry.federation.Schema(
            query=NewQuery, types=[NewWidget], federation_version="2.9"
        ),
    }
    async with serving(schemas) as served:
        gw = Gateway.from_supergraph(served.supergraph)
        yield gw
        await gw.close()


async def test_a_percent_label_splits_requests_and_each_request_is_consistent(
    gateway: Gateway,
) -> None:
    owners: Counter[str] = Counter()
    for _ in range(REQUESTS):
        result = await gateway.execute("{ widget { id price colour } }", None, None, {})
        assert "errors" not in result, result
        widget = result["data"]["widget"]
        # both fields share the label: one draw decides both
        assert (widget["price"], widget["colour"]) in {(1, "old"), (2, "new")}
        owners[widget["colour"]] += 1
    # Binomial(200, 0.5): outside [60, 140] has probability below 1e-8.
    assert 60 <= owners["new"] <= 140, owners
