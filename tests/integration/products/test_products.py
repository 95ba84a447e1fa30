"""Products through GraphQL: create, read, update, archive, validation, visibility,
staff-only access, SKU uniqueness under concurrency and the outbox events."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import pytest
from sqlalchemy import func, select

from subgraphs.products.models import products
from tests.integration.products.conftest import (
    ARCHIVE_PRODUCT,
    CREATE_CATEGORY,
    CREATE_PRODUCT,
    DELETE_CATEGORY,
    MOVE_CATEGORY,
    PRODUCT,
    PRODUCTS,
    UPDATE_CATEGORY,
    UPDATE_PRODUCT,
    Catalog,
    product_input,
)
from tests.integration.products.events import SameInstant, updated_attributes


async def product_count(catalog: Catalog) -> int:
    async with catalog.resources.db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(products)) or 0)


async def test_create_product_and_read_it_back_by_id_slug_and_sku(catalog: Catalog) -> None:
    shoes = await catalog.create_category("Shoes")
    created = await catalog.create_product(
        name="  Trail   Runner ",
        sku=" trl-001 ",
        price={"amount": "89.90", "currency": "usd"},
        categoryId=shoes["id"],
        description="Grippy.",
        weightGrams=900,
        images=[{"url": "https://img.example.com/trail.jpg", "altText": "Side view"}],
        attributes=[{"name": "Colour", "value": "Red"}, {"name": "Size", "value": "42"}],
    )
    assert created["name"] == "Trail Runner"
    assert created["sku"] == "TRL-001"
    assert created["slug"] == "trail-runner"
    assert created["price"] == {"amount": "89.90", "currency": "USD"}
    assert created["status"] == "ACTIVE"
    assert created["weightGrams"] == 900
    assert created["category"] == {"id": shoes["id"], "name": "Shoes"}
    assert created["images"] == [
        {"url": "https://img.example.com/trail.jpg", "altText": "Side view"}
    ]
    assert created["attributes"] == [
        {"name": "Colour", "value": "Red"},
        {"name": "Size", "value": "42"},
    ]
    for args in ({"id": created["id"]}, {"slug": "trail-runner"}, {"sku": "trl-001"}):
        body = await catalog.gql(PRODUCT, args)  # anonymous shopper
        assert body["data"]["product"] == created, args


async def test_same_name_gets_a_deduplicated_slug(catalog: Catalog) -> None:
    first = await catalog.create_product(name="Chef's Knife")
    second = await catalog.create_product(name="Chef's knife")
    third = await catalog.create_product(name="CHEF'S KNIFE!")
    assert [first["slug"], second["slug"], third["slug"]] == [
        "chefs-knife",
        "chefs-knife-2",
        "chefs-knife-3",
    ]


@pytest.mark.parametrize(
    ("fields", "code", "field"),
    [
        ({"sku": "bad sku!"}, "INVALID_SKU", "sku"),
        ({"sku": "-ABC"}, "INVALID_SKU", "sku"),
        ({"name": "   "}, "INVALID_NAME", "name"),
        ({"price": "-1.00"}, "INVALID_PRICE", "price.amount"),
        ({"price": "1.999"}, "INVALID_PRICE", "price.amount"),
        ({"price": {"amount": "5", "currency": "XXX"}}, "INVALID_PRICE", "price.currency"),
        ({"weightGrams": -5}, "INVALID_WEIGHT", "weightGrams"),
        ({"images": [{"url": "ftp://x.example/a.jpg"}]}, "INVALID_IMAGE", "images[0].url"),
        ({"images": [{"url": "javascript:alert(1)"}]}, "INVALID_IMAGE", "images[0].url"),
        (
            {"images": [{"url": "https://ok.example/a.jpg"}, {"url": "/relative.jpg"}]},
            "INVALID_IMAGE",
            "images[1].url",
        ),
        (
            {"attributes": [{"name": "Size", "value": "1"}, {"name": "size", "value": "2"}]},
            "INVALID_ATTRIBUTE",
            "attributes[1].name",
        ),
        (
            {"categoryId": "00000000-0000-0000-0000-000000000000"},
            "CATEGORY_NOT_FOUND",
            "categoryId",
        ),
    ],
)
async def test_bad_input_is_refused_with_a_code_and_changes_nothing(
    catalog: Catalog, fields: dict[str, Any], code: str, field: str
) -> None:
    data = await catalog.staff(CREATE_PRODUCT, {"input": product_input(**fields)})
    payload = data["createProduct"]
    assert payload["product"] is None
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [(code, field)]
    assert payload["errors"][0]["message"]
    assert await product_count(catalog) == 0
    assert await catalog.events() == []


async def test_sku_is_unique_whatever_its_case(catalog: Catalog) -> None:
    await catalog.create_product(sku="TEE-001")
    data = await catalog.staff(CREATE_PRODUCT, {"input": product_input(sku="tee-001")})
    assert data["createProduct"]["errors"][0]["code"] == "SKU_TAKEN"
    assert await product_count(catalog) == 1
    assert len(await catalog.events("ProductCreated")) == 1


async def test_concurrent_creates_with_one_sku_make_exactly_one_product(catalog: Catalog) -> None:
    async def attempt(i: int) -> dict[str, Any]:
        data = await catalog.staff(
            CREATE_PRODUCT, {"input": product_input(name=f"Racer {i % 3}", sku="RACE-1")}
        )
        payload: dict[str, Any] = data["createProduct"]
        return payload

    results = await asyncio.gather(*(attempt(i) for i in range(20)))
    winners = [r for r in results if r["product"] is not None]
    losers = [r for r in results if r["product"] is None]
    assert len(winners) == 1
    assert all(
        r["errors"] == [{"code": "SKU_TAKEN", "field": "sku", "message": r["errors"][0]["message"]}]
        for r in losers
    )
    assert await product_count(catalog) == 1
    assert len(await catalog.events("ProductCreated")) == 1


async def test_concurrent_creates_with_one_name_get_distinct_slugs(catalog: Catalog) -> None:
    results = await asyncio.gather(
        *(catalog.create_product(name="Party Speaker") for _ in range(8))
    )
    slugs = [r["slug"] for r in results]
    assert len(set(slugs)) == 8
    assert "party-speaker" in slugs
    assert all(re.fullmatch(r"party-speaker(-[0-9a-f]+)?", slug) for slug in slugs)


async def test_update_changes_only_the_given_fields(catalog: Catalog) -> None:
    audio = await catalog.create_category("Audio")
    created = await catalog.create_product(
        name="Studio Headphones", sku="HEA-1", description="Closed back", weightGrams=280
    )
    data = await catalog.staff(
        UPDATE_PRODUCT,
        {
            "id": created["id"],
            "input": {
                "price": {"amount": "129.00", "currency": "EUR"},
                "categoryId": audio["id"],
                "description": None,
            },
        },
    )
    updated = data["updateProduct"]["product"]
    assert data["updateProduct"]["errors"] == []
    assert updated["price"] == {"amount": "129.00", "currency": "EUR"}
    assert updated["category"]["name"] == "Audio"
    assert updated["description"] is None
    assert (updated["name"], updated["sku"], updated["weightGrams"]) == (
        "Studio Headphones",
        "HEA-1",
        280,
    )
    assert updated["slug"] == created["slug"]  # URLs stay stable
    assert updated["updatedAt"] > created["updatedAt"]

    [event] = await catalog.events("ProductUpdated")
    assert event.aggregate_id == created["id"]
    assert event.payload == {
        "productId": created["id"],
        "sku": "HEA-1",
        "name": "Studio Headphones",
        "slug": "studio-headphones",
        "status": "ACTIVE",
        "priceMinor": 12900,
        "currency": "EUR",
        "categoryId": audio["id"],
        "weightGrams": 280,
        "description": None,
        "attributes": updated_attributes(updated),
        "createdAt": SameInstant(created["createdAt"]),
        "updatedAt": SameInstant(updated["updatedAt"]),
    }

    # Nothing to change: no write, no event.
    same = await catalog.staff(UPDATE_PRODUCT, {"id": created["id"], "input": {"sku": "hea-1"}})
    assert same["updateProduct"]["product"]["updatedAt"] == updated["updatedAt"]
    assert len(await catalog.events("ProductUpdated")) == 1


async def test_update_refusals(catalog: Catalog) -> None:
    first = await catalog.create_product(sku="ONE-1")
    await catalog.create_product(sku="TWO-2", name="Other")

    async def errors(product_id: str, values: dict[str, Any]) -> list[tuple[str, str | None]]:
        data = await catalog.staff(UPDATE_PRODUCT, {"id": product_id, "input": values})
        assert data["updateProduct"]["product"] is None
        return [(e["code"], e["field"]) for e in data["updateProduct"]["errors"]]

    assert await errors(first["id"], {"sku": "two-2"}) == [("SKU_TAKEN", "sku")]
    assert await errors(first["id"], {"slug": "other"}) == [("SLUG_TAKEN", "slug")]
    assert await errors(first["id"], {"name": None}) == [("INVALID_INPUT", "name")]
    assert await errors(first["id"], {"price": {"amount": "-3", "currency": "USD"}}) == [
        ("INVALID_PRICE", "price.amount")
    ]
    missing = "00000000-0000-0000-0000-000000000000"
    assert await errors(missing, {"name": "X"}) == [("NOT_FOUND", "id")]
    assert await errors(first["id"], {"categoryId": missing}) == [
        ("CATEGORY_NOT_FOUND", "categoryId")
    ]
    body = await catalog.gql(PRODUCT, {"id": first["id"]})
    assert body["data"]["product"] == first
    assert await catalog.events("ProductUpdated") == []


async def test_archived_and_draft_products_are_hidden_from_shoppers(catalog: Catalog) -> None:
    active = await catalog.create_product(name="Active")
    draft = await catalog.create_product(name="Draft", status="DRAFT")
    archived = await catalog.create_product(name="Gone")
    data = await catalog.staff(ARCHIVE_PRODUCT, {"id": archived["id"]})
    assert data["archiveProduct"]["product"]["status"] == "ARCHIVED"
    again = await catalog.staff(ARCHIVE_PRODUCT, {"id": archived["id"]})  # idempotent
    assert again["archiveProduct"]["errors"] == []
    [event] = await catalog.events("ProductArchived")
    assert event.payload == {
        "productId": archived["id"],
        "sku": archived["sku"],
        "updatedAt": SameInstant(data["archiveProduct"]["product"]["updatedAt"]),
    }

    for token in (None, catalog.customer_token):
        listed = await catalog.gql(PRODUCTS, token=token)
        assert [e["node"]["name"] for e in listed["data"]["products"]["edges"]] == ["Active"]
        for hidden in (draft, archived):
            one = await catalog.gql(PRODUCT, {"id": hidden["id"]}, token=token)
            assert one["data"]["product"] is None
        drafts = await catalog.gql(PRODUCTS, {"filter": {"status": "DRAFT"}}, token=token)
        assert drafts["data"]["products"]["edges"] == []
    staff_view = await catalog.staff(PRODUCTS)
    assert [e["node"]["name"] for e in staff_view["products"]["edges"]] == [
        "Active",
        "Draft",
        "Gone",
    ]
    only_drafts = await catalog.staff(PRODUCTS, {"filter": {"status": "DRAFT"}})
    assert [e["node"]["id"] for e in only_drafts["products"]["edges"]] == [draft["id"]]
    assert (await catalog.staff(PRODUCT, {"id": draft["id"]}))["product"]["status"] == "DRAFT"

    # Staff can sell it again.
    revived = await catalog.staff(
        UPDATE_PRODUCT, {"id": archived["id"], "input": {"status": "ACTIVE"}}
    )
    assert revived["updateProduct"]["product"]["status"] == "ACTIVE"
    assert (await catalog.gql(PRODUCT, {"id": archived["id"]}))["data"]["product"][
        "id"
    ] == archived["id"]
    assert active["status"] == "ACTIVE"


async def test_product_query_takes_exactly_one_key(catalog: Catalog) -> None:
    created = await catalog.create_product()
    none = await catalog.gql(PRODUCT, {})
    assert none["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    two = await catalog.gql(PRODUCT, {"id": created["id"], "sku": created["sku"]})
    assert two["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    unknown = await catalog.gql(PRODUCT, {"sku": "NOPE-1"})
    assert unknown["data"]["product"] is None


MUTATIONS: list[tuple[str, dict[str, Any]]] = [
    (CREATE_PRODUCT, {"input": product_input()}),
    (UPDATE_PRODUCT, {"id": "x", "input": {"name": "X"}}),
    (ARCHIVE_PRODUCT, {"id": "x"}),
    (CREATE_CATEGORY, {"input": {"name": "Hats"}}),
    (UPDATE_CATEGORY, {"id": "x", "input": {"name": "Caps"}}),
    (MOVE_CATEGORY, {"id": "x", "parentId": None}),
    (DELETE_CATEGORY, {"id": "x"}),
]


@pytest.mark.parametrize(("mutation", "variables"), MUTATIONS)
async def test_staff_mutations_refuse_anonymous_and_customers(
    catalog: Catalog, mutation: str, variables: dict[str, Any]
) -> None:
    anonymous = await catalog.gql(mutation, variables)
    assert [e["extensions"]["code"] for e in anonymous["errors"]] == ["UNAUTHENTICATED"]
    customer = await catalog.gql(mutation, variables, token=catalog.customer_token)
    assert [e["extensions"]["code"] for e in customer["errors"]] == ["FORBIDDEN"]
    service = await catalog.gql(mutation, variables, token=catalog.service_token)
    assert [e["extensions"]["code"] for e in service["errors"]] == ["FORBIDDEN"]
    assert anonymous["data"] is None and customer["data"] is None
    assert await product_count(catalog) == 0
    assert await catalog.events() == []


async def test_events_are_written_with_the_change_and_published(catalog: Catalog) -> None:
    created = await catalog.create_product(name="Mini Speaker", sku="spk-001", weightGrams=700)
    [event] = await catalog.events()
    assert event.type == "ProductCreated"
    assert event.aggregate_id == created["id"]
    assert event.payload == {
        "productId": created["id"],
        "sku": "SPK-001",
        "name": "Mini Speaker",
        "slug": "mini-speaker",
        "status": "ACTIVE",
        "priceMinor": 1999,
        "currency": "USD",
        "categoryId": None,
        "weightGrams": 700,
        "description": created["description"],
        "attributes": updated_attributes(created),
        "createdAt": SameInstant(created["createdAt"]),
        "updatedAt": SameInstant(created["updatedAt"]),
    }
    # The relay publishes it to the bus (topic "catalog", key = product id).
    consumer = catalog.resources.bus.consumer(["catalog"], "test-products-events")
    await consumer.start()
    try:
        received: list[Any] = []
        for _ in range(50):
            received += await consumer.getmany(timeout=0.1, max_records=10)
            if received:
                break
        assert [d.event.id for d in received] == [event.id]
    finally:
        await consumer.stop()


async def test_a_failed_outbox_write_rolls_the_product_back(
    catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    from subgraphs.products import service

    async def broken(*_args: Any) -> None:
        raise RuntimeError("outbox unavailable")

    monkeypatch.setattr(service, "add_to_outbox", broken)
    body = await catalog.gql(CREATE_PRODUCT, {"input": product_input()}, token=catalog.staff_token)
    assert body["errors"][0]["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert await product_count(catalog) == 0
    assert await catalog.events() == []
