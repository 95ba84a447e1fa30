"""Pure input rules: slugs, SKUs, prices, images, attributes, and sort-bound cursors."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from shopgraph.errors import BadUserInput, DomainError
from shopgraph.pagination import encode_cursor
from subgraphs.products.listing import ProductFilter, ProductSortSpec, SortDirection, SortField
from subgraphs.products.validation import (
    normalize_sku,
    slugify,
    validate_attributes,
    validate_image_url,
    validate_images,
    validate_price,
    validate_slug,
    with_suffix,
)


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Chef's Knife", "chefs-knife"),
        ("  USB-C   Cable ", "usb-c-cable"),
        ("Crème Brûlée Set", "creme-brulee-set"),
        ("Noise-Cancelling Headphones!!", "noise-cancelling-headphones"),
        ("日本", "item"),
        ("---", "item"),
    ],
)
def test_slugify(name: str, slug: str) -> None:
    assert slugify(name) == slug
    assert validate_slug(slugify(name)) == slug


def test_slug_suffixes_and_length() -> None:
    assert [with_suffix("tee", n) for n in (1, 2, 10)] == ["tee", "tee-2", "tee-10"]
    long = slugify("x" * 500)
    assert len(with_suffix(long, 999)) <= 220
    with pytest.raises(DomainError) as err:
        validate_slug("Has Spaces")
    assert err.value.code == "INVALID_SLUG"


@pytest.mark.parametrize("raw", [" tee-001 ", "TEE-001", "tee-001"])
def test_sku_is_trimmed_and_upper_cased(raw: str) -> None:
    assert normalize_sku(raw) == "TEE-001"


@pytest.mark.parametrize("raw", ["", "   ", "A B", "-A", "A-", "A/B", "É1", "A" * 65])
def test_bad_skus(raw: str) -> None:
    with pytest.raises(DomainError) as err:
        normalize_sku(raw)
    assert (err.value.code, err.value.field) == ("INVALID_SKU", "sku")


def test_prices() -> None:
    assert validate_price(Decimal("19.99"), " usd ") == (1999, "USD")
    assert validate_price("1500", "JPY") == (1500, "JPY")
    for amount, currency, field in (
        ("-1", "USD", "price.amount"),
        ("1.999", "USD", "price.amount"),
        ("1.5", "JPY", "price.amount"),
        ("NaN", "USD", "price.amount"),
        ("1", "XXX", "price.currency"),
    ):
        with pytest.raises(DomainError) as err:
            validate_price(amount, currency)
        assert (err.value.code, err.value.field) == ("INVALID_PRICE", field), amount


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/a.jpg",
        "javascript:alert(1)",
        "/relative.jpg",
        "https://",
        "https://user:pw@example.com/a.jpg",
        "https://exa mple.com/a.jpg",
        "https://example.com:99999/a.jpg",
        "https://example.com/" + "a" * 3000,
    ],
)
def test_bad_image_urls(url: str) -> None:
    with pytest.raises(DomainError) as err:
        validate_image_url(url, "images[0].url")
    assert err.value.code == "INVALID_IMAGE"


def test_images_and_attributes() -> None:
    images = validate_images([("https://cdn.example.com/a.jpg", "  front "), ("http://x.io/b", "")])
    assert [(i.url, i.alt_text) for i in images] == [
        ("https://cdn.example.com/a.jpg", "front"),
        ("http://x.io/b", None),
    ]
    attributes = validate_attributes([(" Colour ", " Red "), ("Size", "42")])
    assert [(a.name, a.value) for a in attributes] == [("Colour", "Red"), ("Size", "42")]
    with pytest.raises(DomainError) as err:
        validate_attributes([("Size", "1"), ("SIZE", "2")])
    assert err.value.field == "attributes[1].name"
    with pytest.raises(DomainError):
        validate_attributes([("", "x")])
    with pytest.raises(DomainError):
        validate_images([("https://a.example/x.jpg", None)] * 21)


def test_cursors_are_bound_to_their_sort() -> None:
    by_price = ProductSortSpec(SortField.PRICE, SortDirection.ASC)
    cursor = encode_cursor(by_price.tag, 1999, "id-1")
    by_price.after(cursor)  # accepted
    for other in (
        ProductSortSpec(SortField.PRICE, SortDirection.DESC),
        ProductSortSpec(SortField.NAME, SortDirection.ASC),
    ):
        with pytest.raises(BadUserInput):
            other.after(cursor)
    with pytest.raises(BadUserInput):  # right tag, wrong value type
        by_price.after(encode_cursor(by_price.tag, "cheap", "id-1"))
    by_date = ProductSortSpec(SortField.CREATED_AT, SortDirection.DESC)
    by_date.after(encode_cursor(by_date.tag, datetime.now(UTC).isoformat(), "id-1"))
    with pytest.raises(BadUserInput):  # naive timestamps are not ours
        by_date.after(encode_cursor(by_date.tag, "2024-01-01T00:00:00", "id-1"))


def test_filter_bounds() -> None:
    with pytest.raises(BadUserInput):
        ProductFilter(price_min_minor=10, price_max_minor=5)
    with pytest.raises(BadUserInput):
        ProductFilter(price_min_minor=-1)
    with pytest.raises(BadUserInput):
        ProductFilter(ids=[str(i) for i in range(101)])
    assert ProductFilter(price_min_minor=5, price_max_minor=5).price_max_minor == 5
