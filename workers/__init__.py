"""Workers: consumer groups that run domain handlers on the consumer runtime.

A group is a :class:`WorkerGroup`; services declare theirs in
``subgraphs/<service>/handlers.py`` as ``WORKER_GROUPS`` (found by :mod:`workers.groups`),
and groups that belong to no service can call :func:`register_group` from a module that the
CLI imports. ``all_groups()`` returns both kinds by name (``groups`` is the
submodule :mod:`workers.groups`)::

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

_REGISTERED: dict[str, WorkerGroup] = {}


def register_group(group: WorkerGroup) -> WorkerGroup:
    """Register a group not declared by a service's ``WORKER_GROUPS``."""
    existing = _REGISTERED.get(group.name)
    if existing is not None and existing != group:
        raise ValueError(f"worker group {group.name!r} is already registered")
    _REGISTERED[group.name] = group
    return group


def all_groups() -> dict[str, WorkerGroup]:
    """Every known group by name: services' ``WORKER_GROUPS`` and registered ones."""
    from workers.groups import declared_groups

    return {**declared_groups(), **_REGISTERED}


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
    "register_group",
]
