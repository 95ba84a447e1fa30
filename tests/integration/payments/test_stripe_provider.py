"""The Stripe adapter against stripe-mock: request shapes, idempotency keys, error mapping.

stripe-mock validates each request against Stripe's API schema and answers with canned
objects (a PaymentIntent it returns is always ``requires_payment_method``), so these tests
check what it can: what we send, that it is accepted, and how answers are mapped.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import stripe

from subgraphs.payments.provider import ProviderUnavailable
from subgraphs.payments.stripe_provider import StripeProvider
from tests.support.platform import free_port
from tests.support.stripe_mock import running_stripe_mock

API_KEY = "sk_test_shopgraph"


@dataclass
class SentRequest:
    method: str
    path: str
    headers: dict[str, str]
    form: dict[str, list[str]]


@dataclass
class RecordingClient(stripe.HTTPXClient):
    """The SDK's own httpx client, noting each request it sends."""

    sent: list[SentRequest] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__()

    async def request_async(
        self, method: str, url: str, headers: Mapping[str, str], post_data: Any = None
    ) -> Any:
        body = post_data.decode() if isinstance(post_data, bytes) else (post_data or "")
        self.sent.append(
            SentRequest(
                method.upper(),
                urlsplit(url).path,
                {k.lower(): v for k, v in headers.items()},
                parse_qs(body),
            )
        )
        return await super().request_async(method, url, headers, post_data)


@pytest.fixture(scope="module")
def stripe_mock_url() -> Iterator[str]:
    with running_stripe_mock() as url:
        yield url


@pytest.fixture
def recorder() -> RecordingClient:
    return RecordingClient()


@pytest.fixture
def provider(stripe_mock_url: str, recorder: RecordingClient) -> StripeProvider:
    return StripeProvider.connect(
        API_KEY, api_base=stripe_mock_url, http_client=recorder, max_network_retries=0
    )


async def test_authorize_confirms_a_manual_capture_intent_server_side(
    provider: StripeProvider, recorder: RecordingClient
) -> None:
    result = await provider.authorize(
        2599, "EUR", "pm_card_visa", "order:o-1:authorize", order_id="o-1"
    )

    [sent] = recorder.sent
    assert (sent.method, sent.path) == ("POST", "/v1/payment_intents")
    assert sent.headers["idempotency-key"] == "order:o-1:authorize"
    assert sent.headers["authorization"] == f"Bearer {API_KEY}"
    assert sent.form == {
        "amount": ["2599"],
        "currency": ["eur"],
        "payment_method": ["pm_card_visa"],
        "payment_method_types[0]": ["card"],
        "capture_method": ["manual"],
        "confirm": ["true"],
        "metadata[order_id]": ["o-1"],
    }
    # stripe-mock's canned intent is not held: that is a decline, never an approval.
    assert not result.approved
    assert result.decline_reason == "intent_requires_payment_method"


async def test_capture_and_refund_carry_their_idempotency_keys(
    provider: StripeProvider, recorder: RecordingClient
) -> None:
    await provider.capture("pi_123", "order:o-2:capture")
    refund = await provider.refund("pi_123", 500, "staff:refund-1")

    capture_sent, refund_sent = recorder.sent
    assert (capture_sent.method, capture_sent.path) == (
        "POST",
        "/v1/payment_intents/pi_123/capture",
    )
    assert capture_sent.headers["idempotency-key"] == "order:o-2:capture"
    assert (refund_sent.method, refund_sent.path) == ("POST", "/v1/refunds")
    assert refund_sent.headers["idempotency-key"] == "staff:refund-1"
    assert refund_sent.form == {"payment_intent": ["pi_123"], "amount": ["500"]}
    assert refund.refunded and refund.refund_id and refund.refund_id.startswith("re_")


async def test_a_repeated_call_sends_the_same_key(
    provider: StripeProvider, recorder: RecordingClient
) -> None:
    for _ in range(2):
        await provider.refund("pi_123", 100, "order:o-3:cancel-refund")
    assert [r.headers["idempotency-key"] for r in recorder.sent] == ["order:o-3:cancel-refund"] * 2


async def test_an_unreachable_stripe_is_a_transient_failure() -> None:
    closed = StripeProvider.connect(
        API_KEY, api_base=f"http://127.0.0.1:{free_port()}", max_network_retries=0
    )
    with pytest.raises(ProviderUnavailable):
        await closed.authorize(100, "USD", "pm_card_visa", "order:o-4:authorize")
    with pytest.raises(ProviderUnavailable):
        await closed.refund("pi_1", 100, "order:o-4:cancel-refund")


async def test_a_refused_api_key_is_a_transient_failure(stripe_mock_url: str) -> None:
    """An operator can fix the key; the worker retries with the same idempotency key."""
    wrong = StripeProvider.connect("not-a-key", api_base=stripe_mock_url, max_network_retries=0)
    with pytest.raises(ProviderUnavailable):
        await wrong.capture("pi_1", "order:o-5:capture")
