"""The worker groups ``shopgraph worker <group>`` and ``make dev`` can run.

Each service that consumes events declares its group in ``subgraphs/<service>/handlers.py``
as ``WORKER_GROUPS``; this module collects them, so the runtime knows nothing of domains.
"""

from __future__ import annotations

import importlib

from shopgraph.settings import Settings
from workers.runtime import WorkerGroup, WorkerRuntime


def declared_groups() -> dict[str, WorkerGroup]:
    from shopgraph.services import available_services

    groups: dict[str, WorkerGroup] = {}
    for service in available_services():
        try:
            module = importlib.import_module(f"subgraphs.{service}.handlers")
        except ModuleNotFoundError:
            continue
        for group in getattr(module, "WORKER_GROUPS", ()):
            groups[group.name] = group
    return groups


def group_names() -> list[str]:
    return sorted(declared_groups())


def build_runtime(settings: Settings, name: str) -> WorkerRuntime:
    groups = declared_groups()
    if name not in groups:
        available = ", ".join(sorted(groups)) or "none yet"
        raise KeyError(f"unknown worker group {name!r} (available: {available})")
    return groups[name].build(settings)
