"""The shipping rule and input validation, without a database."""

from __future__ import annotations

import pytest

from shopgraph.errors import DomainError
from subgraphs.inventory.domain import (
    LineRequest,
    StockLevel,
    reservation_lines_of,
    ttl_of,
    warehouse_code_of,
)
from subgraphs.inventory.shipping import ShippingQuote, estimate


@pytest.mark.parametrize(
    ("grams", "price_minor", "currency", "expected"),
    [
        (180, 1900, "USD", ShippingQuote(649, "USD", 2, 5)),  # base + 1 started kg
        (1000, 1900, "USD", ShippingQuote(649, "USD", 2, 5)),  # exactly 1 kg
        (1001, 1900, "USD", ShippingQuote(799, "USD", 2, 5)),  # 2 started kg
        (0, 100, "USD", ShippingQuote(649, "USD", 2, 5)),  # weightless still ships
        (900, 4999, "USD", ShippingQuote(649, "USD", 2, 5)),  # one cent under the threshold
        (900, 5000, "USD", ShippingQuote(0, "USD", 2, 5)),  # free from 50.00
        (20_000, 19900, "EUR", ShippingQuote(0, "EUR", 4, 8)),  # free up to 20 kg, heavy
        (20_001, 19900, "EUR", ShippingQuote(499 + 21 * 150, "EUR", 4, 8)),
        (10_000, 1000, "USD", ShippingQuote(499 + 10 * 150, "USD", 2, 5)),  # 10 kg: not heavy
        (500, 40, "JPY", ShippingQuote(7, "JPY", 2, 5)),  # 4.99 -> 5, 1.50 -> 2 yen
        (500, 1000, "KWD", ShippingQuote(4990 + 1500, "KWD", 2, 5)),  # 3 decimals
    ],
)
def test_shipping_estimate(
    grams: int, price_minor: int, currency: str, expected: ShippingQuote
) -> None:
    assert estimate(grams, price_minor, currency) == expected


def test_stock_level_available_and_in_stock() -> None:
    assert StockLevel("p", 5, 5).available == 0 and not StockLevel("p", 5, 5).in_stock
    assert StockLevel("p", 5, 2).available == 3 and StockLevel("p", 5, 2).in_stock
    assert StockLevel("p").available == 0


def test_reservation_lines_validation_names_the_line() -> None:
    a = "6f1c1d2e-8b4a-4c36-9a57-5d0f3b9e2a10"
    b = "7f1c1d2e-8b4a-4c36-9a57-5d0f3b9e2a10"
    assert reservation_lines_of([LineRequest(a.upper(), 1), LineRequest(b, 2)]) == (
        LineRequest(a, 1),
        LineRequest(b, 2),
    )
    with pytest.raises(DomainError) as err:
        reservation_lines_of([LineRequest(a, 1), LineRequest(b, -1)])
    assert (err.value.code, err.value.field) == ("INVALID_QUANTITY", "lines[1].quantity")
    with pytest.raises(DomainError) as err:
        reservation_lines_of([LineRequest(a, 1)] * 101)
    assert err.value.code == "TOO_MANY_LINES"


def test_ttl_and_warehouse_code() -> None:
    assert ttl_of(None) == 900
    with pytest.raises(DomainError):
        ttl_of(24 * 3600 + 1)
    assert warehouse_code_of(" eu_west-2 ") == "EU_WEST-2"
    for bad in ("", "-lead", "a b", "x" * 33):
        with pytest.raises(DomainError):
            warehouse_code_of(bad)
