"""Reading orders: the owner and staff see them, nobody else does (null, as for an id
that does not exist); a user's orders and the staff list page with stable cursors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from shopgraph.events.envelope import Event
from shopgraph.events.handlers import HandlerRegistry
from subgraphs.orders.handlers import register_payment_handlers
from tests.integration.orders.conftest import Orders, placed_order
from tests.support.sql import count_statements

ORDER = "query($id: ID!) { order(id: $id) { id status total { amount } history { status } } }"
USER_ORDERS = """query($r: [_Any!]!, $first: Int, $after: String) {
  _entities(representations: $r) { ... on User { orders(first: $first, after: $after) {
    edges { cursor node { id status } }
    pageInfo { hasNextPage hasPreviousPage endCursor } } } } }"""
STAFF_ORDERS = """query($first: Int, $after: String, $filter: OrderFilter) {
  orders(first: $first, after: $after, filter: $filter) {
    edges { node { id status createdAt } } pageInfo { hasNextPage endCursor } } }"""
ENTITIES = """query($r: [_Any!]!) { _entities(representations: $r) {
  ... on Order { id status items { sku quantity } customer { id } history { status } } } }"""


async def test_owner_and_staff_read_an_order_others_get_null(orders_app: Orders) -> None:
    owner, stranger = await orders_app.shopper(), await orders_app.shopper()
    order_id = await placed_order(orders_app, owner)
    mine = await orders_app.gql(ORDER, {"id": order_id}, owner.token)
    assert mine["data"]["order"]["id"] == order_id
    assert mine["data"]["order"]["history"] == [{"status": "PENDING"}]
    staff = await orders_app.gql(ORDER, {"id": order_id}, orders_app.staff.token)
    assert staff["data"]["order"]["status"] == "PENDING"

    theirs = await orders_app.gql(ORDER, {"id": order_id}, stranger.token)
    missing = await orders_app.gql(
        ORDER, {"id": "0b5f8c3e-2222-4222-8222-222222222222"}, stranger.token
    )
    garbage = await orders_app.gql(ORDER, {"id": "not-a-uuid"}, stranger.token)
    assert theirs == missing == garbage == {"data": {"order": None}}
    entities = await orders_app.gql(
        ENTITIES, {"r": [{"__typename": "Order", "id": order_id}]}, stranger.token
    )
    assert entities["data"]["_entities"] == [None]
    anonymous = await orders_app.gql(ORDER, {"id": order_id})
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_user_orders_page_newest_first_for_the_user_and_staff(orders_app: Orders) -> None:
    shopper, other = await orders_app.shopper(), await orders_app.shopper()
    placed = [await placed_order(orders_app, shopper) for _ in range(5)]
    await placed_order(orders_app, other)
    rep = {"r": [{"__typename": "User", "id": shopper.id}]}

    seen: list[str] = []
    after = None
    pages = 0
    while True:
        body = await orders_app.gql(USER_ORDERS, {**rep, "first": 2, "after": after}, shopper.token)
        connection = body["data"]["_entities"][0]["orders"]
        seen += [edge["node"]["id"] for edge in connection["edges"]]
        pages += 1
        assert connection["pageInfo"]["hasPreviousPage"] is (after is not None)
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]
    assert pages == 3
    assert seen == list(reversed(placed))

    staff = await orders_app.gql(USER_ORDERS, {**rep, "first": 10}, orders_app.staff.token)
    assert len(staff["data"]["_entities"][0]["orders"]["edges"]) == 5
    stranger = await orders_app.gql(USER_ORDERS, {**rep, "first": 10}, other.token)
    assert stranger["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    bad = await orders_app.gql(USER_ORDERS, {**rep, "after": "nonsense"}, shopper.token)
    assert bad["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_staff_list_filters_by_status_and_date(orders_app: Orders) -> None:
    shopper = await orders_app.shopper()
    pending = await placed_order(orders_app, shopper)
    paid = await placed_order(orders_app, shopper)
    registry = HandlerRegistry()
    register_payment_handlers(registry, orders_app.service)
    handler = registry.lookup("payments", "PaymentSucceeded")
    assert handler is not None
    await handler(Event.new("PaymentSucceeded", paid, {"orderId": paid}))

    async def ids(filter: dict[str, Any] | None) -> list[str]:
        body = await orders_app.gql(
            STAFF_ORDERS, {"first": 50, "filter": filter}, orders_app.staff.token
        )
        return [edge["node"]["id"] for edge in body["data"]["orders"]["edges"]]

    assert await ids(None) == [paid, pending]
    assert await ids({"status": "PAID"}) == [paid]
    assert await ids({"status": "PENDING"}) == [pending]
    now = datetime.now(UTC)
    assert await ids({"createdFrom": (now + timedelta(minutes=1)).isoformat()}) == []
    assert await ids({"createdTo": (now - timedelta(minutes=1)).isoformat()}) == []
    assert await ids(
        {"createdFrom": (now - timedelta(minutes=5)).isoformat(), "createdTo": now.isoformat()}
    ) == [paid, pending]

    customer = await orders_app.gql(STAFF_ORDERS, {"first": 5}, shopper.token)
    assert customer["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    anonymous = await orders_app.gql(STAFF_ORDERS, {"first": 5})
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    too_many = await orders_app.gql(STAFF_ORDERS, {"first": 1000}, orders_app.staff.token)
    assert too_many["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_order_entities_are_batched(orders_app: Orders) -> None:
    shopper = await orders_app.shopper()
    ids = [await placed_order(orders_app, shopper) for _ in range(6)]
    reps = {"r": [{"__typename": "Order", "id": i} for i in ids]}
    with count_statements(orders_app.db.engine) as statements:
        body = await orders_app.gql(ENTITIES, reps, orders_app.staff.token)
    found = body["data"]["_entities"]
    assert [o["id"] for o in found] == ids
    assert all(o["customer"]["id"] == shopper.id for o in found)
    # Orders, their lines, their histories: three statements whatever the count.
    assert len(statements) == 3, statements
