"""An in-process stand-in for carts, products, users and inventory as ``placeOrder`` sees
them (the :class:`~subgraphs.orders.upstream.Checkout` port), for tests of the orders
service's own rules on both databases. The cross-service behaviour is tested against the
real services in ``test_platform.py``.

The stock rules mirror inventory's contract: all-or-nothing, idempotent by order id.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from shopgraph.errors import DomainError
from subgraphs.orders.upstream import CartLine
from subgraphs.products.client import ProductQuote


@dataclass
class StubCheckout:
    carts: dict[str, list[CartLine]] = field(default_factory=dict)
    products: dict[str, ProductQuote] = field(default_factory=dict)
    emails: dict[str, str] = field(default_factory=dict)
    stock: dict[str, int] = field(default_factory=dict)
    reservations: dict[str, tuple[tuple[str, int], ...]] = field(default_factory=dict)
    released: list[str] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)
    delay: float = 0.0

    async def cart_lines(self, user_id: str) -> list[CartLine]:
        self.calls.append("cart")
        await asyncio.sleep(self.delay)
        return list(self.carts.get(user_id, []))

    async def quotes(self, product_ids: Sequence[str]) -> Mapping[str, ProductQuote | None]:
        self.calls.append("quotes")
        return {pid: self.products.get(pid) for pid in product_ids}

    async def email_of(self, user_id: str) -> str | None:
        self.calls.append("email")
        return self.emails.get(user_id)

    async def reserve(
        self, order_id: str, lines: Sequence[CartLine], ttl_seconds: int, attempt: str = ""
    ) -> None:
        self.calls.append("reserve")
        await asyncio.sleep(self.delay)
        wanted = tuple(sorted((x.product_id, x.quantity) for x in lines))
        if order_id in self.reservations:
            if self.reservations[order_id] != wanted:
                raise DomainError("RESERVATION_MISMATCH", "other lines", "lines")
            return
        for index, line in enumerate(lines):
            if self.stock.get(line.product_id, 0) < line.quantity:
                raise DomainError(
                    "INSUFFICIENT_STOCK", "not enough stock", f"lines[{index}].quantity"
                )
        for line in lines:
            self.stock[line.product_id] -= line.quantity
        self.reservations[order_id] = wanted

    async def release(self, order_id: str, attempt: str = "") -> None:
        self.calls.append("release")
        self.released.append(order_id)
        for product_id, quantity in self.reservations.get(order_id, ()):
            self.stock[product_id] += quantity

    async def close(self) -> None:
        return None

    def add_product(
        self, product_id: str, *, price_minor: int = 2500, stock: int = 10, status: str = "ACTIVE"
    ) -> None:
        self.products[product_id] = ProductQuote(
            id=product_id,
            name=f"Widget {product_id[:4]}",
            sku=f"SKU-{product_id[:8].upper()}",
            status=status,
            price_minor=price_minor,
            currency="USD",
            weight_grams=300,
        )
        self.stock[product_id] = stock
