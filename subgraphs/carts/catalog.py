"""What carts asks the products subgraph: current name, status and price of products.

:class:`ProductCatalog` is the port; :class:`GraphQLProductCatalog` asks products for any
number of ids in ONE ``_entities`` call over an internal service token. Unit tests pass a
fake.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from shopgraph.errors import DomainError
from shopgraph.internal import InternalClient, UpstreamError
from shopgraph.money import to_minor

ACTIVE = "ACTIVE"

PRODUCTS_QUERY = """
query CartProducts($r: [_Any!]!) {
  _entities(representations: $r) {
    ... on Product { id name sku status price { amount currency } }
  }
}
"""


@dataclass(frozen=True, slots=True)
class ProductInfo:
    id: str
    name: str
    sku: str
    status: str
    price_minor: int
    currency: str

    @property
    def available(self) -> bool:
        """Only ACTIVE products can be bought (DRAFT and ARCHIVED cannot)."""
        return self.status == ACTIVE


# productId -> what products says now; None when products does not know the id (any more).
ProductLookupResult = Mapping[str, ProductInfo | None]


class ProductCatalog(Protocol):
    async def lookup(self, product_ids: Sequence[str]) -> ProductLookupResult:
        """Every requested id, in one round trip; raises ``UpstreamError`` when unreachable."""
        ...

    async def close(self) -> None: ...


def _info(entity: Any) -> ProductInfo | None:
    if not isinstance(entity, dict) or "id" not in entity:
        return None
    price = entity.get("price") or {}
    currency = str(price.get("currency", "")).upper()
    try:
        minor = to_minor(Decimal(str(price.get("amount"))), currency)
    except (DomainError, ArithmeticError, ValueError):
        return None  # a product carts cannot price cannot be bought
    return ProductInfo(
        id=str(entity["id"]),
        name=str(entity.get("name", "")),
        sku=str(entity.get("sku", "")),
        status=str(entity.get("status", "")),
        price_minor=minor,
        currency=currency,
    )


class GraphQLProductCatalog:
    """The products subgraph over :class:`~shopgraph.internal.InternalClient`."""

    def __init__(self, client: InternalClient) -> None:
        self.client = client
        self.calls = 0  # round trips made (diagnostics, tests)

    async def lookup(self, product_ids: Sequence[str]) -> ProductLookupResult:
        ids = list(dict.fromkeys(product_ids))
        if not ids:
            return {}
        self.calls += 1
        data = await self.client.query(
            "products",
            PRODUCTS_QUERY,
            {"r": [{"__typename": "Product", "id": pid} for pid in ids]},
        )
        entities = data.get("_entities")
        if not isinstance(entities, list) or len(entities) != len(ids):
            raise UpstreamError("products", "_entities answered with the wrong number of items")
        return {pid: _info(entity) for pid, entity in zip(ids, entities, strict=True)}

    async def close(self) -> None:
        await self.client.close()
