"""The background loop that expires reservations (started and stopped with the app).

Every ``interval`` seconds it calls :meth:`ReservationService.sweep_expired`; each expiry
re-checks the reservation under its row lock, so several app processes may sweep the same
database at once and still return a reservation's units exactly once.
"""

from __future__ import annotations

from shopgraph.periodic import Periodic
from subgraphs.inventory.reservations import ReservationService

DEFAULT_INTERVAL_SECONDS = 5.0


def reservation_sweeper(
    reservations: ReservationService, interval: float = DEFAULT_INTERVAL_SECONDS
) -> Periodic:
    return Periodic("inventory-reservation-sweeper", reservations.sweep_expired, interval)
