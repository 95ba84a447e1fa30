"""``POST /webhooks/stripe``: Stripe's asynchronous charge outcomes, signature checked.

Stripe signs each delivery with the endpoint's secret (``Stripe-Signature``); the SDK's
``Webhook.construct_event`` checks the signature and its timestamp (5 minutes of tolerance).
A delivery that fails the check is refused with 400 and changes nothing.

``payment_intent.succeeded`` and ``payment_intent.payment_failed`` of an intent that carries
an ``order_id`` in its metadata are settled through
:meth:`~subgraphs.payments.service.PaymentService.settle_reported`, which is idempotent with
the worker's own result: whichever settles the order first wins, the other changes nothing
and emits no event. Other event types are acknowledged (200) and ignored, so Stripe stops
redelivering them.

Without ``SHOPGRAPH_STRIPE_WEBHOOK_SECRET`` the endpoint answers 503; production with the
Stripe provider refuses to start without it (:func:`check_webhook_settings`).
"""

from __future__ import annotations

from typing import Any

import stripe
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from shopgraph.logging import get_logger
from shopgraph.settings import PaymentProviderName, Settings, SettingsError
from subgraphs.payments.records import OrderCharge, ReportedOutcome
from subgraphs.payments.service import PaymentService

log = get_logger(__name__)

PATH = "/webhooks/stripe"
SETTLING_EVENTS = {"payment_intent.succeeded": True, "payment_intent.payment_failed": False}
MAX_BODY_BYTES = 256 * 1024


def check_webhook_settings(settings: Settings) -> None:
    """Refuse production with Stripe but no webhook secret (outcomes would be lost)."""
    if (
        settings.is_production
        and settings.payment_provider is PaymentProviderName.STRIPE
        and not settings.stripe_webhook_secret
    ):
        raise SettingsError(
            "SHOPGRAPH_STRIPE_WEBHOOK_SECRET is required in production with "
            "SHOPGRAPH_PAYMENT_PROVIDER=stripe (the endpoint's signing secret, whsec_…)"
        )


def reported_outcome(intent: dict[str, Any], succeeded: bool) -> ReportedOutcome | None:
    """The outcome a PaymentIntent object reports, or ``None`` when it names no order."""
    metadata = intent.get("metadata") or {}
    order_id = metadata.get("order_id")
    if not order_id:
        return None
    error = intent.get("last_payment_error") or {}
    order = OrderCharge(
        order_id=str(order_id),
        user_id=None,
        amount_minor=int(intent.get("amount") or 0),
        currency=str(intent.get("currency") or "").upper(),
        method=str(intent.get("payment_method") or "stripe")[:100],
    )
    reason = None if succeeded else str(error.get("decline_code") or error.get("code") or "")
    return ReportedOutcome(
        order=order, intent_id=str(intent["id"]), succeeded=succeeded, failure_reason=reason
    )


def stripe_webhook_route(settings: Settings, payments: PaymentService) -> Route:
    secret = settings.stripe_webhook_secret

    async def receive(request: Request) -> JSONResponse:
        if not secret:
            return JSONResponse({"error": "webhook secret not configured"}, status_code=503)
        payload = await request.body()
        if len(payload) > MAX_BODY_BYTES:
            return JSONResponse({"error": "payload too large"}, status_code=413)
        try:
            event = stripe.Webhook.construct_event(
                payload.decode(), request.headers.get("stripe-signature", ""), secret
            )
        except (ValueError, stripe.SignatureVerificationError) as error:
            log.warning("stripe_webhook_refused", error=type(error).__name__)
            return JSONResponse({"error": "invalid signature or payload"}, status_code=400)
        if event.type not in SETTLING_EVENTS:
            return JSONResponse({"received": True, "handled": False})
        outcome = reported_outcome(event.data.object.to_dict(), SETTLING_EVENTS[event.type])
        if outcome is None:
            log.warning("stripe_webhook_without_order", event_id=event.id, type=event.type)
            return JSONResponse({"received": True, "handled": False})
        record = await payments.settle_reported(outcome)
        return JSONResponse({"received": True, "handled": True, "status": record.status.value})

    return Route(PATH, receive, methods=["POST"])
