"""schema/<service>.graphql is what each subgraph serves: regenerate and diff."""

import pytest

from bootstrap.registry import service_names
from bootstrap.sdl import sdl_path, service_sdl
from shopgraph.settings import load_settings


@pytest.mark.parametrize("service", service_names())
def test_committed_sdl_is_current(service: str) -> None:
    committed = sdl_path(service)
    assert committed.exists(), f"{committed} missing: run `shopgraph sdl`"
    assert committed.read_text() == service_sdl(service, load_settings()), (
        f"{committed} is out of date: run `shopgraph sdl`"
    )
