"""Plain records of the analytics service (no SQLAlchemy rows or GraphQL types leak out).

Money is integer minor units plus a currency, as everywhere in ShopGraph.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum


class Grouping(StrEnum):
    DAY = "DAY"
    WEEK = "WEEK"
    MONTH = "MONTH"


@dataclass(frozen=True, slots=True)
class CartFact:
    """A ``CartCreated`` event, as analytics keeps it."""

    cart_id: str
    user_id: str | None
    at: datetime


@dataclass(frozen=True, slots=True)
class PlacedOrder:
    """An ``OrderCreated`` event, as analytics keeps it."""

    order_id: str
    user_id: str | None
    currency: str
    total_minor: int
    placed_at: datetime
    lines: tuple[PlacedLine, ...]

    @property
    def units(self) -> int:
        return sum(line.quantity for line in self.lines)


@dataclass(frozen=True, slots=True)
class PlacedLine:
    product_id: str
    sku: str | None
    name: str | None
    quantity: int
    unit_price_minor: int


@dataclass(frozen=True, slots=True)
class DaySales:
    """Paid orders placed on one UTC day, in one currency."""

    day: date
    currency: str
    orders: int
    units: int
    revenue_minor: int


@dataclass(frozen=True, slots=True)
class DayRefunds:
    day: date
    currency: str
    refunds_minor: int


@dataclass(frozen=True, slots=True)
class SalesFigures:
    """One currency's figures over a period; ``average_order_minor`` is None without orders."""

    currency: str
    orders: int
    units: int
    revenue_minor: int
    refunds_minor: int

    @property
    def net_revenue_minor(self) -> int:
        return self.revenue_minor - self.refunds_minor

    @property
    def average_order_minor(self) -> int | None:
        if not self.orders:
            return None
        # Half-up rounding to a whole minor unit, in integers (never floats).
        return (2 * self.revenue_minor + self.orders) // (2 * self.orders)


@dataclass(frozen=True, slots=True)
class SalesPeriod:
    """A calendar day, ISO week or month, clipped to the report's range."""

    start: date
    end: date
    figures: tuple[SalesFigures, ...]


@dataclass(frozen=True, slots=True)
class SalesReport:
    start: date
    end: date
    grouping: Grouping
    periods: tuple[SalesPeriod, ...]
    totals: tuple[SalesFigures, ...]


@dataclass(frozen=True, slots=True)
class ProductSales:
    """A product's units and paid orders over a range, with its revenue per currency."""

    product_id: str
    sku: str | None
    name: str | None
    units: int
    orders: int
    revenue_minor: tuple[tuple[str, int], ...]  # (currency, minor units), by currency


@dataclass(frozen=True, slots=True)
class Conversion:
    start: date
    end: date
    carts_created: int
    orders_placed: int
    orders_paid: int

    @property
    def rate(self) -> float | None:
        """Paid orders per created cart, rounded to 4 decimals; None without carts."""
        if not self.carts_created:
            return None
        return round(self.orders_paid / self.carts_created, 4)
