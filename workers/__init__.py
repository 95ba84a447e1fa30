"""Workers: consumer groups that run domain handlers on the consumer runtime.

A group is a :class:`WorkerGroup`: a name, the topics it consumes and a factory for its
handlers. Services declare theirs in ``subgraphs/<service>/handlers.py`` as
``WORKER_GROUPS``; the composition root (:mod:`bootstrap.registry`) lists every group
explicitly. ``group.build(settings)`` gives a :class:`WorkerRuntime` with ``run()`` and
``stop()``::

    @asynccontextmanager
    async def payment_handlers(settings):
        async with ServiceResources.from_settings(settings, "payments").running() as res:
            registry = HandlerRegistry()
            registry.register("orders", "OrderCreated", ChargeOrder(res.db))
            yield registry

    WORKER_GROUPS = (WorkerGroup("payments", ("orders",), payment_handlers),)
"""

from __future__ import annotations

from workers.runtime import (
    ConsumerRuntime,
    HandlerFactory,
    RuntimeStats,
    WorkerGroup,
    WorkerRuntime,
)

__all__ = [
    "ConsumerRuntime",
    "HandlerFactory",
    "RuntimeStats",
    "WorkerGroup",
    "WorkerRuntime",
]
