"""``create_app(settings)``: the analytics subgraph as an ASGI app.

It only reads its reporting tables; the ``analytics`` worker group (handlers.py) fills
them from events. It publishes nothing, so it has no outbox relay.
"""

from __future__ import annotations

from starlette.applications import Starlette

from shopgraph.resources import ServiceResources
from shopgraph.service_app import create_service_app
from shopgraph.settings import Settings
from subgraphs.analytics.schema import SERVICE_KEY, build_schema
from subgraphs.analytics.service import AnalyticsService

SERVICE = "analytics"


def create_app(settings: Settings, *, resources: ServiceResources | None = None) -> Starlette:
    res = resources or ServiceResources.from_settings(settings, SERVICE)
    service = AnalyticsService(res.db)
    app = create_service_app(res, schema=build_schema(settings), context={SERVICE_KEY: service})
    app.state.analytics = service
    return app
