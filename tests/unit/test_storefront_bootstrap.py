"""When ``make dev`` installs, rebuilds and serves the storefront, and when it leaves it out."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bootstrap.storefront import (
    needs_build,
    needs_install,
    parse_node_version,
    unavailable_reason,
)


def touch(path: Path, mtime: float) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("x")
    os.utime(path, (mtime, mtime))


@pytest.fixture
def storefront(tmp_path: Path) -> Path:
    touch(tmp_path / "package.json", 100)
    touch(tmp_path / "package-lock.json", 100)
    touch(tmp_path / "src" / "app" / "page.tsx", 100)
    return tmp_path


def test_node_versions_are_read_from_node_dash_dash_version() -> None:
    assert parse_node_version("v20.11.1\n") == (20, 11)
    assert parse_node_version("v18.18.0-nightly") == (18, 18)
    assert parse_node_version("command not found") is None


def test_a_first_run_installs_and_builds(storefront: Path) -> None:
    assert needs_install(storefront)
    assert needs_build(storefront)


def test_an_unchanged_storefront_is_not_rebuilt(storefront: Path) -> None:
    touch(storefront / "node_modules" / ".package-lock.json", 200)
    touch(storefront / ".next" / "BUILD_ID", 200)
    assert not needs_install(storefront)
    assert not needs_build(storefront)


def test_an_edited_source_or_lock_file_triggers_a_rebuild(storefront: Path) -> None:
    touch(storefront / "node_modules" / ".package-lock.json", 200)
    touch(storefront / ".next" / "BUILD_ID", 200)
    touch(storefront / "src" / "components" / "New.tsx", 300)
    assert needs_build(storefront)
    touch(storefront / "package-lock.json", 400)
    assert needs_install(storefront)


def test_it_can_be_switched_off(storefront: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHOPGRAPH_STOREFRONT", "off")
    assert unavailable_reason(storefront) == "SHOPGRAPH_STOREFRONT=off"


def test_without_node_it_says_what_to_install(
    storefront: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SHOPGRAPH_STOREFRONT", raising=False)
    monkeypatch.setenv("PATH", str(storefront))  # no node here
    reason = unavailable_reason(storefront)
    assert reason is not None and "Node.js >= 18.18" in reason


def test_a_checkout_without_the_storefront_starts_without_it(tmp_path: Path) -> None:
    assert unavailable_reason(tmp_path) == f"no storefront in {tmp_path}"
