"""Each subgraph's SDL, as it serves it at ``_service { sdl }``, committed under schema/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bootstrap.registry import SERVICES, service
from shopgraph.settings import Settings

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schema"


def service_sdl(name: str, settings: Settings) -> str:
    schema: Any = service(name).build_schema(settings)
    result = schema.execute_sync("{ _service { sdl } }")
    if result.errors:
        raise RuntimeError(f"{name}: {result.errors[0].message}")
    return str(result.data["_service"]["sdl"]).rstrip() + "\n"


def sdl_path(name: str, directory: Path = SCHEMA_DIR) -> Path:
    return directory / f"{name}.graphql"


def stale_services(settings: Settings, directory: Path = SCHEMA_DIR) -> list[str]:
    """Services whose committed SDL differs from what they serve."""
    return [
        spec.name
        for spec in SERVICES
        if not sdl_path(spec.name, directory).is_file()
        or sdl_path(spec.name, directory).read_text() != service_sdl(spec.name, settings)
    ]


def write_all(settings: Settings, directory: Path = SCHEMA_DIR) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for spec in SERVICES:
        path = sdl_path(spec.name, directory)
        path.write_text(service_sdl(spec.name, settings))
        written.append(path)
    return written
