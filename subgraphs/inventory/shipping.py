"""The shipping estimate shown on a product (``Product.shippingEstimate``).

The rule, in the product's own currency (no exchange rates: the amounts are nominal):

* **Free** standard shipping when the price is at least ``FREE_THRESHOLD`` (50.00) and the
  parcel weighs at most ``FREE_MAX_GRAMS`` (20 kg).
* Otherwise ``BASE`` (4.99) plus ``PER_KG`` (1.50) for every started kilogram
  (a 180 g tee: 4.99 + 1.50 = 6.49; a 2.4 kg parcel under the threshold: 4.99 + 3 x 1.50 = 9.49).
  Amounts are rounded up to the currency's minor unit (e.g. whole yen).
* Delivery in 2-5 days; parcels over ``HEAVY_GRAMS`` (10 kg) take 4-8 days.

A product whose weight or price is unknown has no estimate (null).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from typing import Final

from shopgraph.money import exponent

FREE_THRESHOLD: Final = Decimal("50.00")
FREE_MAX_GRAMS: Final = 20_000
BASE: Final = Decimal("4.99")
PER_KG: Final = Decimal("1.50")
HEAVY_GRAMS: Final = 10_000
DAYS: Final = (2, 5)
HEAVY_DAYS: Final = (4, 8)


@dataclass(frozen=True, slots=True)
class ShippingQuote:
    cost_minor: int
    currency: str
    min_days: int
    max_days: int


def _minor(amount: Decimal, currency: str) -> int:
    return int(amount.scaleb(exponent(currency)).to_integral_value(rounding=ROUND_CEILING))


def estimate(weight_grams: int, price_minor: int, currency: str) -> ShippingQuote:
    """The quote for a parcel of ``weight_grams`` holding an item of ``price_minor``."""
    weight = max(weight_grams, 0)
    days = HEAVY_DAYS if weight > HEAVY_GRAMS else DAYS
    if price_minor >= _minor(FREE_THRESHOLD, currency) and weight <= FREE_MAX_GRAMS:
        return ShippingQuote(0, currency, *days)
    kilograms = max(1, math.ceil(weight / 1000))
    cost = _minor(BASE, currency) + kilograms * _minor(PER_KG, currency)
    return ShippingQuote(cost, currency, *days)
