from decimal import Decimal

import pytest

from shopgraph.errors import BadUserInput, DomainError
from shopgraph.money import MoneyInput, from_minor, to_minor
from shopgraph.pagination import Page, connection, decode_cursor, encode_cursor, page_size


@pytest.mark.parametrize(
    ("amount", "currency", "minor"),
    [("19.99", "USD", 1999), ("0", "EUR", 0), ("1500", "JPY", 1500), ("1.234", "KWD", 1234)],
)
def test_amounts_convert_exactly(amount: str, currency: str, minor: int) -> None:
    assert to_minor(amount, currency) == minor
    assert from_minor(minor, currency) == Decimal(amount)


@pytest.mark.parametrize(
    ("amount", "currency", "code"),
    [
        ("19.999", "USD", "INVALID_AMOUNT"),
        ("-1", "USD", "INVALID_AMOUNT"),
        ("abc", "USD", "INVALID_AMOUNT"),
        ("NaN", "USD", "INVALID_AMOUNT"),
        ("1.5", "JPY", "INVALID_AMOUNT"),
        ("1", "XXX", "UNSUPPORTED_CURRENCY"),
        ("1e20", "USD", "INVALID_AMOUNT"),
    ],
)
def test_bad_amounts_are_domain_errors(amount: str, currency: str, code: str) -> None:
    with pytest.raises(DomainError) as caught:
        to_minor(amount, currency)
    assert caught.value.code == code


def test_money_input_normalises_currency() -> None:
    assert MoneyInput(amount=Decimal("2.50"), currency=" usd ").to_minor() == (250, "USD")


def test_decimal_string_keeps_trailing_zeros() -> None:
    assert str(from_minor(1990, "USD")) == "19.90"


def test_cursor_round_trip_and_tampering() -> None:
    cursor = encode_cursor("2026-01-01T00:00:00", "abc")
    assert decode_cursor(cursor, arity=2) == ["2026-01-01T00:00:00", "abc"]
    for bad in ("not-base64!", encode_cursor("x"), "", encode_cursor(1, 2, 3)):
        with pytest.raises(BadUserInput):
            decode_cursor(bad, arity=2)


def test_page_size_bounds() -> None:
    assert page_size(None) == 20
    assert page_size(0) == 0
    with pytest.raises(BadUserInput):
        page_size(101)
    with pytest.raises(BadUserInput):
        page_size(-1)


def test_connection_from_overfetch() -> None:
    page = Page.from_overfetch([1, 2, 3], 2, after=None)
    conn = connection(page, node=str, cursor=lambda n: encode_cursor(n))
    assert [e.node for e in conn.edges] == ["1", "2"]
    assert conn.page_info.has_next_page is True
    assert conn.page_info.has_previous_page is False
    assert conn.page_info.end_cursor == encode_cursor(2)
