"""The Stripe adapter of the payment port, through the official ``stripe`` SDK.

* ``authorize`` creates a PaymentIntent and confirms it server-side in the same call
  (``confirm=True``, ``capture_method=manual``, cards only), so a held amount is
  ``requires_capture``; ``requires_action`` (3-D Secure) is declined as
  ``authentication_required``; ``processing`` raises :class:`ProviderUnavailable` (retried
  with the same key while the webhook may settle the order). The order id travels in the
  intent's metadata: the webhook (:mod:`.webhook`) finds the order of an outcome by it.
* ``capture`` captures that PaymentIntent; the capture id *is* the intent id, because a
  Stripe refund names the PaymentIntent it gives money back from.
* ``refund`` creates a Refund of ``amount_minor`` (partial or full) of that intent.

Every call sends the port's idempotency key as Stripe's ``Idempotency-Key`` header, so a
retried call (by the SDK or by the worker) is answered with the first answer.

Errors: a card decline (``CardError``) or an unusable payment method
(``InvalidRequestError`` on ``payment_method``) is an answer, returned as data with Stripe's
decline code; a connection failure, a rate limit, a Stripe 5xx or a refused API key raises
:class:`ProviderUnavailable` (the worker retries with the same key; the key may be fixed
meanwhile). Any other invalid request is a bug and raises as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import stripe

from shopgraph.logging import get_logger
from subgraphs.payments.provider import (
    CARD_DECLINED,
    INVALID_METHOD,
    Authorization,
    Capture,
    ProviderUnavailable,
    RefundResult,
)

log = get_logger(__name__)

HELD = "requires_capture"
PROCESSING = "processing"
CAPTURED = "succeeded"
REFUND_ACCEPTED = frozenset({"succeeded", "pending"})
TRANSIENT_ERRORS: tuple[type[stripe.StripeError], ...] = (
    stripe.APIConnectionError,
    stripe.RateLimitError,
    stripe.APIError,
    stripe.AuthenticationError,
    stripe.PermissionError,
)


def decline_of(error: stripe.StripeError) -> str | None:
    """The decline reason when ``error`` is Stripe's answer about the card, else ``None``."""
    if isinstance(error, stripe.CardError):
        return str(getattr(error, "decline_code", None) or error.code or CARD_DECLINED)
    if isinstance(error, stripe.InvalidRequestError) and error.param == "payment_method":
        return INVALID_METHOD
    return None


def _not_held_reason(status: str) -> str:
    # A card that asks for 3-D Secure cannot be confirmed server-side: the customer must act.
    return "authentication_required" if status == "requires_action" else f"intent_{status}"


@dataclass
class StripeProvider:
    """:class:`~subgraphs.payments.provider.PaymentProvider` on Stripe PaymentIntents."""

    client: stripe.StripeClient

    @classmethod
    def connect(
        cls,
        api_key: str,
        *,
        api_base: str | None = None,
        http_client: stripe.HTTPClient | None = None,
        max_network_retries: int = 2,
    ) -> StripeProvider:
        """A provider on its own client (``api_base``: stripe-mock in tests)."""
        client = stripe.StripeClient(
            api_key,
            base_addresses={"api": api_base} if api_base else {},
            http_client=http_client or stripe.HTTPXClient(),
            max_network_retries=max_network_retries,
        )
        return cls(client)

    async def authorize(
        self,
        amount_minor: int,
        currency: str,
        method: str,
        idempotency_key: str,
        *,
        order_id: str | None = None,
    ) -> Authorization:
        params: dict[str, Any] = {
            "amount": amount_minor,
            "currency": currency.lower(),
            "payment_method": method,
            "payment_method_types": ["card"],
            "capture_method": "manual",
            "confirm": True,
            "metadata": {"order_id": order_id} if order_id else {},
        }
        try:
            intent = await self.client.v1.payment_intents.create_async(
                params,  # type: ignore[arg-type]
                {"idempotency_key": idempotency_key},
            )
        except stripe.StripeError as error:
            reason = self._answer_or_raise(error, "authorize")
            return Authorization(approved=False, decline_reason=reason)
        if intent.status == PROCESSING:
            # The same key gets the same answer until the outcome is known; the webhook may
            # settle the order meanwhile (the worker's retry then finds it settled).
            raise ProviderUnavailable("stripe authorize: the outcome is still processing")
        if intent.status != HELD:
            return Authorization(approved=False, decline_reason=_not_held_reason(intent.status))
        return Authorization(approved=True, authorization_id=intent.id)

    async def capture(self, authorization_id: str, idempotency_key: str) -> Capture:
        try:
            intent = await self.client.v1.payment_intents.capture_async(
                authorization_id, options={"idempotency_key": idempotency_key}
            )
        except stripe.StripeError as error:
            reason = self._answer_or_raise(error, "capture")
            return Capture(captured=False, decline_reason=reason)
        if intent.status != CAPTURED:
            return Capture(captured=False, decline_reason=f"intent_{intent.status}")
        return Capture(captured=True, capture_id=intent.id)

    async def refund(
        self, capture_id: str, amount_minor: int, idempotency_key: str
    ) -> RefundResult:
        try:
            refund = await self.client.v1.refunds.create_async(
                {"payment_intent": capture_id, "amount": amount_minor},
                {"idempotency_key": idempotency_key},
            )
        except stripe.StripeError as error:
            reason = self._answer_or_raise(error, "refund")
            return RefundResult(refunded=False, decline_reason=reason)
        if refund.status not in REFUND_ACCEPTED:
            return RefundResult(refunded=False, decline_reason=refund.failure_reason or "failed")
        return RefundResult(refunded=True, refund_id=refund.id)

    @staticmethod
    def _answer_or_raise(error: stripe.StripeError, call: str) -> str:
        if isinstance(error, TRANSIENT_ERRORS):
            log.warning("stripe_unavailable", call=call, error=type(error).__name__)
            raise ProviderUnavailable(f"stripe {call}: {type(error).__name__}") from error
        reason = decline_of(error)
        if reason is None:
            raise error
        return reason
