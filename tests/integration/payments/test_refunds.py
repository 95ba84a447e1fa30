"""Staff refunds (payments:refund) and the refund of a cancelled paid order."""

from __future__ import annotations

import asyncio
from typing import Any

from shopgraph.events.envelope import Event
from tests.integration.payments.conftest import Payments, order_payment, refund


async def captured(pay: Payments, total_minor: int = 10000) -> tuple[str, str]:
    """(order id, payment id) of a captured USD payment."""
    event = pay.order_created(total_minor=total_minor)
    await pay.deliver("orders", event)
    payment = await order_payment(pay, event.aggregate_id, pay.tokens.admin)
    assert payment["status"] == "CAPTURED"
    return event.aggregate_id, payment["id"]


def codes(body: dict[str, Any]) -> list[str]:
    return [e["code"] for e in body["data"]["refundPayment"]["errors"]]


async def test_partial_then_the_rest(pay: Payments) -> None:
    order_id, payment_id = await captured(pay, 10000)
    first = await refund(
        pay,
        pay.tokens.admin,
        paymentId=payment_id,
        amount={"amount": "30.00", "currency": "USD"},
        reason="damaged box",
    )
    result = first["data"]["refundPayment"]
    assert result["errors"] == []
    assert result["payment"]["status"] == "PARTIALLY_REFUNDED"
    assert result["payment"]["refundedAmount"] == {"amount": "30.00", "currency": "USD"}

    rest = (await refund(pay, pay.tokens.admin, paymentId=payment_id))["data"]["refundPayment"]
    assert rest["errors"] == []
    assert rest["payment"]["status"] == "REFUNDED"
    assert rest["payment"]["refundedAmount"]["amount"] == "100.00"
    assert [r["amount"]["amount"] for r in rest["payment"]["refunds"]] == ["30.00", "70.00"]
    assert rest["payment"]["refunds"][0]["reason"] == "damaged box"

    events = await pay.events("PaymentRefunded")
    assert [(e.payload["amountMinor"], e.payload["fullyRefunded"]) for e in events] == [
        (3000, False),
        (7000, True),
    ]
    assert all(e.aggregate_id == order_id for e in events)
    assert [m.amount_minor for m in pay.sandbox.moved("refund")] == [3000, 7000]


async def test_refusals_change_nothing(pay: Payments) -> None:
    _, payment_id = await captured(pay, 5000)
    over = await refund(
        pay, pay.tokens.admin, paymentId=payment_id, amount={"amount": "50.01", "currency": "USD"}
    )
    assert codes(over) == ["REFUND_EXCEEDS_CAPTURED"]
    other_currency = await refund(
        pay, pay.tokens.admin, paymentId=payment_id, amount={"amount": "1", "currency": "EUR"}
    )
    assert codes(other_currency) == ["CURRENCY_MISMATCH"]
    zero = await refund(
        pay, pay.tokens.admin, paymentId=payment_id, amount={"amount": "0", "currency": "USD"}
    )
    assert codes(zero) == ["INVALID_AMOUNT"]
    too_precise = await refund(
        pay, pay.tokens.admin, paymentId=payment_id, amount={"amount": "1.001", "currency": "USD"}
    )
    assert codes(too_precise) == ["INVALID_AMOUNT"]
    missing = await refund(pay, pay.tokens.admin, paymentId="00000000-0000-0000-0000-000000000000")
    assert codes(missing) == ["PAYMENT_NOT_FOUND"]

    assert await pay.counts() == (1, 0)
    assert await pay.events("PaymentRefunded") == []
    assert pay.sandbox.moved("refund") == []

    await refund(pay, pay.tokens.admin, paymentId=payment_id)
    again = await refund(pay, pay.tokens.admin, paymentId=payment_id)
    assert codes(again) == ["NOT_REFUNDABLE"]
    assert await pay.counts() == (1, 1)


async def test_a_failed_payment_is_not_refundable(pay: Payments) -> None:
    event = pay.order_created(method="pm_card_chargeDeclined")
    await pay.deliver("orders", event)
    payment = await order_payment(pay, event.aggregate_id, pay.tokens.admin)
    body = await refund(pay, pay.tokens.admin, paymentId=payment["id"])
    assert codes(body) == ["NOT_REFUNDABLE"]
    assert pay.sandbox.moved("refund") == []


async def test_only_staff_with_payments_refund_may_refund(pay: Payments) -> None:
    _, payment_id = await captured(pay)
    for token, code in [
        (None, "UNAUTHENTICATED"),
        (pay.tokens.owner, "FORBIDDEN"),
        (pay.tokens.staff, "FORBIDDEN"),  # orders:manage is not payments:refund
    ]:
        body = await refund(pay, token, paymentId=payment_id)
        assert body["data"] is None, body
        assert [e["extensions"]["code"] for e in body["errors"]] == [code]
    assert await pay.counts() == (1, 0)
    assert pay.sandbox.moved("refund") == []


async def test_a_repeated_idempotency_key_refunds_once(pay: Payments) -> None:
    _, payment_id = await captured(pay, 10000)
    fields = {
        "paymentId": payment_id,
        "amount": {"amount": "10.00", "currency": "USD"},
        "idempotencyKey": "ticket-42",
    }
    results = await asyncio.gather(*(refund(pay, pay.tokens.admin, **fields) for _ in range(5)))
    for body in results:
        assert body["data"]["refundPayment"]["errors"] == [], body
        assert body["data"]["refundPayment"]["payment"]["refundedAmount"]["amount"] == "10.00"
    assert await pay.counts() == (1, 1)
    assert len(pay.sandbox.moved("refund")) == 1


async def test_concurrent_refunds_never_exceed_the_capture(pay: Payments) -> None:
    _, payment_id = await captured(pay, 10000)
    results = await asyncio.gather(
        *(
            refund(
                pay,
                pay.tokens.admin,
                paymentId=payment_id,
                amount={"amount": "30.00", "currency": "USD"},
            )
            for _ in range(6)
        )
    )
    outcomes = sorted(codes(body)[0] if codes(body) else "OK" for body in results)
    assert outcomes == ["OK"] * 3 + ["REFUND_EXCEEDS_CAPTURED"] * 3
    payment = await pay.service.get(payment_id)
    assert payment is not None and payment.refunded_minor == 9000


def cancelled(order_id: str, was_paid: bool) -> Event:
    return Event.new(
        "OrderCancelled",
        order_id,
        {"orderId": order_id, "userId": "u", "reason": "customer asked", "wasPaid": was_paid},
    )


async def test_cancelling_a_paid_order_refunds_it_once(pay: Payments) -> None:
    order_id, _ = await captured(pay, 2500)
    event = cancelled(order_id, was_paid=True)
    await asyncio.gather(*(pay.deliver("orders", event) for _ in range(3)))
    await pay.deliver("orders", cancelled(order_id, was_paid=True))  # even a second event

    payment = await order_payment(pay, order_id, pay.tokens.owner)
    assert payment["status"] == "REFUNDED"
    assert payment["refundedAmount"]["amount"] == "25.00"
    assert [r["reason"] for r in payment["refunds"]] == ["customer asked"]
    assert [m.amount_minor for m in pay.sandbox.moved("refund")] == [2500]
    assert len(await pay.events("PaymentRefunded")) == 1


async def test_cancelling_refunds_what_staff_did_not_refund_yet(pay: Payments) -> None:
    order_id, payment_id = await captured(pay, 10000)
    await refund(
        pay, pay.tokens.admin, paymentId=payment_id, amount={"amount": "40", "currency": "USD"}
    )
    await pay.deliver("orders", cancelled(order_id, was_paid=True))
    assert [m.amount_minor for m in pay.sandbox.moved("refund")] == [4000, 6000]
    payment = await pay.service.get(payment_id)
    assert payment is not None and payment.status == "REFUNDED"


async def test_cancelling_an_unpaid_order_refunds_nothing(pay: Payments) -> None:
    event = pay.order_created(method="pm_card_chargeDeclined")
    await pay.deliver("orders", event)
    await pay.deliver("orders", cancelled(event.aggregate_id, was_paid=False))
    assert pay.sandbox.moved("refund") == []
    assert await pay.events("PaymentRefunded") == []
