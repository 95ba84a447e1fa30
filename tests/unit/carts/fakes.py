"""Fakes for the carts unit tests: a product catalog and a hand-driven clock."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from shopgraph.internal import UpstreamError
from subgraphs.products.client import ProductQuote, ProductQuotes


@dataclass
class FakeCatalog:
    products: dict[str, ProductQuote] = field(default_factory=dict)
    calls: list[list[str]] = field(default_factory=list)
    down: bool = False

    def add(self, price_minor: int = 1999, status: str = "ACTIVE", currency: str = "USD") -> str:
        pid = str(uuid.uuid4())
        self.products[pid] = ProductQuote(
            pid, f"Product {pid[:4]}", f"SKU-{pid[:6]}", status, price_minor, currency
        )
        return pid

    async def quotes(self, product_ids: Sequence[str]) -> ProductQuotes:
        self.calls.append(list(product_ids))
        if self.down:
            raise UpstreamError("products", "unreachable (ConnectError)")
        return {pid: self.products.get(pid) for pid in product_ids}

    async def close(self) -> None:
        pass


@dataclass
class FakeClock:
    """Both the monotonic clock of the in-process store and the wall clock of carts."""

    seconds: float = 1000.0
    start: datetime = datetime(2026, 1, 1, tzinfo=UTC)

    def monotonic(self) -> float:
        return self.seconds

    def now(self) -> datetime:
        return self.start + timedelta(seconds=self.seconds)

    def advance(self, seconds: float) -> None:
        self.seconds += seconds
