"""Supergraph hot reload: a changed file swaps the gateway; a bad one keeps the old."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from router.plugins.hot_reload import GatewayHolder, SupergraphWatcher
from tests.unit.router.test_server_http import FakeGateway


class NamedGateway(FakeGateway):
    def __init__(self, sdl: str) -> None:
        super().__init__({"data": {"sdl": sdl}})
        self.sdl = sdl


def build(sdl: str) -> NamedGateway:
    if "broken" in sdl:
        raise ValueError("Unknown type 'Broken' in join__type")
    return NamedGateway(sdl)


def touch(path: Path, text: str, bump: int) -> None:
    path.write_text(text)
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + bump * 1_000_000_000))


async def test_a_changed_file_swaps_the_gateway_and_closes_the_old_one(tmp_path: Path) -> None:
    path = tmp_path / "supergraph.graphql"
    touch(path, "v1", 0)
    first = build("v1")
    holder = GatewayHolder(first)
    watcher = SupergraphWatcher(path, holder, build, grace_seconds=0)
    assert await watcher.check_once() is False  # unchanged
    touch(path, "v2", 5)
    assert await watcher.check_once() is True
    assert isinstance(holder.current, NamedGateway) and holder.current.sdl == "v2"
    await watcher.aclose()
    assert first.closed


async def test_a_bad_file_keeps_the_old_gateway(tmp_path: Path) -> None:
    path = tmp_path / "supergraph.graphql"
    touch(path, "v1", 0)
    first = build("v1")
    holder = GatewayHolder(first)
    watcher = SupergraphWatcher(path, holder, build)
    touch(path, "broken", 5)
    assert await watcher.check_once() is False
    assert holder.current is first
    assert watcher.last_error is not None and "Broken" in watcher.last_error
    touch(path, "v3", 10)
    assert await watcher.check_once() is True
    assert watcher.last_error is None
    await watcher.aclose()


@pytest.mark.parametrize("async_build", [True, False])
async def test_async_factories_are_awaited(tmp_path: Path, async_build: bool) -> None:
    path = tmp_path / "s.graphql"
    touch(path, "a", 0)

    async def build_async(sdl: str) -> NamedGateway:
        return build(sdl)

    holder = GatewayHolder(build("a"))
    watcher = SupergraphWatcher(path, holder, build_async if async_build else build)
    touch(path, "b", 3)
    assert await watcher.check_once()
    assert isinstance(holder.current, NamedGateway) and holder.current.sdl == "b"
    await watcher.aclose()
