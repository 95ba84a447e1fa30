"""Three tiny Strawberry subgraphs the execution tests run the router against.

accounts: users (key id). products: products (key upc), a failing root field and a product
whose non-null name errors. reviews: reviews on users and products, ``shippingEstimate``
with ``@requires(fields: "price weight")``. Each counts the requests it serves.

The committed supergraph ``tests/fixtures/router/exec_supergraph.graphql`` is these SDLs
composed by @theguild/federation-composition (``python -m
tests.integration.router.test_execution_subgraphs`` prints the SDLs as JSON for it).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import strawberry
from strawberry.asgi import GraphQL

USERS = {"u1": "Ada", "u2": "Grace"}
PRODUCTS: dict[str, dict[str, str | int | None]] = {
    "p1": {"name": "Kettle", "price": 30, "weight": 2},
    "p2": {"name": "Toaster", "price": 50, "weight": 4},
    "p3": {"name": None, "price": 10, "weight": 1},  # its non-null name fails
}
REVIEWS = [
    {"id": "r1", "body": "Boils fast", "author": "u1", "product": "p1"},
    {"id": "r2", "body": "Burns toast", "author": "u2", "product": "p2"},
    {"id": "r3", "body": "Also boils", "author": "u2", "product": "p1"},
]


@dataclass
class Counter:
    requests: int = 0
    bodies: list[str] = field(default_factory=list)


class CountingApp(GraphQL[Any, Any]):
    def __init__(self, schema: strawberry.federation.Schema, counter: Counter) -> None:
        super().__init__(schema)
        self.counter = counter

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope.get("method") == "POST":
            self.counter.requests += 1
            headers = dict(scope.get("headers") or [])
            self.counter.bodies.append(headers.get(b"authorization", b"").decode())
        await super().__call__(scope, receive, send)


# -- accounts ---------------------------------------------------------------------------------
@strawberry.federation.type(keys=["id"])
class User:
    id: strawberry.ID
    name: str

    @classmethod
    def resolve_reference(cls, id: strawberry.ID, **_: Any) -> User:
        return cls(id=id, name=USERS[str(id)])


@strawberry.type
class AccountsQuery:
    @strawberry.field
    def users(self) -> list[User]:
        return [User(id=strawberry.ID(k), name=v) for k, v in USERS.items()]

    @strawberry.field
    def me(self) -> User:
        return User(id=strawberry.ID("u1"), name=USERS["u1"])


def accounts_schema() -> strawberry.federation.Schema:
    return strawberry.federation.Schema(query=AccountsQuery, federation_version="2.9")


# -- products ---------------------------------------------------------------------------------
@strawberry.federation.type(keys=["upc"], name="Product")
class CatalogProduct:
    upc: str
    price: int
    weight: int

    @strawberry.field
    def name(self) -> str:
        name = PRODUCTS[self.upc]["name"]
        if name is None:
            raise ValueError(f"no name for {self.upc}")
        return str(name)

    @classmethod
    def resolve_reference(cls, upc: str, **_: Any) -> CatalogProduct:
        return _product(upc)


def _product(upc: str) -> CatalogProduct:
    data = PRODUCTS[upc]
    return CatalogProduct(upc=upc, price=int(data["price"] or 0), weight=int(data["weight"] or 0))


@strawberry.type
class ProductsQuery:
    @strawberry.field
    def top_products(self, first: int = 5) -> list[CatalogProduct]:
        return [_product(upc) for upc in list(PRODUCTS)[:first]]

    @strawberry.field
    def broken(self) -> CatalogProduct | None:
        raise RuntimeError("products is broken")


def products_schema() -> strawberry.federation.Schema:
    return strawberry.federation.Schema(query=ProductsQuery, federation_version="2.9")


# -- reviews ----------------------------------------------------------------------------------
@strawberry.federation.type(keys=["upc"], name="Product")
class ReviewedProduct:
    upc: str
    price: int = strawberry.federation.field(external=True, default=0)
    weight: int = strawberry.federation.field(external=True, default=0)

    @classmethod
    def resolve_reference(
        cls, upc: str, price: int = 0, weight: int = 0, **_: Any
    ) -> ReviewedProduct:
        return cls(upc=upc, price=price, weight=weight)

    @strawberry.federation.field(requires=["price weight"])
    def shipping_estimate(self) -> int:
        return self.price // 10 + self.weight * 3

    @strawberry.field
    def reviews(self) -> list[Review]:
        return [_review(r) for r in REVIEWS if r["product"] == self.upc]


@strawberry.federation.type(keys=["id"], name="User")
class ReviewAuthor:
    id: strawberry.ID

    @classmethod
    def resolve_reference(cls, id: strawberry.ID, **_: Any) -> ReviewAuthor:
        return cls(id=id)

    @strawberry.field
    def reviews(self) -> list[Review]:
        return [_review(r) for r in REVIEWS if r["author"] == str(self.id)]


@strawberry.type
class Review:
    id: strawberry.ID
    body: str
    author: ReviewAuthor
    product: ReviewedProduct


def _review(data: dict[str, str]) -> Review:
    return Review(
        id=strawberry.ID(data["id"]),
        body=data["body"],
        author=ReviewAuthor(id=strawberry.ID(data["author"])),
        product=ReviewedProduct(upc=data["product"]),
    )


@strawberry.type
class ReviewsQuery:
    @strawberry.field
    def latest_reviews(self) -> list[Review]:
        return [_review(r) for r in REVIEWS]


def reviews_schema() -> strawberry.federation.Schema:
    return strawberry.federation.Schema(
        query=ReviewsQuery,
        types=[ReviewedProduct, ReviewAuthor],
        federation_version="2.9",
    )


SCHEMAS = {"accounts": accounts_schema, "products": products_schema, "reviews": reviews_schema}


def sdl_of(schema: strawberry.federation.Schema) -> str:
    result = schema.execute_sync("{ _service { sdl } }")
    assert result.data is not None
    return str(result.data["_service"]["sdl"])


if __name__ == "__main__":
    print(
        json.dumps(
            [
                {"name": name, "url": f"http://{name}.invalid/graphql", "sdl": sdl_of(make())}
                for name, make in SCHEMAS.items()
            ]
        )
    )
