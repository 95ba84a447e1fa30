"""Workers: consumer groups that run domain handlers on the consumer runtime.

A group is a :class:`WorkerGroup`; services declare theirs in
``subgraphs/<service>/handlers.py`` as ``WORKER_GROUPS``, and worker packages that belong
to no service (:mod:`workers.notifications`) likewise; :mod:`workers.groups` finds them and
``all_groups()`` returns them by name::

    from contextlib import asynccontextmanager

    @asynccontextmanager
    async def payment_handlers(settings):
        db = Database(settings.database_url_for("payments"))
        registry = HandlerRegistry()
        registry.register("orders", "OrderCreated", ChargeOrder(db))
        try:
            yield registry
        finally:
            await db.dispose()

    WORKER_GROUPS = (WorkerGroup("payments", ("orders",), payment_handlers),)

``group.build(settings)`` gives a :class:`WorkerRuntime` with ``run()`` and ``stop()``.
"""

from __future__ import annotations

from workers.runtime import (
    ConsumerRuntime,
    HandlerFactory,
    RuntimeStats,
    WorkerGroup,
    WorkerRuntime,
)


def all_groups() -> dict[str, WorkerGroup]:
    """Every declared group by name."""
    from workers.groups import declared_groups

    return declared_groups()


def get_group(name: str) -> WorkerGroup:
    known = all_groups()
    if name not in known:
        available = ", ".join(sorted(known)) or "none yet"
        raise KeyError(f"unknown worker group {name!r} (available: {available})")
    return known[name]


__all__ = [
    "ConsumerRuntime",
    "HandlerFactory",
    "RuntimeStats",
    "WorkerGroup",
    "WorkerRuntime",
    "all_groups",
    "get_group",
]
