# mypy: disable-error-code="untyped-decorator"
# (strawberry.federation.field(...) with arguments is typed as returning Any.)
"""Two small Strawberry subgraphs that carry ``@cacheControl`` hints into the supergraph with
``@composeDirective``, for the router's Cache-Control and entity cache TTL tests
(tests/integration/router/test_cache_control.py).

catalog: ``products`` (maxAge 60), ``Product`` (type maxAge 120) with ``name``, ``motd``
(a root field with no hint), ``broken`` (always an error) and a ``touch`` mutation.
pricing: ``Product.price`` (maxAge 30), ``Product.livePrice`` (maxAge 0: never cached) and
``Product.myDiscount`` (maxAge 30, PRIVATE). Each counts the entity requests it serves.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

import strawberry
from strawberry.schema_directive import Location

CACHE_URL = "https://shopgraph.dev/cache/v1.0"


@strawberry.enum
class CacheControlScope(Enum):
    PUBLIC = "PUBLIC"
    PRIVATE = "PRIVATE"


@strawberry.federation.schema_directive(
    locations=[Location.OBJECT, Location.FIELD_DEFINITION],
    name="cacheControl",
    compose=True,
    import_url=CACHE_URL,
)
class CacheControl:
    max_age: int | None = None
    scope: CacheControlScope | None = None


@dataclass
class Served:
    entity_requests: int = 0


# -- catalog ----------------------------------------------------------------------------------
@strawberry.federation.type(keys=["id"], directives=[CacheControl(max_age=120)])
class Product:
    id: strawberry.ID
    name: str

    @classmethod
    def resolve_reference(cls, id: strawberry.ID, **_: Any) -> Product:
        return cls(id=id, name=f"Product {id}")


@strawberry.type
class CatalogQuery:
    @strawberry.federation.field(directives=[CacheControl(max_age=60)])
    def products(self) -> list[Product]:
        return [Product(id=strawberry.ID(key), name=f"Product {key}") for key in ("p1", "p2")]

    @strawberry.field
    def motd(self) -> str:
        return "hello"

    @strawberry.federation.field(directives=[CacheControl(max_age=60)])
    def broken(self) -> str | None:
        raise ValueError("broken on purpose")


@strawberry.type(name="Mutation")
class CatalogMutation:
    @strawberry.mutation
    def touch(self) -> bool:
        return True


def catalog_schema() -> strawberry.federation.Schema:
    return strawberry.federation.Schema(
        query=CatalogQuery, mutation=CatalogMutation, federation_version="2.9"
    )


# -- pricing ----------------------------------------------------------------------------------
def pricing_schema(served: Served) -> strawberry.federation.Schema:
    @strawberry.federation.type(keys=["id"], name="Product")
    class PricedProduct:
        id: strawberry.ID

        @strawberry.federation.field(directives=[CacheControl(max_age=30)])
        def price(self) -> int:
            return 10

        @strawberry.federation.field(directives=[CacheControl(max_age=0)])
        def live_price(self) -> int:
            return 11

        @strawberry.federation.field(
            directives=[CacheControl(max_age=30, scope=CacheControlScope.PRIVATE)]
        )
        def my_discount(self) -> int:
            return 2

        @classmethod
        def resolve_reference(cls, id: strawberry.ID, **_: Any) -> PricedProduct:
            served.entity_requests += 1
            return cls(id=id)

    @strawberry.type
    class PricingQuery:
        @strawberry.field
        def currency(self) -> str:
            return "EUR"

    return strawberry.federation.Schema(
        query=PricingQuery, types=[PricedProduct], federation_version="2.9"
    )
