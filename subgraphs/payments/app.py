"""``create_app(settings)``: the payments subgraph as an ASGI app.

While the app is up it runs the outbox relay (``payments`` topic: the ``PaymentRefunded``
events of staff refunds) through :class:`~shopgraph.resources.ServiceResources`. Charging
happens in the ``payments`` worker group (:mod:`subgraphs.payments.handlers`); Stripe's
asynchronous outcomes arrive at ``POST /webhooks/stripe`` (:mod:`subgraphs.payments.webhook`).
The provider is chosen by :func:`~subgraphs.payments.provider_choice.provider_for`: in
production an unset ``SHOPGRAPH_PAYMENT_PROVIDER`` stops ``create_app`` with a message.
"""

from __future__ import annotations

from starlette.applications import Starlette

from shopgraph.resources import ServiceResources
from shopgraph.service_app import create_service_app
from shopgraph.settings import Settings
from subgraphs.payments.models import outbox
from subgraphs.payments.provider import PaymentProvider
from subgraphs.payments.provider_choice import provider_for
from subgraphs.payments.schema import SERVICE_KEY, build_schema
from subgraphs.payments.service import PaymentService
from subgraphs.payments.webhook import check_webhook_settings, stripe_webhook_route

SERVICE = "payments"


def create_app(
    settings: Settings,
    *,
    resources: ServiceResources | None = None,
    provider: PaymentProvider | None = None,
) -> Starlette:
    check_webhook_settings(settings)
    charger = provider or provider_for(settings)
    res = resources or ServiceResources.from_settings(settings, SERVICE, outbox=outbox)
    service = PaymentService(res.db, charger, on_commit=res.wake_relay)
    app = create_service_app(
        res,
        schema=build_schema(settings),
        context={SERVICE_KEY: service},
        routes=[stripe_webhook_route(settings, service)],
    )
    app.state.payments = service
    return app
