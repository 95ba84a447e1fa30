"""``create_app(settings)``: the products subgraph as an ASGI app.

Holds the service's :class:`~shopgraph.resources.ServiceResources` (database, bus, token
verifier, outbox relay publishing the ``catalog`` topic); the relay is woken after each
commit so events leave without waiting for the next poll.
"""

from __future__ import annotations

from starlette.applications import Starlette

from shopgraph.resources import ServiceResources
from shopgraph.service_app import create_service_app
from shopgraph.settings import Settings
from subgraphs.products.categories import CategoryService
from subgraphs.products.models import outbox
from subgraphs.products.schema import build_schema
from subgraphs.products.service import ProductService
from subgraphs.products.types import CATALOG_KEY, Catalog

SERVICE = "products"


def create_app(settings: Settings, *, resources: ServiceResources | None = None) -> Starlette:
    res = resources or ServiceResources.from_settings(settings, SERVICE, outbox=outbox)
    catalog = Catalog(
        products=ProductService(res.db, on_commit=res.wake_relay),
        categories=CategoryService(res.db, on_commit=res.wake_relay),
    )
    app = create_service_app(res, schema=build_schema(settings), context={CATALOG_KEY: catalog})
    app.state.catalog = catalog
    return app
