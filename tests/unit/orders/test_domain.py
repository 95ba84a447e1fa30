"""Order rules without I/O: the status machine, validation, ids, totals and shipping."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from shopgraph.errors import DomainError
from subgraphs.orders.domain import (
    FINAL,
    Address,
    OrderStatus,
    PricedLine,
    can_transition,
    order_id_for,
    request_hash,
    shipping_minor,
    totals_of,
    validate_address,
    validate_idempotency_key,
    validate_payment_method,
)
from subgraphs.orders.status_feed import StatusUpdate, channel

S = OrderStatus
LEGAL = {
    (S.PENDING, S.PAID),
    (S.PENDING, S.PAYMENT_FAILED),
    (S.PENDING, S.CANCELLED),
    (S.PAID, S.FULFILLED),
    (S.PAID, S.CANCELLED),
}


@pytest.mark.parametrize("current", list(S))
@pytest.mark.parametrize("target", list(S))
def test_only_the_documented_transitions_are_legal(current: S, target: S) -> None:
    assert can_transition(current, target) is ((current, target) in LEGAL)


def test_final_statuses() -> None:
    assert {S.PAYMENT_FAILED, S.CANCELLED, S.FULFILLED} == FINAL


def test_order_id_is_derived_from_user_and_key() -> None:
    a = order_id_for("u1", "key")
    assert a == order_id_for("u1", "key")
    assert a != order_id_for("u2", "key")
    assert a != order_id_for("u1", "key2")


def address(**changes: str) -> Address:
    values = {
        "name": "Sam",
        "line1": "1 Main St",
        "city": "Springfield",
        "postal_code": "12345",
        "country": "us",
    }
    return validate_address(**{**values, **changes})


def test_address_is_cleaned() -> None:
    cleaned = address(name="  Sam  ", line2="  ", phone=" +1 555 0100 ")
    assert cleaned.name == "Sam"
    assert cleaned.country == "US"
    assert cleaned.line2 is None
    assert cleaned.phone == "+1 555 0100"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": ""}, "shippingAddress.name"),
        ({"country": "ZZ"}, "shippingAddress.country"),
        ({"country": "U1"}, "shippingAddress.country"),
        ({"postal_code": "1" * 21}, "shippingAddress.postalCode"),
        ({"phone": "abc"}, "shippingAddress.phone"),
    ],
)
def test_bad_address_names_the_field(changes: dict[str, str], field: str) -> None:
    with pytest.raises(DomainError) as caught:
        address(**changes)
    assert (caught.value.code, caught.value.field) == ("INVALID_ADDRESS", field)


def test_payment_method_and_key() -> None:
    assert validate_payment_method(" pm_card_visa ") == "pm_card_visa"
    for bad in ("card_visa", "pm_", "pm_a-b", "PM_card"):
        with pytest.raises(DomainError, match="payment method"):
            validate_payment_method(bad)
    assert validate_idempotency_key("k" * 100) == "k" * 100
    for bad in ("", " ", "k" * 101):
        with pytest.raises(DomainError) as caught:
            validate_idempotency_key(bad)
        assert caught.value.code == "INVALID_IDEMPOTENCY_KEY"


def test_request_hash_covers_address_and_payment_method() -> None:
    base = request_hash(address(), "pm_card_visa")
    assert base == request_hash(address(), "pm_card_visa")
    assert base != request_hash(address(), "pm_card_mastercard")
    assert base != request_hash(address(city="Shelbyville"), "pm_card_visa")


def line(price: int, quantity: int = 1, weight: int = 0, currency: str = "USD") -> PricedLine:
    return PricedLine("p", "SKU", "Name", price, currency, quantity, weight)


def test_shipping_rule() -> None:
    assert shipping_minor(5000, 25_000, "USD") == 0  # free from 50.00, whatever the weight
    assert shipping_minor(4999, 0, "USD") == 499 + 150  # at least one kilogram
    assert shipping_minor(4999, 1000, "USD") == 499 + 150
    assert shipping_minor(4999, 1001, "USD") == 499 + 2 * 150
    assert shipping_minor(40, 500, "JPY") == 5 + 2  # rounded up to whole yen


def test_totals() -> None:
    totals = totals_of([line(1250, 2, 300), line(999, 1, 300)])
    assert (totals.subtotal_minor, totals.shipping_minor, totals.total_minor) == (3499, 649, 4148)
    with pytest.raises(DomainError) as caught:
        totals_of([line(100), line(100, currency="EUR")])
    assert caught.value.code == "MIXED_CURRENCIES"
    with pytest.raises(DomainError) as caught:
        totals_of([])
    assert caught.value.code == "CART_EMPTY"


def test_status_update_round_trip_and_bad_messages() -> None:
    update = StatusUpdate("o1", S.PAID, S.PENDING, datetime(2026, 1, 1, tzinfo=UTC), 2)
    assert StatusUpdate.from_bytes(update.to_bytes()) == update
    assert StatusUpdate.from_bytes(b"not json") is None
    assert StatusUpdate.from_bytes(b'{"orderId": "o1"}') is None
    assert StatusUpdate.from_bytes(b'{"orderId": "o1", "status": "LOST", "at": "x"}') is None
    assert channel("o1") == "order-status:o1"
