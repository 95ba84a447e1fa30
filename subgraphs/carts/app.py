"""``create_app(settings)``: the carts subgraph as an ASGI app.

Carts keeps everything in the key-value store (Redis in the scale-out column, the
in-process store in ``make dev``): no SQL database, no migrations, no outbox. It reads the
guest cart token from the ``X-Cart-Token`` header and asks the products subgraph for current
prices over an internal service token. ``CartCreated`` leaves in the background
(:mod:`subgraphs.carts.announcements`); shutdown flushes it before the bus stops.
"""

from __future__ import annotations

from starlette.applications import Starlette

from shopgraph.app import RequestContext
from shopgraph.internal import InternalClient
from shopgraph.resources import ServiceResources
from shopgraph.service_app import create_service_app
from shopgraph.settings import Settings
from subgraphs.carts.announcements import CartAnnouncer
from subgraphs.carts.schema import (
    CART_TOKEN_HEADER,
    SERVICE_KEY,
    TOKEN_KEY,
    build_schema,
    cart_token_from_header,
)
from subgraphs.carts.service import CartService, ProductCatalog
from subgraphs.products.client import ProductsClient

SERVICE = "carts"


def create_app(
    settings: Settings,
    *,
    resources: ServiceResources | None = None,
    catalog: ProductCatalog | None = None,
) -> Starlette:
    res = resources or ServiceResources.from_settings(settings, SERVICE)
    products = catalog or ProductsClient(InternalClient(settings, SERVICE))
    announcer = CartAnnouncer(res.bus)
    service = CartService(res.kv, products, on_cart_created=announcer)

    def cart_token(ctx: RequestContext) -> RequestContext:
        ctx.extra[TOKEN_KEY] = cart_token_from_header(ctx.request.headers.get(CART_TOKEN_HEADER))
        return ctx

    app = create_service_app(
        res,
        schema=build_schema(settings),
        context={SERVICE_KEY: service},
        build_context=cart_token,
        on_shutdown=[announcer.close, products.close],
        readiness=[res.key_value],
    )
    app.state.carts = service
    app.state.announcer = announcer
    return app
