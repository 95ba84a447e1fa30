"""``create_app(settings)``: the carts subgraph as an ASGI app.

Carts keeps everything in the key-value store (Redis in the scale-out column, the
in-process store in ``make dev``): no SQL database, no migrations, no outbox. It reads the
guest cart token from the ``X-Cart-Token`` header and asks the products subgraph for current
prices over an internal service token.
"""

from __future__ import annotations

from starlette.applications import Starlette

from shopgraph.app import RequestContext, create_subgraph_app
from shopgraph.internal import InternalClient
from shopgraph.resources import ServiceResources
from shopgraph.settings import Settings
from subgraphs.carts.announcements import CartAnnouncer
from subgraphs.carts.catalog import GraphQLProductCatalog, ProductCatalog
from subgraphs.carts.schema import (
    CART_TOKEN_HEADER,
    SERVICE_KEY,
    TOKEN_KEY,
    build_schema,
    cart_token_from_header,
)
from subgraphs.carts.service import CartService

SERVICE = "carts"


def create_app(
    settings: Settings,
    *,
    resources: ServiceResources | None = None,
    catalog: ProductCatalog | None = None,
) -> Starlette:
    res = resources or ServiceResources.from_settings(settings, SERVICE)
    products = catalog or GraphQLProductCatalog(InternalClient(settings, SERVICE))
    service = CartService(res.kv, products, on_cart_created=CartAnnouncer(res.bus))

    def build_context(ctx: RequestContext) -> RequestContext:
        ctx.extra[SERVICE_KEY] = service
        ctx.extra[TOKEN_KEY] = cart_token_from_header(ctx.request.headers.get(CART_TOKEN_HEADER))
        return ctx

    async def stop() -> None:
        await products.close()
        await res.stop()

    app = create_subgraph_app(
        service=SERVICE,
        settings=settings,
        schema=build_schema(settings),
        principals=res.principals,
        build_context=build_context,
        on_startup=[res.start],
        on_shutdown=[stop],
        readiness=[res.key_value],
    )
    app.state.resources = res
    app.state.carts = service
    return app
