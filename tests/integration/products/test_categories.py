"""The category tree through GraphQL: breadcrumbs, children, moves without cycles,
deletes refused while not empty, CategoryChanged events."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.integration.products.conftest import (
    CREATE_CATEGORY,
    DELETE_CATEGORY,
    MOVE_CATEGORY,
    UPDATE_CATEGORY,
    Catalog,
)

TREE = """
query($flat: Boolean!) {
  categories(flat: $flat) { name children { name children { name } } }
}"""

CATEGORY = """
query($id: ID, $slug: String) {
  category(id: $id, slug: $slug) {
    id name slug parent { name } children { name } breadcrumbs { name slug }
  }
}"""


async def make_tree(catalog: Catalog) -> dict[str, dict[str, Any]]:
    apparel = await catalog.create_category("Apparel")
    shoes = await catalog.create_category("Shoes", apparel["id"])
    running = await catalog.create_category("Running Shoes", shoes["id"])
    hoodies = await catalog.create_category("Hoodies", apparel["id"])
    home = await catalog.create_category("Home")
    return {
        "apparel": apparel,
        "shoes": shoes,
        "running": running,
        "hoodies": hoodies,
        "home": home,
    }


async def test_tree_breadcrumbs_children_and_lookups(catalog: Catalog) -> None:
    tree = await make_tree(catalog)
    roots = await catalog.gql(TREE, {"flat": False})
    assert roots["data"]["categories"] == [
        {
            "name": "Apparel",
            "children": [
                {"name": "Hoodies", "children": []},
                {"name": "Shoes", "children": [{"name": "Running Shoes"}]},
            ],
        },
        {"name": "Home", "children": []},
    ]
    flat = await catalog.gql(TREE, {"flat": True})
    assert [c["name"] for c in flat["data"]["categories"]] == [
        "Apparel",
        "Home",
        "Hoodies",
        "Running Shoes",
        "Shoes",
    ]
    by_slug = await catalog.gql(CATEGORY, {"slug": "running-shoes"})
    running = by_slug["data"]["category"]
    assert running["id"] == tree["running"]["id"]
    assert running["parent"] == {"name": "Shoes"}
    assert [c["slug"] for c in running["breadcrumbs"]] == ["apparel", "shoes", "running-shoes"]
    by_id = await catalog.gql(CATEGORY, {"id": tree["apparel"]["id"]})
    assert by_id["data"]["category"]["breadcrumbs"] == [{"name": "Apparel", "slug": "apparel"}]
    both = await catalog.gql(CATEGORY, {"id": tree["apparel"]["id"], "slug": "apparel"})
    assert both["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    neither = await catalog.gql(CATEGORY, {})
    assert neither["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"

    created = [e.payload for e in await catalog.events("CategoryChanged")]
    assert created[2] == {
        "categoryId": tree["running"]["id"],
        "name": "Running Shoes",
        "slug": "running-shoes",
        "parentId": tree["shoes"]["id"],
        "change": "CREATED",
    }
    assert {p["change"] for p in created} == {"CREATED"}


async def test_create_category_refusals(catalog: Catalog) -> None:
    await catalog.create_category("Shoes")
    same_name = await catalog.create_category("Shoes")
    assert same_name["slug"] == "shoes-2"

    async def errors(values: dict[str, Any]) -> list[tuple[str, str | None]]:
        data = await catalog.staff(CREATE_CATEGORY, {"input": values})
        assert data["createCategory"]["category"] is None
        return [(e["code"], e["field"]) for e in data["createCategory"]["errors"]]

    missing = "00000000-0000-0000-0000-000000000000"
    assert await errors({"name": "X", "parentId": missing}) == [("CATEGORY_NOT_FOUND", "parentId")]
    assert await errors({"name": " "}) == [("INVALID_NAME", "name")]
    assert await errors({"name": "Boots", "slug": "shoes"}) == [("SLUG_TAKEN", "slug")]
    assert await errors({"name": "Boots", "slug": "Not a slug"}) == [("INVALID_SLUG", "slug")]
    assert len(await catalog.events()) == 2


async def test_move_refuses_cycles_and_moves_subtrees(catalog: Catalog) -> None:
    tree = await make_tree(catalog)
    before = len(await catalog.events())

    async def move(category: str, parent: str | None) -> dict[str, Any]:
        data = await catalog.staff(
            MOVE_CATEGORY,
            {"id": tree[category]["id"], "parentId": tree[parent]["id"] if parent else None},
        )
        payload: dict[str, Any] = data["moveCategory"]
        return payload

    for category, parent in (("apparel", "running"), ("apparel", "apparel"), ("shoes", "running")):
        refused = await move(category, parent)
        assert refused["category"] is None
        assert [(e["code"], e["field"]) for e in refused["errors"]] == [
            ("CATEGORY_CYCLE", "parentId")
        ], (category, parent)
    assert len(await catalog.events()) == before

    moved = await move("shoes", "home")
    assert moved["errors"] == []
    assert [c["name"] for c in moved["category"]["breadcrumbs"]] == ["Home", "Shoes"]
    running = await catalog.gql(CATEGORY, {"id": tree["running"]["id"]})
    assert [c["name"] for c in running["data"]["category"]["breadcrumbs"]] == [
        "Home",
        "Shoes",
        "Running Shoes",
    ]
    # Now apparel may go under running shoes: it is no longer an ancestor.
    assert (await move("apparel", "running"))["errors"] == []
    to_root = await move("shoes", None)
    assert to_root["category"]["parent"] is None
    assert [c["name"] for c in to_root["category"]["breadcrumbs"]] == ["Shoes"]

    moves = [e.payload for e in await catalog.events("CategoryChanged")][before:]
    assert [(p["name"], p["change"], p["parentId"]) for p in moves] == [
        ("Shoes", "MOVED", tree["home"]["id"]),
        ("Apparel", "MOVED", tree["running"]["id"]),
        ("Shoes", "MOVED", None),
    ]
    missing = await catalog.staff(
        MOVE_CATEGORY,
        {"id": tree["shoes"]["id"], "parentId": "00000000-0000-0000-0000-000000000000"},
    )
    assert missing["moveCategory"]["errors"][0]["code"] == "CATEGORY_NOT_FOUND"
    unknown = await catalog.staff(MOVE_CATEGORY, {"id": "nope", "parentId": None})
    assert unknown["moveCategory"]["errors"][0]["code"] == "NOT_FOUND"


async def test_delete_is_refused_while_not_empty(catalog: Catalog) -> None:
    tree = await make_tree(catalog)
    product = await catalog.create_product(categoryId=tree["hoodies"]["id"])

    async def delete(category: str) -> dict[str, Any]:
        data = await catalog.staff(DELETE_CATEGORY, {"id": tree[category]["id"]})
        payload: dict[str, Any] = data["deleteCategory"]
        return payload

    for category in ("apparel", "shoes", "hoodies"):  # children / children / a product
        refused = await delete(category)
        assert [e["code"] for e in refused["errors"]] == ["CATEGORY_NOT_EMPTY"], category
    assert (await catalog.gql(CATEGORY, {"id": tree["shoes"]["id"]}))["data"]["category"]

    deleted = await delete("running")
    assert deleted == {
        "category": {"id": tree["running"]["id"], "name": "Running Shoes"},
        "errors": [],
    }
    assert (await catalog.gql(CATEGORY, {"id": tree["running"]["id"]}))["data"]["category"] is None
    assert (await delete("shoes"))["errors"] == []  # now empty
    again = await delete("running")
    assert [e["code"] for e in again["errors"]] == ["NOT_FOUND"]

    # Once its product moves away, Hoodies can go.
    from tests.integration.products.conftest import UPDATE_PRODUCT

    await catalog.staff(UPDATE_PRODUCT, {"id": product["id"], "input": {"categoryId": None}})
    assert (await delete("hoodies"))["errors"] == []
    deletions = [
        e.payload
        for e in await catalog.events("CategoryChanged")
        if e.payload["change"] == "DELETED"
    ]
    assert [p["name"] for p in deletions] == ["Running Shoes", "Shoes", "Hoodies"]


async def test_update_category(catalog: Catalog) -> None:
    tree = await make_tree(catalog)
    data = await catalog.staff(
        UPDATE_CATEGORY,
        {"id": tree["hoodies"]["id"], "input": {"name": "Sweatshirts", "description": "Warm"}},
    )
    updated = data["updateCategory"]["category"]
    assert (updated["name"], updated["slug"], updated["description"]) == (
        "Sweatshirts",
        "hoodies",
        "Warm",
    )
    cleared = await catalog.staff(
        UPDATE_CATEGORY, {"id": tree["hoodies"]["id"], "input": {"description": None}}
    )
    assert cleared["updateCategory"]["category"]["description"] is None
    taken = await catalog.staff(
        UPDATE_CATEGORY, {"id": tree["hoodies"]["id"], "input": {"slug": "shoes"}}
    )
    assert [e["code"] for e in taken["updateCategory"]["errors"]] == ["SLUG_TAKEN"]
    changes = [e.payload["change"] for e in await catalog.events("CategoryChanged")]
    assert changes.count("UPDATED") == 2


async def test_crossed_concurrent_moves_cannot_make_a_cycle(catalog: Catalog) -> None:
    for round_ in range(5):
        a = await catalog.create_category(f"A{round_}")
        b = await catalog.create_category(f"B{round_}")
        results = await asyncio.gather(
            catalog.staff(MOVE_CATEGORY, {"id": a["id"], "parentId": b["id"]}),
            catalog.staff(MOVE_CATEGORY, {"id": b["id"], "parentId": a["id"]}),
        )
        codes = sorted(e["code"] for r in results for e in r["moveCategory"]["errors"])
        assert codes == ["CATEGORY_CYCLE"], codes
        crumbs = await catalog.gql(CATEGORY, {"id": a["id"]})
        names = [c["name"] for c in crumbs["data"]["category"]["breadcrumbs"]]
        assert names in ([f"B{round_}", f"A{round_}"], [f"A{round_}"])


async def test_nesting_is_capped(catalog: Catalog) -> None:
    service = catalog.app.state.catalog.categories
    parent = None
    chain = []
    for level in range(64):
        parent = (await service.create(name=f"Level {level}", parent_id=parent)).id
        chain.append(parent)
    deeper = await catalog.staff(
        CREATE_CATEGORY, {"input": {"name": "Too deep", "parentId": parent}}
    )
    assert [e["code"] for e in deeper["createCategory"]["errors"]] == ["CATEGORY_TOO_DEEP"]
    crumbs = await catalog.gql(CATEGORY, {"id": chain[-1]})
    assert len(crumbs["data"]["category"]["breadcrumbs"]) == 64

    top = await catalog.create_category("Top")
    await catalog.create_category("Below", top["id"])
    moved = await catalog.staff(MOVE_CATEGORY, {"id": top["id"], "parentId": chain[-2]})
    assert [e["code"] for e in moved["moveCategory"]["errors"]] == ["CATEGORY_TOO_DEEP"]
    fits = await catalog.staff(MOVE_CATEGORY, {"id": top["id"], "parentId": chain[-3]})
    assert fits["moveCategory"]["errors"] == []
