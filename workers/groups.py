"""The worker groups ``shopgraph worker <group>`` and ``make dev`` can run.

Each service that consumes events declares its group in ``subgraphs/<service>/handlers.py``
as ``WORKER_GROUPS``; this module collects them, so the runtime knows nothing of domains.
"""

from __future__ import annotations

import importlib

from workers.runtime import WorkerGroup

# Worker packages that belong to no subgraph (they keep their own small database).
STANDALONE_MODULES: tuple[str, ...] = ("workers.notifications",)


def declared_groups() -> dict[str, WorkerGroup]:
    from shopgraph.services import available_services

    modules = [f"subgraphs.{service}.handlers" for service in available_services()]
    groups: dict[str, WorkerGroup] = {}
    for name in (*modules, *STANDALONE_MODULES):
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        for group in getattr(module, "WORKER_GROUPS", ()):
            groups[group.name] = group
    return groups
