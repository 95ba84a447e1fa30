"""The worker groups ``shopgraph worker <group>`` and ``make dev`` can run.

Each service that consumes events declares its group in ``subgraphs/<service>/handlers.py``
as ``WORKER_GROUPS``; this module collects them, so the runtime knows nothing of domains.
"""

from __future__ import annotations

import importlib

from workers.runtime import WorkerGroup


def declared_groups() -> dict[str, WorkerGroup]:
    from shopgraph.services import available_services

    groups: dict[str, WorkerGroup] = {}
    for service in available_services():
        try:
            module = importlib.import_module(f"subgraphs.{service}.handlers")
        except ModuleNotFoundError as exc:
            if exc.name != f"subgraphs.{service}.handlers":
                raise
            continue
        for group in getattr(module, "WORKER_GROUPS", ()):
            groups[group.name] = group
    return groups
