"""``create_app(settings)``: the reviews subgraph as an ASGI app.

It holds a :class:`~shopgraph.resources.ServiceResources` (database, bus, token verifier,
outbox relay publishing the ``reviews`` topic while the app is up). Tests pass their own.
"""

from __future__ import annotations

from starlette.applications import Starlette

from shopgraph.resources import ServiceResources
from shopgraph.service_app import create_service_app
from shopgraph.settings import Settings
from subgraphs.reviews.models import outbox
from subgraphs.reviews.schema import SERVICE_KEY, build_schema
from subgraphs.reviews.service import ReviewService

SERVICE = "reviews"


def create_app(settings: Settings, *, resources: ServiceResources | None = None) -> Starlette:
    res = resources or ServiceResources.from_settings(settings, SERVICE, outbox=outbox)
    service = ReviewService(res.db, on_commit=res.wake_relay)
    app = create_service_app(res, schema=build_schema(settings), context={SERVICE_KEY: service})
    app.state.reviews = service
    return app
