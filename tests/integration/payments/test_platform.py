"""payments and notifications with the other services (the whole platform in-process):
a paid order that is cancelled is refunded and the customer is told; password reset mail."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.integration.notifications.conftest import body_text
from tests.support.platform import column_settings, running_platform
from tests.support.shop import TERMINAL, Shop

COLUMNS = ["embedded", "postgres+kafka+redis"]

PAYMENT = """query($r: [_Any!]!) { _entities(representations: $r) { ... on Order {
  payment { id status amount { amount } refundedAmount { amount } refunds { reason } } } } }"""


@pytest.fixture(scope="module", params=COLUMNS)
async def shop(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Shop]:
    """One platform per column for the module: every test makes its own users and products."""
    settings = column_settings(request.param, tmp_path_factory.mktemp("platform"))
    async with running_platform(settings) as platform:
        shop = Shop(platform)
        await shop.sign_in_admin()
        yield shop


async def payment(shop: Shop, order_id: str, token: str) -> Any:
    data = await shop.call(
        "payments", PAYMENT, {"r": [{"__typename": "Order", "id": order_id}]}, token
    )
    return data["_entities"][0]["payment"]


async def test_a_cancelled_paid_order_is_refunded_and_the_customer_told(shop: Shop) -> None:
    product = await shop.create_product(price="20.00", stock=5)
    email = "refund-me@example.com"
    token = await shop.register(email)
    await shop.add_to_cart(token, product, 2)
    placed = await shop.place_order(token)
    order_id = placed["order"]["id"]
    assert await shop.wait_for_status(token, order_id, TERMINAL) == "PAID"
    paid = await payment(shop, order_id, token)
    assert paid["status"] == "CAPTURED"

    cancelled = await shop.call(
        "orders",
        """mutation($id: ID!) { cancelOrder(id: $id, reason: "changed my mind") {
             order { status } errors { code message } } }""",
        {"id": order_id},
        token,
    )
    assert cancelled["cancelOrder"]["errors"] == [], cancelled

    async with asyncio.timeout(20):
        while (found := await payment(shop, order_id, token))["status"] != "REFUNDED":  # noqa: ASYNC110
            await asyncio.sleep(0.2)
    assert found["refundedAmount"]["amount"] == found["amount"]["amount"]
    assert len(found["refunds"]) == 1

    mail = await shop.platform.mailbox.wait_for(email, "cancelled")
    assert "refunded" in body_text(mail)
    await shop.platform.mailbox.wait_for(email, "payment received")
    await asyncio.sleep(0.5)  # room for a duplicate to show up
    subjects = sorted(str(m["Subject"]).split(" order")[0] for m in shop.platform.mailbox.to(email))
    assert len(subjects) == 3, subjects  # confirmed, payment received, cancelled: once each


async def test_a_customer_can_reset_the_password_from_the_mail(shop: Shop) -> None:
    email = "forgot@example.com"
    await shop.register(email, password="old-password-123")
    requested = await shop.call(
        "users",
        "mutation($e: String!) { requestPasswordReset(email: $e) { ok errors { code } } }",
        {"e": email},
    )
    assert requested["requestPasswordReset"]["ok"] is True
    mail = await shop.platform.mailbox.wait_for(email, "reset")
    lines = body_text(mail).splitlines()
    code = lines[lines.index("account. Use this one-time code to choose a new password:") + 2]
    reset = await shop.call(
        "users",
        """mutation($t: String!, $p: String!) { resetPassword(token: $t, newPassword: $p) {
             ok errors { code } } }""",
        {"t": code.strip(), "p": "new-password-456"},
    )
    assert reset["resetPassword"] == {"ok": True, "errors": []}
    assert await shop.login(email, "new-password-456")
