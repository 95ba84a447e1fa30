"""``create_app(settings)``: the inventory subgraph as an ASGI app.

While the app is up it runs the outbox relay (``inventory`` topic, via
:class:`~shopgraph.resources.ServiceResources`) and the reservation sweeper.
"""

from __future__ import annotations

from starlette.applications import Starlette

from shopgraph.resources import ServiceResources
from shopgraph.service_app import create_service_app
from shopgraph.settings import Settings
from subgraphs.inventory.models import outbox
from subgraphs.inventory.reservations import ReservationService
from subgraphs.inventory.schema import RESERVATIONS_KEY, SERVICE_KEY, build_schema
from subgraphs.inventory.service import InventoryService
from subgraphs.inventory.sweeper import DEFAULT_INTERVAL_SECONDS, reservation_sweeper

SERVICE = "inventory"


def create_app(
    settings: Settings,
    *,
    resources: ServiceResources | None = None,
    sweep_interval: float = DEFAULT_INTERVAL_SECONDS,
) -> Starlette:
    res = resources or ServiceResources.from_settings(settings, SERVICE, outbox=outbox)
    inventory = InventoryService(res.db, on_commit=res.wake_relay)
    reservations = ReservationService(res.db, on_commit=res.wake_relay)
    sweeper = reservation_sweeper(reservations, sweep_interval)
    app = create_service_app(
        res,
        schema=build_schema(settings),
        context={SERVICE_KEY: inventory, RESERVATIONS_KEY: reservations},
        on_startup=[sweeper.start],
        on_shutdown=[sweeper.stop],
    )
    app.state.inventory = inventory
    app.state.reservations = reservations
    app.state.sweeper = sweeper
    return app
