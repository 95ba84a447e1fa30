"""Client spans around every payment-provider call (docs/architecture.md §9).

Wraps whichever :class:`~subgraphs.payments.provider.PaymentProvider` the settings select, so
a charge shows up in the checkout's trace as ``payment_provider authorize`` / ``capture`` /
``refund`` under the payments worker's consumer span.
"""

from __future__ import annotations

from opentelemetry.trace import SpanKind

from shopgraph.tracing import tracer
from subgraphs.payments.provider import Authorization, Capture, PaymentProvider, RefundResult


class TracedProvider:
    def __init__(self, inner: PaymentProvider) -> None:
        self.inner = inner

    async def authorize(
        self,
        amount_minor: int,
        currency: str,
        method: str,
        idempotency_key: str,
        *,
        order_id: str | None = None,
    ) -> Authorization:
        with tracer().start_as_current_span("payment_provider authorize", kind=SpanKind.CLIENT):
            return await self.inner.authorize(
                amount_minor, currency, method, idempotency_key, order_id=order_id
            )

    async def capture(self, authorization_id: str, idempotency_key: str) -> Capture:
        with tracer().start_as_current_span("payment_provider capture", kind=SpanKind.CLIENT):
            return await self.inner.capture(authorization_id, idempotency_key)

    async def refund(
        self, capture_id: str, amount_minor: int, idempotency_key: str
    ) -> RefundResult:
        with tracer().start_as_current_span("payment_provider refund", kind=SpanKind.CLIENT):
            return await self.inner.refund(capture_id, amount_minor, idempotency_key)


def traced(provider: PaymentProvider) -> PaymentProvider:
    return provider if isinstance(provider, TracedProvider) else TracedProvider(provider)
