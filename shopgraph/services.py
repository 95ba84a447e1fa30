"""Which subgraphs exist and how to build each one's app."""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable
from typing import cast

from starlette.applications import Starlette

from shopgraph.settings import SERVICES, Settings

AppFactory = Callable[[Settings], Starlette]
Seeder = Callable[[Settings], Awaitable[None]]


def is_available(service: str) -> bool:
    """True when ``subgraphs/<service>/app.py`` exists (later issues add services)."""
    try:
        importlib.import_module(f"subgraphs.{service}.app")
    except ModuleNotFoundError as exc:
        if exc.name in (f"subgraphs.{service}", f"subgraphs.{service}.app"):
            return False
        raise
    return True


def available_services() -> list[str]:
    return [name for name in SERVICES if is_available(name)]


def require_service(service: str) -> None:
    if service not in SERVICES:
        raise ValueError(f"unknown service {service!r}; choose one of: {', '.join(SERVICES)}")
    if not is_available(service):
        raise ValueError(f"service {service!r} is not built yet")


def app_factory(service: str) -> AppFactory:
    require_service(service)
    module = importlib.import_module(f"subgraphs.{service}.app")
    return cast(AppFactory, module.create_app)


def seeder(service: str) -> Seeder | None:
    """``subgraphs/<service>/seed.py:seed(settings)``, if the service seeds demo data."""
    try:
        module = importlib.import_module(f"subgraphs.{service}.seed")
    except ModuleNotFoundError:
        return None
    return cast(Seeder | None, getattr(module, "seed", None))
