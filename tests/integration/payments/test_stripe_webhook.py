"""POST /webhooks/stripe: signed asynchronous outcomes settle an order once, with the worker."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import stripe

from subgraphs.payments.app import create_app
from subgraphs.payments.webhook import PATH
from tests.integration.payments.conftest import Payments, order_payment

SECRET = "whsec_shopgraph_test_secret"


@pytest.fixture
async def webhook(pay: Payments) -> AsyncIterator[httpx.AsyncClient]:
    """The payments app of ``pay`` (same database and provider) with a webhook secret."""
    settings = pay.settings.model_copy(update={"stripe_webhook_secret": SECRET})
    app = create_app(settings, resources=pay.resources, provider=pay.sandbox)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://payments") as client:
        yield client


def intent_event(
    kind: str, order_id: str, *, amount: int = 5000, decline: str | None = None
) -> str:
    intent: dict[str, Any] = {
        "id": f"pi_{uuid.uuid4().hex[:16]}",
        "object": "payment_intent",
        "amount": amount,
        "currency": "usd",
        "payment_method": "pm_card_visa",
        "metadata": {"order_id": order_id},
        "last_payment_error": {"code": "card_declined", "decline_code": decline}
        if decline
        else None,
    }
    return json.dumps(
        {
            "id": f"evt_{uuid.uuid4().hex[:16]}",
            "object": "event",
            "type": f"payment_intent.{kind}",
            "data": {"object": intent},
        }
    )


async def post(client: httpx.AsyncClient, payload: str, secret: str = SECRET) -> httpx.Response:
    signature = stripe.WebhookSignature.generate_signature_header(payload, secret)
    return await client.post(
        PATH,
        content=payload,
        headers={"Stripe-Signature": signature, "Content-Type": "application/json"},
    )


async def test_a_bad_signature_is_refused_and_changes_nothing(
    pay: Payments, webhook: httpx.AsyncClient
) -> None:
    payload = intent_event("succeeded", str(uuid.uuid4()))
    forged = await post(webhook, payload, secret="whsec_someone_else")
    stale_header = stripe.WebhookSignature.generate_signature_header(
        payload, SECRET, timestamp=int(time.time()) - 3600
    )
    stale = await webhook.post(PATH, content=payload, headers={"Stripe-Signature": stale_header})
    unsigned = await webhook.post(PATH, content=payload)

    assert [forged.status_code, stale.status_code, unsigned.status_code] == [400, 400, 400]
    assert await pay.counts() == (0, 0)
    assert await pay.events() == []


async def test_a_reported_success_settles_an_order_the_worker_has_not(
    pay: Payments, webhook: httpx.AsyncClient
) -> None:
    order = pay.order_created(total_minor=5000, currency="USD")
    response = await post(webhook, intent_event("succeeded", order.aggregate_id))
    assert response.status_code == 200
    assert response.json() == {"received": True, "handled": True, "status": "CAPTURED"}

    # The worker's (retried) charge finds the order settled: no provider call, no 2nd event.
    await pay.deliver("orders", order)
    payment = await order_payment(pay, order.aggregate_id, pay.tokens.owner)
    assert payment["status"] == "CAPTURED"
    assert [e.payload["orderId"] for e in await pay.events("PaymentSucceeded")] == [
        order.aggregate_id
    ]
    assert pay.sandbox.calls == []


async def test_a_report_after_the_worker_changes_nothing(
    pay: Payments, webhook: httpx.AsyncClient
) -> None:
    order = pay.order_created(method="pm_card_chargeDeclined")
    await pay.deliver("orders", order)

    late = await post(webhook, intent_event("payment_failed", order.aggregate_id, decline="x"))
    redelivered = await post(webhook, intent_event("payment_failed", order.aggregate_id))

    assert late.json()["status"] == redelivered.json()["status"] == "FAILED"
    payment = await order_payment(pay, order.aggregate_id, pay.tokens.owner)
    assert payment["failureReason"] == "card_declined"  # the worker's, not the report's
    assert len(await pay.events("PaymentFailed")) == 1


async def test_a_reported_failure_fails_the_payment_with_stripes_reason(
    pay: Payments, webhook: httpx.AsyncClient
) -> None:
    order_id = str(uuid.uuid4())
    await post(webhook, intent_event("payment_failed", order_id, decline="insufficient_funds"))

    [failed] = await pay.events("PaymentFailed")
    assert failed.payload["orderId"] == order_id
    assert failed.payload["reason"] == "insufficient_funds"


async def test_other_events_are_acknowledged_and_ignored(
    pay: Payments, webhook: httpx.AsyncClient
) -> None:
    payload = intent_event("created", str(uuid.uuid4()))
    response = await post(webhook, payload)
    assert response.json() == {"received": True, "handled": False}
    assert await pay.counts() == (0, 0)


async def test_without_a_secret_the_endpoint_is_unavailable(pay: Payments) -> None:
    response = await pay.client.post(PATH, content=intent_event("succeeded", "o"))
    assert response.status_code == 503
    assert await pay.counts() == (0, 0)
