"""The sandbox provider behaves like a real one: idempotency keys, declines, transients."""

from __future__ import annotations

import asyncio

import pytest

from subgraphs.payments.provider import ProviderUnavailable, SandboxProvider
from subgraphs.payments.records import OrderCharge


async def test_a_repeated_key_never_charges_twice() -> None:
    sandbox = SandboxProvider()
    auths = await asyncio.gather(
        *(sandbox.authorize(1000, "USD", "pm_card_visa", "order:1:authorize") for _ in range(5))
    )
    assert len({a.authorization_id for a in auths}) == 1 and auths[0].approved
    auth_id = auths[0].authorization_id
    assert auth_id is not None
    captures = [await sandbox.capture(auth_id, "order:1:capture") for _ in range(3)]
    assert len({c.capture_id for c in captures}) == 1
    assert [(m.kind, m.amount_minor) for m in sandbox.movements] == [
        ("authorize", 1000),
        ("capture", 1000),
    ]
    assert len(sandbox.calls) == 8  # every call is seen, only the first per key acts

    capture_id = captures[0].capture_id
    assert capture_id is not None
    refunds = [await sandbox.refund(capture_id, 400, "refund-a") for _ in range(2)]
    assert refunds[0] == refunds[1] and refunds[0].refunded
    await sandbox.refund(capture_id, 100, "refund-b")
    assert [m.amount_minor for m in sandbox.moved("refund")] == [400, 100]


async def test_another_key_is_another_charge() -> None:
    sandbox = SandboxProvider()
    a = await sandbox.authorize(1000, "USD", "pm_card_visa", "order:1:authorize")
    b = await sandbox.authorize(1000, "USD", "pm_card_visa", "order:2:authorize")
    assert a.authorization_id != b.authorization_id
    assert len(sandbox.moved("authorize")) == 2


@pytest.mark.parametrize(
    ("method", "reason"),
    [
        ("pm_card_chargeDeclined", "card_declined"),
        ("pm_card_unknown", "invalid_payment_method"),
        ("", "invalid_payment_method"),
    ],
)
async def test_declines_are_data_and_stable(method: str, reason: str) -> None:
    sandbox = SandboxProvider()
    first = await sandbox.authorize(1000, "USD", method, "k")
    assert not first.approved and first.decline_reason == reason
    assert await sandbox.authorize(1000, "USD", "pm_card_visa", "k") == first  # same key
    assert sandbox.movements == []


async def test_flaky_fails_twice_per_key_then_succeeds() -> None:
    sandbox = SandboxProvider()
    for _ in range(2):
        with pytest.raises(ProviderUnavailable):
            await sandbox.authorize(500, "USD", "pm_card_flaky", "flaky-1")
    assert (await sandbox.authorize(500, "USD", "pm_card_flaky", "flaky-1")).approved
    with pytest.raises(ProviderUnavailable):  # a new key starts over
        await sandbox.authorize(500, "USD", "pm_card_flaky", "flaky-2")
    assert len(sandbox.moved("authorize")) == 1


async def test_unknown_references_are_refused() -> None:
    sandbox = SandboxProvider()
    assert not (await sandbox.capture("ch_elsewhere", "c")).captured
    assert not (await sandbox.refund("ch_elsewhere", 1, "r")).refunded
    assert sandbox.movements == []


def payload(**changes: object) -> dict[str, object]:
    base: dict[str, object] = {
        "orderId": "o-1",
        "userId": "u-1",
        "totalMinor": 1999,
        "currency": "USD",
        "paymentMethod": " pm_card_visa ",
    }
    return base | changes


def test_order_created_payload_is_read() -> None:
    charge = OrderCharge.from_payload("o-1", payload())
    assert charge == OrderCharge("o-1", "u-1", 1999, "USD", "pm_card_visa")


@pytest.mark.parametrize(
    "changes",
    [
        {"totalMinor": "19.99"},
        {"totalMinor": -1},
        {"totalMinor": True},
        {"currency": "XXX"},
        {"currency": None},
        {"paymentMethod": ""},
        {"paymentMethod": None},
    ],
)
def test_a_payload_breaking_the_contract_is_refused(changes: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        OrderCharge.from_payload("o-1", payload(**changes))
