"""The products subgraph's published client: what other services ask it about products.

Carts (prices of cart lines) and orders (the quote a checkout is priced at) both ask for
the current name, sku, status, price and weight of many products in ONE ``_entities``
call, over an internal service token (:class:`~shopgraph.internal.InternalClient`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from shopgraph.errors import DomainError
from shopgraph.internal import InternalClient, UpstreamError
from shopgraph.money import to_minor

SERVICE: Final = "products"
ACTIVE: Final = "ACTIVE"

QUOTES_QUERY: Final = """
query ProductQuotes($r: [_Any!]!) {
  _entities(representations: $r) {
    ... on Product { id name sku status price { amount currency } weightGrams }
  }
}
"""


@dataclass(frozen=True, slots=True)
class ProductQuote:
    """A product as products sees it now."""

    id: str
    name: str
    sku: str
    status: str
    price_minor: int
    currency: str
    weight_grams: int = 0

    @property
    def available(self) -> bool:
        """Only ACTIVE products can be bought (DRAFT and ARCHIVED cannot)."""
        return self.status == ACTIVE


# productId -> its quote; None when products does not know the id (any more).
ProductQuotes = Mapping[str, ProductQuote | None]


def _quote(entity: Any) -> ProductQuote | None:
    if not isinstance(entity, dict) or "id" not in entity:
        return None
    price = entity.get("price") or {}
    currency = str(price.get("currency", "")).upper()
    try:
        minor = to_minor(Decimal(str(price.get("amount"))), currency)
    except (DomainError, ArithmeticError, ValueError):
        return None  # a product that cannot be priced cannot be bought
    weight = entity.get("weightGrams")
    return ProductQuote(
        id=str(entity["id"]),
        name=str(entity.get("name", "")),
        sku=str(entity.get("sku", "")),
        status=str(entity.get("status", "")),
        price_minor=minor,
        currency=currency,
        weight_grams=weight if isinstance(weight, int) and weight > 0 else 0,
    )


class ProductsClient:
    """Quotes from the products subgraph; closes the :class:`InternalClient` it is given."""

    def __init__(self, client: InternalClient) -> None:
        self.client = client
        self.calls = 0  # round trips made (diagnostics, tests)

    async def quotes(self, product_ids: Sequence[str]) -> ProductQuotes:
        """Every requested id, in one round trip; raises ``UpstreamError`` when unreachable."""
        ids = list(dict.fromkeys(product_ids))
        if not ids:
            return {}
        self.calls += 1
        data = await self.client.query(
            SERVICE,
            QUOTES_QUERY,
            {"r": [{"__typename": "Product", "id": pid} for pid in ids]},
        )
        entities = data.get("_entities")
        if not isinstance(entities, list) or len(entities) != len(ids):
            raise UpstreamError(SERVICE, "_entities answered with the wrong number of items")
        return {pid: _quote(entity) for pid, entity in zip(ids, entities, strict=True)}

    async def close(self) -> None:
        await self.client.close()
