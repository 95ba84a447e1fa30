"""``create_app(settings)``: the payments subgraph as an ASGI app.

While the app is up it runs the outbox relay (``payments`` topic: the ``PaymentRefunded``
events of staff refunds) through :class:`~shopgraph.resources.ServiceResources`. Charging
happens in the ``payments`` worker group (:mod:`subgraphs.payments.handlers`).
"""

from __future__ import annotations

from starlette.applications import Starlette

from shopgraph.resources import ServiceResources
from shopgraph.service_app import create_service_app
from shopgraph.settings import Settings
from subgraphs.payments.models import outbox
from subgraphs.payments.provider import PaymentProvider, provider_for
from subgraphs.payments.schema import SERVICE_KEY, build_schema
from subgraphs.payments.service import PaymentService

SERVICE = "payments"


def create_app(
    settings: Settings,
    *,
    resources: ServiceResources | None = None,
    provider: PaymentProvider | None = None,
) -> Starlette:
    res = resources or ServiceResources.from_settings(settings, SERVICE, outbox=outbox)
    service = PaymentService(res.db, provider or provider_for(settings), on_commit=res.wake_relay)
    app = create_service_app(res, schema=build_schema(settings), context={SERVICE_KEY: service})
    app.state.payments = service
    return app
