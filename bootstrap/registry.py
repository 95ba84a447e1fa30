"""Every service and worker group of the platform, listed explicitly.

A service that is not listed here does not exist for the CLI, ``make dev``, the SDL export or
the router's dev composition; a typo in an import fails at start-up instead of silently
removing a service.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from starlette.applications import Starlette

import subgraphs.analytics.app
import subgraphs.analytics.handlers
import subgraphs.analytics.schema
import subgraphs.carts.app
import subgraphs.carts.handlers
import subgraphs.carts.schema
import subgraphs.inventory.app
import subgraphs.inventory.handlers
import subgraphs.inventory.schema
import subgraphs.inventory.seed
import subgraphs.orders.app
import subgraphs.orders.handlers
import subgraphs.orders.schema
import subgraphs.payments.app
import subgraphs.payments.handlers
import subgraphs.payments.schema
import subgraphs.products.app
import subgraphs.products.schema
import subgraphs.products.seed
import subgraphs.reviews.app
import subgraphs.reviews.handlers
import subgraphs.reviews.schema
import subgraphs.reviews.seed
import subgraphs.search.app
import subgraphs.search.handlers
import subgraphs.search.schema
import subgraphs.search.seed
import subgraphs.users.app
import subgraphs.users.schema
import subgraphs.users.seed
import workers.notifications
from shopgraph.settings import Settings
from workers.runtime import WorkerGroup

AppFactory = Callable[[Settings], Starlette]
SchemaFactory = Callable[[Settings], Any]
Seeder = Callable[[Settings], Awaitable[None]]


def _migrations_of(package: ModuleType) -> Path:
    assert package.__file__ is not None
    return Path(package.__file__).parent / "migrations"


@dataclass(frozen=True)
class ServiceSpec:
    """One subgraph: how to build its app and schema, where its migrations live (``None``
    when it keeps no SQL database), how to seed demo data, and the worker groups that run
    its event handlers."""

    name: str
    create_app: AppFactory
    build_schema: SchemaFactory
    migrations: Path | None
    seed: Seeder | None = None
    worker_groups: tuple[WorkerGroup, ...] = field(default=())


@dataclass(frozen=True)
class WorkerDatabase:
    """A worker package that keeps its own database but serves no GraphQL."""

    name: str
    migrations: Path


SERVICES: tuple[ServiceSpec, ...] = (
    ServiceSpec(
        "users",
        subgraphs.users.app.create_app,
        subgraphs.users.schema.build_schema,
        _migrations_of(subgraphs.users),
        seed=subgraphs.users.seed.seed,
    ),
    ServiceSpec(
        "products",
        subgraphs.products.app.create_app,
        subgraphs.products.schema.build_schema,
        _migrations_of(subgraphs.products),
        seed=subgraphs.products.seed.seed,
    ),
    ServiceSpec(
        "inventory",
        subgraphs.inventory.app.create_app,
        subgraphs.inventory.schema.build_schema,
        _migrations_of(subgraphs.inventory),
        seed=subgraphs.inventory.seed.seed,
        worker_groups=subgraphs.inventory.handlers.WORKER_GROUPS,
    ),
    ServiceSpec(
        "carts",
        subgraphs.carts.app.create_app,
        subgraphs.carts.schema.build_schema,
        None,
        worker_groups=subgraphs.carts.handlers.WORKER_GROUPS,
    ),
    ServiceSpec(
        "orders",
        subgraphs.orders.app.create_app,
        subgraphs.orders.schema.build_schema,
        _migrations_of(subgraphs.orders),
        worker_groups=subgraphs.orders.handlers.WORKER_GROUPS,
    ),
    ServiceSpec(
        "payments",
        subgraphs.payments.app.create_app,
        subgraphs.payments.schema.build_schema,
        _migrations_of(subgraphs.payments),
        worker_groups=subgraphs.payments.handlers.WORKER_GROUPS,
    ),
    ServiceSpec(
        "reviews",
        subgraphs.reviews.app.create_app,
        subgraphs.reviews.schema.build_schema,
        _migrations_of(subgraphs.reviews),
        seed=subgraphs.reviews.seed.seed,
        worker_groups=subgraphs.reviews.handlers.WORKER_GROUPS,
    ),
    ServiceSpec(
        "search",
        subgraphs.search.app.create_app,
        subgraphs.search.schema.build_schema,
        _migrations_of(subgraphs.search),
        seed=subgraphs.search.seed.seed,
        worker_groups=subgraphs.search.handlers.WORKER_GROUPS,
    ),
    ServiceSpec(
        "analytics",
        subgraphs.analytics.app.create_app,
        subgraphs.analytics.schema.build_schema,
        _migrations_of(subgraphs.analytics),
        worker_groups=subgraphs.analytics.handlers.WORKER_GROUPS,
    ),
)

WORKER_DATABASES: tuple[WorkerDatabase, ...] = (
    WorkerDatabase("notifications", _migrations_of(workers.notifications)),
)

STANDALONE_WORKER_GROUPS: tuple[WorkerGroup, ...] = workers.notifications.WORKER_GROUPS


def service_names() -> list[str]:
    return [spec.name for spec in SERVICES]


def service(name: str) -> ServiceSpec:
    """Raises ``KeyError`` with a message naming the known services."""
    for spec in SERVICES:
        if spec.name == name:
            return spec
    raise KeyError(f"unknown service {name!r}; choose one of: {', '.join(service_names())}")


def migration_dirs() -> dict[str, Path]:
    """Every database's migrations by database name, in migration order."""
    dirs = {spec.name: spec.migrations for spec in SERVICES if spec.migrations is not None}
    dirs.update({db.name: db.migrations for db in WORKER_DATABASES})
    return dirs


def worker_groups() -> dict[str, WorkerGroup]:
    """Every worker group by name: the services' and the standalone ones."""
    groups: dict[str, WorkerGroup] = {}
    for group in (*(g for spec in SERVICES for g in spec.worker_groups), *STANDALONE_WORKER_GROUPS):
        if group.name in groups:
            raise ValueError(f"worker group {group.name!r} is declared twice")
        groups[group.name] = group
    return groups


def worker_group(name: str) -> WorkerGroup:
    """Raises ``KeyError`` with a message naming the known groups."""
    known = worker_groups()
    if name not in known:
        raise KeyError(f"unknown worker group {name!r} (available: {', '.join(sorted(known))})")
    return known[name]
