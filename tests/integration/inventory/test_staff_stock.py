"""Staff stock operations: setStock, adjustStock, warehouses, the ledger, access control."""

from __future__ import annotations

import time
from typing import Any

import jwt

from shopgraph.auth.keys import SigningKey
from subgraphs.inventory.models import metadata
from tests.integration.inventory.conftest import (
    ADJUST_STOCK,
    COMMIT,
    RELEASE,
    RESERVE,
    SET_STOCK,
    Inventory,
    new_id,
    reserve,
    set_stock,
)
from tests.support.migrations import differences_from_models

MOVEMENTS = """
query($p: ID!, $first: Int, $after: String) {
  stockMovements(productId: $p, first: $first, after: $after) {
    edges { cursor node { kind warehouseCode onHandDelta reservedDelta onHandAfter
                          reservedAfter reason orderId actor } }
    pageInfo { hasNextPage endCursor }
  }
}"""

CREATE_WAREHOUSE = """
mutation($code: String!, $name: String!) {
  createWarehouse(code: $code, name: $name) { warehouse { id code name } errors { code field } }
}"""


async def test_set_stock_sets_on_hand_and_announces_it(inventory: Inventory) -> None:
    product = new_id()
    payload = await set_stock(inventory, product, 12)
    assert payload["errors"] == []
    assert payload["stock"] == {"available": 12, "reserved": 0, "onHand": 12, "inStock": True}
    assert payload["product"] == {"id": product}

    lowered = await set_stock(inventory, product, 0)
    assert lowered["stock"] == {"available": 0, "reserved": 0, "onHand": 0, "inStock": False}

    changed = [e.payload for e in await inventory.events("StockChanged")]
    assert changed == [
        {"productId": product, "onHand": 12, "reserved": 0, "available": 12, "reason": "SET"},
        {"productId": product, "onHand": 0, "reserved": 0, "available": 0, "reason": "SET"},
    ]
    # Setting the same value again changes (and records) nothing.
    await set_stock(inventory, product, 0)
    assert len(await inventory.ledger(product)) == 2


async def test_bad_stock_input_is_a_clear_error_and_changes_nothing(inventory: Inventory) -> None:
    product = new_id()
    await set_stock(inventory, product, 5)
    before = await inventory.ledger()

    negative = await set_stock(inventory, product, -1)
    assert negative["stock"] is None
    assert negative["errors"] == [
        {
            "code": "INVALID_QUANTITY",
            "field": "quantity",
            "message": negative["errors"][0]["message"],
        }
    ]
    bad_id = await set_stock(inventory, "not-a-uuid", 3)
    assert [(e["code"], e["field"]) for e in bad_id["errors"]] == [
        ("INVALID_PRODUCT_ID", "productId")
    ]
    nowhere = await set_stock(inventory, product, 3, warehouse="NOWHERE")
    assert [(e["code"], e["field"]) for e in nowhere["errors"]] == [
        ("WAREHOUSE_NOT_FOUND", "warehouseCode")
    ]

    async def adjust(delta: int, reason: str = "recount") -> list[tuple[str, str]]:
        body = await inventory.gql(
            ADJUST_STOCK,
            {"input": {"productId": product, "delta": delta, "reason": reason}},
            token=inventory.tokens.staff,
        )
        return [(e["code"], e["field"]) for e in body["data"]["adjustStock"]["errors"]]

    assert await adjust(-6) == [("INVALID_QUANTITY", "delta")]
    assert await adjust(0) == [("INVALID_QUANTITY", "delta")]
    assert await adjust(2, reason="   ") == [("INVALID_REASON", "reason")]

    assert await inventory.ledger() == before
    assert (await inventory.level(product)).on_hand == 5


async def test_on_hand_cannot_go_below_reserved(inventory: Inventory) -> None:
    product = new_id()
    await set_stock(inventory, product, 5)
    assert (await reserve(inventory, new_id(), [(product, 3)]))["errors"] == []

    below = await set_stock(inventory, product, 2)
    assert [(e["code"], e["field"]) for e in below["errors"]] == [
        ("STOCK_BELOW_RESERVED", "quantity")
    ]
    body = await inventory.gql(
        ADJUST_STOCK,
        {"input": {"productId": product, "delta": -3, "reason": "broken"}},
        token=inventory.tokens.staff,
    )
    assert [e["code"] for e in body["data"]["adjustStock"]["errors"]] == ["STOCK_BELOW_RESERVED"]
    level = await inventory.level(product)
    assert (level.on_hand, level.reserved, level.available) == (5, 3, 2)
    # Exactly down to what is reserved is fine.
    at_reserved = await set_stock(inventory, product, 3)
    assert at_reserved["stock"] == {"available": 0, "reserved": 3, "onHand": 3, "inStock": False}


async def test_adjustments_are_recorded_with_reason_and_actor_and_paged(
    inventory: Inventory,
) -> None:
    product = new_id()
    await set_stock(inventory, product, 10)
    for delta, reason in [(5, "delivery 42"), (-2, "damaged in transit"), (1, "found one")]:
        body = await inventory.gql(
            ADJUST_STOCK,
            {"input": {"productId": product, "delta": delta, "reason": reason}},
            token=inventory.tokens.staff,
        )
        assert body["data"]["adjustStock"]["errors"] == []
    assert body["data"]["adjustStock"]["stock"]["onHand"] == 14

    seen = []
    after = None
    while True:
        page = await inventory.gql(
            MOVEMENTS, {"p": product, "first": 3, "after": after}, token=inventory.tokens.staff
        )
        data = page["data"]["stockMovements"]
        seen += [edge["node"] for edge in data["edges"]]
        if not data["pageInfo"]["hasNextPage"]:
            break
        after = data["pageInfo"]["endCursor"]
    assert [(m["kind"], m["onHandDelta"], m["onHandAfter"], m["reason"]) for m in seen] == [
        ("ADJUST", 1, 14, "found one"),
        ("ADJUST", -2, 13, "damaged in transit"),
        ("ADJUST", 5, 15, "delivery 42"),
        ("SET", 10, 10, None),
    ]
    assert all(m["actor"] and m["warehouseCode"] == "DEFAULT" for m in seen)
    notes = [e.payload.get("note") for e in await inventory.events("StockChanged")]
    assert notes[1:] == ["delivery 42", "damaged in transit", "found one"]

    bad = await inventory.gql(
        MOVEMENTS, {"p": product, "after": "junk"}, token=inventory.tokens.staff
    )
    assert bad["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_warehouses_are_summed_and_codes_unique(inventory: Inventory) -> None:
    created = await inventory.gql(
        CREATE_WAREHOUSE, {"code": " east-1 ", "name": "East"}, token=inventory.tokens.staff
    )
    assert created["data"]["createWarehouse"]["warehouse"]["code"] == "EAST-1"
    again = await inventory.gql(
        CREATE_WAREHOUSE, {"code": "EAST-1", "name": "Again"}, token=inventory.tokens.staff
    )
    assert again["data"]["createWarehouse"]["errors"] == [
        {"code": "WAREHOUSE_CODE_TAKEN", "field": "code"}
    ]
    invalid = await inventory.gql(
        CREATE_WAREHOUSE, {"code": "no spaces", "name": "x"}, token=inventory.tokens.staff
    )
    assert invalid["data"]["createWarehouse"]["errors"][0]["code"] == "INVALID_WAREHOUSE_CODE"

    listed = await inventory.gql("{ warehouses { code name } }", token=inventory.tokens.staff)
    assert [w["code"] for w in listed["data"]["warehouses"]] == ["DEFAULT", "EAST-1"]

    product = new_id()
    await set_stock(inventory, product, 4)
    summed = await set_stock(inventory, product, 6, warehouse="east-1")
    assert summed["stock"] == {"available": 10, "reserved": 0, "onHand": 10, "inStock": True}


async def test_staff_operations_refuse_customers_services_and_anonymous(
    inventory: Inventory,
) -> None:
    product = new_id()
    variables = {"input": {"productId": product, "quantity": 5}}
    anonymous = await inventory.gql(SET_STOCK, variables)
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert anonymous["data"] is None
    for token in (inventory.tokens.customer, inventory.tokens.service):
        refused = await inventory.gql(SET_STOCK, variables, token=token)
        assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        adjust = await inventory.gql(
            ADJUST_STOCK,
            {"input": {"productId": product, "delta": 1, "reason": "x"}},
            token=token,
        )
        assert adjust["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        for query in ("{ warehouses { code } }", CREATE_WAREHOUSE):
            body = await inventory.gql(query, {"code": "X", "name": "X"}, token=token)
            assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        movements = await inventory.gql(MOVEMENTS, {"p": product}, token=token)
        assert movements["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await inventory.ledger() == []
    # Admins hold inventory:write too.
    ok = await inventory.gql(SET_STOCK, variables, token=inventory.tokens.admin)
    assert ok["data"]["setStock"]["errors"] == []


async def test_internal_reservation_api_refuses_user_tokens(
    inventory: Inventory, signing_key: SigningKey
) -> None:
    product = new_id()
    await set_stock(inventory, product, 5)
    order = new_id()
    reserve_vars: dict[str, Any] = {
        "input": {"orderId": order, "lines": [{"productId": product, "quantity": 1}]}
    }
    by_order: dict[str, Any] = {"id": order}
    for token, code in [
        (None, "UNAUTHENTICATED"),
        (inventory.tokens.customer, "FORBIDDEN"),
        (inventory.tokens.staff, "FORBIDDEN"),
        (inventory.tokens.admin, "FORBIDDEN"),
    ]:
        for query, variables in [
            (RESERVE, reserve_vars),
            (COMMIT, by_order),
            (RELEASE, by_order),
        ]:
            body = await inventory.gql(query, variables, token=token)
            assert body["errors"][0]["extensions"]["code"] == code, (query, token)
        lookup = await inventory.gql(
            "query($id: ID!) { reservation(orderId: $id) { status } }", {"id": order}, token=token
        )
        assert lookup["errors"][0]["extensions"]["code"] == code
    # A user token claiming the "internal" scope does not get it (the verifier strips it).
    now = int(time.time())
    forged = jwt.encode(
        {
            "iss": inventory.settings.jwt_issuer,
            "aud": inventory.settings.jwt_audience,
            "sub": new_id(),
            "iat": now,
            "nbf": now,
            "exp": now + 60,
            "roles": ["ADMIN"],
            "scopes": ["internal", "inventory:write"],
        },
        signing_key.private_key,
        algorithm="RS256",
        headers={"kid": signing_key.kid},
    )
    body = await inventory.gql(RESERVE, reserve_vars, token=forged)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await inventory.level(product)).reserved == 0
    # The service token is accepted.
    assert (await reserve(inventory, order, [(product, 1)]))["reservation"]["status"] == "RESERVED"


async def test_migration_matches_the_models(inventory: Inventory, database_url: str) -> None:
    assert await differences_from_models(database_url, metadata) == []
    listed = await inventory.gql("{ warehouses { code name } }", token=inventory.tokens.staff)
    assert listed["data"]["warehouses"] == [{"code": "DEFAULT", "name": "Default warehouse"}]
