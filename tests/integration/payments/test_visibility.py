"""Who sees a payment: the order's owner and staff; one query for many orders."""

from __future__ import annotations

import uuid

from tests.integration.payments.conftest import ORDER_PAYMENT, Payments, order_payment
from tests.support.sql import count_statements

PAYMENT = "query($id: ID!) { payment(id: $id) { id orderId status order { id } } }"


async def test_owner_and_staff_see_the_payment_others_get_null(pay: Payments) -> None:
    event = pay.order_created()
    await pay.deliver("orders", event)
    order_id = event.aggregate_id

    owner_view = await order_payment(pay, order_id, pay.tokens.owner)
    assert owner_view is not None and owner_view["status"] == "CAPTURED"
    for insider in (pay.tokens.admin, pay.tokens.staff, pay.tokens.service):
        assert (await order_payment(pay, order_id, insider))["id"] == owner_view["id"]
    for outsider in (pay.tokens.stranger, None):
        assert await order_payment(pay, order_id, outsider) is None

    payment_id = owner_view["id"]
    for token, visible in [
        (pay.tokens.owner, True),
        (pay.tokens.admin, True),
        (pay.tokens.stranger, False),
        (None, False),
    ]:
        body = await pay.gql(PAYMENT, {"id": payment_id}, token)
        found = body["data"]["payment"]
        assert (found is not None) is visible, (token, body)
        if visible:
            assert found["orderId"] == found["order"]["id"] == order_id

    entity = await pay.gql(
        "query($r: [_Any!]!) { _entities(representations: $r) { ... on Payment { id } } }",
        {"r": [{"__typename": "Payment", "id": payment_id}]},
        pay.tokens.stranger,
    )
    assert entity["data"]["_entities"] == [None]


async def test_payments_of_many_orders_take_one_query(pay: Payments) -> None:
    order_ids = []
    for _ in range(5):
        event = pay.order_created()
        await pay.deliver("orders", event)
        order_ids.append(event.aggregate_id)
    order_ids.append(str(uuid.uuid4()))  # an order not charged (yet)

    reps = [{"__typename": "Order", "id": oid} for oid in order_ids]
    with count_statements(pay.resources.db.engine) as statements:
        body = await pay.gql(ORDER_PAYMENT, {"r": reps}, pay.tokens.admin)
    payments = [entity["payment"] for entity in body["data"]["_entities"]]
    assert [p["orderId"] if p else None for p in payments] == [*order_ids[:5], None]
    # One query for the payments, one for all their refunds.
    assert len(statements) == 2, statements
