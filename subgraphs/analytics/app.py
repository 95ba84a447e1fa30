"""``create_app(settings)``: the analytics subgraph as an ASGI app.

It only reads its reporting tables; the ``analytics`` worker group (handlers.py) fills
them from events. It publishes nothing, so it has no outbox relay.
"""

from __future__ import annotations

from starlette.applications import Starlette

from shopgraph.app import RequestContext, create_subgraph_app
from shopgraph.resources import ServiceResources
from shopgraph.settings import Settings
from subgraphs.analytics.schema import SERVICE_KEY, build_schema
from subgraphs.analytics.service import AnalyticsService

SERVICE = "analytics"


def create_app(settings: Settings, *, resources: ServiceResources | None = None) -> Starlette:
    res = resources or ServiceResources.from_settings(settings, SERVICE)
    service = AnalyticsService(res.db)

    def build_context(ctx: RequestContext) -> RequestContext:
        ctx.extra[SERVICE_KEY] = service
        return ctx

    app = create_subgraph_app(
        service=SERVICE,
        settings=settings,
        schema=build_schema(settings),
        principals=res.principals,
        build_context=build_context,
        on_startup=[res.start],
        on_shutdown=[res.stop],
        readiness=[res.database],
    )
    app.state.resources = res
    app.state.analytics = service
    return app
