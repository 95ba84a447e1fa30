"""products(first, after, filter, sort): keyset pages per sort, stable while rows are
inserted between fetches, cursors bound to their sort, and the filters."""

from __future__ import annotations

import random
from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest

from subgraphs.products.service import NewProduct
from tests.integration.products.conftest import PRODUCTS, Catalog

NAMES = ["apple", "Apple", "banana", "Cherry", "cherry", "date", "Éclair", "fig", "Fig", "grape"]

SORTS = [
    (field, direction) for field in ("NAME", "PRICE", "CREATED_AT") for direction in ("ASC", "DESC")
]


async def add(catalog: Catalog, name: str, price_minor: int, **extra: Any) -> str:
    record = await catalog.app.state.catalog.products.create(
        NewProduct(
            name=name,
            sku=f"P-{random.randrange(16**8):08X}",
            price_amount=Decimal(price_minor) / 100,
            currency=extra.pop("currency", "USD"),
            **extra,
        )
    )
    return str(record.id)


def sort_key(field: str, node: dict[str, Any]) -> tuple[Any, str]:
    value: Any
    if field == "NAME":
        value = node["name"].casefold()
    elif field == "PRICE":
        value = Decimal(node["price"]["amount"])
    else:
        value = datetime.fromisoformat(node["createdAt"])
    return value, node["id"]


async def fetch_all(
    catalog: Catalog, sort: dict[str, str], size: int, between_pages: Any = None
) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []
    after = None
    pages = 0
    while True:
        data = await catalog.staff(PRODUCTS, {"first": size, "after": after, "sort": sort})
        page = data["products"]
        assert len(page["edges"]) <= size
        assert page["pageInfo"]["hasPreviousPage"] is (after is not None)
        seen += [edge["node"] for edge in page["edges"]]
        pages += 1
        if between_pages is not None:
            await between_pages(pages)
        if not page["pageInfo"]["hasNextPage"]:
            return seen
        assert page["pageInfo"]["endCursor"] == page["edges"][-1]["cursor"]
        after = page["pageInfo"]["endCursor"]


@pytest.mark.parametrize(("field", "direction"), SORTS)
async def test_pages_cover_every_product_once_in_order(
    catalog: Catalog, field: str, direction: str
) -> None:
    # Duplicate names and prices: the id tie-break must keep pages stable.
    ids = {await add(catalog, name, 1000 + 250 * (i % 4)) for i, name in enumerate(NAMES * 2)}
    seen = await fetch_all(catalog, {"field": field, "direction": direction}, size=3)
    assert [n["id"] for n in seen] == [
        n["id"] for n in sorted(seen, key=lambda n: sort_key(field, n), reverse=direction == "DESC")
    ]
    assert sorted(n["id"] for n in seen) == sorted(ids)


@pytest.mark.parametrize(("field", "direction"), SORTS)
async def test_inserts_between_pages_cause_no_duplicates_or_gaps(
    catalog: Catalog, field: str, direction: str
) -> None:
    original = {await add(catalog, name, 500 + 100 * i) for i, name in enumerate(NAMES)}
    inserted: set[str] = set()

    async def insert(page: int) -> None:
        # Rows that sort before, among and after what was already seen.
        for name, price in (("aaa", 100), ("dog", 950), ("zzz", 5000)):
            inserted.add(await add(catalog, f"{name} {page}", price))

    seen = await fetch_all(catalog, {"field": field, "direction": direction}, 4, insert)
    ids = [n["id"] for n in seen]
    assert len(ids) == len(set(ids)), "a product appeared twice"
    assert original <= set(ids), "a product that was there all along was skipped"
    assert set(ids) <= original | inserted
    assert ids == [
        n["id"] for n in sorted(seen, key=lambda n: sort_key(field, n), reverse=direction == "DESC")
    ]


async def test_cursors_are_bound_to_their_sort(catalog: Catalog) -> None:
    for i in range(3):
        await add(catalog, f"Item {i}", 100 * (i + 1))
    data = await catalog.staff(PRODUCTS, {"first": 1, "sort": {"field": "PRICE"}})
    cursor = data["products"]["pageInfo"]["endCursor"]
    ok = await catalog.gql(PRODUCTS, {"first": 1, "after": cursor, "sort": {"field": "PRICE"}})
    assert ok["data"]["products"]["edges"][0]["node"]["price"]["amount"] == "2.00"
    for other in ({"field": "NAME"}, {"field": "PRICE", "direction": "DESC"}, None):
        body = await catalog.gql(PRODUCTS, {"first": 1, "after": cursor, "sort": other})
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", other
        assert body["data"] is None
    for bad in ("garbage", "", "eyJ4IjoxfQ"):
        body = await catalog.gql(PRODUCTS, {"after": bad})
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", bad
    too_many = await catalog.gql(PRODUCTS, {"first": 101})
    assert too_many["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_filters(catalog: Catalog) -> None:
    apparel = await catalog.create_category("Apparel")
    shoes = await catalog.create_category("Shoes", apparel["id"])
    trail = await catalog.create_category("Trail", shoes["id"])
    home = await catalog.create_category("Home")
    tee = await add(catalog, "Tee", 1900, category_id=apparel["id"])
    runner = await add(catalog, "Runner", 8900, category_id=trail["id"])
    court = await add(catalog, "Court", 7900, category_id=shoes["id"])
    mug = await add(catalog, "Mug", 1400, category_id=home["id"])
    euro = await add(catalog, "Euro Mug", 1500, category_id=home["id"], currency="EUR")
    await add(catalog, "Draft Tee", 2000, category_id=apparel["id"], status="DRAFT")

    async def names(flt: dict[str, Any], token: str | None = None) -> list[str]:
        body = await catalog.gql(PRODUCTS, {"filter": flt}, token=token)
        assert "errors" not in body, body
        return [e["node"]["name"] for e in body["data"]["products"]["edges"]]

    assert await names({"categoryId": apparel["id"]}) == ["Court", "Runner", "Tee"]
    assert await names({"categoryId": shoes["id"]}) == ["Court", "Runner"]
    assert await names({"categoryId": trail["id"]}) == ["Runner"]
    assert await names({"categoryId": apparel["id"]}, catalog.staff_token) == [
        "Court",
        "Draft Tee",
        "Runner",
        "Tee",
    ]
    usd = {"currency": "USD"}
    assert await names(
        {"priceMin": {"amount": "14", **usd}, "priceMax": {"amount": "79.00", **usd}}
    ) == [
        "Court",
        "Mug",
        "Tee",
    ]
    assert await names({"priceMinMinor": 1400, "priceMaxMinor": 1500}) == ["Euro Mug", "Mug"]
    assert await names({"priceMax": {"amount": "20", "currency": "EUR"}}) == ["Euro Mug"]
    assert await names({"ids": [tee, mug, euro]}) == ["Euro Mug", "Mug", "Tee"]
    assert await names({"ids": [runner, court], "categoryId": trail["id"]}) == ["Runner"]
    assert await names({"categoryId": "00000000-0000-0000-0000-000000000000"}) == []

    for bad in (
        {"priceMin": {"amount": "5", **usd}, "priceMax": {"amount": "9", "currency": "EUR"}},
        {"priceMin": {"amount": "9", **usd}, "priceMax": {"amount": "5", **usd}},
        {"priceMinMinor": -1},
        {"priceMin": {"amount": "1.234", **usd}},
        {"priceMin": {"amount": "1e999999999", **usd}},  # no decimal overflow (issue #11)
        {"priceMin": {"amount": "abc", **usd}},
        {"ids": [str(i) for i in range(101)]},
    ):
        body = await catalog.gql(PRODUCTS, {"filter": bad})
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", bad

    counted = await catalog.gql(
        """query($f: ProductFilterInput) {
          products(first: 1, filter: $f) { totalCount edges { node { id } } } }""",
        {"f": {"categoryId": apparel["id"]}},
    )
    assert counted["data"]["products"]["totalCount"] == 3
    assert len(counted["data"]["products"]["edges"]) == 1
