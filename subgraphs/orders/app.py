"""``create_app(settings)``: the orders subgraph as an ASGI app.

While the app is up it runs the outbox relay (``orders`` topic, via
:class:`~shopgraph.resources.ServiceResources`) and the sweeper that cancels orders left
``PENDING`` too long. Subscriptions (``/graphql`` over graphql-transport-ws) listen on the
key-value pub/sub fed by the ``order-status`` worker group.
"""

from __future__ import annotations

from starlette.applications import Starlette

from shopgraph.internal import InternalClient
from shopgraph.resources import ServiceResources
from shopgraph.service_app import create_service_app
from shopgraph.settings import Settings
from subgraphs.orders.checkout import CheckoutService
from subgraphs.orders.models import outbox
from subgraphs.orders.schema import CHECKOUT_KEY, KV_KEY, SERVICE_KEY, build_schema
from subgraphs.orders.service import OrderService
from subgraphs.orders.sweeper import DEFAULT_INTERVAL_SECONDS, pending_sweeper
from subgraphs.orders.upstream import Checkout, GraphQLCheckout

SERVICE = "orders"


def create_app(
    settings: Settings,
    *,
    resources: ServiceResources | None = None,
    checkout: Checkout | None = None,
    sweep_interval: float = DEFAULT_INTERVAL_SECONDS,
) -> Starlette:
    res = resources or ServiceResources.from_settings(settings, SERVICE, outbox=outbox)
    upstream = checkout or GraphQLCheckout(InternalClient(settings, SERVICE))
    orders = OrderService(res.db, on_commit=res.wake_relay)
    placing = CheckoutService(res.db, upstream, on_commit=res.wake_relay)
    sweeper = pending_sweeper(orders, sweep_interval)
    app = create_service_app(
        res,
        schema=build_schema(settings),
        context={SERVICE_KEY: orders, CHECKOUT_KEY: placing, KV_KEY: res.kv},
        on_startup=[sweeper.start],
        on_shutdown=[sweeper.stop, placing.close, upstream.close],
        readiness=[res.database, res.key_value],
    )
    app.state.orders = orders
    app.state.checkout = placing
    app.state.sweeper = sweeper
    return app
