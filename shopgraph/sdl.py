"""Each subgraph's SDL, as it serves it at ``_service { sdl }``, committed under schema/."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from shopgraph.services import available_services
from shopgraph.settings import Settings

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schema"


def service_sdl(service: str, settings: Settings) -> str:
    module = importlib.import_module(f"subgraphs.{service}.schema")
    schema: Any = module.build_schema(settings)
    result = schema.execute_sync("{ _service { sdl } }")
    if result.errors:
        raise RuntimeError(f"{service}: {result.errors[0].message}")
    return str(result.data["_service"]["sdl"]).rstrip() + "\n"


def sdl_path(service: str, directory: Path = SCHEMA_DIR) -> Path:
    return directory / f"{service}.graphql"


def write_all(settings: Settings, directory: Path = SCHEMA_DIR) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for service in available_services():
        path = sdl_path(service, directory)
        path.write_text(service_sdl(service, settings))
        written.append(path)
    return written
